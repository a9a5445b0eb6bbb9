/*
 * The host stand-in: runs a plugin folder (build output, unzipped archive, or the source tree) the way
 * Kibana 9.x (or OpenSearch Dashboards 3.x, `host: 'osd'`) runs it, with real services behind the host
 * API the plugin sees (server/types/host.ts):
 *  - manifest rules, sync initializer, setup → start → stop (server/plugin_loader.ts);
 *  - HTTP on 127.0.0.1 with Kibana's router semantics: validation functions, `security` required at
 *    registration, basic-auth users whose roles grant feature privileges (403 when a route's
 *    requiredPrivileges are missing), `kbn-xsrf`/`kbn-version` required on non-GET (server/router.ts,
 *    server/security.ts);
 *  - `context.core` a Promise with elasticsearch.client.asCurrentUser/asInternalUser = real
 *    @elastic/elasticsearch clients through the test-only proxy (server/engine_proxy.ts);
 *  - OSD mode: no feature privileges and no core.security; the OpenSearch security plugin's users,
 *    backend roles and authinfo route in front of the engine (server/osd_security.ts), or none;
 *  - saved objects in a real engine index, a task manager persisting tasks in another;
 *  - the browser page: shared deps, a browser core and the plugin bundle (browser/).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { randomUUID } from 'crypto';
import type { AddressInfo } from 'net';
import type {
  CoreSetup,
  CoreStart,
  KibanaRequest,
  KibanaResponse,
  Plugin,
  PluginInitializerContext,
  RouteMethod,
  TaskManagerStartContract,
} from '../../server/types/host';
import { httpEngineClient } from '../../lib/engine_client';
import { HostKind, PluginManifest } from './manifest';
import { TARGETS } from '../build/targets';
import { createLogger, consoleSink, LogLevel, LogRecord } from './server/logger';
import {
  PluginLoadError,
  initializeServerPlugin,
  installHostPackages,
  readPluginManifest,
  requireServerDefinition,
  validatedPluginConfig,
} from './server/plugin_loader';
import { RegisteredRoute, RequestValidationError, Router, responseFactory, runValidation } from './server/router';
import { AuthenticatedUser, SecurityConfig, SecurityService, defaultSecurity } from './server/security';
import { SavedObjectTypeRegistry, SavedObjectsStore } from './server/saved_objects';
import { StandInTaskManager } from './server/task_manager';
import { EngineProxy, startEngineProxy } from './server/engine_proxy';
import { ClusterClients, createClusterClients } from './server/es_clients';
import { OsdSecurityConfig, defaultOsdSecurity, osdLoginUsers, startOsdSecurityProxy } from './server/osd_security';
import { BrowserAssets, prepareBrowserAssets, renderPage } from './browser/assets';
import { boomText, statusText } from './server/status_text';

export interface StandInOptions {
  /** Folder with the manifest: build/kibana-x/kibana/<id>, an unzipped archive's plugin folder, or the repo root. */
  pluginDir: string;
  host?: HostKind;
  /** The host version this stand-in pretends to be; default: the target version in dev/build/targets.ts. */
  hostVersion?: string;
  /** Server entry; default <pluginDir>/server/index.js (source mode: <repo>/server/index.ts under jest/tsx). */
  serverEntry?: string;
  /** Browser bundle folder; default <pluginDir>/target/public. */
  bundleDir?: string;
  engineUrl: string;
  port?: number;
  /** Kibana's server.basePath, e.g. '/kbn'; default none. */
  basePath?: string;
  /** The plugin's config object (kibana.yml `<configPath>.*`). */
  config?: Record<string, unknown>;
  /** Saved objects live in `<indexPrefix>`, tasks in `<indexPrefix>_task_manager`. */
  indexPrefix?: string;
  security?: SecurityConfig;
  /**
   * OSD mode: the OpenSearch security plugin's users, backend roles and roles mapping (server/osd_security.ts;
   * default defaultOsdSecurity()), or false for a cluster without it (no login, no authinfo route).
   */
  osdSecurity?: OsdSecurityConfig | false;
  /** Provide the taskManager plugin (Kibana mode only). Default true. */
  taskManager?: boolean;
  taskPollIntervalMs?: number;
  /** Serve the browser page (builds shared deps and the browser core once, cached). Default true. */
  browser?: boolean;
  logLevel?: LogLevel;
  /** Log sink; default stdout/stderr. Records are also kept in `standIn.logs`. */
  onLog?: (record: LogRecord) => void;
}

