/*
 * `npm run bench:load -- [--users 50] [--seconds 60] [--builds 2000] [--intake-builds 2000] [--engine URL]`
 *
 * Two rows `npm run bench` does not cover (issue 16):
 *  - concurrency: N simulated users against the plugin in the host stand-in (dev/host), each loading the
 *    pages in turn (rates, uncategorized, signatures list, results) and previewing in the editor, for a fixed
 *    time (or a request budget); p50/p95 per kind and overall, errors by status, and the host process memory
 *    (the stand-in runs in this process) before, at peak and after;
 *  - intake throughput: N failed builds in a fake Zuul whose logs are indexed, taken in, checked for
 *    readiness, classified and reported to a fake Gerrit and chat webhook (real HTTP on 127.0.0.1) by the
 *    background loop's passes; builds per hour, and every build reported exactly once.
 * The wall clock only measures: users stop on a request budget in tests, the loop runs on an injected clock.
 */
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { Signature } from '../common/signature/types';
import { fork } from 'child_process';
import { SIGNATURES_PATH } from '../common/api/signatures';
import { DataGenerator } from '../generator/generate';
import { deleteGeneratedData, indexGeneratedData } from '../generator';
import { EngineClient, EngineRequest, httpEngineClient } from '../lib/engine_client';
import { readSignatureDirectory } from '../lib/signature_files';
import { parseArgs, runMain, usage, UsageError } from '../lib/cli_args';
import { buildForTest, deleteStandInIndices, uniqueIndexPrefix } from '../dev/host/testing';
import { StandIn, startStandIn } from '../dev/host/stand_in';
import { parseConfig } from '../server/config';
import { LoopLogger, RecheckLoop } from '../server/lib/background/recheck_loop';
import { FakeZuul, FakeZuulBuild, zuulBuildLogLines } from '../test/fake_services/fake_zuul';
import { FakeGerrit } from '../test/fake_services/fake_gerrit';
import { FakeChat } from '../test/fake_services/fake_chat';
import { percentile } from './bench';
import { ClientsResult, ClientsSpec, LOAD_KINDS, LoadKind } from './load_clients';
import { defaultSecurity } from '../dev/host/server/security';

export { LOAD_KINDS, type LoadKind };
export const LOAD_TARGET = '50 users p95 <= 1 s (machine otherwise idle); memory flat';
export const INTAKE_TARGET_PER_HOUR = 10_000;

export interface Memory {
  rssMb: number;
  heapUsedMb: number;
}

/** A memory sample of the host process during the run: seconds since the users started. */
export interface MemorySample extends Memory {
  atS: number;
  /** Heap used right after a full collection (when the process runs with --expose-gc). */
  heapAfterGcMb?: number;
}

export interface LoadRow {
  kind: LoadKind | 'all';
  requests: number;
  p50: number;
  p95: number;
  errors: number;
}

export interface LoadReport {
  users: number;
  seconds: number;
  requests: number;
  rows: LoadRow[];
  /** Non-2xx answers by status (0: no answer). */
  errorsByStatus: Record<string, number>;
  memory: { before: Memory; peak: Memory; after: Memory };
  /** Samples every `sampleEveryS` seconds, and whether the heap after GC stayed flat over them. */
  samples: MemorySample[];
  flat?: { flat: boolean; firstMb: number; lastMb: number };
}

export interface LoadOptions {
  engine: EngineClient;
  engineUrl: string;
  users: number;
  /** Stop after this many seconds of measuring, or after `requests` requests (whichever is given). */
  seconds?: number;
  requests?: number;
  builds: number;
  signaturesDir: string;
  prefix: string;
  /** Starts the host with the plugin (the CLI: the built plugin; tests: the source tree under jest). */
  startHost: (options: { engineUrl: string; indexPrefix: string; config: Record<string, unknown> }) => Promise<StandIn>;
  /** Seconds between memory samples (default 30). */
  sampleEveryS?: number;
  log: (line: string) => void;
}

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
function memoryNow(): Memory {
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed) };
}
const gc = () => (global as { gc?: () => void }).gc;

/**
 * Flat: the heap after GC of the last third of the samples is within 10 % (or 10 MB) of the first
 * third's, after the first sample (warm-up). Undefined without GC samples or with fewer than 4.
 */
