/*
 * The part of the host's browser API this plugin uses (no @kbn/* package on npm, host-contracts §6.5).
 * Sources (read, not copied): Kibana src/core/packages/application/browser/src/{app_mount.d.ts,application.d.ts},
 * src/core/packages/http/browser/src/types.ts; OSD src/core/public/application/types.ts.
 * The stand-in's browser core (dev/host/browser/) implements these.
 */

export interface Observable<T> {
  subscribe(observer: ((value: T) => void) | { next?: (value: T) => void }): { unsubscribe(): void };
}

export interface ScopedHistory<S = unknown> {
  readonly location: { pathname: string; search: string; hash: string; state?: S };
  readonly length: number;
  push(path: string | { pathname?: string; search?: string; hash?: string }, state?: S): void;
  replace(path: string | { pathname?: string; search?: string; hash?: string }, state?: S): void;
  go(n: number): void;
  goBack(): void;
  goForward(): void;
  listen(listener: (location: ScopedHistory['location'], action: string) => void): () => void;
  createHref(location: { pathname?: string; search?: string; hash?: string }): string;
  /** Asks before leaving the location (PUSH, REPLACE, POP): a string prompt, or a function giving one (or
   * undefined/true to let it through, false to refuse silently); one block at a time. */
  block?(
    prompt?:
      | string
      | boolean
      | ((
          location: { pathname: string; search: string; hash: string },
          action: string,
        ) => string | boolean | undefined),
  ): () => void;
}

export interface CoreTheme {
  darkMode: boolean;
  name?: string;
}

export interface AppMountParameters<S = unknown> {
  element: HTMLElement;
  history: ScopedHistory<S>;
  /** @deprecated use history. */
  appBasePath: string;
  onAppLeave(
    handler: (actions: { default(): unknown; confirm(text: string, title?: string): unknown }) => unknown,
  ): void;
  setHeaderActionMenu(menuMount: ((element: HTMLElement) => () => void) | undefined): void;
  /** Kibana only. */
  theme$?: Observable<CoreTheme>;
}

export type AppUnmount = () => void;

export interface App {
  id: string;
  title: string;
  order?: number;
  euiIconType?: string;
  category?: { id: string; label: string; order?: number; euiIconType?: string };
  /** Kibana ≥ 8.14. */
  visibleIn?: Array<'globalSearch' | 'sideNav' | 'projectSideNav' | 'home'>;
  appRoute?: string;
  mount(params: AppMountParameters): AppUnmount | Promise<AppUnmount>;
}

export interface HttpFetchOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  query?: Record<string, string | number | boolean | undefined | Array<string | number | boolean>>;
  body?: string | FormData | Blob | null;
  headers?: Record<string, string>;
  /** Return { response, body } instead of the body. */
  asResponse?: boolean;
  signal?: AbortSignal;
  /** Kibana versioned routes. */
  version?: string;
}

export interface HttpFetchError extends Error {
  request: Request;
  response?: Response;
  /** Parsed error body: { statusCode, error, message, attributes }. */
  body?: { statusCode?: number; error?: string; message?: string; attributes?: unknown };
}

export interface HttpSetup {
  basePath: { get(): string; prepend(path: string): string; remove(path: string): string; serverBasePath?: string };
  fetch<T = unknown>(path: string, options?: HttpFetchOptions): Promise<T>;
  get<T = unknown>(path: string, options?: HttpFetchOptions): Promise<T>;
  post<T = unknown>(path: string, options?: HttpFetchOptions): Promise<T>;
  put<T = unknown>(path: string, options?: HttpFetchOptions): Promise<T>;
  delete<T = unknown>(path: string, options?: HttpFetchOptions): Promise<T>;
}

export interface Breadcrumb {
  text: string;
  href?: string;
  onClick?: (event: unknown) => void;
}

export interface Toasts {
  addSuccess(toast: string | { title: string; text?: string }): unknown;
  addWarning(toast: string | { title: string; text?: string }): unknown;
  addDanger(toast: string | { title: string; text?: string }): unknown;
  addError(error: Error, options: { title: string; toastMessage?: string }): unknown;
  addInfo?(toast: string | { title: string; text?: string }): unknown;
}

export interface CoreStart {
  http: HttpSetup;
  application: {
    navigateToApp(appId: string, options?: { path?: string; state?: unknown }): Promise<void>;
    navigateToUrl(url: string): Promise<void>;
    getUrlForApp(appId: string, options?: { path?: string; absolute?: boolean }): string;
    capabilities: Record<string, Record<string, boolean | Record<string, boolean>>>;
  };
  chrome: {
    setBreadcrumbs(breadcrumbs: Breadcrumb[]): void;
    docTitle: { change(title: string | string[]): void; reset(): void };
  };
  notifications: { toasts: Toasts };
  /** Kibana. */
  theme?: { theme$: Observable<CoreTheme> };
  uiSettings?: { get<T = unknown>(key: string, defaultValue?: T): T };
}

export interface CoreSetup<TPluginsStart = unknown> {
  application: { register(app: App): void };
  http: HttpSetup;
  getStartServices(): Promise<[CoreStart, TPluginsStart, unknown]>;
}

export interface PluginInitializerContext {
  env: { mode: { dev: boolean; prod: boolean }; packageInfo: { version: string; buildNum?: number } };
  config: { get<T = unknown>(): T };
}

export interface Plugin<TSetup = void, TStart = void> {
  setup(core: CoreSetup, deps: object): TSetup;
  start(core: CoreStart, deps: object): TStart;
  stop?(): void;
}
