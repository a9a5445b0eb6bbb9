/*
 * Renders the app into the host's element and returns the unmount function.
 * react-dom/client is not a shared dep on either host, so createRoot is feature-detected on the
 * shared react-dom (React 18 on Kibana 9.1+ and OSD 3.6+), else legacy render (host-contracts §5.4).
 */
import React from 'react';
import * as ReactDOM from 'react-dom';
import * as EUI from '@elastic/eui';
import { PLUGIN_NAME } from '../common/constants';
import { ApiClient } from './services/api_client';
import { ElasticRecheckApp } from './app';
import type { AppMountParameters, CoreStart } from './types/host';

export interface AppServices {
  core: CoreStart;
  api: ApiClient;
  history: AppMountParameters['history'];
}

export function App({ services }: { services: AppServices }) {
  return <ElasticRecheckApp services={services} />;
}

export function renderApp(core: CoreStart, params: AppMountParameters): () => void {
  const services: AppServices = { core, api: new ApiClient(core.http), history: params.history };
  core.chrome.docTitle.change(PLUGIN_NAME);
  core.chrome.setBreadcrumbs([{ text: PLUGIN_NAME, href: params.history.createHref({ pathname: '/' }) }]);
  // Kibana apps wrap themselves in EuiProvider (via KibanaRenderContextProvider, not a shared dep);
  // OUI has no EuiProvider, so feature-detect it (host-contracts §5.3).
  const Provider = (EUI as unknown as { EuiProvider?: React.ComponentType<{ colorMode?: string; children?: React.ReactNode }> }).EuiProvider;
  const element = Provider ? (
    <Provider colorMode="light">
      <App services={services} />
    </Provider>
  ) : (
    <App services={services} />
  );
  const dom = ReactDOM as unknown as { createRoot?: (el: HTMLElement) => { render(node: React.ReactNode): void; unmount(): void }; render(node: React.ReactElement, el: HTMLElement): void; unmountComponentAtNode(el: HTMLElement): boolean };
  if (typeof dom.createRoot === 'function') {
    const root = dom.createRoot(params.element);
    root.render(element);
    return () => root.unmount();
  }
  dom.render(element, params.element);
  return () => {
    dom.unmountComponentAtNode(params.element);
  };
}