export function heapFlat(samples: MemorySample[]): { flat: boolean; firstMb: number; lastMb: number } | undefined {
  const heaps = samples.slice(1).flatMap((s) => (s.heapAfterGcMb === undefined ? [] : [s.heapAfterGcMb]));
  if (heaps.length < 3) return undefined;
  const third = Math.max(1, Math.floor(heaps.length / 3));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const firstMb = median(heaps.slice(0, third));
  const lastMb = median(heaps.slice(-third));
  return { flat: lastMb - firstMb <= Math.max(10, firstMb * 0.1), firstMb, lastMb };
}

/** The simulated users in a child process (load_clients.ts), so they do not share the host's event loop. */
function clientsInChild(spec: ClientsSpec): Promise<ClientsResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load_clients.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answered = false;
    child.once('message', (m: { result?: ClientsResult; error?: string }) => {
      answered = true;
      if (m.result) resolve(m.result);
      else reject(new Error(`simulated users failed: ${m.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`simulated users exited with code ${code} before answering`));
    });
    child.send(spec);
  });
}

export async function runLoadBench(o: LoadOptions): Promise<LoadReport> {
  if (o.seconds === undefined && o.requests === undefined) throw new Error('runLoadBench: seconds or requests');
  const base = readSignatureDirectory(o.signaturesDir).signatures;
  const gen = new DataGenerator({ signatures: base, builds: o.builds, seed: 'load', days: 10 });
  const indexPrefix = uniqueIndexPrefix('load');
  let standIn: StandIn | undefined;
  try {
    o.log(`indexing ${o.builds} generated builds under ${o.prefix}*...`);
    await indexGeneratedData(o.engine, gen, { prefix: o.prefix, subunitPrefix: null });
    const host = await o.startHost({
      engineUrl: o.engineUrl,
      indexPrefix,
      config: { logs: { indexPattern: `${o.prefix}2*` } },
    });
    standIn = host;
    for (const s of base) {
      const res = await host.request('POST', SIGNATURES_PATH, {
        user: 'writer',
        body: { bug: { tracker: s.bug.tracker, id: s.bug.id }, query: s.query },
      });
      if (res.status !== 200) throw new Error(`storing signature ${s.id}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    o.log(`${base.length} signatures stored; ${o.users} users start`);
    const previews = base.map((s: Signature) => s.query);
    const password = defaultSecurity('x').users.find((u) => u.username === 'reader')!.password;
    const before = memoryNow();
    const peak = { ...before };
    const sample = () => {
      const m = memoryNow();
      peak.rssMb = Math.max(peak.rssMb, m.rssMb);
      peak.heapUsedMb = Math.max(peak.heapUsedMb, m.heapUsedMb);
    };
    const samples: MemorySample[] = [];
    const start = performance.now();
    const record = () => {
      const m = memoryNow();
      gc()?.();
      const heapAfterGcMb = gc() ? memoryNow().heapUsedMb : undefined;
      const s: MemorySample = { atS: Math.round((performance.now() - start) / 1000), ...m, heapAfterGcMb };
      samples.push(s);
      o.log(
        `memory at ${s.atS} s: rss ${s.rssMb} MB, heap ${s.heapUsedMb} MB${heapAfterGcMb === undefined ? '' : `, after GC ${heapAfterGcMb} MB`}`,
      );
    };
    const sampler = setInterval(sample, 250);
    const recorder = setInterval(record, (o.sampleEveryS ?? 30) * 1000);
    let clients: ClientsResult;
    try {
      clients = await clientsInChild({
        url: host.url,
        headers: {
          authorization: `Basic ${Buffer.from(`reader:${password}`).toString('base64')}`,
          'kbn-xsrf': 'true',
          'osd-xsrf': 'true',
        },
        users: o.users,
        seconds: o.seconds,
        requests: o.requests,
        previews,
      });
    } finally {
      clearInterval(sampler);
      clearInterval(recorder);
    }
    const { times, errors, errorsByStatus } = clients;
    const seconds = clients.seconds;
    gc()?.();
    const after = memoryNow();
    const row = (kind: LoadRow['kind'], t: number[], e: number): LoadRow => ({
      kind,
      requests: t.length,
      p50: percentile(t, 50),
      p95: percentile(t, 95),
      errors: e,
    });
    const rows = LOAD_KINDS.map((k) => row(k, times[k], errors[k]));
    const all = LOAD_KINDS.flatMap((k) => times[k]);
    rows.push(
      row(
        'all',
        all,
        rows.reduce((n, r) => n + r.errors, 0),
      ),
    );
    return {
      users: o.users,
      seconds,
      requests: all.length,
      rows,
      errorsByStatus,
      memory: { before, peak, after },
      samples,
      flat: heapFlat(samples),
    };
  } finally {
    await standIn?.stop();
    await deleteStandInIndices(o.engineUrl, indexPrefix);
    // a refusal here (e.g. the engine's breaker after a long run) leaves the data behind: say so
    await deleteGeneratedData(o.engine, o.prefix, null).catch((e) =>
      o.log(`could not delete ${o.prefix}*: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
}

export function formatLoad(r: LoadReport): string {
  const ms = (n: number) => (Number.isNaN(n) ? '-' : `${Math.round(n)} ms`);
  const overall = r.rows.find((x) => x.kind === 'all')!;
  const met = overall.p95 <= 1000 ? 'met' : 'missed';
  const mem = (m: Memory) => `rss ${m.rssMb} MB, heap ${m.heapUsedMb} MB`;
  return [
    `concurrency: ${r.users} users for ${r.seconds.toFixed(1)} s, ${r.requests} requests (target: ${LOAD_TARGET})`,
    '| kind | requests | p50 | p95 | errors |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...r.rows.map((x) => `| ${x.kind} | ${x.requests} | ${ms(x.p50)} | ${ms(x.p95)} | ${x.errors} |`),
    `p95 overall ${ms(overall.p95)}: target p95 <= 1 s ${met}`,
    `errors by status: ${Object.keys(r.errorsByStatus).length ? JSON.stringify(r.errorsByStatus) : 'none'}`,
    `host process memory: before ${mem(r.memory.before)}; peak ${mem(r.memory.peak)}; after ${mem(r.memory.after)}`,
    ...(r.samples.length
      ? [
          `memory samples (s: rss / heap / heap after GC, MB): ${r.samples.map((x) => `${x.atS}: ${x.rssMb} / ${x.heapUsedMb} / ${x.heapAfterGcMb ?? '-'}`).join('; ')}`,
        ]
      : []),
    ...(r.flat
      ? [
          `heap after GC ${r.flat.flat ? 'flat' : 'NOT flat'}: ${r.flat.firstMb} MB in the first third of the samples, ${r.flat.lastMb} MB in the last`,
        ]
      : []),
  ].join('\n');
}

/* ---------------------------------------------------------------- intake */

export interface IntakeOptions {
  engine: EngineClient;
  builds: number;
  signaturesDir: string;
  prefix: string;
  /** Results per classify / report pass (config schedule.batchSize). */
  batchSize: number;
  log: (line: string) => void;
}

export interface IntakeReport {
  builds: number;
  /** Builds whose logs hold the known error (one Gerrit comment each). */
  known: number;
  passes: number;
  seconds: number;
  perHour: number;
  /** Builds with a chat message other than exactly one, or a Gerrit comment count other than expected. */
  notOnce: number;
  gerritComments: number;
  chatMessages: number;
  /** Where the time goes: the loop's engine requests by method, index and operation, slowest first. */
  engineProfile: Array<{ request: string; count: number; ms: number }>;
}

/** `POST results _update`: what an engine request does, without the names of this run's indices. */
function requestKind(method: string, path: string): string {
  const index = path.split('/')[1] ?? '';
  const kind = ['results', 'state', 'logs', 'percolator'].find((k) => index.includes(k)) ?? (index || '/');
  const op = path.split('/').find((x) => x.startsWith('_')) ?? 'index';
  return `${method} ${kind} ${op}`;
}

const KNOWN_LINE = 'oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID 5ab1c0de';
const KNOWN_SIGNATURE: Signature = {
  id: '1708704',
  bug: { tracker: 'launchpad', id: '1708704', url: 'https://bugs.launchpad.net/bugs/1708704' },
  query: 'message:"Timed out waiting for a reply to message ID" AND tags:"screen-n-cpu.txt"',
  allowNonvoting: false,
  suppressGraph: false,
  suppressNotification: false,
  mode: 'explains',
};
const quiet: LoopLogger = { debug() {}, info() {}, warn() {}, error() {} };

export async function runIntakeBench(o: IntakeOptions): Promise<IntakeReport> {
  const zuul = await new FakeZuul().start();
  const gerrit = await new FakeGerrit('recheck-bot', 'gerrit-password').start();
  const chat = await new FakeChat().start();
  const logsIndex = `${o.prefix}logs-2026.11.22`;
  try {
    const tenant = 'openstack';
    const config = parseConfig({
      schedule: { enabled: true, batchSize: o.batchSize },
      logs: { indexPattern: `${o.prefix}logs-*` },
      results: { index: `${o.prefix}results` },
      state: { index: `${o.prefix}state` },
      zuul: { url: zuul.url, tenants: [tenant], startFrom: 'beginning', pageSize: 1000 },
      readiness: { timeout: '1h' },
      gerrit: { url: gerrit.url, username: 'recheck-bot', password: 'gerrit-password' },
      webhooks: [chat.slackWebhook('qa', ['all'], ['positive', 'negative'])],
      report: { retryInitial: '10ms', retryMax: '20ms', timeout: '5s' },
    });
    const signatures = [
      KNOWN_SIGNATURE,
      ...readSignatureDirectory(o.signaturesDir).signatures.filter((s) => s.id !== KNOWN_SIGNATURE.id),
    ];
    const builds: FakeZuulBuild[] = [];
    const known = new Set<string>();
    let body: unknown[] = [];
    const flush = async () => {
      if (!body.length) return;
      const res = await o.engine.request<{ errors: boolean }>({
        method: 'POST',
        path: `/${logsIndex}/_bulk`,
        bulkBody: body,
      });
      if (res.errors) throw new Error('indexing the intake logs failed');
      body = [];
    };
    for (let i = 0; i < o.builds; i++) {
      const b = zuul.addBuild(tenant, { project: i % 2 ? 'openstack/nova' : 'openstack/neutron' });
      builds.push(b);
      const files: Record<string, string[]> =
        i % 2 ? { 'screen-n-cpu.txt': ['nova-compute started', KNOWN_LINE] } : { 'job-output.txt': ['AssertionError'] };
      if (i % 2) known.add(b.uuid);
      body.push(...zuulBuildLogLines(b, files, { start: Date.parse('2026-11-22T01:00:00Z') }));
      if (body.length > 20000) await flush();
    }
    await flush();
    await o.engine.request({ method: 'POST', path: `/${logsIndex}/_refresh` });
    o.log(`${o.builds} failed builds in the fake Zuul, their logs indexed; the loop starts`);

    let clock = Date.parse('2026-11-22T03:00:00Z');
    const profile = new Map<string, { count: number; ms: number }>();
    const measured: EngineClient = {
      async request<T>(req: EngineRequest): Promise<T> {
        const t0 = performance.now();
        try {
          return await o.engine.request<T>(req);
        } finally {
          const p = profile.get(requestKind(req.method, req.path)) ?? { count: 0, ms: 0 };
          p.count++;
          p.ms += performance.now() - t0;
          profile.set(requestKind(req.method, req.path), p);
        }
      },
    };
    const loop = new RecheckLoop({
      engine: measured,
      config,
      loadSignatures: async () => signatures,
      logger: quiet,
      now: () => clock,
    });
    const slackOf = () => chat.delivered.filter((d) => d.kind === 'slack').length;
    const maxPasses = Math.ceil(o.builds / o.batchSize) * 4 + 10;
    let passes = 0;
    const start = performance.now();
    while (passes < maxPasses && (slackOf() < o.builds || gerrit.reviews.length < known.size)) {
      const pass = await loop.runOnce();
      passes++;
      if (pass.errors.length) o.log(`pass ${passes}: ${pass.errors.join('; ')}`);
      clock += 60_000;
    }
    const seconds = (performance.now() - start) / 1000;
    // exactly once: one chat message per build, one Gerrit comment per build with the known bug
    const chats = new Map<string, number>();
    for (const d of chat.delivered) {
      const change = /\/(\d+) /.exec(d.text ?? '')?.[1];
      if (change) chats.set(change, (chats.get(change) ?? 0) + 1);
    }
    const comments = new Map<number, number>();
    for (const r of gerrit.reviews) comments.set(Number(r.change), (comments.get(Number(r.change)) ?? 0) + 1);
    const notOnce = builds.filter(
      (b) => chats.get(String(b.change)) !== 1 || (comments.get(Number(b.change)) ?? 0) !== (known.has(b.uuid) ? 1 : 0),
    ).length;
    return {
      builds: o.builds,
      known: known.size,
      passes,
      seconds,
      perHour: Math.round((o.builds / seconds) * 3600),
      notOnce,
      gerritComments: gerrit.reviews.length,
      chatMessages: chat.delivered.length,
      engineProfile: [...profile.entries()]
        .map(([request, p]) => ({ request, count: p.count, ms: Math.round(p.ms) }))
        .sort((a, b) => b.ms - a.ms),
    };
  } finally {
    await Promise.all([zuul.stop(), gerrit.stop(), chat.stop()]);
    await o.engine
      .request({
        method: 'DELETE',
        path: `/${logsIndex},${o.prefix}results,${o.prefix}state`,
        querystring: { ignore_unavailable: true },
      })
      .catch(() => undefined);
  }
}

export function formatIntake(r: IntakeReport): string {
  const met = r.perHour >= INTAKE_TARGET_PER_HOUR ? 'met' : 'missed';
  const engineMs = r.engineProfile.reduce((n, p) => n + p.ms, 0);
  const engineCount = r.engineProfile.reduce((n, p) => n + p.count, 0);
  return [
    `intake: ${r.builds} failed builds (${r.known} with a known bug) taken in, checked, classified and reported in ${r.seconds.toFixed(1)} s over ${r.passes} passes`,
    `${r.perHour.toLocaleString('en-US')} builds/hour (target >= ${INTAKE_TARGET_PER_HOUR.toLocaleString('en-US')}/h: ${met})`,
    `reported exactly once: ${r.notOnce === 0 ? 'yes' : `no (${r.notOnce} builds)`} (${r.gerritComments} Gerrit comments, ${r.chatMessages} chat messages)`,
    `engine time of the loop: ${Math.round(engineMs / 1000)} s of ${r.seconds.toFixed(1)} s, ${engineCount} requests (${(engineCount / r.builds).toFixed(1)} a build); slowest kinds:`,
    ...r.engineProfile
      .slice(0, 6)
      .map(
        (p) =>
          `  ${p.request}: ${p.count} requests, ${Math.round(p.ms / 1000)} s (${(p.ms / p.count).toFixed(0)} ms each)`,
      ),
  ].join('\n');
}

const SPECS = {
  users: { type: 'int' as const, description: 'simulated users', default: 50 },
  seconds: { type: 'int' as const, description: 'how long the users run', default: 60 },
  builds: { type: 'int' as const, description: 'generated builds behind the pages', default: 2000 },
  'intake-builds': { type: 'int' as const, description: 'failed builds fed to the intake (0: skip)', default: 2000 },
  'batch-size': { type: 'int' as const, description: 'results per background pass step', default: 200 },
  'no-users': { type: 'boolean' as const, description: 'skip the concurrency bench' },
  'sample-every': { type: 'int' as const, description: 'seconds between memory samples', default: 30 },
  engine: { type: 'string' as const, description: 'engine URL (default ENGINE_URL or an embedded one)' },
  'signatures-dir': { type: 'string' as const, description: 'signatures', default: path.join('demo', 'signatures') },
  help: { type: 'boolean' as const, description: 'show this help' },
};

if (require.main === module) {
  runMain(async () => {
    const { options, positionals } = parseArgs(process.argv.slice(2), SPECS);
    if (options.help) return void console.log(usage('npm run bench:load --', SPECS));
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    for (const k of ['users', 'seconds', 'builds'] as const)
      if ((options[k] as number) < 1) throw new UsageError(`--${k} must be at least 1, got ${options[k]}`);
    let url = (options.engine as string | undefined) ?? process.env.ENGINE_URL;
    let stop: (() => Promise<void>) | undefined;
    if (!url) {
      const { startEngine } = await import('../engine/node/engine_process');
      const node = await startEngine({ heap: '2g' });
      url = node.url;
      stop = () => node.stop();
    }
    const engine = httpEngineClient(url, { timeoutMs: 600000 });
    const signaturesDir = path.resolve(options['signatures-dir'] as string);
    const prefix = `er-load-${process.pid}-${Date.now().toString(36)}-`;
    const log = (l: string) => console.error(l);
    const cleanups: Array<() => Promise<void>> = [];
    try {
      if (!options['no-users']) {
        log('building the plugin (kibana) for the stand-in...');
        const build = await buildForTest('kibana');
        cleanups.push(async () => build.cleanup());
        const load = await runLoadBench({
          startHost: (h) =>
            startStandIn({ ...h, pluginDir: build.build.pluginDir, browser: false, logLevel: 'warn', onLog: () => {} }),
          engine,
          engineUrl: url,
          users: options.users as number,
          seconds: options.seconds as number,
          sampleEveryS: options['sample-every'] as number,
          builds: options.builds as number,
          signaturesDir,
          prefix,
          log,
        });
        console.log(formatLoad(load));
      }
      if ((options['intake-builds'] as number) > 0) {
        const intake = await runIntakeBench({
          engine,
          builds: options['intake-builds'] as number,
          batchSize: options['batch-size'] as number,
          signaturesDir,
          prefix: `${prefix}intake-`,
          log,
        });
        console.log(formatIntake(intake));
        if (intake.notOnce) process.exitCode = 1;
      }
    } finally {
      for (const c of cleanups) await c();
      await stop?.();
    }
  });
}
