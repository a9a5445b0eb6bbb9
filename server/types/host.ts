/*
 * The part of the host's server API this plugin uses, written locally because no @kbn/* or @osd/*
 * package is published on npm (host-contracts §6.5). Shapes follow Kibana 9.x; where OpenSearch
 * Dashboards differs the difference is noted. The host stand-in in dev/host/ implements exactly
 * these interfaces, so they are also its contract.
 *
 * Sources (read, not copied):
 *  - Kibana src/core/packages/plugins/server/src/types.ts (PluginInitializerContext, Plugin)
 *  - Kibana src/core/packages/http/server/src/router/{route.ts,request.ts,response_factory.ts,route_validator.ts}
 *  - Kibana src/core/packages/http/router-server-internal/src/security_route_config_validator.ts
 *  - OSD src/core/server/http/router/{route.ts,validator/validator.ts,response.ts}
 *  - Kibana x-pack/platform/plugins/shared/task_manager/README.md
 */

/* ------------------------------------------------------------------ logging and config */

export interface Logger {
  trace(message: string, meta?: unknown): void;
  debug(message: string, meta?: unknown): void;
  info(message: string, meta?: unknown): void;
  warn(message: string | Error, meta?: unknown): void;
  error(message: string | Error, meta?: unknown): void;
  fatal(message: string | Error, meta?: unknown): void;
  get(...childContextPaths: string[]): Logger;
}

export interface LoggerFactory {
  get(...contextParts: string[]): Logger;
}

/** The subset of an rxjs Observable we rely on (the host hands a real Observable). */
export interface ObservableLike<T> {
  subscribe(observer: ((value: T) => void) | { next?: (value: T) => void; error?: (e: unknown) => void }): {
    unsubscribe(): void;
  };
}

export interface PluginInitializerContext<ConfigSchema = unknown> {
  opaqueId?: symbol;
  env: {
    mode: { dev: boolean; prod: boolean; name: string };
    packageInfo: { version: string; branch?: string; buildNum?: number; dist?: boolean };
  };
  logger: LoggerFactory;
  config: {
    /** Kibana only (OSD has create() only). */
    get<T = ConfigSchema>(): T;
    create<T = ConfigSchema>(): ObservableLike<T>;
  };
}

/** `export const config: PluginConfigDescriptor` in server/index.ts. `schema` is a config-schema type on a real host. */
export interface PluginConfigDescriptor<T = unknown> {
  schema: unknown;
  exposeToBrowser?: { [K in keyof T]?: boolean };
}

/* ------------------------------------------------------------------ routing */

export type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteValidationError extends Error {
  path?: string[];
}

export interface RouteValidationResultFactory {
  ok<T>(value: T): { value: T; error?: undefined };
  badRequest(error: Error | string, path?: string[]): { value?: undefined; error: RouteValidationError };
}

/** A validation function: both hosts accept it in place of a config-schema type (host-contracts §2.3). */
export type RouteValidationFunction<T> = (
  data: any,
  validationResult: RouteValidationResultFactory,
) => { value: T; error?: undefined } | { value?: undefined; error: RouteValidationError };

export interface RouteValidatorConfig<P, Q, B> {
  params?: RouteValidationFunction<P>;
  query?: RouteValidationFunction<Q>;
  body?: RouteValidationFunction<B>;
}

export type PrivilegeSet = { allRequired?: string[]; anyRequired?: string[] };

/** Kibana 8.17+ route security; mandatory on every route in current 9.x (security_route_config_validator.ts). */
export interface RouteSecurity {
  authz: { requiredPrivileges: Array<string | PrivilegeSet> } | { enabled: false; reason: string };
  /** `reason` is required when authc is 'optional' or disabled, and forbidden when enabled. */
  authc?: { enabled: true } | { enabled: 'optional' | false; reason: string };
}

export interface RouteConfigOptions {
  access?: 'public' | 'internal';
  /** Kibana body options; OSD has the same names. */
  body?: { maxBytes?: number; accepts?: string | string[]; output?: 'data' | 'stream'; parse?: boolean };
  timeout?: { payload?: number; idleSocket?: number };
  /** Default true on non-GET routes. */
  xsrfRequired?: boolean;
  tags?: readonly string[];
  summary?: string;
  description?: string;
}