export interface StandInResponse<T = any> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

export interface StandIn {
  url: string;
  host: HostKind;
  hostVersion: string;
  manifest: PluginManifest;
  /** The server entry the stand-in required (each stand-in in its own module registry under jest). */
  serverEntry?: string;
  /** The registered routes; `config` as the plugin declared it (options.body.maxBytes, access, ...). */
  routes: ReadonlyArray<Pick<RegisteredRoute, 'method' | 'path' | 'security' | 'config'>>;
  savedObjects: SavedObjectsStore;
  taskManager?: StandInTaskManager;
  /** The taskManager start contract the plugin received. */
  taskManagerStart?: TaskManagerStartContract;
  logs: LogRecord[];
  security: SecurityService;
  /**
   * Calls the stand-in over HTTP as `user` (default 'elastic'); adds kbn-xsrf unless `xsrf: false`, and
   * x-elastic-internal-origin (what the browser's core.http sends) only with `internalOrigin: true`.
   */
  request<T = any>(
    method: string,
    urlPath: string,
    options?: {
      user?: string | null;
      body?: unknown;
      headers?: Record<string, string>;
      xsrf?: boolean;
      internalOrigin?: boolean;
    },
  ): Promise<StandInResponse<T>>;
  stop(): Promise<void>;
}

/**
 * Kibana's `server.maxPayload` default (src/core/packages/http/server-internal/src/http_config.ts:
 * `maxPayload: schema.byteSize({ defaultValue: '1048576b' })`), which getServerOptions
 * (src/platform/packages/shared/kbn-server-http-tools/src/get_server_options.ts) makes hapi's
 * `routes.payload.maxBytes`; a route's own `options.body.maxBytes` replaces it (HttpServer.configureRoute
 * in src/core/packages/http/server-internal/src/http_server.ts passes it to hapi's route `payload.maxBytes`).
 */
