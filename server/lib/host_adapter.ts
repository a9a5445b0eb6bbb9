/*
 * Everything that differs between the two hosts, in one place (host-contracts §2.2, §2.4, §2.7):
 *  - the data client: Kibana `(await context.core).elasticsearch.client`, OSD `context.core.opensearch.client`;
 *    both wrapped into our EngineClient (which also normalizes `{ body }` vs body answers);
 *  - route configs: Kibana needs `security` on every route, OSD ignores it (its types would reject it);
 *  - error mapping from engine / saved-object errors to the response factory.
 */
import { EngineClient, EngineRequestError, engineFromHostClient } from './engine/engine_client';
import type {
  CoreRequestHandlerContext,
  CoreSetup,
  CoreStart,
  KibanaResponse,
  KibanaResponseFactory,
  RequestHandlerContext,
  RouteConfig,
  SavedObjectsClientContract,
  ScopedClusterClient,
} from '../types/host';

export type HostKind = 'kibana' | 'osd';

/** OSD's CoreSetup/CoreStart carry `opensearch`, Kibana's carry `elasticsearch`. */
export function detectHost(core: CoreSetup | CoreStart): HostKind {
  return 'opensearch' in core && (core as any).opensearch ? 'osd' : 'kibana';
}

function clusterClient(core: CoreRequestHandlerContext): ScopedClusterClient {
  const client = core.elasticsearch?.client ?? core.opensearch?.client;
  if (!client) throw new Error('the host request context has neither elasticsearch nor opensearch');
  return client;
}

export async function coreContext(context: RequestHandlerContext): Promise<CoreRequestHandlerContext> {
  // A Promise on Kibana, a plain object on OSD: await works for both.
  return await context.core;
}

/** The engine as the user who made the request, so the engine's own permissions apply. */
export async function engineAsCurrentUser(context: RequestHandlerContext): Promise<EngineClient> {
  return engineFromHostClient(clusterClient(await coreContext(context)).asCurrentUser);
}

/** The engine as the host's own identity (Kibana: kibana_system; only dot-indices it owns). */
export async function engineAsInternalUser(context: RequestHandlerContext): Promise<EngineClient> {
  return engineFromHostClient(clusterClient(await coreContext(context)).asInternalUser);
}

/** For background work started from `start()`: the host's internal client. */
export function engineFromCoreStart(core: CoreStart): EngineClient {
  const client = core.elasticsearch?.client ?? core.opensearch?.client;
  if (!client) throw new Error('the host core has neither elasticsearch nor opensearch');
  return engineFromHostClient(client.asInternalUser);
}

export async function savedObjectsClient(context: RequestHandlerContext): Promise<SavedObjectsClientContract> {
  return (await coreContext(context)).savedObjects.client;
}

/** Route config in the host's shape: `security` kept for Kibana, dropped for OSD. */
export function hostRoute<P, Q, B>(host: HostKind, route: RouteConfig<P, Q, B> & { security: NonNullable<RouteConfig<P, Q, B>['security']> }): RouteConfig<P, Q, B> {
  if (host === 'osd') {
    const { security: _ignored, ...rest } = route;
    return rest;
  }
  return route;
}

/** Status code of a saved-objects (Boom) or engine error, or undefined. */
export function errorStatus(error: unknown): number | undefined {
  const e = error as any;
  if (e instanceof EngineRequestError) return e.statusCode || 502;
  return e?.output?.statusCode ?? e?.statusCode ?? e?.meta?.statusCode;
}

export function isNotFound(error: unknown): boolean {
  return errorStatus(error) === 404;
}

export function isConflict(error: unknown): boolean {
  return errorStatus(error) === 409;
}

/**
 * Turns an error into a response: engine errors keep their status (unreachable → 502), saved-object
 * errors their Boom status; anything else is rethrown so the host answers 500 and logs it.
 */
export function errorResponse(response: KibanaResponseFactory, error: unknown): KibanaResponse {
  const status = errorStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status && status >= 400 && status <= 599) {
    return response.customError({ statusCode: status, body: { message, attributes: error instanceof EngineRequestError ? { type: error.type, reason: error.reason } : undefined } });
  }
  throw error;
}