export interface RouteConfig<P, Q, B> {
  path: string;
  validate: RouteValidatorConfig<P, Q, B> | false;
  options?: RouteConfigOptions;
  /** Kibana only; OSD's Router ignores the key (host-contracts §2.2). */
  security?: RouteSecurity;
}

export interface KibanaRequest<P = unknown, Q = unknown, B = unknown> {
  readonly id: string;
  readonly url: URL;
  readonly route: { path: string; method: RouteMethod; options: RouteConfigOptions };
  readonly headers: Record<string, string | string[] | undefined>;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly auth: { isAuthenticated: boolean };
  readonly events?: { aborted$: ObservableLike<void> };
}

export interface ResponseError {
  message: string;
  attributes?: Record<string, unknown>;
}

export interface HttpResponseOptions<T = unknown> {
  body?: T;
  headers?: Record<string, string | string[]>;
}

export interface ErrorHttpResponseOptions {
  body?: string | Error | ResponseError;
  headers?: Record<string, string | string[]>;
}

/** What a handler returns (Kibana's IKibanaResponse). */
export interface KibanaResponse<T = unknown> {
  readonly status: number;
  readonly payload?: T;
  readonly options: HttpResponseOptions<T> | ErrorHttpResponseOptions;
}

export interface KibanaResponseFactory {
  ok<T>(options?: HttpResponseOptions<T>): KibanaResponse<T>;
  accepted<T>(options?: HttpResponseOptions<T>): KibanaResponse<T>;
  noContent(options?: { headers?: Record<string, string> }): KibanaResponse<undefined>;
  redirected(options: HttpResponseOptions & { headers: { location: string } }): KibanaResponse;
  badRequest(options?: ErrorHttpResponseOptions): KibanaResponse;
  unauthorized(options?: ErrorHttpResponseOptions): KibanaResponse;
  forbidden(options?: ErrorHttpResponseOptions): KibanaResponse;
  notFound(options?: ErrorHttpResponseOptions): KibanaResponse;
  conflict(options?: ErrorHttpResponseOptions): KibanaResponse;
  /** statusCode must be 400..599. */
  customError(options: ErrorHttpResponseOptions & { statusCode: number }): KibanaResponse;
  custom<T>(options: HttpResponseOptions<T> & { statusCode: number }): KibanaResponse<T>;
}

export type RequestHandler<
  P = unknown,
  Q = unknown,
  B = unknown,
  Ctx extends RequestHandlerContext = RequestHandlerContext,
> = (
  context: Ctx,
  request: KibanaRequest<P, Q, B>,
  response: KibanaResponseFactory,
) => Promise<KibanaResponse<any>> | KibanaResponse<any>;

export type RouteRegistrar = <P, Q, B>(route: RouteConfig<P, Q, B>, handler: RequestHandler<P, Q, B>) => void;

export interface IRouter {
  readonly routerPath?: string;
  get: RouteRegistrar;
  post: RouteRegistrar;
  put: RouteRegistrar;
  patch: RouteRegistrar;
  delete: RouteRegistrar;
}

/* ------------------------------------------------------------------ request context */

/** Either library's client: Kibana's @elastic/elasticsearch (returns bodies), OSD's @opensearch-project/opensearch (returns { body }). */
export interface HostSearchClient {
  transport: { request(params: any, options?: any): Promise<any> };
  [api: string]: any;
}

export interface ScopedClusterClient {
  asCurrentUser: HostSearchClient;
  asInternalUser: HostSearchClient;
}

export interface SavedObjectReference {
  name: string;
  type: string;
  id: string;
}

export interface SavedObject<T = unknown> {
  id: string;
  type: string;
  attributes: T;
  references: SavedObjectReference[];
  version?: string;
  created_at?: string;
  updated_at?: string;
  namespaces?: string[];
  error?: { statusCode: number; error: string; message: string };
}