export const DEFAULT_BODY_MAX_BYTES = 1048576;
/** A client that keeps sending this far past the limit is answered at once and disconnected. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
export const BUILD_NUM = 1;

function errorBody(status: number, message: string, attributes?: unknown) {
  return {
    statusCode: status,
    error: statusText(status),
    message,
    ...(attributes !== undefined ? { attributes } : {}),
  };
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const host = options.host ?? 'kibana';
  const hostVersion = options.hostVersion ?? TARGETS.find((t) => t.host === host)!.version;
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const logs: LogRecord[] = [];
  const sink = (r: LogRecord) => {
    logs.push(r);
    if (logs.length > 2000) logs.shift();
    (options.onLog ?? consoleSink)(r);
  };
  const rootLogger = createLogger('standin', sink, options.logLevel ?? 'info');
  const manifest = readPluginManifest(options.pluginDir, host, hostVersion);
  const pluginId = manifest.id;
  const indexPrefix = options.indexPrefix ?? '.kibana_standin';
  const osdSecurity = host === 'osd' ? (options.osdSecurity ?? defaultOsdSecurity()) : undefined;
  // OSD without the security plugin has no login: every request is anonymous.
  const anonymous = osdSecurity === false;
  const securityConfig = osdSecurity ? osdLoginUsers(osdSecurity) : (options.security ?? defaultSecurity(pluginId));
  const security = new SecurityService(securityConfig);
  const storage = httpEngineClient(options.engineUrl);
  const registry = new SavedObjectTypeRegistry();
  const savedObjects = new SavedObjectsStore(storage, indexPrefix, registry);
  const taskManager =
    host === 'kibana' && options.taskManager !== false
      ? new StandInTaskManager(storage, `${indexPrefix}_task_manager`, {
          logger: rootLogger.get('taskManager'),
          pollIntervalMs: options.taskPollIntervalMs,
        })
      : undefined;
  const routes: RegisteredRoute[] = [];
  const capabilityProviders: Array<() => Record<string, Record<string, boolean>>> = [];

  // The data client: Kibana's own library through the proxy; OSD's directly.
  let proxy: EngineProxy | undefined;
  let clients: ClusterClients;
  if (host === 'kibana') {
    proxy = await startEngineProxy(options.engineUrl);
    clients = createClusterClients('kibana', proxy.url);
  } else if (osdSecurity) {
    proxy = await startOsdSecurityProxy(options.engineUrl, osdSecurity);
    clients = createClusterClients('osd', proxy.url);
  } else {
    clients = createClusterClients('osd', options.engineUrl);
  }

  const cleanupOnFailure = async () => {
    await taskManager?.stop().catch(() => undefined);
    await clients.close().catch(() => undefined);
    await proxy?.close();
  };
  try {
    return await startServing();
  } catch (error) {
    await cleanupOnFailure();
    throw error;
  }

  async function startServing(): Promise<StandIn> {
    // The `config` export and the settings, before the plugin is initialized (plugin_loader.ts validatedPluginConfig).
    const entry = options.serverEntry ?? path.join(options.pluginDir, 'server', 'index.js');
    let definition: any;
    let configState: { value: unknown } | { error: string } = { value: options.config ?? {} };
    if (manifest.server && fs.existsSync(entry)) {
      installHostPackages(options.pluginDir, host);
      definition = requireServerDefinition(entry, host);
      const env = {
        dev: false,
        prod: true,
        version: hostVersion,
        branch: hostVersion.split('.').slice(0, 2).join('.'),
        buildNum: BUILD_NUM,
        dist: true,
      };
      configState = validatedPluginConfig(definition, manifest, host, options.config ?? {}, env);
      if ('error' in configState && Object.keys(options.config ?? {}).length > 0)
        throw new PluginLoadError(configState.error);
    }
    const configValue = () => {
      if ('error' in configState) throw new Error(configState.error);
      return configState.value;
    };
    const initializerContext: PluginInitializerContext = {
      opaqueId: Symbol(pluginId),
      env: {
        mode: { dev: false, prod: true, name: 'production' },
        packageInfo: {
          version: hostVersion,
          branch: hostVersion.split('.').slice(0, 2).join('.'),
          buildNum: BUILD_NUM,
          dist: true,
        },
      },
      logger: {
        get: (...parts: string[]) =>
          createLogger(['plugins', pluginId, ...parts].join('.'), sink, options.logLevel ?? 'info'),
      },
      config: {
        get: (() => configValue()) as any,
        create: (() => ({
          subscribe: (o: any) => ((typeof o === 'function' ? o : o.next)?.(configValue()), { unsubscribe() {} }),
        })) as any,
      },
    };
    if (host === 'osd') delete (initializerContext.config as any).get;

    let resolveStart!: (v: [CoreStart, Record<string, unknown>, unknown]) => void;
    const startServices = new Promise<[CoreStart, Record<string, unknown>, unknown]>((r) => (resolveStart = r));
    const internalRepository = () => savedObjects.client(registry.all().map((t) => t.name));

    // ---- server plugin
    let instance: Plugin<unknown, unknown, any, any> | undefined;
    let tmStart: TaskManagerStartContract | undefined;
    let pluginStart: unknown;
    if (manifest.server) {
      instance = await initializeServerPlugin(manifest, entry, host, initializerContext, definition);
      const available: Record<string, { setup: unknown; start: () => unknown }> = {};
      if (host === 'kibana') {
        available.features = {
          setup: { registerKibanaFeature: (f: any) => security.registerFeature(f) },
          start: () => ({ getKibanaFeatures: () => security.getFeatures() }),
        };
        if (taskManager) {
          const tmSetup = taskManager.setupContract();
          available.taskManager = { setup: tmSetup, start: () => tmStart };
        }
      }
      for (const dep of manifest.requiredPlugins) {
        if (!available[dep])
          throw new Error(
            `Plugin "${pluginId}" has a required dependency on "${dep}", which the stand-in (${host}) does not provide`,
          );
      }
      const declared = [...manifest.requiredPlugins, ...manifest.optionalPlugins].filter((d) => available[d]);
      const setupDeps = Object.fromEntries(declared.map((d) => [d, available[d].setup]));
      const coreSetup: CoreSetup<any> & Record<string, unknown> = {
        http: {
          createRouter: () => new Router(routes, host, pluginId),
          basePath: { serverBasePath: basePath, get: () => basePath },
        },
        savedObjects: { registerType: (t) => registry.register(t as any) },
        capabilities: { registerProvider: (p) => capabilityProviders.push(p) },
        uiSettings: { register: () => undefined },
        getStartServices: () => startServices as any,
      };
      if (host === 'osd') coreSetup.opensearch = { legacy: {} };
      else coreSetup.elasticsearch = { legacy: {} };
      const setupResult = instance.setup(coreSetup, setupDeps) as unknown;
      if (setupResult && typeof (setupResult as any).then === 'function')
        rootLogger.warn(`Plugin ${pluginId} is using asynchronous setup lifecycle; Kibana requires a synchronous one`);
      registry.freeze();
      await savedObjects.ensureIndex();
      if (taskManager) tmStart = await taskManager.start();
      const coreStart: CoreStart & Record<string, unknown> = {
        savedObjects: {
          getScopedClient: (_req, o) => savedObjects.client(o?.includedHiddenTypes),
          createInternalRepository: (hidden) =>
            savedObjects.client([...(hidden ?? []), ...registry.all().map((t) => t.name)]),
        },
      };
      const clusterStart = {
        asInternalUser: clients.asInternalUser,
        asScoped: (req: KibanaRequest) => clients.asScoped(req.headers),
      };
      if (host === 'osd') coreStart.opensearch = { client: clusterStart };
      else {
        coreStart.elasticsearch = { client: clusterStart };
        // Kibana's CapabilitiesStart.resolveCapabilities: the capabilities of the request's user.
        coreStart.capabilities = {
          resolveCapabilities: async (req: KibanaRequest) =>
            capabilitiesFor(security.authenticate(req.headers.authorization as string | undefined)),
        };
      }
      const startDeps = Object.fromEntries(declared.map((d) => [d, available[d].start()]));
      pluginStart = instance.start(coreStart, startDeps);
      if (pluginStart && typeof (pluginStart as any).then === 'function')
        rootLogger.warn(`Plugin ${pluginId} is using asynchronous start lifecycle; Kibana requires a synchronous one`);
      resolveStart([coreStart, startDeps, pluginStart]);
    }
    void internalRepository;

    // ---- browser assets
    const bundleDir = options.bundleDir ?? path.join(options.pluginDir, 'target', 'public');
    let assets: BrowserAssets | undefined;
    if (options.browser !== false && manifest.ui)
      assets = await prepareBrowserAssets({ log: (l) => rootLogger.get('browser').info(l) });

    // ---- HTTP
    const xsrfHeader = host === 'kibana' ? 'kbn-xsrf' : 'osd-xsrf';
    const versionHeader = host === 'kibana' ? 'kbn-version' : 'osd-version';
    const capabilitiesFor = (user: AuthenticatedUser | null) => {
      const caps: Record<string, Record<string, boolean>> = { navLinks: {}, management: {}, catalogue: {} };
      for (const f of security.getFeatures()) {
        const granted = new Set<string>();
        if (user) {
          for (const roleName of user.roles) {
            const levels = user.superuser ? ['all'] : (securityConfig.roles[roleName]?.features?.[f.id] ?? []);
            for (const level of levels)
              for (const ui of f.privileges?.[level as 'all' | 'read']?.ui ?? []) granted.add(ui);
          }
          if (user.superuser) for (const ui of f.privileges?.all.ui ?? []) granted.add(ui);
        }
        caps[f.id] = Object.fromEntries(
          [...new Set([...(f.privileges?.all.ui ?? []), ...(f.privileges?.read.ui ?? [])])].map((ui) => [
            ui,
            granted.has(ui),
          ]),
        );
        for (const app of f.app) caps.navLinks[app] = granted.size > 0;
      }
      for (const p of capabilityProviders) Object.assign(caps, p());
      return caps;
    };

    const send = (
      res: http.ServerResponse,
      status: number,
      body: unknown,
      headers: Record<string, string | string[]> = {},
    ) => {
      if (body === undefined || status === 204) {
        res.writeHead(status, headers);
        res.end();
        return;
      }
      if (Buffer.isBuffer(body)) {
        res.writeHead(status, { 'content-type': 'application/octet-stream', ...headers });
        res.end(body);
        return;
      }
      if (typeof body === 'string') {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        res.end(body);
        return;
      }
      if (body && typeof (body as any).pipe === 'function') {
        res.writeHead(status, { 'content-type': 'application/octet-stream', ...headers });
        (body as NodeJS.ReadableStream).pipe(res);
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };

    const sendKibanaResponse = (res: http.ServerResponse, r: KibanaResponse<any>) => {
      const headers = (r.options?.headers ?? {}) as Record<string, string | string[]>;
      if (r.status >= 400) {
        const p = r.payload as any;
        const message =
          typeof p === 'string'
            ? p
            : p instanceof Error
              ? p.message
              : typeof p?.message === 'string'
                ? p.message
                : (boomText(r.status) ?? 'Error');
        send(
          res,
          r.status,
          errorBody(r.status, message, p && typeof p === 'object' && !(p instanceof Error) ? p.attributes : undefined),
          headers,
        );
        return;
      }
      send(res, r.status, r.payload, headers);
    };

    /**
     * hapi's payload step (lib/route.js `internals.payload` with @hapi/subtext), which Kibana runs for every
     * non-GET route: a declared content-length over the route's limit, or a body that grows past it, is a
     * 413 "Payload content length greater than maximum allowed: <maxBytes>"; the rest of the body is
     * drained first (`internals.drain`) so the client reads that answer instead of a reset connection.
     */
    const readBody = (req: http.IncomingMessage, maxBytes: number): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        const tooLarge = (abandon: boolean) =>
          Object.assign(new Error(`Payload content length greater than maximum allowed: ${maxBytes}`), {
            status: 413,
            abandon,
          });
        const declared = Number(req.headers['content-length']);
        let overflow = Number.isFinite(declared) && declared > maxBytes;
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (c: Buffer) => {
          size += c.length;
          if (overflow || size > maxBytes) {
            overflow = true;
            chunks.length = 0;
            if (size > maxBytes + MAX_DRAIN_BYTES) {
              req.off('data', onData);
              req.pause();
              reject(tooLarge(true));
            }
            return;
          }
          chunks.push(c);
        };
        req.on('data', onData);
        req.on('end', () => (overflow ? reject(tooLarge(false)) : resolve(Buffer.concat(chunks))));
        req.on('error', reject);
      });

    const handleApi = async (
      req: http.IncomingMessage,
      res: http.ServerResponse,
      url: URL,
      routePath: string,
    ): Promise<boolean> => {
      const method = (req.method ?? 'GET').toLowerCase() as RouteMethod;
      const route = routes.find((r) => r.method === method && r.pattern.test(routePath));
      if (!route) return false;
      const authc = route.security?.authc?.enabled ?? true;
      const user = anonymous ? null : security.authenticate(req.headers.authorization);
      if (authc === true && !user && !anonymous) {
        send(res, 401, errorBody(401, '[security_exception]: unable to authenticate user'), {
          'www-authenticate': 'Basic realm="kibana", charset="UTF-8"',
        });
        return true;
      }
      // hapi's lifecycle (lib/route.js `_buildLifecycle`): authenticate, then the payload (non-GET), then
      // onPostAuth, where Kibana checks the internal-route restriction, kbn-xsrf (lifecycle_handlers.ts)
      // and the route's privileges (the security plugin's API authorization). So an oversized or broken
      // body is 413/400 whoever sends it, before 403.
      let body: unknown = null;
      if (method !== 'get') {
        try {
          const raw = await readBody(req, route.config.options?.body?.maxBytes ?? DEFAULT_BODY_MAX_BYTES);
          if (raw.length) {
            const type = String(req.headers['content-type'] ?? '');
            if (route.config.options?.body?.parse === false) body = raw;
            else if (/json/i.test(type)) {
              try {
                body = JSON.parse(raw.toString('utf8'));
              } catch {
                send(res, 400, errorBody(400, 'Invalid request payload JSON format'));
                return true;
              }
            } else if (/^text\//i.test(type) || /yaml/i.test(type)) body = raw.toString('utf8');
            else body = raw;
          }
        } catch (error: any) {
          const status = error?.status ?? 400;
          send(
            res,
            status,
            errorBody(status, error?.message ?? 'Bad request'),
            error?.abandon ? { connection: 'close' } : {},
          );
          if (error?.abandon) res.on('finish', () => req.destroy());
          return true;
        }
      }
      // Kibana 9 restricts internal routes (PR #193792; routes are internal unless `access: 'public'`):
      // only requests carrying x-elastic-internal-origin (core.http.fetch sends it) may call them.
      const access = route.config.options?.access ?? 'internal';
      if (
        host === 'kibana' &&
        access === 'internal' &&
        req.headers['x-elastic-internal-origin'] === undefined &&
        url.searchParams.get('elasticInternalOrigin') !== 'true'
      ) {
        send(
          res,
          400,
          errorBody(
            400,
            `uri [${url.pathname}] with method [${method}] exists but is not available with the current configuration`,
          ),
        );
        return true;
      }
      // Kibana's XSRF post-auth handler (lifecycle_handlers.ts): non-safe methods need kbn-xsrf or kbn-version.
      const xsrfRequired = route.config.options?.xsrfRequired !== false;
      if (
        method !== 'get' &&
        xsrfRequired &&
        req.headers[xsrfHeader] === undefined &&
        req.headers[versionHeader] === undefined
      ) {
        send(res, 400, errorBody(400, `Request must contain a ${xsrfHeader} header.`));
        return true;
      }
      if (route.security && user) {
        const missing = security.missingPrivileges(user, route.security);
        if (missing.length) {
          send(
            res,
            403,
            errorBody(
              403,
              `API [${method.toUpperCase()} ${url.pathname}] is unauthorized for user, this action is granted by the Kibana privileges [${missing.join(',')}]`,
            ),
          );
          return true;
        }
      }
      // Request parts
      const match = route.pattern.exec(routePath)!;
      const params: Record<string, string> = {};
      route.paramNames.forEach((n, i) => {
        if (match[i + 1] !== undefined && match[i + 1] !== '') params[n] = decodeURIComponent(match[i + 1]);
      });
      const query: Record<string, string | string[]> = {};
      for (const [k, v] of url.searchParams) {
        const prev = Object.prototype.hasOwnProperty.call(query, k) ? query[k] : undefined;
        // an own property even for `__proto__`, so that the key check refuses it as Kibana does
        Object.defineProperty(query, k, {
          value: prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      const validate = route.config.validate === false ? {} : route.config.validate;
      let request: KibanaRequest<any, any, any>;
      try {
        request = {
          id: randomUUID(),
          url,
          route: { path: route.path, method, options: route.config.options ?? {} },
          headers: req.headers,
          params: runValidation(validate.params, params, 'request params'),
          query: runValidation(validate.query, query, 'request query'),
          body: runValidation(validate.body, body, 'request body'),
          auth: { isAuthenticated: !!user },
        };
      } catch (error) {
        if (error instanceof RequestValidationError) {
          send(res, 400, errorBody(400, error.message));
          return true;
        }
        throw error;
      }
      // Kibana only: the scoped saved-objects client checks the user's per-type privileges (security.ts).
      const authorize =
        host === 'kibana' && user
          ? (type: string, op: string) => security.mayUseSavedObject(user, type, op)
          : undefined;
      const saved = savedObjects.client([], authorize);
      const scoped = clients.asScoped(req.headers);
      const coreContext: Record<string, unknown> = {
        savedObjects: {
          client: saved,
          getClient: (o?: { includedHiddenTypes?: string[] }) => savedObjects.client(o?.includedHiddenTypes, authorize),
        },
        uiSettings: { client: { get: async () => undefined } },
      };
      // Kibana's request context has core.security (CoreSecurityRequestHandlerContext); OSD's has none.
      if (host === 'kibana')
        coreContext.security = {
          authc: { getCurrentUser: () => (user ? { username: user.username, roles: user.roles } : null) },
        };
      if (host === 'osd') coreContext.opensearch = { client: scoped };
      else coreContext.elasticsearch = { client: scoped };
      const context = { core: host === 'kibana' ? Promise.resolve(coreContext) : coreContext };
      let result: KibanaResponse<any>;
      try {
        result = await route.handler(context as any, request, responseFactory);
        if (!result || typeof result.status !== 'number')
          throw new Error(
            `Unexpected result from Route Handler. Expected KibanaResponse, but given: ${typeof result}.`,
          );
      } catch (error: any) {
        rootLogger.get('http').error(`${method.toUpperCase()} ${url.pathname} failed: ${error?.stack ?? error}`);
        send(res, 500, errorBody(500, 'An internal server error occurred.'));
        return true;
      }
      sendKibanaResponse(res, result);
      return true;
    };

    const server = http.createServer((req, res) => {
      const started = Date.now();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      res.on('finish', () =>
        rootLogger.get('http').debug(`${req.method} ${url.pathname} ${res.statusCode} ${Date.now() - started}ms`),
      );
      void (async () => {
        if (basePath && !url.pathname.startsWith(`${basePath}/`) && url.pathname !== basePath) {
          send(res, 404, errorBody(404, 'Not Found'));
          return;
        }
        const routePath = url.pathname.slice(basePath.length) || '/';
        if (await handleApi(req, res, url, routePath)) return;
        if (req.method === 'GET' && routePath === '/api/core/capabilities') {
          // Kibana resolves capabilities for the logged-in user; a request without credentials gets the
          // Basic challenge (browsers send Basic credentials preemptively only under the challenged path).
          const user = security.authenticate(req.headers.authorization);
          if (!user)
            send(res, 401, errorBody(401, 'Unauthorized'), {
              'www-authenticate': 'Basic realm="kibana", charset="UTF-8"',
            });
          else send(res, 200, capabilitiesFor(user));
          return;
        }
        if (req.method === 'GET' && routePath === '/internal/security/me') {
          const user = security.authenticate(req.headers.authorization);
          if (!user)
            send(res, 401, errorBody(401, 'Unauthorized'), {
              'www-authenticate': 'Basic realm="kibana", charset="UTF-8"',
            });
          else send(res, 200, { username: user.username, roles: user.roles });
          return;
        }
        const bundlePrefix = `/${BUILD_NUM}/bundles/`;
        if (req.method === 'GET' && routePath.startsWith(bundlePrefix) && assets) {
          const rest = routePath.slice(bundlePrefix.length);
          const pluginPrefix = `plugin/${pluginId}/${manifest.version}/`;
          let file: string | undefined;
          if (rest.startsWith(pluginPrefix)) file = path.join(bundleDir, rest.slice(pluginPrefix.length));
          else file = assets.files[rest];
          const root = rest.startsWith(pluginPrefix) ? bundleDir : assets.dir;
          if (
            file &&
            path.resolve(file).startsWith(path.resolve(root)) &&
            fs.existsSync(file) &&
            fs.statSync(file).isFile()
          ) {
            const type = file.endsWith('.js')
              ? 'application/javascript; charset=utf-8'
              : file.endsWith('.css')
                ? 'text/css; charset=utf-8'
                : 'application/octet-stream';
            res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
            fs.createReadStream(file).pipe(res);
            return;
          }
          send(res, 404, errorBody(404, 'Not Found'));
          return;
        }
        if (req.method === 'GET' && (routePath === '/' || routePath === '/app' || routePath === '/app/')) {
          res.writeHead(302, { location: `${basePath}/app/${pluginId}` });
          res.end();
          return;
        }
        if (req.method === 'GET' && routePath.startsWith('/app/') && assets) {
          const user = anonymous
            ? { username: 'anonymous', roles: [] }
            : security.authenticate(req.headers.authorization);
          if (!user) {
            send(res, 401, 'Log in with a stand-in user (see the README: elastic, writer or reader).', {
              'www-authenticate': 'Basic realm="kibana", charset="UTF-8"',
            });
            return;
          }
          const html = renderPage({
            host,
            hostVersion,
            basePath,
            buildNum: BUILD_NUM,
            pluginId,
            pluginVersion: manifest.version,
            pluginBundleExists: fs.existsSync(path.join(bundleDir, `${pluginId}.plugin.js`)),
            user: { username: user.username, roles: user.roles },
            assets,
          });
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(html);
          return;
        }
        send(res, 404, errorBody(404, 'Not Found'));
      })().catch((error) => {
        rootLogger.get('http').error(`unhandled: ${error?.stack ?? error}`);
        if (!res.headersSent) send(res, 500, errorBody(500, 'An internal server error occurred.'));
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}${basePath}`;
    rootLogger.info(`${host} ${hostVersion} stand-in with plugin ${pluginId} ${manifest.version} listening on ${url}`);

    const passwords = new Map(securityConfig.users.map((u) => [u.username, u.password]));
    let stopped = false;
    return {
      url,
      host,
      hostVersion,
      manifest,
      serverEntry: definition ? entry : undefined,
      routes,
      savedObjects,
      taskManager,
      taskManagerStart: tmStart,
      logs,
      security,
      async request(method, urlPath, o = {}) {
        const headers: Record<string, string> = { ...(o.headers ?? {}) };
        const user = o.user === undefined ? 'elastic' : o.user;
        if (user)
          headers.authorization = `Basic ${Buffer.from(`${user}:${passwords.get(user) ?? ''}`).toString('base64')}`;
        if (o.xsrf !== false && method.toUpperCase() !== 'GET') headers[xsrfHeader] = 'true';
        if (o.internalOrigin) headers['x-elastic-internal-origin'] = 'Kibana';
        let payload: string | undefined;
        if (o.body !== undefined) {
          payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
          if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
            headers['content-type'] = typeof o.body === 'string' ? 'text/plain' : 'application/json';
        }
        const r = await fetch(`${url}${urlPath}`, { method, headers, body: payload });
        const text = await r.text();
        let body: any = text;
        if ((r.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
        return { status: r.status, headers: Object.fromEntries(r.headers), body };
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await new Promise<void>((resolve) => {
          server.closeAllConnections?.();
          server.close(() => resolve());
        });
        try {
          instance?.stop?.();
        } catch (error: any) {
          rootLogger.error(`plugin stop failed: ${error?.message ?? error}`);
        }
        await taskManager?.stop();
        await clients.close().catch(() => undefined);
        await proxy?.close();
      },
    };
  }
}
