/** @jest-layer engine */
/*
 * The OSD flavour's security plugin emulation in front of the real engine, with OSD's own client
 * (@opensearch-project/opensearch): authinfo as opensearch-security answers it, 401 without valid
 * credentials, everything else forwarded; and what the engine itself answers without the plugin.
 */
import { Client } from '@opensearch-project/opensearch';
import { engineUrl } from '../../../test/setup/engine';
import type { EngineProxy } from './engine_proxy';
import { defaultOsdSecurity, startOsdSecurityProxy } from './osd_security';

const basic = (user: string, password = 'changeme') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let proxy: EngineProxy;
beforeAll(async () => {
  proxy = await startOsdSecurityProxy(engineUrl(), defaultOsdSecurity());
});
afterAll(async () => {
  await proxy.close();
});

describe('authinfo of the stand-in security plugin', () => {
  test('security src/main/java/org/opensearch/security/rest/SecurityInfoAction.java: GET /_plugins/_security/authinfo names the user, backend roles and mapped roles', async () => {
    const client = new Client({ node: proxy.url, headers: { authorization: basic('writer') } });
    try {
      const { body, statusCode } = await client.transport.request({
        method: 'GET',
        path: '/_plugins/_security/authinfo',
      });
      expect(statusCode).toBe(200);
      expect(Object.keys(body).sort()).toEqual(
        [
          'backend_roles',
          'custom_attribute_names',
          'peer_certificates',
          'principal',
          'remote_address',
          'roles',
          'sso_logout_url',
          'tenants',
          'user',
          'user_name',
          'user_requested_tenant',
        ].sort(),
      );
      expect(body.user_name).toBe('writer');
      expect(body.backend_roles).toEqual(['ci-core']);
      expect(body.roles).toEqual(['elastic_recheck_writer']);
      expect(body.tenants).toEqual({ writer: true });
    } finally {
      await client.close();
    }
  });

  test('security ConfigModelV7.java RoleMappingHolder / mapTenants: each user gets the roles its backend roles map to', async () => {
    const answers: Record<string, any> = {};
    for (const user of ['elastic', 'reader', 'nobody']) {
      const r = await fetch(`${proxy.url}/_opendistro/_security/authinfo`, {
        method: 'POST',
        headers: { authorization: basic(user) },
      });
      expect(r.status).toBe(200);
      answers[user] = await r.json();
    }
    expect(answers.elastic).toMatchObject({
      user_name: 'elastic',
      backend_roles: ['admin'],
      roles: ['all_access'],
      tenants: { elastic: true, global_tenant: true },
    });
    expect(answers.reader).toMatchObject({
      user_name: 'reader',
      backend_roles: ['ci-observer'],
      roles: ['elastic_recheck_reader'],
    });
    expect(answers.nobody).toMatchObject({ user_name: 'nobody', backend_roles: [], roles: [] });
  });

  test('security src/main/java/org/opensearch/security/http/HTTPBasicAuthenticator.java: no or wrong credentials are 401 with the Basic challenge', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: basic('writer', 'wrong') },
      { authorization: 'Bearer abc' },
    ];
    for (const headers of attempts) {
      const r = await fetch(`${proxy.url}/_plugins/_security/authinfo`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Basic realm="OpenSearch Security"');
    }
  });

  test('every other request reaches the engine', async () => {
    const client = new Client({ node: proxy.url, headers: { authorization: basic('reader') } });
    try {
      const { body } = await client.cluster.health();
      expect(['green', 'yellow']).toContain(body.status);
    } finally {
      await client.close();
    }
  });
});

test('without the security plugin the engine has no authinfo route: "no handler found" (what the plugin reads as security off)', async () => {
  const client = new Client({ node: engineUrl() });
  try {
    const error: any = await client.transport.request({ method: 'GET', path: '/_plugins/_security/authinfo' }).then(
      () => null,
      (e) => e,
    );
    expect(error).not.toBeNull();
    expect([400, 404, 405]).toContain(error.meta.statusCode);
    expect(JSON.stringify(error.meta.body)).toMatch(/no handler found/i);
  } finally {
    await client.close();
  }
});
