/** @jest-layer engine */
/*
 * The stand-in rejects what Kibana rejects and provides what Kibana provides, on the real engine.
 * A small CommonJS probe plugin (fixtures/probe_plugin) plays the plugin.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineUrl } from '../../test/setup/engine';
import * as http from 'http';
import { DEFAULT_BODY_MAX_BYTES, startStandIn, StandIn, StandInOptions } from './stand_in';
import { deleteStandInIndices, uniqueIndexPrefix } from './testing';
import { validateRouteSecurity } from './server/security';
import { ManifestError } from './manifest';

const PROBE = path.join(__dirname, 'fixtures', 'probe_plugin');

/** A copy of the probe with a changed manifest (kibana.json). */
function probeWithManifest(change: (m: Record<string, unknown>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
  fs.cpSync(PROBE, dir, { recursive: true });
  const file = path.join(dir, 'kibana.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(manifest);
  fs.writeFileSync(file, JSON.stringify(manifest));
  return dir;
}

/** A POST written in several chunks (no content-length), as the stand-in's writer. */
function rawPost(
  url: string,
  parts: string[],
  agent: http.Agent,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'kbn-xsrf': 'true',
          authorization: `Basic ${Buffer.from('writer:changeme').toString('base64')}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    for (const p of parts) req.write(p);
    req.end();
  });
}

const started: StandIn[] = [];
const prefixes: string[] = [];
async function start(options: Partial<StandInOptions> = {}): Promise<StandIn> {
  const indexPrefix = uniqueIndexPrefix('standin');
  prefixes.push(indexPrefix);
  const s = await startStandIn({
    pluginDir: PROBE,
    engineUrl: engineUrl(),
    indexPrefix,
    browser: false,
    onLog: () => undefined,
    taskPollIntervalMs: 60000,
    ...options,
  });
  started.push(s);
  return s;
}

afterAll(async () => {
  for (const s of started) await s.stop();
  for (const p of prefixes) await deleteStandInIndices(engineUrl(), p);
});

describe('plugin discovery and lifecycle (plugin_manifest_parser.ts, plugin.ts)', () => {
  it('refuses a manifest with an unknown key', async () => {
    const dir = probeWithManifest((m) => (m.extraThing = true));
    await expect(start({ pluginDir: dir })).rejects.toThrow(
      'Manifest for plugin "probePlugin" contains the following unrecognized properties: extraThing',
    );
  });

  it('refuses a Kibana manifest without owner.name, and one for another Kibana version', async () => {
    await expect(start({ pluginDir: probeWithManifest((m) => delete m.owner) })).rejects.toThrow(ManifestError);
    await expect(
      start({ pluginDir: probeWithManifest((m) => (m.kibanaVersion = '9.4.0')), hostVersion: '9.5.4' }),
    ).rejects.toThrow(
      'Plugin "probePlugin" is only compatible with Kibana version "9.4.0", but used Kibana version is "9.5.4".',
    );
    await expect(start({ pluginDir: probeWithManifest((m) => (m.id = 'probe_plugin')) })).rejects.toThrow(
      'must be camelCase',
    );
  });

  it('accepts the exact version (qualifiers ignored) and calls setup, start, then stop', async () => {
    const s = await start({
      pluginDir: probeWithManifest((m) => (m.kibanaVersion = '9.5.4')),
      hostVersion: '9.5.4-SNAPSHOT',
    });
    expect(s.logs.map((l) => l.message)).toContain('probe started with features,taskManager plugins');
    await s.stop();
    expect(s.logs.map((l) => l.message)).toContain('probe stopped');
  });

  it('refuses a server entry that does not export plugin()', async () => {
    const dir = probeWithManifest(() => undefined);
    fs.writeFileSync(path.join(dir, 'server', 'index.js'), 'exports.notPlugin = 1;\n');
    await expect(start({ pluginDir: dir })).rejects.toThrow(`Plugin "probePlugin" does not export "plugin" definition`);
  });
});

describe('route security (security_route_config_validator.ts)', () => {
  it('refuses a route without security in Kibana mode, ignores it in OSD mode', async () => {
    await expect(start({ config: { routeWithoutSecurity: true } })).rejects.toThrow(
      'Invalid route config for [GET /api/probe/unsecured]: [security]',
    );
    const osd = await start({ host: 'osd', config: { routeWithoutSecurity: true } });
    expect(osd.routes.map((r) => r.path)).toContain('/api/probe/unsecured');
  });

  it('refuses disabled authz without a reason', async () => {
    await expect(start({ config: { disabledAuthzWithoutReason: true } })).rejects.toThrow(
      '[authz.reason]: expected value of type [string]',
    );
  });

  it.each([
    [{ authz: { requiredPrivileges: [] } }, 'cannot be smaller than [1]'],
    [{ authz: { requiredPrivileges: [{ anyRequired: ['a'] }] } }, 'anyRequired]: array size must be at least [2]'],
    [
      { authz: { requiredPrivileges: ['a', { anyRequired: ['a', 'b'] }] } },
      'anyRequired and allRequired cannot have the same values: [a]',
    ],
    [{ authz: { requiredPrivileges: ['superuser', 'a'] } }, 'Combining superuser with other privileges is redundant'],
    [
      { authz: { requiredPrivileges: ['operator'] } },
      'Operator privilege requires at least one additional non-operator privilege',
    ],
    [{ authz: { enabled: false, reason: 'x' }, authc: { enabled: false } }, '[authc.reason]'],
    [{ authz: { enabled: true } }, '[authz.enabled]: expected value to equal [false]'],
  ])('rejects %j', (security, message) => {
    expect(() => validateRouteSecurity(security, '[GET /x]')).toThrow(message);
  });

  it('accepts the shapes Kibana accepts', () => {
    for (const ok of [
      { authz: { requiredPrivileges: ['a'] } },
      { authz: { requiredPrivileges: [{ allRequired: ['a', { anyOf: ['b', 'c'] }] }, { anyRequired: ['d', 'e'] }] } },
      {
        authz: { enabled: false, reason: 'delegated to the engine' },
        authc: { enabled: 'optional', reason: 'public' },
      },
    ]) {
      expect(() => validateRouteSecurity(ok, '[GET /x]')).not.toThrow();
    }
  });
});

describe('HTTP semantics of a Kibana 9 host', () => {
  let s: StandIn;
  beforeAll(async () => {
    s = await start();
  });

  it('requires kbn-xsrf (or kbn-version) on non-GET requests', async () => {
    const without = await s.request('POST', '/api/probe/echo/abc', { body: { name: 'x' }, xsrf: false });
    expect(without.status).toBe(400);
    expect(without.body.message).toBe('Request must contain a kbn-xsrf header.');
    expect(
      (
        await s.request('POST', '/api/probe/echo/abc', {
          body: { name: 'x' },
          xsrf: false,
          headers: { 'kbn-version': '9.5.4' },
        })
      ).status,
    ).toBe(200);
    expect((await s.request('POST', '/api/probe/open', { xsrf: false, user: null })).status).toBe(200); // xsrfRequired: false, authc disabled
  });

  it('restricts internal routes to requests with x-elastic-internal-origin (Kibana 9)', async () => {
    const external = await s.request('GET', '/internal/probe/ping');
    expect(external.status).toBe(400);
    expect(external.body.message).toBe(
      'uri [/internal/probe/ping] with method [get] exists but is not available with the current configuration',
    );
    expect((await s.request('GET', '/internal/probe/ping', { internalOrigin: true })).body).toEqual({ pong: true });
    expect((await s.request('GET', '/internal/probe/ping?elasticInternalOrigin=true')).status).toBe(200);
  });

  it('authenticates users and enforces the privileges their roles grant', async () => {
    expect((await s.request('GET', '/api/probe/context', { user: null })).status).toBe(401);
    expect((await s.request('GET', '/api/probe/context', { user: 'reader' })).status).toBe(200);
    const denied = await s.request('POST', '/api/probe/echo/abc', { user: 'reader', body: { name: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(
      'API [POST /api/probe/echo/abc] is unauthorized for user, this action is granted by the Kibana privileges [probePlugin-write]',
    );
    expect((await s.request('POST', '/api/probe/echo/abc', { user: 'writer', body: { name: 'x' } })).status).toBe(200);
  });

  it('runs validation functions and reports their errors as 400', async () => {
    const ok = await s.request('POST', '/api/probe/echo/abc?ignored=1', { body: { name: 'n', extra: true } });
    expect(ok.body).toEqual({ params: { id: 'abc' }, body: { name: 'n' }, query: {} });
    const badBody = await s.request('POST', '/api/probe/echo/abc', { body: { nom: 'n' } });
    expect(badBody.status).toBe(400);
    expect(badBody.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: '[request body.name]: name required',
    });
    expect((await s.request('POST', '/api/probe/echo/ABC', { body: { name: 'n' } })).body.message).toBe(
      '[request params.id]: must be lowercase letters',
    );
    const polluted = await s.request('POST', '/api/probe/echo/abc', {
      body: '{"name":"n","__proto__":{"x":1}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(polluted.status).toBe(400);
    const badJson = await s.request('POST', '/api/probe/echo/abc', {
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.body.message).toBe('Invalid request payload JSON format');
  });

  it("answers a body over the route limit with 413 and hapi's message, whoever sends it, and keeps the connection usable", async () => {
    const TOO_LARGE = (n: number) => ({
      statusCode: 413,
      error: 'Request Entity Too Large',
      message: `Payload content length greater than maximum allowed: ${n}`,
    });
    // the default limit (server.maxPayload, 1,048,576 bytes): a JSON body of exactly that size passes
    const exact = JSON.stringify({ name: 'n', pad: 'x'.repeat(DEFAULT_BODY_MAX_BYTES - 21) });
    expect(Buffer.byteLength(exact)).toBe(DEFAULT_BODY_MAX_BYTES);
    const fits = await s.request('POST', '/api/probe/echo/abc', {
      body: exact,
      headers: { 'content-type': 'application/json' },
    });
    expect([fits.status, fits.body.body]).toEqual([200, { name: 'n' }]);
    const over = await s.request('POST', '/api/probe/echo/abc', {
      body: exact + ' ',
      headers: { 'content-type': 'application/json' },
    });
    expect([over.status, over.body]).toEqual([413, TOO_LARGE(DEFAULT_BODY_MAX_BYTES)]);
    // the route's own options.body.maxBytes (64), declared by content-length or found while reading a chunked body
    const body64 = JSON.stringify({ a: 'x'.repeat(56) });
    expect(Buffer.byteLength(body64)).toBe(64);
    expect(
      (
        await s.request('POST', '/api/probe/small', {
          user: 'writer',
          body: body64,
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(200);
    const small = await s.request('POST', '/api/probe/small', {
      user: 'writer',
      body: body64 + ' ',
      headers: { 'content-type': 'application/json' },
    });
    expect([small.status, small.body]).toEqual([413, TOO_LARGE(64)]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const chunked = await rawPost(`${s.url}/api/probe/small`, ['{"a":"', 'x'.repeat(100), '"}'], agent);
      expect([chunked.status, JSON.parse(chunked.body)]).toEqual([413, TOO_LARGE(64)]);
      const next = await rawPost(`${s.url}/api/probe/small`, ['{"a":1}'], agent); // same socket, drained
      expect([next.status, JSON.parse(next.body)]).toEqual([200, { received: { a: 1 } }]);
    } finally {
      agent.destroy();
    }
    // the payload is read after authentication and before kbn-xsrf and the privileges (hapi's lifecycle)
    expect(
      (
        await s.request('POST', '/api/probe/small', {
          user: 'reader',
          body: body64 + ' ',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(413);
    expect(
      (
        await s.request('POST', '/api/probe/small', {
          user: 'writer',
          xsrf: false,
          body: body64 + ' ',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(413);
    expect(
      (
        await s.request('POST', '/api/probe/small', {
          user: null,
          body: body64 + ' ',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(401);
  });

  it('gives handlers context.core as a Promise holding the real @elastic/elasticsearch client, which answers bodies', async () => {
    const r = await s.request('GET', '/api/probe/context?x=1', { user: 'writer' });
    expect(r.status).toBe(200);
    expect(r.body.contextIsPromise).toBe(true);
    expect(r.body.clientLibrary).toBe('elasticsearch');
    expect(['green', 'yellow']).toContain(r.body.health.status); // the body itself, not { body }
    expect(r.body.user).toEqual({ username: 'writer', roles: ['probePlugin_all'] });
    expect(r.body.query).toEqual({}); // validate: false
  });

  it('maps handler failures like Kibana: thrown → 500, customError keeps 4xx/5xx and refuses others', async () => {
    const thrown = await s.request('GET', '/api/probe/fail/throw');
    expect(thrown.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'An internal server error occurred.',
    });
    const custom = await s.request('GET', '/api/probe/fail/custom');
    expect(custom.status).toBe(418);
    expect(custom.body).toEqual({
      statusCode: 418,
      error: "I'm a Teapot",
      message: 'teapot',
      attributes: { why: 'test' },
    });
    expect((await s.request('GET', '/api/probe/fail/other')).status).toBe(500);
    expect((await s.request('GET', '/api/probe/nothing')).status).toBe(404);
  });
});

describe('OpenSearch Dashboards mode', () => {
  it('gives a plain context.core with the opensearch client, which answers { body }', async () => {
    const s = await start({ host: 'osd' });
    const r = await s.request('GET', '/api/probe/context', { headers: { 'osd-xsrf': 'true' } });
    expect(r.status).toBe(200);
    expect(r.body.contextIsPromise).toBe(false);
    expect(r.body.clientLibrary).toBe('opensearch');
    // OSD core (src/core/server/index.ts, RequestHandlerContext) has no security in its request context
    expect(r.body.hasSecurity).toBe(false);
    expect(['green', 'yellow']).toContain(r.body.health.body.status);
    expect((await s.request('POST', '/api/probe/echo/abc', { body: { name: 'x' }, xsrf: false })).body.message).toBe(
      'Request must contain a osd-xsrf header.',
    );
  });
});

describe('saved objects in an engine index', () => {
  let s: StandIn;
  beforeAll(async () => {
    s = await start();
  });

  it('creates through the request context and refuses a second create of the same id', async () => {
    const created = await s.request('POST', '/api/probe/things', {
      user: 'writer',
      body: { id: 'one', title: 'First thing', mode: 'track' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: 'one',
      type: 'probe_thing',
      attributes: { title: 'First thing', mode: 'track' },
    });
    const again = await s.request('POST', '/api/probe/things', { user: 'writer', body: { id: 'one', title: 'Again' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('Saved object [probe_thing/one] conflict');
    expect((await s.request('GET', '/api/probe/things/missing')).status).toBe(404);
    const doc = await fetch(`${engineUrl()}/${s.savedObjects.index}/_doc/probe_thing:one`).then((r) => r.json());
    expect(doc._source).toMatchObject({ type: 'probe_thing', probe_thing: { title: 'First thing', mode: 'track' } });
  });

  it('finds, updates with optimistic concurrency, deletes; hidden types need includedHiddenTypes', async () => {
    const client = s.savedObjects.client();
    await client.create('probe_thing', { title: 'Alpha signature', mode: 'explains' }, { id: 'a' });
    await client.create('probe_thing', { title: 'Beta signature', mode: 'track' }, { id: 'b' });
    const found = await client.find<{ title: string }>({
      type: 'probe_thing',
      search: 'beta',
      searchFields: ['title'],
    });
    expect(found.saved_objects.map((o) => o.id)).toEqual(['b']);
    const tracked = await client.find({ type: 'probe_thing', filter: 'probe_thing.attributes.mode: explains' });
    expect(tracked.saved_objects.map((o) => o.id)).toEqual(['a']);
    await expect(client.find({ type: 'probe_thing', filter: 'mode:explains or x' })).rejects.toMatchObject({
      output: { statusCode: 400 },
    });
    const a = await client.get('probe_thing', 'a');
    const updated = await client.update('probe_thing', 'a', { mode: 'track' }, { version: a.version });
    expect((await client.get<{ title: string; mode: string }>('probe_thing', 'a')).attributes).toEqual({
      title: 'Alpha signature',
      mode: 'track',
    });
    await expect(client.update('probe_thing', 'a', { mode: 'explains' }, { version: a.version })).rejects.toMatchObject(
      { output: { statusCode: 409 } },
    );
    expect(updated.version).not.toBe(a.version);
    await client.delete('probe_thing', 'a');
    await expect(client.get('probe_thing', 'a')).rejects.toMatchObject({
      output: { statusCode: 404 },
      message: 'Saved object [probe_thing/a] not found',
    });
    await expect(client.create('probe_secret', { value: 'x' })).rejects.toMatchObject({ output: { statusCode: 400 } });
    const hidden = s.savedObjects.client(['probe_secret']);
    const secret = await hidden.create('probe_secret', { value: 'x' }, { id: 's' });
    expect((await hidden.get('probe_secret', secret.id)).attributes).toEqual({ value: 'x' });
    await expect(client.create('not_registered', {})).rejects.toMatchObject({
      message: "Unsupported saved object type: 'not_registered': Bad Request",
    });
  });
});

describe('task manager', () => {
  it('runs scheduled tasks, persists their state in the engine and resumes after a restart', async () => {
    const indexPrefix = uniqueIndexPrefix('tasks');
    prefixes.push(indexPrefix);
    const first = await start({ indexPrefix });
    const scheduled = await first.request('POST', '/api/probe/tasks', { body: { id: 'probe-count', interval: '1h' } });
    expect(scheduled.body).toEqual({ id: 'probe-count', status: 'idle' });
    await first.taskManager!.tick();
    const doc = async () =>
      (await fetch(`${engineUrl()}/${indexPrefix}_task_manager/_doc/probe-count`).then((r) => r.json()))._source;
    expect((await doc()).state).toEqual({ count: 1, lastRunBy: 'probe-count' });
    expect(Date.parse((await doc()).runAt)).toBeGreaterThan(Date.now() + 55 * 60 * 1000); // next run in an hour
    // ensureScheduled is idempotent: same id, the state survives
    await first.request('POST', '/api/probe/tasks', { body: { id: 'probe-count', interval: '1h' } });
    await first.stop();

    const second = await start({ indexPrefix });
    await second.taskManager!.tick(); // not due for an hour: nothing runs
    expect((await doc()).state.count).toBe(1);
    await second.taskManagerStart!.runSoon('probe-count');
    await second.taskManager!.tick();
    expect((await doc()).state.count).toBe(2);
  });

  it('retries a failing one-off task up to maxAttempts, then marks it failed', async () => {
    const s = await start();
    await s.request('POST', '/api/probe/tasks', { body: { id: 'probe-fail', params: { fail: true } } });
    await s.taskManager!.tick();
    const get = () => s.taskManagerStart!.get('probe-fail');
    expect((await get()).attempts).toBe(1);
    await s.taskManagerStart!.runSoon('probe-fail');
    await s.taskManager!.tick();
    const failed = await get();
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(2);
    expect(s.logs.some((l) => l.message.includes('probe task failure'))).toBe(true);
  });
});
