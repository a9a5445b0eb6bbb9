/** @jest-layer engine */
/*
 * The plugin as the host runs it, with its background work on: a failed build in (fake) Zuul ends as a
 * comment in (fake) Gerrit through Kibana's task manager, and through the interval loop with an engine
 * lock on OpenSearch Dashboards (two instances, each build reported once). Then the read routes over
 * the same data: results, classify on demand, rates, uncategorized, query validate / preview / stats,
 * with their bad input.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { manifestFor } from '../../dev/build/build';
import { TARGETS } from '../../dev/build/targets';
import { FakeZuul, FakeZuulBuild, fakeUuid, zuulBuildLogLines } from '../fake_services/fake_zuul';
import { FakeGerrit } from '../fake_services/fake_gerrit';
import { CLASSIFY_PATH } from '../../common/api/classify';
import { QUERY_PREVIEW_PATH, QUERY_STATS_PATH, QUERY_VALIDATE_PATH } from '../../common/api/query';
import { RATES_PATH } from '../../common/api/rates';
import { RESULTS_PATH } from '../../common/api/results';
import { UNCATEGORIZED_PATH } from '../../common/api/uncategorized';
import { SIGNATURES_PATH } from '../../common/api/signatures';

const prefix = uniqueName('er-buildapi');
const logsIndex = `${prefix}-logs-2026.11.22`;
const stateIndex = `${prefix}-state`;
const resultsIndex = `${prefix}-results`;
const TENANT = 'openstack';
const QUERY = 'message:"Timed out waiting for a reply to message ID" AND tags:"screen-n-cpu.txt"';
const ERROR_LINE = 'oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID 5ab1c0de';

let zuul: FakeZuul;
let gerrit: FakeGerrit;
const standIns: StandIn[] = [];
const soPrefixes: string[] = [];
let kibana: StandIn;

function pluginConfig(extra: Record<string, unknown> = {}) {
  return {
    logs: { indexPattern: `${prefix}-logs-*` },
    results: { index: resultsIndex },
    state: { index: stateIndex },
    zuul: { url: zuul.url, tenants: [TENANT], startFrom: 'beginning' },
    gerrit: { url: gerrit.url, username: 'recheck-bot', password: 'gerrit-http-password' },
    readiness: { timeout: '1h' },
    schedule: { enabled: true, interval: '1s' },
    bugs: { enabled: false }, // bug data has its own tests (test/bugs); no tracker is asked here
    report: { retryInitial: '50ms', retryMax: '100ms' },
    ...extra,
  };
}

async function indexLogs(build: FakeZuulBuild, files: Record<string, string[]>): Promise<void> {
  const lines = zuulBuildLogLines(build, files);
  await engineRequest(
    'POST',
    `/${logsIndex}/_bulk?refresh=true`,
    lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    'application/x-ndjson',
  );
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function osdPluginDir(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-osd-'));
  const target = TARGETS.find((t) => t.host === 'osd')!;
  fs.writeFileSync(path.join(dir, 'opensearch_dashboards.json'), JSON.stringify(manifestFor(target)));
  return dir;
}

beforeAll(async () => {
  zuul = await new FakeZuul().start();
  gerrit = await new FakeGerrit('recheck-bot', 'gerrit-http-password').start();
  const soPrefix = uniqueIndexPrefix('buildapi');
  soPrefixes.push(soPrefix);
  kibana = await startSourceStandIn({
    engineUrl: engineUrl(),
    indexPrefix: soPrefix,
    config: pluginConfig(),
    taskPollIntervalMs: 200,
  });
  standIns.push(kibana);
  const created = await kibana.request('POST', SIGNATURES_PATH, {
    user: 'writer',
    body: { bug: { tracker: 'launchpad', id: '1708704' }, query: QUERY, title: 'RPC timeout' },
  });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  for (const s of standIns) await s.stop();
  await Promise.all([zuul.stop(), gerrit.stop()]);
  for (const p of soPrefixes) await deleteStandInIndices(engineUrl(), p);
  await engineRequest('DELETE', `/${logsIndex},${stateIndex},${resultsIndex}?ignore_unavailable=true`);
});

let build: FakeZuulBuild;

describe('background work inside the host', () => {
  test('Kibana with task manager: failed build in Zuul -> comment in Gerrit, once', async () => {
    build = zuul.addBuild(TENANT, { job_name: 'tempest-full', project: 'openstack/nova' });
    await indexLogs(build, { 'screen-n-cpu.txt': ['nova-compute started', ERROR_LINE] });
    const review = await until('a Gerrit review', () => gerrit.reviews.find((r) => r.change === build.change));
    expect(review.message).toContain('- tempest-full: https://bugs.launchpad.net/bugs/1708704');
    expect(kibana.taskManager).toBeDefined();
    await new Promise((r) => setTimeout(r, 1500)); // more passes run meanwhile
    expect(gerrit.reviews.filter((r) => r.change === build.change)).toHaveLength(1);
  });

  test('OpenSearch Dashboards, two instances with the engine lock: each build reported once', async () => {
    const dir = await osdPluginDir();
    for (let i = 0; i < 2; i++) {
      const soPrefix = uniqueIndexPrefix(`buildapi-osd${i}`);
      soPrefixes.push(soPrefix);
      const s = await startSourceStandIn({
        host: 'osd',
        pluginDir: dir,
        engineUrl: engineUrl(),
        indexPrefix: soPrefix,
        config: pluginConfig({ schedule: { enabled: true, interval: '100ms' } }),
      });
      standIns.push(s);
      const imported = await s.request('POST', SIGNATURES_PATH, {
        user: 'writer',
        body: { bug: { tracker: 'launchpad', id: '1708704' }, query: QUERY },
      });
      expect(imported.status).toBe(200);
    }
    const more = [
      zuul.addBuild(TENANT, { project: 'openstack/nova' }),
      zuul.addBuild(TENANT, { project: 'openstack/glance' }),
    ];
    for (const b of more) await indexLogs(b, { 'screen-n-cpu.txt': [ERROR_LINE] });
    await until('two Gerrit reviews', () => more.every((b) => gerrit.reviews.some((r) => r.change === b.change)));
    await new Promise((r) => setTimeout(r, 1000));
    for (const b of more) expect(gerrit.reviews.filter((r) => r.change === b.change)).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('read routes over the same data', () => {
  test('results by build, change and signature; bad parameters', async () => {
    const byChange = await kibana.request('GET', `${RESULTS_PATH}?change=${build.change}`, { user: 'reader' });
    expect(byChange.status).toBe(200);
    expect(byChange.body.total).toBe(1);
    expect(byChange.body.results[0]).toMatchObject({
      stage: 'classified',
      explained: true,
      build: { uuid: build.uuid },
      reports: { gerrit: { status: 'sent' } },
    });
    expect(byChange.body.results[0].matches[0].lines[0].line).toBe(ERROR_LINE);
    const byBuild = await kibana.request('GET', `${RESULTS_PATH}?build=${build.uuid}`, { user: 'reader' });
    expect(byBuild.body.total).toBe(1);
    const bySignature = await kibana.request('GET', `${RESULTS_PATH}?signature=1708704`, { user: 'reader' });
    expect(bySignature.body.total).toBe(3);
    // the builds page's search: job, project, status, explained and the intake time window
    const found = await kibana.request(
      'GET',
      `${RESULTS_PATH}?job=tempest-full&project=${encodeURIComponent(byChange.body.results[0].build.project)}&status=FAILURE,TIMED_OUT&explained=true&from=${Date.now() - 86400000}&to=${new Date(Date.now() + 60000).toISOString()}`,
      { user: 'reader' },
    );
    expect([found.status, found.body.results.map((r: any) => r.build.uuid)]).toEqual([
      200,
      expect.arrayContaining([build.uuid]),
    ]);
    for (const q of ['job=no-such-job', 'status=NODE_FAILURE', 'explained=false', 'from=0&to=1000'])
      expect(
        (await kibana.request('GET', `${RESULTS_PATH}?change=${build.change}&${q}`, { user: 'reader' })).body.total,
      ).toBe(0);
    for (const [q, message] of [
      ['from=yesterdayish&to=now', 'from: expected epoch ms or an ISO-8601 date, got "yesterdayish"'],
      ['from=1000', 'to: required with from'],
      ['from=2000&to=1000', 'to: must be after from'],
      ['status=BROKEN', 'status: unknown build status BROKEN'],
      ['explained=maybe', 'explained: expected true or false'],
      ['build=zzz', 'build: expected a build uuid'],
      ['change=-3', 'change: expected an integer'],
      ['perPage=5000', 'perPage: expected an integer'],
      ['colour=red', 'colour: unknown parameter'],
    ]) {
      const bad = await kibana.request('GET', `${RESULTS_PATH}?${q}`, { user: 'reader' });
      expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining(message)]);
    }
  });

  test('classify on demand by uuid and by change/patchset/job; unknown build 404; bad bodies 400', async () => {
    const byUuid = await kibana.request('POST', CLASSIFY_PATH, { user: 'reader', body: { uuid: build.uuid } });
    expect(byUuid.status).toBe(200);
    expect(byUuid.body).toMatchObject({
      kind: 'classified',
      explained: true,
      build: { uuid: build.uuid, job: 'tempest-full' },
    });
    expect(byUuid.body.matches.map((m: any) => m.signatureId)).toEqual(['1708704']);
    const byChange = await kibana.request('POST', CLASSIFY_PATH, {
      user: 'reader',
      body: { change: build.change, patchset: '1', job: 'tempest-full' },
    });
    expect(byChange.body.build.uuid).toBe(build.uuid);
    // a change alone: its newest failed build, also when a newer build of the change passed
    const passed = { ...build, uuid: fakeUuid(), result: 'SUCCESS' };
    await indexLogs(passed, {});
    const changeOnly = await kibana.request('POST', CLASSIFY_PATH, { user: 'reader', body: { change: build.change } });
    expect([changeOnly.status, changeOnly.body.build?.uuid, changeOnly.body.taken]).toEqual([
      200,
      build.uuid,
      { uuid: build.uuid, builds: 2, newerNotFailed: 1 },
    ]);
    // a change whose builds all passed: nothing to explain, said as such (not a 404)
    const green = { ...build, uuid: fakeUuid(), result: 'SUCCESS', change: 4242424 };
    await indexLogs(green, {});
    const allPassed = await kibana.request('POST', CLASSIFY_PATH, { user: 'reader', body: { change: 4242424 } });
    expect([allPassed.status, allPassed.body]).toEqual([
      200,
      expect.objectContaining({
        kind: 'no_failed_build',
        builds: 1,
        newest: expect.objectContaining({ uuid: green.uuid }),
      }),
    ]);
    const unknown = await kibana.request('POST', CLASSIFY_PATH, { user: 'reader', body: { uuid: 'f'.repeat(32) } });
    expect([unknown.status, unknown.body.message]).toEqual([404, expect.stringContaining('no indexed logs')]);
    for (const [body, message] of [
      [{}, 'change: required when no uuid is given'],
      [{ uuid: 'not-hex!' }, 'uuid: expected'],
      [{ change: 'x', patchset: 1, job: 'j' }, 'change: expected a change number'],
      [{ change: 1, job: ' ' }, 'job: expected a job name'],
      [{ change: 1, patchset: 'latest' }, 'patchset: expected a patchset number'],
      [{ uuid: build.uuid, extra: 1 }, 'extra: unknown field'],
    ] as const) {
      const bad = await kibana.request('POST', CLASSIFY_PATH, { user: 'reader', body });
      expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining(message)]);
    }
  });

  test('failure rates and uncategorized failures', async () => {
    const rates = await kibana.request('GET', `${RATES_PATH}?days=1`, { user: 'reader' });
    expect(rates.status).toBe(200);
    const sig = rates.body.signatures.find((s: any) => s.signatureId === '1708704');
    expect(sig.failedBuilds).toBe(3);
    expect(sig.series.find((s: any) => s.status === 'FAILURE').data).toHaveLength(24);
    const filtered = await kibana.request('GET', `${RATES_PATH}?days=1&projects=openstack/glance`, { user: 'reader' });
    expect(filtered.body.signatures.find((s: any) => s.signatureId === '1708704').failedBuilds).toBe(1);
    for (const q of ['days=0', 'days=2&bucketHours=5', 'queues=', 'window=3'])
      expect((await kibana.request('GET', `${RATES_PATH}?${q}`, { user: 'reader' })).status).toBe(400);
    // a from/to window: the same builds, in buckets wide enough for its length
    const day = 86400000;
    const windowed = await kibana.request('GET', `${RATES_PATH}?from=${Date.now() - day}&to=${Date.now()}`, {
      user: 'reader',
    });
    expect(windowed.body.signatures.find((s: any) => s.signatureId === '1708704').failedBuilds).toBe(3);
    expect(windowed.body.bucketMs).toBe(3600000);
    const week = await kibana.request(
      'GET',
      `${RATES_PATH}?from=${new Date(Date.now() - 10 * day).toISOString()}&to=${new Date(Date.now()).toISOString()}`,
      { user: 'reader' },
    );
    expect([
      week.body.bucketMs,
      week.body.signatures.find((s: any) => s.signatureId === '1708704').failedBuilds,
    ]).toEqual([day, 3]);
    // a window in the past that ends before the builds: nothing
    const past = await kibana.request(
      'GET',
      `${RATES_PATH}?from=${Date.now() - 20 * day}&to=${Date.now() - 15 * day}`,
      {
        user: 'reader',
      },
    );
    expect(past.body.signatures.find((s: any) => s.signatureId === '1708704').failedBuilds).toBe(0);
    for (const [q, message] of [
      ['from=yesterdayish&to=now', 'from: expected epoch ms or an ISO-8601 date'],
      ['from=1&to=1', 'to: must be after from'],
      [`from=0&to=${100 * day}`, 'from: the window must not exceed 90 days'],
      ['days=3&from=1&to=2', 'days: give either days or from/to'],
    ]) {
      const bad = await kibana.request('GET', `${RATES_PATH}?${q}`, { user: 'reader' });
      expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining(message)]);
    }
    const uncatPast = await kibana.request(
      'GET',
      `${UNCATEGORIZED_PATH}?from=${Date.now() - 20 * day}&to=${Date.now() - 15 * day}`,
      { user: 'reader' },
    );
    expect([uncatPast.status, uncatPast.body.failedBuilds]).toEqual([200, 0]);

    const unknownFailure = zuul.addBuild(TENANT, { project: 'openstack/nova', job_name: 'nova-tox-py3' });
    await indexLogs(unknownFailure, { 'job-output.txt': ['AssertionError: 1 != 2'] });
    const uncategorized = await kibana.request('GET', `${UNCATEGORIZED_PATH}?days=1`, { user: 'reader' });
    expect(uncategorized.status).toBe(200);
    expect(uncategorized.body.failedBuilds).toBe(4);
    expect(uncategorized.body.explainedBuilds).toBe(3);
    expect(uncategorized.body.unexplained.map((b: any) => b.uuid)).toEqual([unknownFailure.uuid]);
    expect((await kibana.request('GET', `${UNCATEGORIZED_PATH}?excludeJobs=(`, { user: 'reader' })).status).toBe(400);
  });

  test('query validate, preview and stats', async () => {
    const good = await kibana.request('POST', QUERY_VALIDATE_PATH, { user: 'reader', body: { query: QUERY } });
    expect({ status: good.status, body: good.body }).toMatchObject({ status: 200, body: { ok: true } }); // a failure shows the answer's message
    const broken = await kibana.request('POST', QUERY_VALIDATE_PATH, {
      user: 'reader',
      body: { query: 'message:"unclosed AND x' },
    });
    expect(broken.status).toBe(200);
    expect(broken.body.ok).toBe(false);
    expect(broken.body.errors[0].message).toContain('syntax');

    const preview = await kibana.request('POST', QUERY_PREVIEW_PATH, {
      user: 'reader',
      body: { query: 'message:"Timed out waiting for a reply"', days: 1, samples: 2 },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.hits).toBe(3);
    expect(preview.body.samples).toHaveLength(2);
    expect(preview.body.samples[0].line).toBe(ERROR_LINE);
    expect(preview.body.success).toMatchObject({ failedBuilds: 3, successBuilds: 0, warning: false });
    expect(preview.body.overlap).toEqual([expect.objectContaining({ signatureId: '1708704', sharedBuilds: 3 })]);
    // named by the other signature's title, as the editor links it
    const other = await kibana.request('GET', `${SIGNATURES_PATH}/1708704`, { user: 'reader' });
    expect(other.body.title).toBeTruthy();
    expect(preview.body.overlap[0].title).toBe(other.body.title);
    const editing = await kibana.request('POST', QUERY_PREVIEW_PATH, {
      user: 'reader',
      body: { query: QUERY, signatureId: '1708704', days: 1 },
    });
    expect(editing.body.overlap).toEqual([]);

    // the editor's range as from/to: one that holds the lines finds them, one in the past before them finds none
    const DAY = 24 * 3600_000;
    const now = Date.now();
    const around = await kibana.request('POST', QUERY_PREVIEW_PATH, {
      user: 'reader',
      body: { query: 'message:"Timed out waiting for a reply"', from: now - DAY, to: now + 3600_000 },
    });
    expect([around.status, around.body.hits]).toEqual([200, 3]);
    const past = { from: new Date(now - 20 * DAY).toISOString(), to: new Date(now - 10 * DAY).toISOString() };
    const before = await kibana.request('POST', QUERY_PREVIEW_PATH, {
      user: 'reader',
      body: { query: 'message:"Timed out waiting for a reply"', ...past },
    });
    expect([before.status, before.body.hits, before.body.samples]).toEqual([200, 0, []]);
    expect(before.body.end).toBeLessThanOrEqual(now - 10 * DAY + DAY);
    const pastStats = await kibana.request('POST', QUERY_STATS_PATH, {
      user: 'reader',
      body: { query: 'message:"Timed out waiting for a reply"', ...past },
    });
    expect([pastStats.status, pastStats.body.totalHits]).toEqual([200, 0]);

    const stats = await kibana.request('POST', QUERY_STATS_PATH, {
      user: 'reader',
      body: { query: 'message:"Timed out waiting for a reply"', quantity: 3 },
    });
    expect(stats.status).toBe(200);
    expect(stats.body.totalHits).toBe(3);
    const project = stats.body.fields.find((f: any) => f.field === 'project');
    expect(project.values.map((v: any) => v.value)).toEqual(['openstack/nova', 'openstack/glance']);

    for (const [p, body, message] of [
      [QUERY_VALIDATE_PATH, { query: 1 }, 'query: expected a non-empty string'],
      [QUERY_PREVIEW_PATH, { query: 'x', days: 1000 }, 'days: expected an integer'],
      [QUERY_PREVIEW_PATH, { query: 'x', scope: { teams: [] } }, 'scope.teams: unknown field'],
      [QUERY_PREVIEW_PATH, { query: 'x', from: 'yesterdayish', to: 'now' }, 'from: expected epoch ms or an ISO-8601'],
      [QUERY_PREVIEW_PATH, { query: 'x', from: 2, to: 1 }, 'to: must be after from'],
      [QUERY_STATS_PATH, { query: 'x', days: 1, from: 1, to: 2 }, 'days: give either days or from/to'],
      [QUERY_STATS_PATH, { query: 'x', quantity: 'many' }, 'quantity: expected an integer'],
      [QUERY_STATS_PATH, {}, 'query: required'],
    ] as const) {
      const bad = await kibana.request('POST', p, { user: 'reader', body });
      expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining(message)]);
    }
  });
});