export interface SavedObjectsFindOptions {
  type: string | string[];
  page?: number;
  perPage?: number;
  search?: string;
  searchFields?: string[];
  sortField?: string;
  sortOrder?: 'asc' | 'desc';
  /** KQL on attributes, e.g. `my_type.attributes.mode: track` (the stand-in supports `field: value` terms joined by AND). */
  filter?: string;
  fields?: string[];
}

export interface SavedObjectsFindResponse<T = unknown> {
  page: number;
  per_page: number;
  total: number;
  saved_objects: Array<SavedObject<T> & { score: number }>;
}

/**
 * Saved-objects client. Errors follow Kibana: a Boom error whose `output.statusCode` is 404 (not found),
 * 409 (conflict: create without overwrite on an existing id, or a stale `version` on update), 400 (bad type).
 */
export interface SavedObjectsClientContract {
  create<T = unknown>(
    type: string,
    attributes: T,
    options?: { id?: string; overwrite?: boolean; references?: SavedObjectReference[]; refresh?: boolean | 'wait_for' },
  ): Promise<SavedObject<T>>;
  get<T = unknown>(type: string, id: string): Promise<SavedObject<T>>;
  find<T = unknown>(options: SavedObjectsFindOptions): Promise<SavedObjectsFindResponse<T>>;
  update<T = unknown>(
    type: string,
    id: string,
    attributes: Partial<T>,
    options?: { version?: string; references?: SavedObjectReference[]; refresh?: boolean | 'wait_for' },
  ): Promise<SavedObject<Partial<T>>>;
  delete(type: string, id: string, options?: { refresh?: boolean | 'wait_for' }): Promise<Record<string, never>>;
  bulkGet<T = unknown>(objects: Array<{ type: string; id: string }>): Promise<{ saved_objects: Array<SavedObject<T>> }>;
}

export interface CoreRequestHandlerContext {
  /** Kibana. */
  elasticsearch?: { client: ScopedClusterClient };
  /** OpenSearch Dashboards. */
  opensearch?: { client: ScopedClusterClient };
  savedObjects: {
    client: SavedObjectsClientContract;
    getClient?(options?: { includedHiddenTypes?: string[] }): SavedObjectsClientContract;
  };
  uiSettings?: { client: { get<T = unknown>(key: string): Promise<T> } };
  security?: { authc: { getCurrentUser(): { username: string; roles: string[] } | null } };
}

export interface RequestHandlerContext {
  /** A Promise on Kibana ≥ 8.3, a plain object on OSD: always `await context.core`. */
  core: Promise<CoreRequestHandlerContext> | CoreRequestHandlerContext;
}

/* ------------------------------------------------------------------ saved-object types */

export interface SavedObjectsFieldMapping {
  type?: string;
  properties?: Record<string, SavedObjectsFieldMapping>;
  [k: string]: unknown;
}

export interface SavedObjectsType<Attributes = any> {
  name: string;
  hidden: boolean;
  namespaceType: 'single' | 'multiple' | 'multiple-isolated' | 'agnostic';
  mappings: { dynamic?: false | 'strict'; properties: Record<string, SavedObjectsFieldMapping> };
  management?: {
    importableAndExportable?: boolean;
    displayName?: string;
    icon?: string;
    getTitle?(obj: SavedObject<Attributes>): string;
    defaultSearchField?: string;
  };
  /** Kibana ≥ 8.10; values are opaque to the stand-in. */
  modelVersions?: Record<string, unknown>;
  /** OSD. */
  migrations?: Record<string, unknown>;
}

/* ------------------------------------------------------------------ task manager (Kibana optional plugin) */

export interface ConcreteTaskInstance {
  id: string;
  taskType: string;
  params: Record<string, any>;
  state: Record<string, any>;
  schedule?: { interval: string };
  runAt: Date;
  scheduledAt: Date;
  startedAt: Date | null;
  attempts: number;
  status: 'idle' | 'claiming' | 'running' | 'failed';
  scope?: string[];
}

export interface TaskRunResult {
  state?: Record<string, any>;
  schedule?: { interval: string };
  runAt?: Date;
  error?: Error;
}

