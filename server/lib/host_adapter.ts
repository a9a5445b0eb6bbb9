/*
 * Everything that differs between the two hosts, in one place (host-contracts §2.2, §2.4, §2.7):
 *  - the data client: Kibana `(await context.core).elasticsearch.client`, OSD `context.core.opensearch.client`;
 *    both wrapped into our EngineClient (which also normalizes `{ body }` vs body answers);
 *  - route configs: Kibana needs `security` on every route and enforces it; OSD has no per-route
 *    authorization, so hostRouter strips `security` there and checks the same requirement itself
 *    (lib/access: opensearch-security's authinfo against elastic_recheck.access.*);
 */
import { EngineClient, engineFromHostClient } from '../../lib/engine_client';
import { errorResponse } from './errors';
import { API_PRIVILEGE_READ, API_PRIVILEGE_WRITE } from '../../common/privileges';
import type {
  CoreRequestHandlerContext,
  IRouter,
  RequestHandler,
  CoreSetup,
  CoreStart,
  RequestHandlerContext,
  RouteConfig,
  SavedObjectsClientContract,
  ScopedClusterClient,
} from '../types/host';

export type HostKind = 'kibana' | 'osd';

/** OSD's CoreSetup/CoreStart carry `opensearch`, Kibana's carry `elasticsearch`. */
export function detectHost(core: CoreSetup | CoreStart): HostKind {
  return 'opensearch' in core && (core as { opensearch?: unknown }).opensearch ? 'osd' : 'kibana';
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

/**
 * A route config with its `security` required; the router from hostRouter turns it into the host's
 * shape (kept for Kibana, which enforces it; on OSD stripped and enforced by the access guard).
 */
export function hostRoute<P, Q, B>(
  _host: HostKind,
  route: RouteConfig<P, Q, B> & { security: NonNullable<RouteConfig<P, Q, B>['security']> },
): RouteConfig<P, Q, B> {
  return route;
}

/** What a route's `security` asks for, in our two levels (none: authz disabled on purpose). */
export function requiredAccess(
  security: RouteConfig<unknown, unknown, unknown>['security'],
): 'read' | 'write' | 'none' {
  if (!security) throw new Error('route without security');
  if (!('requiredPrivileges' in security.authz)) return 'none';
  const names = security.authz.requiredPrivileges.flatMap((p) =>
    typeof p === 'string' ? [p] : [...(p.allRequired ?? []), ...(p.anyRequired ?? [])],
  );
  if (names.includes(API_PRIVILEGE_WRITE)) return 'write';
  if (names.includes(API_PRIVILEGE_READ)) return 'read';
  throw new Error(`route security names none of this plugin's privileges: ${JSON.stringify(security.authz)}`);
}

/** The OSD access check (lib/access/access_service.ts): null when allowed, else the refusal. */
export interface AccessGuard {
  check(
    context: RequestHandlerContext,
    need: 'read' | 'write',
  ): Promise<{ statusCode: number; message: string } | null>;
}

/**
 * The router routes register on. Kibana: the host's router as is. OSD: every route must declare
 * `security` (as on Kibana, so no route is left open by mistake); it is removed from the config OSD sees
 * and its requirement is checked before the handler runs (403 with the roles needed).
 */
export function hostRouter(router: IRouter, host: HostKind, guard: AccessGuard): IRouter {
  if (host === 'kibana') return router;
  const wrap =
    (register: IRouter['get']) =>
    <P, Q, B>(route: RouteConfig<P, Q, B>, handler: RequestHandler<P, Q, B>) => {
      const { security, ...rest } = route;
      const need = requiredAccess(security);
      if (need === 'none') return register(rest, handler);
      const guarded: RequestHandler<P, Q, B> = async (context, request, response) => {
        let refusal;
        try {
          refusal = await guard.check(context, need);
        } catch (error) {
          return errorResponse(response, error);
        }
        if (refusal)
          return response.customError({ statusCode: refusal.statusCode, body: { message: refusal.message } });
        return handler(context, request, response);
      };
      return register(rest, guarded);
    };
  return {
    routerPath: router.routerPath,
    get: wrap(router.get.bind(router)),
    post: wrap(router.post.bind(router)),
    put: wrap(router.put.bind(router)),
    patch: wrap(router.patch.bind(router)),
    delete: wrap(router.delete.bind(router)),
  };
}
