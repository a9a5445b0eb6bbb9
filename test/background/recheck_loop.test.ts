/** @jest-layer engine */
/*
 * The background loop end to end on the real engine, with Zuul, Gerrit and chat as real HTTP servers:
 * a failed build in Zuul becomes a classified result and a comment in Gerrit, exactly once, through
 * restarts, Gerrit outages and an unreachable engine.
 */
import * as net from 'net';
import { engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { FakeZuul, FakeZuulBuild, zuulBuildLogLines } from '../fake_services/fake_zuul';
import { FakeGerrit } from '../fake_services/fake_gerrit';
import { FakeChat } from '../fake_services/fake_chat';
import { parseConfig, RecheckConfig } from '../../server/config';
import { EngineClient, EngineRequest, EngineRequestError, httpEngineClient } from '../../lib/engine_client';
import { LoopLogger, RecheckLoop } from '../../server/lib/background/recheck_loop';
import { EngineLock } from '../../server/lib/background/lock';
import { IntervalScheduler } from '../../server/lib/background/scheduler';
import type { Signature } from '../../common/signature/types';
import { MESSAGING_TIMEOUT_LINE, MESSAGING_TIMEOUT_SIGNATURE, sig } from '../fixtures/signatures';
import type { BuildResult } from '../../common/api/results';

const TENANT = 'openstack';
const GERRIT_USER = 'recheck-bot';
const GERRIT_PASSWORD = 'gerrit-http-password';

let zuul: FakeZuul;
let gerrit: FakeGerrit;
let chat: FakeChat;
let engine: EngineClient;
const indices: string[] = [];
const logs: string[] = [];

const quiet: LoopLogger = { debug() {}, info() {}, warn() {}, error() {} };

const SIGNATURES: Signature[] = [
  MESSAGING_TIMEOUT_SIGNATURE,
  sig('1410969', 'message:"does not match openstack/requirements value"', {
    suppressGraph: true,
    suppressNotification: true,
  }),
];

const KNOWN_ERROR = MESSAGING_TIMEOUT_LINE;
const SUPPRESSED_ERROR = 'Requirement foo>=1 does not match openstack/requirements value foo>=2';

async function freePortThatIsClosed(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Setup {
  config: RecheckConfig;
  tenant: string;
  logsIndex: string;
}

function setup(overrides: { gerrit?: object; report?: object; readiness?: object; webhooks?: object[] } = {}): Setup {
  const prefix = uniqueName('er-loop');
  const tenant = `${TENANT}-${prefix.slice(-6)}`;
  const logsIndex = `${prefix}-logs-2026.11.22`;
  indices.push(`${prefix}-results`, `${prefix}-state`);
  logs.push(logsIndex);
  const config = parseConfig({
    schedule: { enabled: true },
    logs: { indexPattern: `${prefix}-logs-*` },
    results: { index: `${prefix}-results` },
    state: { index: `${prefix}-state` },
    zuul: { url: zuul.url, tenants: [tenant], startFrom: 'beginning' },
    readiness: { timeout: '1h', ...(overrides.readiness ?? {}) },
    gerrit: { url: gerrit.url, username: GERRIT_USER, password: GERRIT_PASSWORD, ...(overrides.gerrit ?? {}) },
    webhooks: overrides.webhooks ?? [
      chat.slackWebhook('qa', ['all'], ['positive', 'negative']),
      chat.matrixWebhook('nova', ['nova'], ['positive']),
      {
        name: 'neutron',
        type: 'json',
        url: `${chat.url}/json/neutron`,
        projects: ['neutron'],
        events: ['positive', 'negative'],
      },
    ],
    report: { retryInitial: '10ms', retryMax: '20ms', timeout: '2s', ...(overrides.report ?? {}) },
  });
  return { config, tenant, logsIndex };
}

/** Indexes a build's log lines like ci-log-processing's logsender does (one document per line). */
async function indexLogs(
  index: string,
  build: FakeZuulBuild,
  files: Record<string, string[]>,
  marker = true,
): Promise<void> {
  const lines = zuulBuildLogLines(build, files, { marker, start: Date.parse('2026-11-22T01:00:00Z') });
  await engineRequest(
    'POST',
    `/${index}/_bulk?refresh=true`,
    lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    'application/x-ndjson',
  );
}

async function results(config: RecheckConfig): Promise<Record<string, BuildResult>> {
  await engineRequest('POST', `/${config.results.index}/_refresh`);
  const res = await engineRequest('POST', `/${config.results.index}/_search`, { size: 100 });
  return Object.fromEntries(res.hits.hits.map((h: any) => [h._id, h._source]));
}

/** The loop's clock: tests move it forward instead of sleeping. */
let clock = Date.now();
const later = (ms: number) => (clock += ms);
const loopFor = (config: RecheckConfig, e: EngineClient = engine) =>
  new RecheckLoop({ engine: e, config, loadSignatures: async () => SIGNATURES, logger: quiet, now: () => clock });
const reviewsFor = (build: FakeZuulBuild) => gerrit.reviews.filter((r) => r.change === build.change);
const chatsAbout = (build: FakeZuulBuild) =>
  chat.delivered.filter(
    (d) =>
      (d.text ?? '').includes(`/${build.change} `) ||
      (d.text ?? '').includes(build.uuid) ||
      d.body?.build?.uuid === build.uuid,
  );

beforeAll(async () => {
  // Zuul's build times come from the same clock as the loop's: never the wall clock
  zuul = await new FakeZuul(() => clock).start();
  gerrit = await new FakeGerrit(GERRIT_USER, GERRIT_PASSWORD).start();
  chat = await new FakeChat('matrix-access-token').start();
  engine = httpEngineClient(engineUrl());
});

beforeEach(() => {
  clock = Date.now();
});

afterAll(async () => {
  await Promise.all([zuul.stop(), gerrit.stop(), chat.stop()]);
  for (const index of [...indices, ...logs]) await engineRequest('DELETE', `/${index}?ignore_unavailable=true`);
});

describe('background loop', () => {
  test('full loop: failed build in Zuul -> classified -> one Gerrit comment and routed chat messages, once', async () => {
    const { config, tenant, logsIndex } = setup();
    const known = zuul.addBuild(tenant, { project: 'openstack/nova', job_name: 'tempest-full', pipeline: 'gate' });
    const unknown = zuul.addBuild(tenant, {
      project: 'openstack/neutron',
      job_name: 'neutron-functional',
      pipeline: 'check',
    });
    const suppressed = zuul.addBuild(tenant, {
      project: 'openstack/glance',
      job_name: 'requirements-check',
      pipeline: 'gate',
    });
    await indexLogs(logsIndex, known, { 'screen-n-cpu.txt': ['nova-compute started', KNOWN_ERROR] });
    await indexLogs(logsIndex, unknown, { 'job-output.txt': ['AssertionError: 1 != 2'] });
    await indexLogs(logsIndex, suppressed, { 'job-output.txt': [SUPPRESSED_ERROR] });

    const pass = await loopFor(config).runOnce();
    expect(pass.errors).toEqual([]);
    expect(pass.intake[0].taken).toBe(3);
    expect(pass.classified).toBe(3);

    // Gerrit: exactly one comment, on the change of the recognized build, in elastic-recheck's wording
    expect(reviewsFor(known)).toEqual([
      {
        change: known.change,
        project: 'openstack/nova',
        revision: '1',
        user: GERRIT_USER,
        tag: `autogenerated:elastic-recheck:${known.uuid.slice(0, 12)}`,
        message:
          "I noticed Zuul failed, I think you hit bug(s):\n\n- tempest-full: https://bugs.launchpad.net/bugs/1708704\n\nIf you believe we've correctly identified the failure, feel free to leave a 'recheck' comment to run the tests again.\nFor more details on this and other bugs, please see http://status.openstack.org/elastic-recheck/",
      },
    ]);
    expect(reviewsFor(unknown)).toEqual([]); // no known bug: elastic-recheck does not comment
    expect(reviewsFor(suppressed)).toEqual([]); // suppress-notification honoured

    // chat routed per project and event
    const knownChats = chatsAbout(known);
    expect(knownChats.map((d) => d.kind).sort()).toEqual(['matrix', 'slack']);
    expect(knownChats.find((d) => d.kind === 'slack')!.text).toBe(
      `openstack/nova change: https://review.example.org/${known.change} failed because of: tempest-full: https://bugs.launchpad.net/bugs/1708704`,
    );
    const unknownChats = chatsAbout(unknown);
    expect(unknownChats.map((d) => d.kind).sort()).toEqual(['json', 'slack']);
    const json = unknownChats.find((d) => d.kind === 'json')!.body;
    expect(json).toMatchObject({
      event: 'negative',
      build: { uuid: unknown.uuid, job: 'neutron-functional', project: 'openstack/neutron' },
      bugs: [],
    });
    expect(json.text).toBe(
      `openstack/neutron change: https://review.example.org/${unknown.change} failed neutron-functional in the check queue with an unrecognized error`,
    );
    expect(chatsAbout(suppressed).map((d) => d.kind)).toEqual(['slack']); // negative event: the suppressed bug is not named
    expect(chatsAbout(suppressed)[0].text).toContain('with an unrecognized error');

    // the stored result: build metadata, matches with lines, report status per channel
    const stored = await results(config);
    expect(stored[known.uuid]).toMatchObject({
      stage: 'classified',
      explained: true,
      reportPending: false,
      build: {
        uuid: known.uuid,
        tenant,
        job: 'tempest-full',
        project: 'openstack/nova',
        change: known.change,
        patchset: '1',
        pipeline: 'gate',
        result: 'FAILURE',
      },
      reports: {
        gerrit: { status: 'sent', attempts: 1 },
        'chat:qa': { status: 'sent' },
        'chat:nova': { status: 'sent' },
      },
    });
    expect(stored[known.uuid].matches).toHaveLength(1);
    expect(stored[known.uuid].matches[0]).toMatchObject({ signatureId: '1708704', hits: 1 });
    expect(stored[known.uuid].matches[0].lines[0]).toMatchObject({ file: 'screen-n-cpu.txt', line: KNOWN_ERROR });
    expect(stored[unknown.uuid].reports.gerrit).toMatchObject({ status: 'skipped' });
    expect(stored[suppressed.uuid].matches).toEqual([]);

    // a second and third pass change nothing and send nothing
    const sentBefore = { reviews: gerrit.reviews.length, chats: chat.delivered.length };
    await loopFor(config).runOnce();
    await loopFor(config).runOnce();
    expect({ reviews: gerrit.reviews.length, chats: chat.delivered.length }).toEqual(sentBefore);
  });

  test('waits for the logs to be indexed; reports "not ready" after the readiness timeout', async () => {
    const { config, tenant, logsIndex } = setup({ readiness: { timeout: '1h' } });
    const slow = zuul.addBuild(tenant, {});
    let pass = await loopFor(config).runOnce();
    expect(pass).toMatchObject({ classified: 0, waiting: 1 });
    expect((await results(config))[slow.uuid]).toMatchObject({
      stage: 'waiting',
      readiness: { attempts: 1, missingFiles: ['job-output.txt'] },
    });
    await indexLogs(logsIndex, slow, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    pass = await loopFor(config).runOnce();
    expect(pass.classified).toBe(1);
    expect(reviewsFor(slow)).toHaveLength(1);

    // a build whose logs never arrive: after the timeout (counted from its end) negative channels hear of it
    const { config: impatient, tenant: t2, logsIndex: l2 } = setup({ readiness: { timeout: '1s' } });
    // it ended now on the test's clock; 5 s later on the same clock (however long the steps above took)
    const lost = zuul.addBuild(t2, {});
    later(5000);
    await indexLogs(l2, lost, {}, false); // console without the end marker
    pass = await loopFor(impatient).runOnce();
    expect(pass.notReady).toBe(1);
    const stored = (await results(impatient))[lost.uuid];
    expect(stored).toMatchObject({
      stage: 'not_ready',
      readiness: { markerFound: false },
      reports: { gerrit: { status: 'skipped' }, 'chat:qa': { status: 'sent' } },
    });
    expect(chatsAbout(lost)[0].text).toBe(
      `Required files not ready after 1.0s for tempest-full ${lost.change},1,${lost.uuid}`,
    );
    expect(reviewsFor(lost)).toEqual([]);
  });

  test('Gerrit down, then up: retried with backoff and delivered exactly once', async () => {
    const { config, tenant, logsIndex } = setup({ webhooks: [] });
    const build = zuul.addBuild(tenant, {});
    await indexLogs(logsIndex, build, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    gerrit.failWith = 503;
    try {
      let pass = await loopFor(config).runOnce();
      expect(pass).toMatchObject({ classified: 1, sent: 0, retried: 1 });
      let stored = (await results(config))[build.uuid];
      expect(stored.reports.gerrit).toMatchObject({ status: 'pending', attempts: 1 });
      expect(stored.reports.gerrit.lastError).toContain('answered 503');
      expect(stored.reportPending).toBe(true);
      later(30);
      pass = await loopFor(config).runOnce();
      expect(pass.retried).toBe(1);
      stored = (await results(config))[build.uuid];
      expect(stored.reports.gerrit.attempts).toBe(2);
    } finally {
      gerrit.failWith = null;
    }
    later(30);
    const pass = await loopFor(config).runOnce();
    expect(pass.sent).toBe(1);
    expect(reviewsFor(build)).toHaveLength(1);
    const stored = (await results(config))[build.uuid];
    expect(stored.reports.gerrit).toMatchObject({ status: 'sent', attempts: 3 });
    expect(stored.reportPending).toBe(false);
    await loopFor(config).runOnce();
    expect(reviewsFor(build)).toHaveLength(1);
  });

  test('Gerrit unreachable past giveUpAfter: marked failed, never sent; a refusal (401) fails at once', async () => {
    const { config, tenant, logsIndex } = setup({ webhooks: [], report: { giveUpAfter: '40ms' } });
    const build = zuul.addBuild(tenant, {});
    await indexLogs(logsIndex, build, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    await gerrit.stop();
    try {
      await loopFor(config).runOnce();
      later(60);
      const pass = await loopFor(config).runOnce();
      expect(pass.failed).toBe(1);
    } finally {
      await gerrit.start();
    }
    const stored = (await results(config))[build.uuid];
    expect(stored.reports.gerrit).toMatchObject({ status: 'failed', attempts: 2 });
    expect(stored.reports.gerrit.reason).toMatch(/^gave up after 2 attempt\(s\)/);
    expect(stored.reports.gerrit.lastError).toContain('unreachable');
    expect(stored.reportPending).toBe(false);
    await loopFor(config).runOnce();
    expect(reviewsFor(build)).toEqual([]);

    const {
      config: wrongPassword,
      tenant: t2,
      logsIndex: l2,
    } = setup({ webhooks: [], gerrit: { password: 'wrong-password-123' } });
    const b2 = zuul.addBuild(t2, {});
    await indexLogs(l2, b2, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    const pass = await loopFor(wrongPassword).runOnce();
    expect(pass.failed).toBe(1);
    const s2 = (await results(wrongPassword))[b2.uuid];
    expect(s2.reports.gerrit).toMatchObject({
      status: 'failed',
      attempts: 1,
      reason: 'the service refused the report',
    });
    expect(s2.reports.gerrit.lastError).toContain('401');
    expect(JSON.stringify(s2)).not.toContain('wrong-password-123');
  });

  test('restart mid-way: a crash after delivery but before it was recorded sends nothing twice', async () => {
    const { config, tenant, logsIndex } = setup({
      report: { timeout: '100ms' }, // a claim older than 200 ms is an interrupted delivery
      webhooks: [chat.slackWebhook('qa', ['all'], ['positive']), chat.matrixWebhook('nova', ['nova'], ['positive'])],
    });
    const build = zuul.addBuild(tenant, {});
    await indexLogs(logsIndex, build, { 'screen-n-cpu.txt': [KNOWN_ERROR] });

    // The engine becomes unreachable right after each delivery: every "sent" record is lost.
    const real = httpEngineClient(engineUrl());
    let claims = 0;
    const crashing: EngineClient = {
      request<T>(req: EngineRequest): Promise<T> {
        const body = req.body as BuildResult | undefined;
        if (req.method === 'PUT' && req.path.startsWith(`/${config.results.index}/_doc/`) && body?.reports) {
          const states = Object.values(body.reports);
          if (states.some((s) => s.status === 'sent'))
            return Promise.reject(new EngineRequestError('engine unreachable: ECONNREFUSED', 0));
          if (states.some((s) => s.status === 'sending')) claims++;
        }
        return real.request<T>(req);
      },
    };
    const pass = await loopFor(config, crashing).runOnce();
    expect(pass.errors.join()).toContain('engine unreachable');
    expect(claims).toBe(1); // the first channel was claimed and delivered, then the process "died"
    const firstChannel = Object.entries((await results(config))[build.uuid].reports).find(
      ([, s]) => s.status === 'sending',
    )![0];
    expect(firstChannel).toBe('gerrit');
    expect(reviewsFor(build)).toHaveLength(1);

    // "Restart" later with a healthy engine: the interrupted Gerrit delivery is found on the change.
    later(250);
    await loopFor(config).runOnce();
    later(30);
    await loopFor(config).runOnce();
    const stored = (await results(config))[build.uuid];
    expect(stored.reports.gerrit).toMatchObject({
      status: 'sent',
      reason: 'found on the change after an interrupted delivery',
    });
    expect(stored.reports['chat:qa'].status).toBe('sent');
    expect(stored.reports['chat:nova'].status).toBe('sent');
    expect(reviewsFor(build)).toHaveLength(1);
    expect(
      chatsAbout(build)
        .map((d) => d.kind)
        .sort(),
    ).toEqual(['matrix', 'slack']);
  });

  test('restart mid-way: a claim whose delivery never happened is sent later, even when another build of the change got the same text', async () => {
    const { config, tenant, logsIndex } = setup({ webhooks: [], report: { timeout: '100ms' } });
    const first = zuul.addBuild(tenant, { change: 990001, job_name: 'tempest-full' });
    await indexLogs(logsIndex, first, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    await loopFor(config).runOnce();
    expect(reviewsFor(first)).toHaveLength(1);

    // a recheck: same change, same job, same bug -> the same comment text
    const second = zuul.addBuild(tenant, { change: 990001, job_name: 'tempest-full' });
    await indexLogs(logsIndex, second, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    await gerrit.stop(); // the delivery fails ...
    const real = httpEngineClient(engineUrl());
    const crashing: EngineClient = {
      request<T>(req: EngineRequest): Promise<T> {
        const body = req.body as BuildResult | undefined;
        // ... and the process dies before it can record the failure: the claim stays
        if (req.method === 'PUT' && body?.reports?.gerrit?.status === 'pending' && body.reports.gerrit.attempts > 0)
          return Promise.reject(new EngineRequestError('engine unreachable: ECONNREFUSED', 0));
        return real.request<T>(req);
      },
    };
    try {
      await loopFor(config, crashing).runOnce();
    } finally {
      await gerrit.start();
    }
    expect((await results(config))[second.uuid].reports.gerrit.status).toBe('sending');
    later(250);
    await loopFor(config).runOnce();
    const stored = (await results(config))[second.uuid];
    expect(stored.reports.gerrit).toMatchObject({ status: 'sent', attempts: 2 });
    const onChange = gerrit.reviews.filter((r) => r.change === 990001);
    expect(onChange).toHaveLength(2);
    expect(onChange[0].message).toBe(onChange[1].message);
    expect(onChange.map((r) => r.tag)).toEqual([
      `autogenerated:elastic-recheck:${first.uuid.slice(0, 12)}`,
      `autogenerated:elastic-recheck:${second.uuid.slice(0, 12)}`,
    ]);
  });

  test('restart mid-way: a Slack delivery interrupted is not resent; Matrix is resent with the same transaction id', async () => {
    const { config, tenant, logsIndex } = setup({
      gerrit: { comment: false },
      report: { timeout: '100ms' },
      webhooks: [chat.slackWebhook('qa', ['all'], ['positive']), chat.matrixWebhook('nova', ['nova'], ['positive'])],
    });
    const build = zuul.addBuild(tenant, {});
    await indexLogs(logsIndex, build, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    const real = httpEngineClient(engineUrl());
    const crashing: EngineClient = {
      request<T>(req: EngineRequest): Promise<T> {
        const body = req.body as BuildResult | undefined;
        if (req.method === 'PUT' && body?.reports && Object.values(body.reports).some((s) => s.status === 'sent')) {
          return Promise.reject(new EngineRequestError('engine unreachable: ECONNREFUSED', 0));
        }
        return real.request<T>(req);
      },
    };
    await loopFor(config, crashing).runOnce(); // slack delivered, its record lost
    later(250);
    await loopFor(config, crashing).runOnce(); // slack settled as failed; matrix delivered, its record lost
    later(250);
    await loopFor(config).runOnce(); // matrix re-sent with the same transaction id: Matrix drops the repeat
    await loopFor(config).runOnce();
    const stored = (await results(config))[build.uuid];
    expect(stored.reports['chat:nova']).toMatchObject({ status: 'sent', attempts: 2 });
    expect(stored.reports['chat:qa']).toMatchObject({ status: 'failed' });
    expect(stored.reports['chat:qa'].reason).toContain('not resent to avoid a duplicate');
    const delivered = chatsAbout(build);
    expect(delivered.filter((d) => d.kind === 'matrix')).toHaveLength(1);
    expect(delivered.filter((d) => d.kind === 'slack')).toHaveLength(1);
  });

  test('engine unreachable for a while: passes fail cleanly, then everything is taken and reported once', async () => {
    const { config, tenant, logsIndex } = setup({ webhooks: [] });
    const builds = [zuul.addBuild(tenant, {}), zuul.addBuild(tenant, {})];
    for (const b of builds) await indexLogs(logsIndex, b, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    const closed = httpEngineClient(`http://127.0.0.1:${await freePortThatIsClosed()}`, { timeoutMs: 2000 });
    for (let i = 0; i < 2; i++) {
      const pass = await loopFor(config, closed).runOnce();
      expect(pass.errors.length).toBeGreaterThan(0);
      expect(pass.errors[0]).toContain('engine unreachable');
    }
    expect(gerrit.reviews.filter((r) => builds.some((b) => b.change === r.change))).toEqual([]);
    const pass = await loopFor(config).runOnce();
    expect(pass).toMatchObject({ errors: [], classified: 2, sent: 2 });
    for (const b of builds) expect(reviewsFor(b)).toHaveLength(1);
  });

  test('two host instances with interval schedulers: one pass at a time, each build reported once', async () => {
    const { config, tenant, logsIndex } = setup({ webhooks: [] });
    const builds = [zuul.addBuild(tenant, {}), zuul.addBuild(tenant, {}), zuul.addBuild(tenant, {})];
    for (const b of builds) await indexLogs(logsIndex, b, { 'screen-n-cpu.txt': [KNOWN_ERROR] });
    let concurrent = 0;
    let maxConcurrent = 0;
    const instance = (owner: string) => {
      const loop = loopFor(config);
      const run = async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        try {
          await loop.runOnce();
        } finally {
          concurrent--;
        }
      };
      return new IntervalScheduler(new EngineLock(engine, config.state.index, 'recheck', owner, 60000), 1000, run, {
        debug() {},
        warn() {},
      });
    };
    const a = instance('kibana-a');
    const b = instance('kibana-b');
    const outcomes = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect(outcomes.filter((o) => o === 'failed')).toEqual([]);
    expect(outcomes.filter((o) => o === 'ran').length).toBeGreaterThanOrEqual(1);
    expect(maxConcurrent).toBe(1);
    for (let i = 0; i < 3; i++) await Promise.all([a.tick(), b.tick()]);
    for (const build of builds) expect(reviewsFor(build)).toHaveLength(1);
  });
});
