/** @jest-layer engine */
/*
 * hostRouter on the stand-in's router (dev/host/server/router.ts) with the real access service: on OSD
 * no route registers without `security`, OSD never sees the key, and the declared requirement is
 * checked against authinfo (the stand-in's security plugin in front of the real engine) before the handler.
 */
import { Client } from '@opensearch-project/opensearch';
import { Router, RegisteredRoute, responseFactory } from '../../dev/host/server/router';
import { defaultOsdSecurity, startOsdSecurityProxy } from '../../dev/host/server/osd_security';
import type { EngineProxy } from '../../dev/host/server/engine_proxy';
import { engineUrl } from '../../test/setup/engine';
import { API_PRIVILEGE_READ, API_PRIVILEGE_WRITE } from '../../common/privileges';
import { parseConfig } from '../config';
import type { Logger } from '../types/host';
import { AccessService } from './access/access_service';
import { hostRoute, hostRouter, requiredAccess } from './host_adapter';

const ok = async () => responseFactory.ok({ body: { done: true } });
const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, get: () => silent };
const access = new AccessService('osd', () => parseConfig({}), silent);

let proxy: EngineProxy;
const clients: Client[] = [];
beforeAll(async () => {
  proxy = await startOsdSecurityProxy(engineUrl(), defaultOsdSecurity());
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await proxy.close();
});

/** OSD's request context for a user: a plain core with the opensearch client carrying their credentials. */
function contextFor(user: string) {
  const client = new Client({
    node: proxy.url,
    headers: { authorization: `Basic ${Buffer.from(`${user}:changeme`).toString('base64')}` },
  });
  clients.push(client);
  return {
    core: { opensearch: { client: { asCurrentUser: client, asInternalUser: client } }, savedObjects: {} },
  } as any;
}

function osdRouter() {
  const routes: RegisteredRoute[] = [];
  return { routes, router: hostRouter(new Router(routes, 'osd', 'elasticRecheck'), 'osd', access) };
}

describe('hostRouter', () => {
  test('OSD: a route without security is refused at registration, as Kibana refuses it', () => {
    const { router } = osdRouter();
    expect(() => router.get({ path: '/api/x', validate: false }, ok)).toThrow('route without security');
    expect(() =>
      router.get({ path: '/api/x', validate: false, security: { authz: { requiredPrivileges: ['other-read'] } } }, ok),
    ).toThrow("names none of this plugin's privileges");
  });

  test('OSD: security is stripped, and the access check runs before the handler', async () => {
    const { router, routes } = osdRouter();
    router.post(
      hostRoute('osd', {
        path: '/api/w',
        validate: false,
        security: { authz: { requiredPrivileges: [API_PRIVILEGE_WRITE] } },
      }),
      ok,
    );
    router.get(
      hostRoute('osd', {
        path: '/api/r',
        validate: false,
        security: { authz: { requiredPrivileges: [API_PRIVILEGE_READ] } },
      }),
      ok,
    );
    router.get(
      hostRoute('osd', { path: '/api/open', validate: false, security: { authz: { enabled: false, reason: 'test' } } }),
      ok,
    );
    expect(routes.map((r) => 'security' in r.config)).toEqual([false, false, false]);
    const call = (path: string, user: string) =>
      routes.find((r) => r.path === path)!.handler(contextFor(user), {} as any, responseFactory);
    expect(await call('/api/w', 'reader')).toMatchObject({
      status: 403,
      payload: { message: expect.stringContaining("user 'reader' may not change signatures") },
    });
    expect(await call('/api/w', 'writer')).toMatchObject({ status: 200 });
    expect(await call('/api/r', 'nobody')).toMatchObject({ status: 200 });
    expect(await call('/api/open', 'nobody')).toMatchObject({ status: 200 });
    // wrong credentials: the security plugin's 401 is passed on, never read as "no security"
    const wrong = { core: { opensearch: { client: { asCurrentUser: new Client({ node: proxy.url }) } } } } as any;
    clients.push(wrong.core.opensearch.client.asCurrentUser);
    expect(await routes.find((r) => r.path === '/api/w')!.handler(wrong, {} as any, responseFactory)).toMatchObject({
      status: 401,
    });
  });

  test('Kibana: the host router as it is, security kept for the host to enforce', () => {
    const router = new Router([], 'kibana', 'elasticRecheck');
    expect(hostRouter(router, 'kibana', access)).toBe(router);
  });

  test('requiredAccess reads privilege sets too', () => {
    expect(
      requiredAccess({ authz: { requiredPrivileges: [{ anyRequired: [API_PRIVILEGE_WRITE, 'superuser'] }] } }),
    ).toBe('write');
    expect(requiredAccess({ authz: { requiredPrivileges: [{ allRequired: [API_PRIVILEGE_READ] }] } })).toBe('read');
  });
});
