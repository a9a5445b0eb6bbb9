/** @jest-layer engine */
/*
 * Access on OpenSearch Dashboards through the stand-in's OSD flavour, whose security plugin
 * (dev/host/server/osd_security.ts) answers authinfo with users of different backend roles:
 * a writer writes, readers and users without a role get 403 on every write route (the message names the
 * roles needed), `readers` closes the read routes too, history and updatedBy name the user, a cluster
 * without the security plugin is open (or read-only by config) and says so at start; on Kibana the
 * host's feature privileges still decide, and the access route answers from them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineUrl, uniqueName } from '../setup/engine';
import { manifestFor } from '../../dev/build/build';
import { TARGETS } from '../../dev/build/targets';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { ACCESS_PATH } from '../../common/api/access';
import { API_PRIVILEGE_READ, API_PRIVILEGE_WRITE } from '../../common/privileges';
import {
  SIGNATURES_IMPORT_PATH,
  SIGNATURES_PATH,
  signatureHistoryPath,
  signaturePath,
} from '../../common/api/signatures';

const logsPrefix = uniqueName('er-osdaccess');
const prefixes: string[] = [];
const standIns: StandIn[] = [];
// The source tree has kibana.json only: the OSD flavour reads its manifest from a folder of its own.
const osdDir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-osdaccess-'));
fs.writeFileSync(
  path.join(osdDir, 'opensearch_dashboards.json'),
  JSON.stringify(manifestFor(TARGETS.find((t) => t.host === 'osd')!)),
);

type StartOptions = Omit<Parameters<typeof startSourceStandIn>[0], 'engineUrl' | 'indexPrefix'>;

async function start(options: StartOptions, access?: Record<string, unknown>): Promise<StandIn> {
  const indexPrefix = uniqueIndexPrefix(`osdaccess${prefixes.length}`);
  prefixes.push(indexPrefix);
  const pluginDir = options.host === 'osd' ? osdDir : undefined;
  const s = await startSourceStandIn({
    ...options,
    ...(pluginDir ? { pluginDir } : {}),
    engineUrl: engineUrl(),
    indexPrefix,
    config: { logs: { indexPattern: `${logsPrefix}-*` }, ...(access ? { access } : {}) },
  });
  standIns.push(s);
  return s;
}

let kibana: StandIn;
let osd: StandIn;

beforeAll(async () => {
  kibana = await start({});
  osd = await start({ host: 'osd' });
});

afterAll(async () => {
  for (const s of standIns) await s.stop();
  for (const p of prefixes) await deleteStandInIndices(engineUrl(), p);
  fs.rmSync(osdDir, { recursive: true, force: true });
});

const sig = (id: string) => ({
  bug: { tracker: 'launchpad', id },
  query: 'message:"Timed out waiting for a reply" AND tags:"screen-n-cpu.txt"',
  title: `bug ${id}`,
});
const yamlFile = (id: string) => ({ name: `${id}.yaml`, content: 'query: message:"imported failure"\n' });

/** The routes whose Kibana `security` requires the given privilege (the registry of the Kibana flavour). */
function routesNeeding(privilege: string): Array<{ method: string; path: string }> {
  return kibana.routes
    .filter(
      (r) =>
        r.security &&
        'requiredPrivileges' in r.security.authz &&
        r.security.authz.requiredPrivileges.includes(privilege),
    )
    .filter(
      (r) =>
        privilege === API_PRIVILEGE_WRITE ||
        !(r.security!.authz as any).requiredPrivileges.includes(API_PRIVILEGE_WRITE),
    )
    .map((r) => ({ method: r.method.toUpperCase(), path: r.path }));
}

/** A valid request for each route, so the answer is about access and not about the input. */
function validRequest(route: { method: string; path: string }, id: string): { path: string; body?: unknown } {
  const path = route.path.replace('{id}', id);
  const bodies: Record<string, unknown> = {
    [`POST ${SIGNATURES_PATH}`]: sig(id),
    'PUT /api/elastic_recheck/signatures/{id}': { title: 'changed' },
    [`POST ${SIGNATURES_IMPORT_PATH}`]: { files: [yamlFile(`${id}9`)], dryRun: false },
    'POST /api/elastic_recheck/import/check': { files: [yamlFile(`${id}8`)] },
    'POST /api/elastic_recheck/classify': { uuid: '0123456789abcdef0123456789abcdef' },
    'POST /api/elastic_recheck/query/validate': { query: 'message:x' },
    'POST /api/elastic_recheck/query/preview': { query: 'message:x' },
    'POST /api/elastic_recheck/query_stats': { query: 'message:x' },
  };
  const key = `${route.method} ${route.path}`;
  if (route.method === 'GET' || route.method === 'DELETE') return { path };
  if (!(key in bodies)) throw new Error(`no valid body for ${key}: add one to this test`);
  return { path, body: bodies[key] };
}

