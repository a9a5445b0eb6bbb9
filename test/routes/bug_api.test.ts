/** @jest-layer engine */
/*
 * The bug routes through the host stand-in (read privilege, Kibana's error bodies), on the real engine:
 * bug data from the cache the background work fills (here from a fake Launchpad), the signature list
 * filtered by bug status, the cleanup report and its file list, impact and alarms, and their bad input.
 */
import { engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { FakeTrackers } from '../fake_services/fake_trackers';
import { ALARMS_PATH, BUGS_PATH, CLEANUP_PATH, IMPACT_PATH } from '../../common/api/bugs';
import { SIGNATURES_PATH } from '../../common/api/signatures';
import { parseConfig } from '../../server/config';
import { refreshBugs } from '../../server/lib/bugs/bug_cache';
import { httpEngineClient } from '../../lib/engine_client';
import { runCli } from '../../cli/elastic_recheck_cli';

let standIn: StandIn;
let trackers: FakeTrackers;
const indexPrefix = uniqueIndexPrefix('bugapi');
const prefix = uniqueName('er-bugapi');
const stateIndex = `${prefix}-state`;

const get = (path: string, user = 'reader') => standIn.request('GET', path, { user });

beforeAll(async () => {
  trackers = await new FakeTrackers().start();
  trackers.launchpad.set('1111', {
    id: '1111',
    title: 'Fixed long ago',
    tasks: [{ target: 'nova', status: 'Fix Released' }],
  });
  trackers.launchpad.set('2222', {
    id: '2222',
    title: 'Still happening',
    tasks: [{ target: 'neutron', status: 'Confirmed' }],
  });
  const config = {
    logs: { indexPattern: `${prefix}-logs-*` },
    results: { index: `${prefix}-results` },
    state: { index: stateIndex },
    bugs: { launchpad: { url: trackers.urls.launchpad } },
  };
  standIn = await startSourceStandIn({ engineUrl: engineUrl(), indexPrefix, config });
  for (const id of ['1111', '2222', '3333']) {
    const res = await standIn.request('POST', SIGNATURES_PATH, {
      user: 'writer',
      body: { bug: { tracker: 'launchpad', id }, query: `message:"error number ${id}"` },
    });
    expect(res.status).toBe(200);
  }
  // what the background step does in a pass (3333 is unknown to the tracker)
  const parsed = parseConfig(config);
  await refreshBugs(
    httpEngineClient(engineUrl()),
    stateIndex,
    parsed.bugs,
    ['1111', '2222', '3333'].map((id) => ({
      tracker: 'launchpad' as const,
      id,
      url: `https://bugs.launchpad.net/bugs/${id}`,
    })),
    Date.now,
  );
});

afterAll(async () => {
  await standIn?.stop();
  await trackers?.stop();
  await deleteStandInIndices(engineUrl(), indexPrefix);
  await engineRequest('DELETE', `/${stateIndex}?ignore_unavailable=true`);
});

test("GET /bugs gives each signature's bug with title, status and projects", async () => {
  const res = await get(BUGS_PATH);
  expect(res.status).toBe(200);
  const byId = Object.fromEntries(res.body.bugs.map((b: any) => [b.id, b]));
  expect(byId['1111']).toMatchObject({
    availability: 'ok',
    title: 'Fixed long ago',
    status: 'fixed',
    tasks: [{ target: 'nova', status: 'Fix Released' }],
  });
  expect(byId['2222']).toMatchObject({ status: 'open' });
  expect(byId['3333']).toMatchObject({ availability: 'missing', status: 'unknown' });
  const one = await get(`${BUGS_PATH}?ids=launchpad:2222`);
  expect(one.body.bugs.map((b: any) => b.id)).toEqual(['2222']);
});

test('the signature list carries bugInfo and filters by bug status', async () => {
  const all = await get(`${SIGNATURES_PATH}?perPage=10`);
  expect(all.body.signatures.find((s: any) => s.id === '1111').bugInfo).toMatchObject({
    title: 'Fixed long ago',
    status: 'fixed',
  });
  const fixed = await get(`${SIGNATURES_PATH}?bugStatus=fixed`);
  expect(fixed.body.signatures.map((s: any) => s.id)).toEqual(['1111']);
  expect((await get(`${SIGNATURES_PATH}?bugStatus=unknown`)).body.signatures.map((s: any) => s.id)).toEqual(['3333']);
  expect((await get(`${SIGNATURES_PATH}?bugStatus=open`)).body.total).toBe(1);
});

test('GET /cleanup lists the closed-and-silent signature first, and exports the files', async () => {
  const res = await get(`${CLEANUP_PATH}?closedDays=5&silentDays=10`);
  expect(res.status).toBe(200);
  expect(res.body.items.map((i: any) => [i.signatureId, i.reason])).toEqual([
    ['1111', 'bug_closed_and_silent'],
    ['2222', 'silent'],
    ['3333', 'silent'],
  ]);
  const files = await get(`${CLEANUP_PATH}?format=files&closedDays=5&silentDays=10`);
  expect(files.status).toBe(200);
  expect(files.body).toBe('queries/1111.yaml\nqueries/2222.yaml\nqueries/3333.yaml\n');
});

test('impact and alarms answer empty before any result or alarm exists', async () => {
  const impact = await get(`${IMPACT_PATH}?days=3`);
  expect(impact.status).toBe(200);
  expect(impact.body.signatures).toEqual([]);
  expect(impact.body.end - impact.body.start).toBe(3 * 86400000);
  const alarms = await get(ALARMS_PATH);
  expect(alarms.status).toBe(200);
  expect(alarms.body).toEqual({ alarms: [] });
});

test('bad input is a precise 400', async () => {
  const cases: Array<[string, string]> = [
    [`${BUGS_PATH}?ids=bugzilla:1`, 'ids: expected a comma-separated list of tracker:id'],
    [`${BUGS_PATH}?page=2`, 'page: unknown parameter'],
    [`${SIGNATURES_PATH}?bugStatus=closed`, 'bugStatus: expected one of open, fixed, invalid, unknown'],
    [`${CLEANUP_PATH}?closedDays=0`, 'closedDays: expected an integer from 1 to 3650'],
    [`${CLEANUP_PATH}?format=csv`, 'format: expected json or files'],
    [`${IMPACT_PATH}?days=91`, 'days: expected an integer from 1 to 90'],
    [`${ALARMS_PATH}?all=true`, 'all: unknown parameter'],
  ];
  for (const [path, message] of cases) {
    const res = await get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 400 });
    expect(res.body.message).toContain(message);
  }
  expect((await get(BUGS_PATH, '')).status).toBe(401);
});

