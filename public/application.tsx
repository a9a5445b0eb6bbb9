/*
 * Renders the app into the host's element and returns the unmount function.
 * react-dom/client is not a shared dep on either host, so the mount follows what the host's shared react-dom
 * has (docs/host_compatibility.md): createRoot (React 18: Kibana 9.x, OSD 3.6+), else the legacy render
 * (React 16/17: OSD before 3.6); with neither, a readable error on the page instead of a blank one.
 */
import React from 'react';
import * as ReactDOM from 'react-dom';
import * as EUI from '@elastic/eui';
import { PLUGIN_NAME } from '../common/constants';
import { ApiClient } from './services/api_client';
import { ElasticRecheckApp } from './app';
import { LeaveGuard, UNSAVED_CHANGES_TITLE } from './services/leave_guard';
import type { AppMountParameters, CoreStart } from './types/host';

export interface AppServices {
  core: CoreStart;
  api: ApiClient;
  history: AppMountParameters['history'];
  leaveGuard?: LeaveGuard;
}

export function App({ services }: { services: AppServices }) {
  return <ElasticRecheckApp services={services} />;
}

export function renderApp(core: CoreStart, params: AppMountParameters): () => void {
  const leaveGuard = new LeaveGuard();
  const services: AppServices = { core, api: new ApiClient(core.http), history: params.history, leaveGuard };
  // Leaving for another app or closing the tab: the host asks with our message (Kibana and OSD
  // AppMountParameters.onAppLeave; both hosts also consult it on beforeunload).
  params.onAppLeave((actions) => {
    const message = leaveGuard.get();
    return message ? actions.confirm(message, UNSAVED_CHANGES_TITLE) : actions.default();
  });
  core.chrome.docTitle.change(PLUGIN_NAME);
  core.chrome.setBreadcrumbs([{ text: PLUGIN_NAME, href: params.history.createHref({ pathname: '/' }) }]);
  // Kibana apps wrap themselves in EuiProvider (via KibanaRenderContextProvider, not a shared dep);
  // OUI has no EuiProvider, so feature-detect it (host-contracts §5.3).
  const Provider = (
    EUI as unknown as { EuiProvider?: React.ComponentType<{ colorMode?: string; children?: React.ReactNode }> }
  ).EuiProvider;
  const element = Provider ? (
    <Provider colorMode="light">
      <App services={services} />
    </Provider>
  ) : (
    <App services={services} />
  );
  return mountReact(ReactDOM as unknown as HostReactDom, params.element, element);
}

/** The part of the host's shared react-dom the mount uses. */
export interface HostReactDom {
  createRoot?: (el: HTMLElement) => { render(node: React.ReactNode): void; unmount(): void };
  render?: (node: React.ReactElement, el: HTMLElement) => void;
  unmountComponentAtNode?: (el: HTMLElement) => boolean;
  version?: string;
}

export function mountReact(dom: HostReactDom, element: HTMLElement, node: React.ReactElement): () => void {
  if (typeof dom.createRoot === 'function') {
    const root = dom.createRoot(element);
    root.render(node);
    return () => root.unmount();
  }
  if (typeof dom.render === 'function') {
    dom.render(node, element);
    return () => {
      dom.unmountComponentAtNode?.(element);
    };
  }
  // No way to render: say so where the app would have been (plain DOM, React cannot help here).
  const box = document.createElement('div');
  box.setAttribute('role', 'alert');
  box.setAttribute('data-test-subj', 'elasticRecheckMountError');
  box.style.cssText = 'margin:16px;padding:16px;border:2px solid #bd271e;color:#bd271e';
  box.textContent = `${PLUGIN_NAME} cannot start: the host's react-dom${dom.version ? ` ${dom.version}` : ''} offers neither createRoot nor render.`;
  element.appendChild(box);
  return () => box.remove();
}
