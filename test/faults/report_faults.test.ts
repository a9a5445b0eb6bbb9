/*
 * @jest-layer engine
 *
 * Fault injection on the report path (issue 11): the engine is really killed (SIGKILL) and restarted on the
 * same port and data, the host is "killed" at every step of every channel's report (its loop stops dead at
 * the step and a fresh loop, with no memory, takes over, as a restarted host does), and services go down or
 * stop answering. The fake Gerrit and chat servers count what arrived: every report exactly once (a Slack
 * webhook: at most once, see docs/api.md). Time moves by the loop's injected clock, never by sleeping.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findFreePort, RunningEngine, startEngine } from '../../engine/node/engine_process';
import { FakeZuul, FakeZuulBuild, zuulBuildLogLines } from '../fake_services/fake_zuul';
import { FakeGerrit } from '../fake_services/fake_gerrit';
import { FakeChat } from '../fake_services/fake_chat';
import { FakeReply, RecordedRequest } from '../fake_services/http_fake';
import { parseConfig, RecheckConfig } from '../../server/config';
import { EngineClient, httpEngineClient } from '../../lib/engine_client';
import { LoopLogger, RecheckLoop, ReportStep } from '../../server/lib/background/recheck_loop';
import { StandInTaskManager } from '../../dev/host/server/task_manager';
import type { Signature } from '../../common/signature/types';
import { MESSAGING_TIMEOUT_LINE, MESSAGING_TIMEOUT_SIGNATURE } from '../fixtures/signatures';
import type { BuildResult } from '../../common/api/results';

jest.setTimeout(240000);

const GERRIT_USER = 'recheck-bot';
const GERRIT_PASSWORD = 'gerrit-http-password';
const KNOWN_ERROR = MESSAGING_TIMEOUT_LINE;
const SIGNATURES: Signature[] = [MESSAGING_TIMEOUT_SIGNATURE];
const CHANNELS = ['gerrit', 'chat:qa', 'chat:nova', 'chat:bot'] as const;
const STEPS: ReportStep[] = ['claimed', 'delivered', 'recorded'];
const quiet: LoopLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A Gerrit that takes the comment but answers only after `delayMs` (a lost answer when the client gives up first). */
class SlowGerrit extends FakeGerrit {
  delayMs = 0;
  protected override async handle(req: RecordedRequest): Promise<FakeReply> {
    const reply = await super.handle(req);
    if (this.delayMs && req.method === 'POST') await new Promise((r) => setTimeout(r, this.delayMs));
    return reply;
  }
}

let home: string;
let port: number;
let running: RunningEngine;
let engine: EngineClient;
let zuul: FakeZuul;
let gerrit: SlowGerrit;
let chat: FakeChat;
let clock = Date.now();
let seq = 0;