test('`elastic-recheck cleanup --host` prints the report and the file list, and refuses bad options', async () => {
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };
  const files = await run(
    'cleanup',
    '--host',
    standIn.url,
    '--user',
    'reader',
    '--password',
    'changeme',
    '--closed-days',
    '5',
    '--silent-days',
    '10',
    '--files',
  );
  expect(files).toEqual({ code: 0, out: 'queries/1111.yaml\nqueries/2222.yaml\nqueries/3333.yaml\n', err: '' });
  const table = await run(
    'cleanup',
    '--host',
    standIn.url,
    '--user',
    'reader',
    '--password',
    'changeme',
    '--closed-days',
    '5',
    '--silent-days',
    '10',
  );
  expect(table.code).toBe(0);
  expect(table.out).toContain(
    'bug fixed or invalid, no hit for 5 days: 1\n  queries/1111.yaml  bug 1111 fixed "Fixed long ago", last hit none kept',
  );
  expect(table.out).toContain('no hit for 10 days: 2');
  expect((await run('cleanup')).code).toBe(2);
  expect((await run('cleanup', '--host', standIn.url, '--closed-days', '0')).err).toContain(
    '--closed-days must be from 1 to 3650',
  );
  const wrong = await run('cleanup', '--host', standIn.url, '--user', 'reader', '--password', 'wrong');
  expect(wrong.code).toBe(3);
});