export interface TaskDefinition {
  title?: string;
  description?: string;
  /** e.g. '5m'. */
  timeout?: string;
  maxAttempts?: number;
  createTaskRunner(context: { taskInstance: ConcreteTaskInstance; abortController?: AbortController }): {
    run(): Promise<TaskRunResult | void>;
    cancel?(): Promise<void>;
  };
}

export interface TaskInstanceInput {
  id?: string;
  taskType: string;
  params: Record<string, any>;
  state?: Record<string, any>;
  schedule?: { interval: string };
  runAt?: Date;
  scope?: string[];
}

export interface TaskManagerSetupContract {
  registerTaskDefinitions(definitions: Record<string, TaskDefinition>): void;
}

export interface TaskManagerStartContract {
  schedule(task: TaskInstanceInput): Promise<ConcreteTaskInstance>;
  ensureScheduled(task: TaskInstanceInput & { id: string }): Promise<ConcreteTaskInstance>;
  runSoon(taskId: string): Promise<{ id: string }>;
  get(taskId: string): Promise<ConcreteTaskInstance>;
  remove(taskId: string): Promise<void>;
  removeIfExists(taskId: string): Promise<void>;
}

/* ------------------------------------------------------------------ features (Kibana optional plugin) */

export interface FeatureKibanaPrivileges {
  app?: string[];
  api?: string[];
  catalogue?: string[];
  savedObject: { all: string[]; read: string[] };
  ui: string[];
}

export interface KibanaFeatureConfig {
  id: string;
  name: string;
  category: { id: string; label: string };
  app: string[];
  catalogue?: string[];
  management?: Record<string, string[]>;
  privileges: { all: FeatureKibanaPrivileges; read: FeatureKibanaPrivileges } | null;
}

export interface FeaturesPluginSetup {
  registerKibanaFeature(feature: KibanaFeatureConfig): void;
}

/* ------------------------------------------------------------------ core setup / start */

export interface CoreSetup<TPluginsStart = unknown> {
  http: {
    createRouter(): IRouter;
    basePath: { serverBasePath: string; get(request: KibanaRequest): string };
  };
  savedObjects: { registerType<A = unknown>(type: SavedObjectsType<A>): void };
  capabilities?: { registerProvider(provider: () => Record<string, Record<string, boolean>>): void };
  uiSettings?: { register(settings: Record<string, unknown>): void };
  getStartServices(): Promise<[CoreStart, TPluginsStart, unknown]>;
}

export interface CoreStart {
  /** Kibana. */
  elasticsearch?: {
    client: { asInternalUser: HostSearchClient; asScoped(request: KibanaRequest): ScopedClusterClient };
  };
  /** OpenSearch Dashboards. */
  opensearch?: { client: { asInternalUser: HostSearchClient; asScoped(request: KibanaRequest): ScopedClusterClient } };
  savedObjects: {
    getScopedClient(request: KibanaRequest, options?: { includedHiddenTypes?: string[] }): SavedObjectsClientContract;
    createInternalRepository(includedHiddenTypes?: string[]): SavedObjectsClientContract;
  };
  /** Kibana (src/core/packages/capabilities/server): the capabilities of the request's user; `capabilityPath` e.g. 'myFeature.*'. */
  capabilities?: {
    resolveCapabilities(
      request: KibanaRequest,
      options: { capabilityPath: string | string[]; useDefaultCapabilities?: boolean },
    ): Promise<Record<string, Record<string, boolean | Record<string, boolean>>>>;
  };
}

export interface Plugin<
  TSetup = void,
  TStart = void,
  TPluginsSetup extends object = object,
  TPluginsStart extends object = object,
> {
  setup(core: CoreSetup<TPluginsStart>, plugins: TPluginsSetup): TSetup;
  start(core: CoreStart, plugins: TPluginsStart): TStart;
  stop?(): void;
}

/** Optional plugins this plugin uses when the host has them (kibana.json optionalPlugins). */
export interface ElasticRecheckSetupDeps {
  taskManager?: TaskManagerSetupContract;
  features?: FeaturesPluginSetup;
}

export interface ElasticRecheckStartDeps {
  taskManager?: TaskManagerStartContract;
}
