/*
 * The stand-in's browser core: what Kibana's core gives a plugin in the browser (public/types/host.ts).
 *  - plugin reader + lifecycle: plugin(ctx) → setup → start (plugin_reader.ts, plugins_service.ts);
 *  - application: register in setup, mount at /app/<id> with a ScopedHistory-like history, unmount on
 *    leave (application_service.tsx, scoped_history.ts), a placeholder for Discover;
 *  - onAppLeave as the hosts do it (Kibana src/core/packages/application/browser-internal/src/
 *    application_service.tsx shouldNavigate/onBeforeUnload and application_leave.tsx; OSD
 *    src/core/public/application/application_service.tsx): the current app's handler is asked when
 *    navigateToApp/navigateToUrl goes to another app (a confirm action opens a confirm modal,
 *    data-test-subj appLeaveConfirmModal, and navigation happens only when confirmed) and on
 *    beforeunload (a confirm action cancels the unload, so the browser asks); navigation inside the
 *    same app does not ask;
 *  - http.fetch: base path, JSON, kbn-version + x-elastic-internal-origin headers (fetch.ts);
 *  - chrome breadcrumbs and docTitle, notifications.toasts, theme$ and capabilities;
 *  - the `share` plugin's setup contract, so entries for Discover's share menu can be seen on the
 *    Discover placeholder: Kibana 9 `registerShareIntegration(objectType, integration)` (export
 *    integrations, share/public/services/share_menu_registry.ts) or OSD `register({ id, getShareMenuItems })`
 *    (src/plugins/share/public/services/share_menu_registry.ts), with the sharing data each host's
 *    Discover passes, built from the placeholder's URL state.
 * Everything it records is on window.__standin__ for tests.
 */