/** Condition-based wait for a log line the plugin writes from start(). */
async function logLine(s: StandIn, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 250; i++) {
    const found = s.logs.find((l) => pattern.test(l.message));
    if (found) return found.message;
    await new Promise((r) => setImmediate(r));
    if (i > 50) await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line matching ${pattern}; logs: ${s.logs.map((l) => l.message).join(' | ')}`);
}

describe('OpenSearch Dashboards with the security plugin (default elastic_recheck.access)', () => {
  test('the write routes are the four signature changes and import', () => {
    expect(
      routesNeeding(API_PRIVILEGE_WRITE)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(
      [
        'DELETE /api/elastic_recheck/signatures/{id}',
        'POST /api/elastic_recheck/import',
        'POST /api/elastic_recheck/signatures',
        'PUT /api/elastic_recheck/signatures/{id}',
      ].sort(),
    );
  });

  test('a writer (backend role ci-core -> elastic_recheck_writer) writes; history and updatedBy name the user', async () => {
    const created = await osd.request('POST', SIGNATURES_PATH, { user: 'writer', body: sig('4100001') });
    expect(created.status).toBe(200);
    expect(created.body.updatedBy).toBe('writer');
    const updated = await osd.request('PUT', signaturePath('4100001'), {
      user: 'elastic',
      body: { title: 'changed by the admin' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.updatedBy).toBe('elastic');
    const imported = await osd.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files: [yamlFile('4100002')], dryRun: false },
    });
    expect(imported.status).toBe(200);
    expect(imported.body.counts.created).toBe(1);
    expect((await osd.request('DELETE', signaturePath('4100001'), { user: 'writer' })).status).toBe(200);

    const history = await osd.request('GET', signatureHistoryPath('4100001'), { user: 'reader' });
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: any) => [e.action, e.user])).toEqual([
      ['delete', 'writer'],
      ['update', 'elastic'],
      ['create', 'writer'],
    ]);
    const importHistory = await osd.request('GET', signatureHistoryPath('4100002'), { user: 'nobody' });
    expect(importHistory.body.entries.map((e: any) => [e.action, e.user])).toEqual([['import', 'writer']]);
  });

  test.each([
    ['reader', '4200001'],
    ['nobody', '4210001'],
  ])('%s gets 403 on every write route, the message names the roles needed, and nothing changes', async (user, id) => {
    expect((await osd.request('POST', SIGNATURES_PATH, { user: 'writer', body: sig(id) })).status).toBe(200);
    const before = await osd.request('GET', signaturePath(id), { user });
    expect(before.status).toBe(200);
    const newId = `${id}2`;
    for (const route of routesNeeding(API_PRIVILEGE_WRITE)) {
      const { path, body } = validRequest(
        route,
        route.method === 'POST' && route.path === SIGNATURES_PATH ? newId : id,
      );
      const r = await osd.request(route.method, path, { user, body });
      expect([route.method, route.path, r.status]).toEqual([route.method, route.path, 403]);
      expect(r.body.message).toContain(
        `user '${user}' may not change signatures: it needs one of the roles [all_access, elastic_recheck_writer]`,
      );
      expect(r.body.message).toContain('elastic_recheck.access.writers');
    }
    const after = await osd.request('GET', signaturePath(id), { user });
    expect(after.body).toEqual(before.body);
    expect((await osd.request('GET', signaturePath(newId), { user })).status).toBe(404);
    expect((await osd.request('GET', signaturePath(`${id}9`), { user })).status).toBe(404);
    expect((await osd.request('GET', signatureHistoryPath(id), { user })).body.entries).toHaveLength(1);
  });

  test('every authenticated user reads when readers is empty; unauthenticated requests are 401', async () => {
    for (const user of ['reader', 'nobody']) {
      for (const route of routesNeeding(API_PRIVILEGE_READ)) {
        const { path, body } = validRequest(route, '4100002');
        const r = await osd.request(route.method, path, { user, body });
        expect([route.path, r.status]).not.toEqual([route.path, 403]);
      }
    }
    expect((await osd.request('GET', SIGNATURES_PATH, { user: null })).status).toBe(401);
  });

  test('the access route says what each user may do, from authinfo', async () => {
    const answers: Record<string, any> = {};
    for (const user of ['elastic', 'writer', 'reader', 'nobody'])
      answers[user] = (await osd.request('GET', ACCESS_PATH, { user })).body;
    expect(answers.writer).toEqual({
      host: 'osd',
      source: 'osd-security',
      user: 'writer',
      canRead: true,
      canWrite: true,
      roles: ['elastic_recheck_writer'],
      backendRoles: ['ci-core'],
      writerRoles: ['all_access', 'elastic_recheck_writer'],
      readerRoles: [],
    });
    expect(answers.elastic).toMatchObject({ user: 'elastic', canWrite: true, roles: ['all_access'] });
    expect(answers.reader).toMatchObject({ user: 'reader', canRead: true, canWrite: false });
    expect(answers.nobody).toMatchObject({
      user: 'nobody',
      canRead: true,
      canWrite: false,
      roles: [],
      backendRoles: [],
    });
  });
});

describe('OpenSearch Dashboards with elastic_recheck.access configured', () => {
  let custom: StandIn;
  beforeAll(async () => {
    // writers by backend role; readers set, so read routes are closed to everyone else
    custom = await start({ host: 'osd' }, { writers: ['ci-core'], readers: ['elastic_recheck_reader'] });
  });

  test('writers match backend roles too: writer (backend role ci-core) writes, elastic (all_access, not listed) does not', async () => {
    expect((await custom.request('POST', SIGNATURES_PATH, { user: 'writer', body: sig('4300001') })).status).toBe(200);
    const refused = await custom.request('POST', SIGNATURES_PATH, { user: 'elastic', body: sig('4300002') });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain(
      "user 'elastic' may not change signatures: it needs one of the roles [ci-core]",
    );
  });

  test('with readers set, a user with neither role gets 403 on every read route; readers and writers read', async () => {
    const reads = routesNeeding(API_PRIVILEGE_READ);
    expect(reads.length).toBeGreaterThanOrEqual(10);
    for (const route of reads) {
      const { path, body } = validRequest(route, '4300001');
      const refused = await custom.request(route.method, path, { user: 'nobody', body });
      expect([route.method, route.path, refused.status]).toEqual([route.method, route.path, 403]);
      expect(refused.body.message).toContain(
        "user 'nobody' may not read elastic-recheck data: it needs one of the roles [elastic_recheck_reader, ci-core]",
      );
      for (const user of ['reader', 'writer']) {
        const r = await custom.request(route.method, path, { user, body });
        expect([route.path, user, r.status]).not.toEqual([route.path, user, 403]);
      }
    }
    expect((await custom.request('GET', ACCESS_PATH, { user: 'nobody' })).body).toMatchObject({
      canRead: false,
      canWrite: false,
    });
  });
});

describe('OpenSearch Dashboards without the security plugin', () => {
  test('every user can write, history has no user to name, and the plugin says so at start', async () => {
    const open = await start({ host: 'osd', osdSecurity: false, logLevel: 'info' });
    expect(
      await logLine(
        open,
        /security plugin not found: every user who can reach OpenSearch Dashboards can create, change, delete and import signatures/,
      ),
    ).toContain('readOnlyWithoutSecurity: true');
    const created = await open.request('POST', SIGNATURES_PATH, { user: null, body: sig('4400001') });
    expect(created.status).toBe(200);
    expect(created.body.updatedBy).toBe('unknown');
    expect((await open.request('GET', ACCESS_PATH, { user: null })).body).toEqual({
      host: 'osd',
      source: 'osd-no-security',
      user: null,
      canRead: true,
      canWrite: true,
    });
  });

  test('readOnlyWithoutSecurity makes every write route 403 for everyone; reads still work', async () => {
    const closed = await start(
      { host: 'osd', osdSecurity: false, logLevel: 'info' },
      { readOnlyWithoutSecurity: true },
    );
    expect(await logLine(closed, /security plugin not found/)).toContain('read-only for every user');
    for (const route of routesNeeding(API_PRIVILEGE_WRITE)) {
      const { path, body } = validRequest(route, '4500001');
      const r = await closed.request(route.method, path, { user: null, body });
      expect([route.path, r.status]).toEqual([route.path, 403]);
      expect(r.body.message).toContain('elastic_recheck.access.readOnlyWithoutSecurity is true');
    }
    expect((await closed.request('GET', SIGNATURES_PATH, { user: null })).body.total).toBe(0);
    expect((await closed.request('GET', ACCESS_PATH, { user: null })).body).toMatchObject({
      canRead: true,
      canWrite: false,
    });
  });
});

describe('Kibana: nothing changes', () => {
  test('the host decides writes by feature privilege (its own 403), history names the user, the access route answers from capabilities', async () => {
    const created = await kibana.request('POST', SIGNATURES_PATH, { user: 'writer', body: sig('4600001') });
    expect(created.status).toBe(200);
    expect(created.body.updatedBy).toBe('writer');
    const refused = await kibana.request('POST', SIGNATURES_PATH, { user: 'reader', body: sig('4600002') });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('this action is granted by the Kibana privileges [elasticRecheck-write]');
    expect(
      (await kibana.request('GET', signatureHistoryPath('4600001'), { user: 'reader' })).body.entries.map(
        (e: any) => e.user,
      ),
    ).toEqual(['writer']);
    expect((await kibana.request('GET', ACCESS_PATH, { user: 'writer' })).body).toEqual({
      host: 'kibana',
      source: 'kibana',
      user: 'writer',
      canRead: true,
      canWrite: true,
    });
    expect((await kibana.request('GET', ACCESS_PATH, { user: 'reader' })).body).toEqual({
      host: 'kibana',
      source: 'kibana',
      user: 'reader',
      canRead: true,
      canWrite: false,
    });
  });
});