async function request(method: string, urlPath: string, body?: string): Promise<any> {
  const res = await fetch(`${running.url}${urlPath}`, {
    method,
    headers: body ? { 'content-type': 'application/x-ndjson' } : {},
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** SIGKILL, as a crash or the OOM killer would; returns once the process is gone. */
async function killEngine(): Promise<void> {
  process.kill(running.pid, 'SIGKILL');
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(running.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setImmediate(r));
  }
}

/** Restart on the same port and data right after a kill (sockets of the dead node are in TIME_WAIT). */
async function restartEngine(): Promise<void> {
  await running.stop();
  running = await startEngine({ port, home, heap: '512m', clusterName: 'faults' });
}

function setup(): { config: RecheckConfig; tenant: string; logsIndex: string } {
  const id = `f${process.pid}-${seq++}`;
  const tenant = `tenant-${id}`;
  const config = parseConfig({
    schedule: { enabled: true },
    logs: { indexPattern: `${id}-logs-*` },
    results: { index: `${id}-results` },
    state: { index: `${id}-state` },
    zuul: { url: zuul.url, tenants: [tenant], startFrom: 'beginning' },
    readiness: { timeout: '1h' },
    gerrit: { url: gerrit.url, username: GERRIT_USER, password: GERRIT_PASSWORD, timeout: '300ms' },
    engine: { timeout: '5s' },
    webhooks: [
      chat.slackWebhook('qa', ['all'], ['positive']),
      chat.matrixWebhook('nova', ['nova'], ['positive']),
      { name: 'bot', type: 'json', url: `${chat.url}/json/bot`, projects: ['all'], events: ['positive'] },
    ],
    report: { retryInitial: '10ms', retryMax: '20ms', timeout: '300ms', giveUpAfter: '1h' },
  });
  return { config, tenant, logsIndex: `${id}-logs-2026.11.22` };
}

async function failedBuild(tenant: string, logsIndex: string): Promise<FakeZuulBuild> {
  const build = zuul.addBuild(tenant, { project: 'openstack/nova', job_name: 'tempest-full', pipeline: 'gate' });
  const lines = zuulBuildLogLines(
    build,
    { 'screen-n-cpu.txt': [KNOWN_ERROR] },
    { marker: true, start: Date.parse('2026-11-22T01:00:00Z') },
  );
  await request('POST', `/${logsIndex}/_bulk?refresh=true`, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return build;
}

const loop = (config: RecheckConfig, checkpoint?: ConstructorParameters<typeof RecheckLoop>[0]['checkpoint']) =>
  new RecheckLoop({
    engine,
    config,
    loadSignatures: async () => SIGNATURES,
    logger: quiet,
    now: () => clock,
    checkpoint,
  });

async function stored(config: RecheckConfig): Promise<Record<string, BuildResult>> {
  await request('POST', `/${config.results.index}/_refresh`);
  const res = await request('POST', `/${config.results.index}/_search?size=100`);
  return Object.fromEntries(res.hits.hits.map((h: any) => [h._id, h._source]));
}

/** Passes (time moving past any stale claim and backoff) until nothing is left to report. */
async function drain(config: RecheckConfig, make = () => loop(config)): Promise<void> {
  const l = make();
  for (let i = 0; i < 8; i++) {
    clock += 60000;
    await l.runOnce();
    if (!Object.values(await stored(config)).some((r) => r.reportPending)) return;
  }
  throw new Error('reports still pending after 8 passes');
}

/** What each service received about one build. */
function arrived(build: FakeZuulBuild): Record<(typeof CHANNELS)[number], number> {
  const chats = chat.delivered.filter(
    (d) => (d.text ?? '').includes(`/${build.change} `) || d.body?.build?.uuid === build.uuid,
  );
  return {
    gerrit: gerrit.reviews.filter((r) => r.change === build.change).length,
    'chat:qa': chats.filter((d) => d.kind === 'slack').length,
    'chat:nova': chats.filter((d) => d.kind === 'matrix').length,
    'chat:bot': chats.filter((d) => d.kind === 'json').length,
  };
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'er-faults-'));
  port = await findFreePort();
  running = await startEngine({ port, home, heap: '512m', clusterName: 'faults' });
  engine = httpEngineClient(running.url, { timeoutMs: 5000 });
  zuul = await new FakeZuul().start();
  gerrit = await new SlowGerrit(GERRIT_USER, GERRIT_PASSWORD).start();
  chat = await new FakeChat('matrix-access-token').start();
});