import React, { useEffect, useState } from 'react';
import * as ReactDOM from 'react-dom';
import * as rison from 'rison-node';
import {
  EuiBreadcrumbs,
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiConfirmModal,
  EuiGlobalToastList,
  EuiHeader,
  EuiHeaderSection,
  EuiHeaderSectionItem,
  EuiLink,
  EuiPanel,
  EuiProvider,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { BundleRegistry, readPluginInitializer } from './bundle_registry';

interface StandInConfig {
  host: 'kibana' | 'osd';
  hostVersion: string;
  basePath: string;
  bundlesGlobal: string;
  pluginIds: string[];
  user: { username: string; roles: string[] };
}

type Listener = (location: Location_, action: string) => void;
interface Location_ {
  pathname: string;
  search: string;
  hash: string;
  state?: unknown;
  key?: string;
}

interface Toast {
  id: string;
  title: string;
  text?: string;
  color: 'success' | 'warning' | 'danger' | 'primary';
}

const recorded = {
  breadcrumbs: [] as Array<{ text: string; href?: string }>,
  titles: [] as string[],
  toasts: [] as Toast[],
  fetches: [] as Array<{ method: string; url: string; status: number }>,
  mounted: [] as string[],
  errors: [] as string[],
  /** Texts of the leave confirmations the host asked (onAppLeave). */
  leaveConfirms: [] as string[],
  ready: false,
};
(window as any).__standin__ = recorded;

function emitter<T>(initial: T) {
  let value = initial;
  const subs = new Set<(v: T) => void>();
  return {
    get: () => value,
    set(v: T) {
      value = v;
      subs.forEach((s) => s(v));
    },
    observable: {
      subscribe(o: ((v: T) => void) | { next?: (v: T) => void }) {
        const fn = typeof o === 'function' ? o : (v: T) => o.next?.(v);
        subs.add(fn);
        fn(value);
        return { unsubscribe: () => subs.delete(fn) };
      },
    },
  };
}

export function bootstrap(): void {
  const config: StandInConfig = (window as any).__standinConfig__;
  const registry: BundleRegistry = (window as any)[config.bundlesGlobal];
  const base = config.basePath;
  const breadcrumbs = emitter<Array<{ text: string; href?: string }>>([]);
  const toasts = emitter<Toast[]>([]);
  const theme = emitter({ darkMode: false, name: 'borealis' });
  const apps = new Map<string, any>();
  let phase: 'setup' | 'start' = 'setup';
  let toastSeq = 0;

  const addToast = (color: Toast['color']) => (t: string | { title: string; text?: string }) => {
    const toast: Toast = { id: `toast-${++toastSeq}`, color, ...(typeof t === 'string' ? { title: t } : t) };
    recorded.toasts.push(toast);
    toasts.set([...toasts.get(), toast]);
    return toast;
  };

  const prepend = (p: string) => (p.startsWith('/') && base && !p.startsWith(`${base}/`) ? `${base}${p}` : p);

  async function fetchJson(p: string, options: any = {}): Promise<any> {
    const method = (options.method ?? 'GET').toUpperCase();
    const url = new URL(prepend(p), window.location.origin);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      ...(options.headers ?? {}),
      [config.host === 'kibana' ? 'kbn-version' : 'osd-version']: config.hostVersion,
      ...(config.host === 'kibana' ? { 'x-elastic-internal-origin': 'Kibana' } : {}),
    };
    if (options.version) headers['elastic-api-version'] = options.version;
    const request = new Request(url.toString(), {
      method,
      headers,
      body: options.body,
      credentials: 'same-origin',
      signal: options.signal,
    });
    const response = await window.fetch(request);
    recorded.fetches.push({ method, url: url.pathname + url.search, status: response.status });
    const type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    const body = type.includes('json') && text ? JSON.parse(text) : text;
    if (!response.ok) {
      const error: any = new Error(body?.message ?? response.statusText);
      error.name = 'HttpFetchError';
      error.request = request;
      error.response = response;
      error.body = body;
      throw error;
    }
    return options.asResponse ? { request, response, body } : body;
  }

  const http = {
    basePath: {
      get: () => base,
      prepend,
      remove: (p: string) => (base && p.startsWith(base) ? p.slice(base.length) || '/' : p),
      serverBasePath: base,
    },
    fetch: (p: string, o?: any) => fetchJson(p, o),
    get: (p: string, o?: any) => fetchJson(p, { ...o, method: 'GET' }),
    post: (p: string, o?: any) => fetchJson(p, { ...o, method: 'POST' }),
    put: (p: string, o?: any) => fetchJson(p, { ...o, method: 'PUT' }),
    patch: (p: string, o?: any) => fetchJson(p, { ...o, method: 'PATCH' }),
    delete: (p: string, o?: any) => fetchJson(p, { ...o, method: 'DELETE' }),
  };

  /* ---- leaving an app: onAppLeave handlers and the host's confirm modal */
  type LeaveAction =
    | { type: 'default' }
    | {
        type: 'confirm';
        text: string;
        title?: string;
        callback?: () => void;
        confirmButtonText?: string;
        buttonColor?: string;
      };
  const leaveHandlers = new Map<string, (factory: any, nextAppId?: string) => LeaveAction>();
  const leaveFactory = {
    confirm: (text: string, title?: string, callback?: () => void, confirmButtonText?: string, buttonColor?: string) =>
      ({ type: 'confirm', text, title, callback, confirmButtonText, buttonColor }) as LeaveAction,
    default: () => ({ type: 'default' }) as LeaveAction,
  };
  const leaveAction = (nextAppId?: string): LeaveAction => {
    const handler = currentAppId ? leaveHandlers.get(currentAppId) : undefined;
    return handler ? handler(leaveFactory, nextAppId) : leaveFactory.default();
  };
  interface ConfirmOptions {
    title?: string;
    confirmButtonText?: string;
    buttonColor?: string;
    testSubj?: string;
  }
  const confirmRequest = emitter<(ConfirmOptions & { text: string; answer: (ok: boolean) => void }) | undefined>(
    undefined,
  );
  const openConfirm = (text: string, o: ConfirmOptions = {}) =>
    new Promise<boolean>((resolve) =>
      confirmRequest.set({
        text,
        ...o,
        answer: (ok) => {
          confirmRequest.set(undefined);
          resolve(ok);
        },
      }),
    );
  async function shouldNavigate(nextAppId: string | undefined): Promise<boolean> {
    if (currentAppId === undefined) return true;
    const action = leaveAction(nextAppId);
    if (action.type !== 'confirm') return true;
    recorded.leaveConfirms.push(action.text);
    const ok = await openConfirm(action.text, {
      title: action.title,
      confirmButtonText: action.confirmButtonText,
      buttonColor: action.buttonColor,
    });
    if (!ok && action.callback) setTimeout(action.callback, 0);
    return ok;
  }
  window.addEventListener('beforeunload', (event) => {
    if (currentAppId === undefined) return;
    const action = leaveAction();
    if (action.type === 'confirm') {
      event.preventDefault();
      event.returnValue = action.text;
    }
  });
  const appIdOf = (url: string): string | undefined => {
    const u = new URL(url, window.location.origin);
    if (u.origin !== window.location.origin) return undefined;
    const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/app/([^/?#]+)`).exec(u.pathname);
    return m?.[1];
  };

  /* ---- routing: /app/<id>/<rest> */
  const appListeners = new Set<Listener>();
  let currentAppId: string | undefined;
  let unmountCurrent: (() => void) | undefined;
  const container = document.getElementById('app-container')!;

  const appPrefix = (id: string) => `${base}/app/${id}`;
  const parseLocation = (): { appId?: string; rest: Location_ } => {
    const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/app/([^/?#]+)(.*)$`).exec(
      window.location.pathname,
    );
    return {
      appId: m?.[1],
      rest: {
        pathname: m?.[2] || '/',
        search: window.location.search,
        hash: window.location.hash,
        state: window.history.state?.state,
        key: window.history.state?.key,
      },
    };
  };

  /* ---- history.block: one prompt for the whole browser history, asked before PUSH, REPLACE and POP.
   * As the hosts do it: ScopedHistory.block hands the prompt to the host's history (Kibana
   * src/core/packages/application/browser-internal/src/scoped_history.ts, OSD
   * src/core/public/application/scoped_history.ts), the `history` package's browser history, which keeps one
   * prompt at a time (a newer block replaces it), asks it with the parent location (no server base path) and the
   * action, lets a transition through when the answer is not a string and not false, and for a string asks the
   * user: Kibana through its overlay confirm (navigation_confirm.ts: title ' ', data-test-subj
   * navigationBlockConfirmModal), OSD through window.confirm (its createBrowserHistory has no getUserConfirmation).
   * A refused POP is undone by going back to where the user was. Leaving the app's scope drops its blocks.
   * Tested through the app on both hosts in test/browser/app_pages.test.ts ("the browser's Back with unsaved edits
   * asks through the host's history block: cancel keeps the edits and the URL, confirm leaves"). */
  type BlockPrompt = boolean | string | ((location: Location_, action: string) => string | boolean | undefined | void);
  let blockPrompt: BlockPrompt | undefined;
  const askUser = (message: string): Promise<boolean> =>
    config.host === 'kibana'
      ? openConfirm(message, { title: ' ', testSubj: 'navigationBlockConfirmModal' })
      : Promise.resolve(window.confirm(message));
  /** Calls `done(ok)`, synchronously when nothing has to be asked (as the history package does). */
  function confirmTransition(url: string, action: string, done: (ok: boolean) => void): void {
    const prompt = blockPrompt;
    if (prompt === undefined || prompt === null) return done(true);
    const u = new URL(url, window.location.origin);
    const location: Location_ = {
      pathname: base && u.pathname.startsWith(base) ? u.pathname.slice(base.length) || '/' : u.pathname,
      search: u.search,
      hash: u.hash,
    };
    const answer = typeof prompt === 'function' ? prompt(location, action) : prompt;
    if (typeof answer === 'string') void askUser(answer).then(done, () => done(false));
    else done(answer !== false);
  }
  // Every entry carries a key, so a refused Back/Forward knows how far to go to undo it.
  let keySeq = 0;
  const newKey = () => `k${Date.now().toString(36)}${++keySeq}`;
  const keyOf = (state: any): string | undefined => (state && typeof state === 'object' ? state.key : undefined);
  if (!keyOf(window.history.state)) window.history.replaceState({ key: newKey(), state: null }, '');
  let entryKeys: Array<string | undefined> = [keyOf(window.history.state)];
  let entryIndex = 0;
  let undoingPop = false;
  function writeEntry(url: string, state: unknown, replace: boolean): void {
    const key = newKey();
    if (replace) {
      window.history.replaceState({ key, state: state ?? null }, '', url);
      entryKeys[entryIndex] = key;
    } else {
      window.history.pushState({ key, state: state ?? null }, '', url);
      entryKeys = [...entryKeys.slice(0, entryIndex + 1), key];
      entryIndex = entryKeys.length - 1;
    }
  }
  /** A PUSH or REPLACE through the host's history: asked of the block first, then written and told. */
  function transition(url: string, state: unknown, action: 'PUSH' | 'REPLACE', beforeWrite?: () => void): void {
    confirmTransition(url, action, (ok) => {
      if (!ok) return;
      beforeWrite?.();
      writeEntry(url, state, action === 'REPLACE');
      notify(action);
    });
  }
  window.addEventListener('popstate', () => {
    const toIndex = Math.max(0, entryKeys.indexOf(keyOf(window.history.state)));
    if (undoingPop) {
      undoingPop = false;
      entryIndex = toIndex;
      return;
    }
    confirmTransition(window.location.href, 'POP', (ok) => {
      if (ok) {
        entryIndex = toIndex;
        notify('POP');
        return;
      }
      const delta = entryIndex - toIndex;
      if (delta) {
        undoingPop = true;
        window.history.go(delta);
      }
    });
  });
  let scopeBlocks = new Set<() => void>();

  function scopedHistory(appId: string) {
    const prefix = appPrefix(appId);
    const toHref = (to: string | Partial<Location_>) => {
      if (typeof to === 'string') return to.startsWith('/') ? `${prefix}${to === '/' ? '' : to}` : `${prefix}/${to}`;
      return `${prefix}${to.pathname && to.pathname !== '/' ? to.pathname : ''}${to.search ?? ''}${to.hash ?? ''}`;
    };
    let length = 1;
    const history = {
      get location() {
        return parseLocation().rest;
      },
      get length() {
        return length;
      },
      action: 'POP',
      push(to: string | Partial<Location_>, state?: unknown) {
        transition(toHref(to), state, 'PUSH', () => length++);
      },
      replace(to: string | Partial<Location_>, state?: unknown) {
        transition(toHref(to), state, 'REPLACE');
      },
      go: (n: number) => window.history.go(n),
      goBack: () => window.history.back(),
      goForward: () => window.history.forward(),
      listen(listener: Listener) {
        appListeners.add(listener);
        return () => appListeners.delete(listener);
      },
      createHref: (to: Partial<Location_>) => toHref(to),
      block(prompt: BlockPrompt = false) {
        blockPrompt = prompt;
        const unblock = () => {
          scopeBlocks.delete(unblock);
          if (blockPrompt === prompt) blockPrompt = undefined;
        };
        scopeBlocks.add(unblock);
        return unblock;
      },
    };
    return history;
  }

  function notify(action: string) {
    const { appId, rest } = parseLocation();
    if (appId !== currentAppId) {
      void route();
      return;
    }
    appListeners.forEach((l) => l(rest, action));
  }

  async function route(): Promise<void> {
    const { appId } = parseLocation();
    if (appId === currentAppId && unmountCurrent) return;
    if (unmountCurrent) {
      try {
        unmountCurrent();
      } catch (e: any) {
        recorded.errors.push(`unmount failed: ${e?.message ?? e}`);
      }
      unmountCurrent = undefined;
    }
    appListeners.clear();
    // out of the app's scope: its history blocks go (CoreScopedHistory's listener does this on both hosts)
    const blocks = scopeBlocks;
    scopeBlocks = new Set();
    blocks.forEach((unblock) => unblock());
    container.innerHTML = '';
    currentAppId = appId;
    const app = appId ? apps.get(appId) : undefined;
    const element = document.createElement('div');
    element.className = 'standin-app';
    element.setAttribute('data-app-id', appId ?? '');
    container.appendChild(element);
    if (!app) {
      renderPlain(
        element,
        appId ? `Application "${appId}" is not registered in this stand-in.` : 'No application selected.',
      );
      return;
    }
    try {
      const unmount = await app.mount({
        element,
        history: scopedHistory(app.id),
        appBasePath: appPrefix(app.id),
        onAppLeave: (handler: (factory: any, nextAppId?: string) => LeaveAction) => leaveHandlers.set(app.id, handler),
        setHeaderActionMenu: () => undefined,
        theme$: theme.observable,
      });
      if (typeof unmount !== 'function') throw new Error(`app "${app.id}" mount did not return an unmount function`);
      unmountCurrent = unmount;
      recorded.mounted.push(app.id);
    } catch (e: any) {
      fatal(`Could not mount application "${app.id}": ${e?.message ?? e}`);
    }
  }

  const application = {
    register(app: any) {
      if (phase !== 'setup') throw new Error('Applications cannot be registered after "setup"');
      if (!app || typeof app.id !== 'string' || typeof app.mount !== 'function')
        throw new Error('An application needs an id and a mount function');
      if (apps.has(app.id)) throw new Error(`An application is already registered with the id "${app.id}"`);
      apps.set(app.id, app);
    },
  };
  const navigateToUrl = async (url: string, o: { skipAppLeave?: boolean } = {}) => {
    const appId = appIdOf(url);
    if (appId !== currentAppId && !o.skipAppLeave && !(await shouldNavigate(appId))) return;
    // then through the host's history, so a block is asked too
    transition(url, null, 'PUSH');
  };
  const navigateToApp = async (appId: string, o: { path?: string; state?: unknown; skipAppLeave?: boolean } = {}) => {
    if (appId !== currentAppId && !o.skipAppLeave && !(await shouldNavigate(appId))) return;
    const path = o.path
      ? o.path.startsWith('/') || o.path.startsWith('?') || o.path.startsWith('#')
        ? o.path
        : `/${o.path}`
      : '';
    transition(`${appPrefix(appId)}${path}`, o.state, 'PUSH');
  };

  // The share plugin (optional plugin of the bundle): registrations are kept for the Discover placeholder's menu.
  const shareIntegrations: Array<{ objectType: string; integration: any }> = [];
  const shareProviders: any[] = [];
  const share =
    config.host === 'kibana'
      ? {
          registerShareIntegration(objectType: string, integration: any) {
            if (
              shareIntegrations.some(
                (r) =>
                  r.objectType === objectType &&
                  r.integration.id === integration.id &&
                  r.integration.groupId === integration.groupId,
              )
            )
              throw new Error(
                `Share action with type [integration] for app [${objectType}] has already been registered.`,
              );
            shareIntegrations.push({ objectType, integration });
          },
        }
      : {
          register(provider: any) {
            if (shareProviders.some((p) => p.id === provider.id))
              throw new Error(
                `Share menu provider with id [${provider.id}] has already been registered. Use a unique id.`,
              );
            shareProviders.push(provider);
          },
        };

  /** Discover's share context for the placeholder's URL (Kibana: locator params; OSD: the shareable URL). */
  function discoverShareContext(onClose: () => void) {
    const hash = window.location.hash.replace(/^#\/?/, '');
    const state: Record<string, any> = {};
    for (const [k, v] of new URLSearchParams(hash.slice(hash.indexOf('?') + 1))) {
      try {
        state[k] = rison.decode(v);
      } catch {
        // not rison
      }
    }
    const a = state._a ?? {};
    const params = {
      query: a.query ?? state._q?.query,
      timeRange: state._g?.time,
      dataViewId: a.dataSource?.dataViewId ?? a.index ?? a.metadata?.indexPattern,
      filters: [],
    };
    return {
      objectType: 'search',
      shareableUrl: window.location.href,
      sharingData:
        config.host === 'kibana'
          ? { title: 'Untitled Discover session', locatorParams: [{ id: 'DISCOVER_APP_LOCATOR', params }] }
          : {
              title: 'new search',
              indexPatternId: params.dataViewId,
              searchRequest: { index: params.dataViewId, body: {} },
            },
      isDirty: true,
      onClose,
    };
  }

  function DiscoverShareMenu() {
    const [open, setOpen] = useState(false);
    const [entries, setEntries] = useState<Array<{ label: string; render: () => React.ReactNode }>>([]);
    const [selected, setSelected] = useState<number>();
    const close = () => {
      setOpen(false);
      setSelected(undefined);
    };
    const toggle = async () => {
      if (open) return close();
      const ctx = discoverShareContext(close);
      if (config.host === 'kibana') {
        const found = shareIntegrations.filter(
          (r) => (r.objectType === 'search' || r.objectType === '*') && r.integration.groupId === 'export',
        );
        const configs = await Promise.all(
          found.map((r) => (r.integration.getShareIntegrationConfig ?? r.integration.config)(ctx)),
        );
        setEntries(
          configs.map((c: any) => ({
            label: c.label,
            render: () => (
              <>
                {c.generateAssetComponent}
                <EuiButton
                  fill
                  size="s"
                  onClick={() => c.generateAssetExport({}).then(close)}
                  data-test-subj="standinShareGenerate"
                >
                  {c.generateExportButtonLabel ?? `Export ${c.label}`}
                </EuiButton>
              </>
            ),
          })),
        );
      } else {
        setEntries(
          shareProviders
            .flatMap((p) => p.getShareMenuItems(ctx))
            .map((i: any) => ({ label: i.shareMenuItem.name, render: () => i.panel.content })),
        );
      }
      setOpen(true);
    };
    return (
      <div data-test-subj="standinShareMenu">
        <EuiButton size="s" onClick={toggle} data-test-subj="standinShareButton">
          {config.host === 'kibana' ? 'Export' : 'Share'}
        </EuiButton>
        {open && (
          <EuiPanel paddingSize="s" hasBorder>
            {entries.length === 0 && <EuiText size="s">No entries registered.</EuiText>}
            {selected === undefined
              ? entries.map((e, i) => (
                  <EuiButtonEmpty
                    key={i}
                    onClick={() => setSelected(i)}
                    data-test-subj={`standinShareEntry-${e.label}`}
                  >
                    {e.label}
                  </EuiButtonEmpty>
                ))
              : entries[selected].render()}
          </EuiPanel>
        )}
      </div>
    );
  }

  // Discover is not part of the stand-in: a placeholder app that says so and shows the requested state.
  apps.set('discover', {
    id: 'discover',
    title: 'Discover',
    mount: ({ element }: { element: HTMLElement }) => {
      const root = renderReact(
        element,
        <EuiPanel paddingSize="l" data-test-subj="discoverPlaceholder">
          <EuiCallOut title="Discover is not part of the host stand-in" color="warning" iconType="help">
            <p>
              This stand-in runs only the elasticRecheck plugin. In Kibana this link opens Discover with the state
              below.
            </p>
          </EuiCallOut>
          <EuiText size="s">
            <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {decodeURIComponent(window.location.pathname + window.location.search + window.location.hash)}
            </pre>
          </EuiText>
          <DiscoverShareMenu />
        </EuiPanel>,
      );
      return root;
    },
  });

  const coreSetup = {
    application,
    http,
    getStartServices: () => startServices,
    uiSettings: { get: uiGet },
    notifications: { toasts: toastsApi() },
  };
  let resolveStart!: (v: unknown) => void;
  const startServices = new Promise((r) => (resolveStart = r));

  function toastsApi() {
    return {
      addSuccess: addToast('success'),
      addWarning: addToast('warning'),
      addDanger: addToast('danger'),
      addInfo: addToast('primary'),
      addError: (error: Error, o: { title: string; toastMessage?: string }) =>
        addToast('danger')({ title: o.title, text: o.toastMessage ?? error.message }),
      remove: (t: Toast | string) =>
        toasts.set(toasts.get().filter((x) => x.id !== (typeof t === 'string' ? t : t.id))),
    };
  }

  function uiGet(key: string, fallback?: unknown) {
    const defaults: Record<string, unknown> = {
      dateFormat: 'MMM D, YYYY @ HH:mm:ss.SSS',
      'dateFormat:tz': 'Browser',
      'theme:darkMode': false,
      'timepicker:timeDefaults': { from: 'now-15m', to: 'now' },
    };
    return key in defaults ? defaults[key] : fallback;
  }

  function renderReact(element: HTMLElement, node: React.ReactNode): () => void {
    const dom: any = ReactDOM;
    // OUI (OSD) has no EuiProvider; its theme is the CSS the page loads.
    const wrapped = EuiProvider ? <EuiProvider colorMode="light">{node}</EuiProvider> : <>{node}</>;
    if (typeof dom.createRoot === 'function') {
      const root = dom.createRoot(element);
      root.render(wrapped);
      return () => root.unmount();
    }
    dom.render(wrapped, element);
    return () => dom.unmountComponentAtNode(element);
  }

  function renderPlain(element: HTMLElement, text: string) {
    element.textContent = text;
  }

  function fatal(message: string) {
    recorded.errors.push(message);
    const el = document.getElementById('fatal-error')!;
    el.style.display = 'block';
    el.textContent = `${el.textContent ? `${el.textContent}\n` : ''}${message}`;
    console.error(message);
  }

  function Chrome() {
    const [crumbs, setCrumbs] = useState(breadcrumbs.get());
    const [list, setList] = useState(toasts.get());
    const [confirm, setConfirm] = useState(confirmRequest.get());
    useEffect(() => {
      const a = breadcrumbs.observable.subscribe(setCrumbs);
      const b = toasts.observable.subscribe(setList);
      const c = confirmRequest.observable.subscribe(setConfirm);
      return () => {
        a.unsubscribe();
        b.unsubscribe();
        c.unsubscribe();
      };
    }, []);
    return (
      <>
        <EuiHeader position="static" data-test-subj="standinHeader">
          <EuiHeaderSection grow={false}>
            <EuiHeaderSectionItem>
              <EuiTitle size="xxs">
                <span style={{ padding: '0 12px' }}>
                  {config.host === 'kibana' ? 'Kibana' : 'OpenSearch Dashboards'} {config.hostVersion} stand-in
                </span>
              </EuiTitle>
            </EuiHeaderSectionItem>
          </EuiHeaderSection>
          <EuiHeaderSection grow>
            <EuiHeaderSectionItem>
              <EuiBreadcrumbs
                data-test-subj="breadcrumbs"
                breadcrumbs={crumbs.map((c: { text: string; href?: string; onClick?: (e: any) => void }) => ({
                  text: c.text,
                  href: c.href,
                  // the app's own onClick when it gives one (Kibana passes it on to EuiBreadcrumbs)
                  onClick:
                    c.onClick ??
                    (c.href ? (e: React.MouseEvent) => (e.preventDefault(), void navigateToUrl(c.href!)) : undefined),
                }))}
              />
            </EuiHeaderSectionItem>
          </EuiHeaderSection>
          <EuiHeaderSection side="right">
            <EuiHeaderSectionItem>
              <EuiLink
                href={`${base}/app/discover`}
                onClick={(e: React.MouseEvent) => {
                  // the host's navigation links go through navigateToUrl, so the app's onAppLeave is asked
                  e.preventDefault();
                  void navigateToUrl(`${base}/app/discover`);
                }}
                data-test-subj="standinDiscoverLink"
                style={{ padding: '0 12px' }}
              >
                Discover (not part of the stand-in)
              </EuiLink>
            </EuiHeaderSectionItem>
            <EuiHeaderSectionItem>
              <EuiText size="xs" data-test-subj="standinUser" style={{ padding: '0 12px' }}>
                {config.user.username} ({config.user.roles.join(', ')})
              </EuiText>
            </EuiHeaderSectionItem>
          </EuiHeaderSection>
        </EuiHeader>
        {confirm && (
          <EuiConfirmModal
            title={confirm.title}
            onCancel={() => confirm.answer(false)}
            onConfirm={() => confirm.answer(true)}
            cancelButtonText="Cancel"
            confirmButtonText={confirm.confirmButtonText ?? 'Confirm'}
            buttonColor={(confirm.buttonColor as any) ?? 'primary'}
            data-test-subj={confirm.testSubj ?? 'appLeaveConfirmModal'}
          >
            <p>{confirm.text}</p>
          </EuiConfirmModal>
        )}
        <EuiGlobalToastList
          toasts={list}
          dismissToast={(t) => toasts.set(toasts.get().filter((x) => x.id !== t.id))}
          toastLifeTimeMs={8000}
        />
      </>
    );
  }

  void (async () => {
    let capabilities: Record<string, any> = {};
    try {
      capabilities = await http.get('/api/core/capabilities');
    } catch (e: any) {
      recorded.errors.push(`capabilities: ${e?.message ?? e}`);
    }
    const coreStart = {
      http,
      application: {
        navigateToApp,
        navigateToUrl,
        getUrlForApp: (id: string, o: { path?: string; absolute?: boolean } = {}) =>
          `${o.absolute ? window.location.origin : ''}${appPrefix(id)}${o.path ?? ''}`,
        capabilities,
      },
      chrome: {
        setBreadcrumbs: (b: Array<{ text: string; href?: string }>) => {
          recorded.breadcrumbs = b.map((x) => ({ text: x.text, href: x.href }));
          breadcrumbs.set(b);
        },
        docTitle: {
          change: (t: string | string[]) => {
            const title = [...(Array.isArray(t) ? t : [t]), 'Elastic'].join(' - ');
            recorded.titles.push(title);
            document.title = title;
          },
          reset: () => (document.title = 'Elastic'),
        },
      },
      notifications: { toasts: toastsApi() },
      theme: { theme$: theme.observable },
      uiSettings: { get: uiGet },
    };
    const plugins: any[] = [];
    for (const id of config.pluginIds) {
      try {
        const initializer = readPluginInitializer(registry, id);
        const instance = initializer({
          env: { mode: { dev: false, prod: true }, packageInfo: { version: config.hostVersion, buildNum: 1 } },
          config: { get: () => ({}) },
        });
        if (!instance || typeof instance.setup !== 'function' || typeof instance.start !== 'function')
          throw new Error(
            `Initializer for plugin "${id}" is expected to return plugin instance, but returned "${instance}".`,
          );
        plugins.push(instance);
      } catch (e: any) {
        fatal(e?.message ?? String(e));
        return;
      }
    }
    try {
      for (const p of plugins) p.setup(coreSetup, { share });
      phase = 'start';
      for (const p of plugins) p.start(coreStart, {});
      resolveStart([coreStart, {}, {}]);
    } catch (e: any) {
      fatal(`Plugin lifecycle failed: ${e?.message ?? e}`);
      return;
    }
    renderReact(document.getElementById('chrome')!, <Chrome />);
    await route();
    recorded.ready = true;
  })();
}

(window as any)[((window as any).__standinConfig__?.bundlesGlobal as string) ?? '__kbnBundles__'].define(
  'entry/core/public',
  () => ({ __kbnBootstrap__: bootstrap }),
);