afterAll(async () => {
  await Promise.all([zuul?.stop(), gerrit?.stop(), chat?.stop()]);
  await running?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

beforeEach(() => {
  clock = Date.now();
});

describe('exactly-once reporting under faults', () => {
  test('host killed at every step of every channel: each report arrives once (Slack at most once)', async () => {
    const { config, tenant, logsIndex } = setup();
    // one build per kill point: (step, channel)
    const points: Array<{ build: FakeZuulBuild; step: ReportStep; channel: string }> = [];
    for (const step of STEPS)
      for (const channel of CHANNELS) points.push({ build: await failedBuild(tenant, logsIndex), step, channel });
    const remaining = new Set(points);
    let hosts = 0;
    while (remaining.size && hosts < 30) {
      hosts++;
      let killed!: () => void;
      const died = new Promise<void>((resolve) => (killed = resolve));
      const host = loop(config, (step, at) => {
        const point = [...remaining].find(
          (p) => p.step === step && p.channel === at.channel && p.build.uuid === at.uuid,
        );
        if (!point) return;
        remaining.delete(point);
        killed();
        return new Promise<void>(() => undefined); // the host is dead: nothing after this step runs
      });
      const finished = host.runOnce().then(() => 'finished' as const);
      const outcome = await Promise.race([died.then(() => 'killed' as const), finished]);
      if (outcome === 'finished' && remaining.size) clock += 60000; // nothing due yet for the next kill point
      clock += 60000; // the dead host's claims become stale for the next one
    }
    expect(remaining.size).toBe(0);
    await drain(config);

    const results = await stored(config);
    for (const { build, step, channel } of points) {
      const got = arrived(build);
      const slackLost = channel === 'chat:qa' && step === 'claimed'; // claimed, then the host died before sending
      expect({ step, channel, got }).toEqual({
        step,
        channel,
        got: { gerrit: 1, 'chat:qa': slackLost ? 0 : 1, 'chat:nova': 1, 'chat:bot': 1 },
      });
      const reports = results[build.uuid].reports;
      expect(reports.gerrit.status).toBe('sent');
      expect(reports['chat:nova'].status).toBe('sent');
      expect(reports['chat:bot'].status).toBe('sent');
      if (channel === 'chat:qa' && step !== 'recorded')
        expect(reports['chat:qa']).toMatchObject({
          status: 'failed',
          reason: expect.stringContaining('not resent to avoid a duplicate'),
        });
      else expect(reports['chat:qa'].status).toBe('sent');
      expect(results[build.uuid].reportPending).toBe(false);
    }
    expect(hosts).toBeGreaterThanOrEqual(points.length);
  });

  test('engine killed (SIGKILL) after a claim and restarted on the same port: every report once, Slack included', async () => {
    const { config, tenant, logsIndex } = setup();
    const build = await failedBuild(tenant, logsIndex);
    let kills = 0;
    const host = loop(config, async (step) => {
      if (step === 'claimed' && kills++ === 0) await killEngine();
    });
    const pass = await host.runOnce();
    expect(kills).toBeGreaterThanOrEqual(1);
    expect(pass.errors.join(' ')).toContain('engine unreachable');
    await restartEngine(); // same port right after the kill: TIME_WAIT sockets do not block it
    await drain(config, () => host); // the same host, which survived the engine
    expect(arrived(build)).toEqual({ gerrit: 1, 'chat:qa': 1, 'chat:nova': 1, 'chat:bot': 1 });
    const reports = (await stored(config))[build.uuid].reports;
    for (const channel of CHANNELS)
      expect({ channel, status: reports[channel].status }).toEqual({ channel, status: 'sent' });
  });

  test('services down or silent: retried, each report once', async () => {
    const { config, tenant, logsIndex } = setup();
    const build = await failedBuild(tenant, logsIndex);
    await chat.stop(); // connection refused: nothing can have arrived, so retrying is safe
    gerrit.delayMs = 1500; // takes the comment, answers after the 300 ms timeout
    try {
      const pass = await loop(config).runOnce();
      expect(pass.retried).toBeGreaterThanOrEqual(3);
      expect(arrived(build).gerrit).toBe(1);
    } finally {
      gerrit.delayMs = 0;
      await chat.start();
    }
    await drain(config);
    expect(arrived(build)).toEqual({ gerrit: 1, 'chat:qa': 1, 'chat:nova': 1, 'chat:bot': 1 });
    const reports = (await stored(config))[build.uuid].reports;
    expect(reports.gerrit).toMatchObject({ status: 'sent', reason: 'found on the change from an earlier attempt' });
  });

  test('the stand-in task manager runs the pass; the engine dies after a delivery: host and timers survive, every report once', async () => {
    const { config, tenant, logsIndex } = setup();
    const build = await failedBuild(tenant, logsIndex);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn: (m: string) => warnings.push(m),
      error: (m: string) => warnings.push(m),
      get: () => logger,
    } as any;
    const tasks = `faults-tasks-${process.pid}`;
    const tm = new StandInTaskManager(engine, tasks, { logger, pollIntervalMs: 3600000 });
    let kills = 0;
    const host = loop(config, async (step, at) => {
      if (step === 'delivered' && at.channel === 'gerrit' && kills++ === 0) await killEngine();
    });
    let runs = 0;
    tm.setupContract().registerTaskDefinitions({
      'faults:recheck': {
        title: 'one background pass',
        createTaskRunner: () => ({
          async run() {
            runs++;
            await host.runOnce();
            return { state: { runs } };
          },
        }),
      },
    });
    try {
      const start = await tm.start();
      await start.ensureScheduled({
        id: 'faults-recheck',
        taskType: 'faults:recheck',
        schedule: { interval: '1h' },
        params: {},
        state: {},
      });
      await tm.tick(); // the pass delivers to Gerrit, the engine dies, nothing can be recorded
      await tm.tick(); // the poll itself fails: logged, not thrown
      expect(kills).toBe(1);
      expect(arrived(build).gerrit).toBe(1);
      expect(warnings.join('\n')).toContain('could not record the run');
      await restartEngine();
      await tm.tick(); // the kept outcome of the task run is written
      const doc = await request('GET', `/${tasks}/_doc/faults-recheck`);
      expect(doc._source).toMatchObject({ status: 'idle', state: { runs: 1 }, ownerId: null });
      await drain(config, () => host);
      expect(arrived(build)).toEqual({ gerrit: 1, 'chat:qa': 1, 'chat:nova': 1, 'chat:bot': 1 });
      const reports = (await stored(config))[build.uuid].reports;
      for (const channel of CHANNELS)
        expect({ channel, status: reports[channel].status }).toEqual({ channel, status: 'sent' });
      await tm.stop();
      await new Promise((r) => setImmediate(r));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
