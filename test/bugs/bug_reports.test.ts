/** @jest-layer engine */
/*
 * Impact, the cleanup report and the alarms on generated CI data (real engine), with the results the
 * background loop would have stored for its failed builds, and bug statuses from a fake Launchpad.
 * Every expected figure is computed from the generator's ground truth, independently of the code.
 */
import { engineRequest, uniqueName } from '../setup/engine';
import { indexGeneratedData, GeneratedData } from '../fixtures/generated_data';
import { FakeTrackers } from '../fake_services/fake_trackers';
import { FakeChat } from '../fake_services/fake_chat';
import { parseConfig, RecheckConfig } from '../../server/config';
import { ensureResultsIndex } from '../../server/lib/background/results_index';
import { readBugCache, refreshBugs } from '../../server/lib/bugs/bug_cache';
import { signatureImpact } from '../../server/lib/bugs/impact';
import { cleanupFiles, cleanupReport } from '../../server/lib/bugs/cleanup';
import { deliverAlarms, listAlarms, raiseAlarms } from '../../server/lib/bugs/alarms';
import { FAILED_BUILD_STATUSES } from '../../common/constants';
import type { BuildResult } from '../../common/api/results';
import type { BuildTruth } from '../../generator';
import type { Signature } from '../../common/signature/types';

const NOW = Date.parse('2026-11-20T00:00:00Z');
const DAY = 86400000;
const FAILED = new Set<string>(FAILED_BUILD_STATUSES);
const NODES: Record<string, number> = { 'multinode-3': 3 };
const nodesetOf = (job: string) => (/multinode/.test(job) ? 'multinode-3' : 'ubuntu-noble');
const zuulTime = (iso: string) => iso.slice(0, 19); // Zuul lists times without a zone

let data: GeneratedData;
let trackers: FakeTrackers;
let chat: FakeChat;
let config: RecheckConfig;
let signatures: Signature[];
/** Builds that ran again: truth-like records for the extra log lines indexed below. */
const reruns: Array<{ uuid: string; change: number; job: string; start: number }> = [];
const quiet = { warn() {}, debug() {}, info() {} };

/** What the intake + classify steps store for a failed build. */
function resultOf(b: BuildTruth): BuildResult {
  const byId = new Map(signatures.map((s) => [s.id, s]));
  const matches = b.confirmedSignatures
    .filter((id) => byId.has(id))
    .map((id) => ({
      signatureId: id,
      bug: byId.get(id)!.bug,
      mode: byId.get(id)!.mode,
      hits: 1,
      lines: [
        {
          file: b.cause.file ?? 'job-output.txt',
          line: b.cause.message ?? 'error',
          timestamp: b.end,
          link: b.cause.logUrl ?? '',
        },
      ],
    }));
  const classifiedAt = new Date(Date.parse(b.end) + 5 * 60000).toISOString();
  return {
    build: {
      uuid: b.uuid,
      tenant: b.tenant,
      zuulId: 1,
      job: b.job,
      result: b.status,
      voting: b.voting === 1,
      pipeline: b.queue,
      project: b.project,
      branch: b.branch,
      change: b.change,
      patchset: b.patchset,
      startTime: zuulTime(b.start),
      endTime: zuulTime(b.end),
      nodeset: nodesetOf(b.job),
    },
    stage: 'classified',
    takenAt: b.end,
    updatedAt: classifiedAt,
    classifiedAt,
    matches,
    explained: matches.some((m) => m.mode === 'explains'),
    reports: {},
    reportPending: false,
  };
}

async function storeResults(results: BuildResult[]): Promise<void> {
  const body =
    results.flatMap((r) => [JSON.stringify({ index: { _id: r.build.uuid } }), JSON.stringify(r)]).join('\n') + '\n';
  await engineRequest('POST', `/${config.results.index}/_bulk?refresh=true`, body, 'application/x-ndjson');
}

async function indexRerun(f: BuildTruth, offsetMs: number, job = f.job): Promise<void> {
  const uuid = `rerun${reruns.length}`.padEnd(32, '0');
  const start = Date.parse(f.end) + offsetMs;
  reruns.push({ uuid, change: f.change!, job, start });
  const line = {
    '@timestamp': new Date(start + 1000).toISOString(),
    message: 'TASK [run tests]',
    filename: 'job-output.txt',
    tags: ['job-output.txt'],
    build_name: job,
    build_status: 'SUCCESS',
    build_uuid: uuid,
    build_change: f.change,
    build_patchset: f.patchset,
    build_queue: f.queue,
    project: f.project,
    voting: 1,
  };
  await engineRequest(
    'POST',
    `/${data.prefix}${new Date(start).toISOString().slice(0, 10).replace(/-/g, '.')}/_doc?refresh=true`,
    line,
  );
}

beforeAll(async () => {
  data = await indexGeneratedData({ builds: 400, seed: 'bug-reports', now: NOW });
  trackers = await new FakeTrackers().start();
  chat = await new FakeChat().start();
  const prefix = uniqueName('er-bugrep');
  signatures = [
    ...data.signatures,
    // two signatures that never match: one for a fixed bug, one for an open bug
    {
      id: '9000001',
      bug: { tracker: 'launchpad', id: '9000001', url: 'https://bugs.launchpad.net/bugs/9000001' },
      query: 'message:"never logged anywhere fixed"',
      allowNonvoting: false,
      suppressGraph: false,
      suppressNotification: false,
      mode: 'explains',
    },
    {
      id: '9000002',
      bug: { tracker: 'launchpad', id: '9000002', url: 'https://bugs.launchpad.net/bugs/9000002' },
      query: 'message:"never logged anywhere open"',
      allowNonvoting: false,
      suppressGraph: false,
      suppressNotification: false,
      mode: 'explains',
    },
  ];
  // bug statuses: every third fixed, every third Won't Fix (closed without a fix), the rest open
  signatures.forEach((s, i) => {
    const status =
      s.id === '9000001'
        ? 'Fix Released'
        : s.id === '9000002'
          ? 'Confirmed'
          : ['Fix Released', 'Confirmed', "Won't Fix"][i % 3];
    trackers.launchpad.set(s.bug.id, {
      id: s.bug.id,
      title: `Bug title ${s.bug.id}`,
      tasks: [{ target: 'nova', status }],
    });
  });
  config = parseConfig({
    logs: { indexPattern: data.indexPattern },
    results: { index: `${prefix}-results` },
    state: { index: `${prefix}-state` },
    webhooks: [
      { name: 'qa', type: 'slack', url: `${chat.url}/slack/T0/B0/x`, projects: ['all'], events: ['positive'] },
      { name: 'neg', type: 'json', url: `${chat.url}/json/neg`, projects: ['all'], events: ['negative'] },
    ],
    report: { retryInitial: '10ms', retryMax: '20ms', timeout: '2s' },
    bugs: {
      launchpad: { url: trackers.urls.launchpad },
      impact: { nodesetNodes: NODES },
      alarms: { spikeFactor: 3, spikeMinFailures: 3, usualDays: 9 },
    },
  });
  await ensureResultsIndex(data.engine, config.results.index);
  await storeResults(data.truth.builds.filter((b) => FAILED.has(b.status)).map(resultOf));
  // reruns: after the first 6 explained failures with a change (rechecks), before two others and of
  // another job after a third one (neither counts)
  const explained = data.truth.builds.filter(
    (b) => FAILED.has(b.status) && b.change !== undefined && resultOf(b).explained,
  );
  for (const f of explained.slice(0, 6)) await indexRerun(f, 10 * 60000);
  for (const f of explained.slice(6, 8)) await indexRerun(f, -(Date.parse(f.end) - Date.parse(f.start)) - 3600000);
  await indexRerun(explained[8], 10 * 60000, `${explained[8].job}-other`);
  await refreshBugs(
    data.engine,
    config.state.index,
    config.bugs,
    signatures.map((s) => s.bug),
    () => NOW - 2 * DAY,
  );
}, 120000);

afterAll(async () => {
  await Promise.all([trackers?.stop(), chat?.stop()]);
  await data?.cleanup();
  for (const index of [config?.results.index, config?.state.index])
    if (index) await engineRequest('DELETE', `/${index}?ignore_unavailable=true`);
});

describe('impact', () => {
  it('gives each signature the node-hours and rechecks of its failed builds, as the ground truth has them', async () => {
    const impact = await signatureImpact(data.engine, config, NOW - 10 * DAY - 3600000, NOW + 3600000);
    const allBuilds = [
      ...data.truth.builds.map((b) => ({ uuid: b.uuid, change: b.change, job: b.job, start: Date.parse(b.start) })),
      ...reruns,
    ];
    const expected = new Map<string, { failedBuilds: number; nodeHours: number; rechecks: number }>();
    for (const b of data.truth.builds.filter((x) => FAILED.has(x.status))) {
      const end = Date.parse(b.end);
      const hours = ((end - Date.parse(b.start)) / 3600000) * (NODES[nodesetOf(b.job)] ?? 1);
      const rerun =
        b.change !== undefined &&
        allBuilds.some((o) => o.uuid !== b.uuid && o.change === b.change && o.job === b.job && o.start > end);
      for (const id of resultOf(b).matches.map((m) => m.signatureId)) {
        const row = expected.get(id) ?? { failedBuilds: 0, nodeHours: 0, rechecks: 0 };
        row.failedBuilds++;
        row.nodeHours += hours;
        if (rerun) row.rechecks++;
        expected.set(id, row);
      }
    }
    expect(expected.size).toBeGreaterThan(5);
    expect(impact.signatures.map((s) => s.signatureId).sort()).toEqual([...expected.keys()].sort());
    for (const s of impact.signatures) {
      const e = expected.get(s.signatureId)!;
      expect({
        id: s.signatureId,
        failedBuilds: s.failedBuilds,
        rechecks: s.rechecks,
        withoutDuration: s.withoutDuration,
      }).toEqual({ id: s.signatureId, failedBuilds: e.failedBuilds, rechecks: e.rechecks, withoutDuration: 0 });
      expect(s.nodeHours).toBeCloseTo(e.nodeHours, 2);
    }
    expect(impact.signatures.reduce((n, s) => n + s.rechecks, 0)).toBe(
      [...expected.values()].reduce((n, s) => n + s.rechecks, 0),
    );
    expect([...expected.values()].reduce((n, s) => n + s.rechecks, 0)).toBeGreaterThanOrEqual(6);
    // ordered by node-hours
    const hours = impact.signatures.map((s) => s.nodeHours);
    expect(hours).toEqual([...hours].sort((a, b) => b - a));
  });
});

describe('cleanup report', () => {
  it('lists exactly the signatures whose bug is closed and that were silent, then the silent ones', async () => {
    const bugs = await readBugCache(data.engine, config.state.index);
    const closedDays = 2;
    const silentDays = 6;
    const report = await cleanupReport(data.engine, config, signatures, bugs, NOW, { closedDays, silentDays });
    // last activity per signature from the truth: a failed build it explains counts at its end, a line
    // anywhere in a build somewhere in [start, end]
    const lastEnd = new Map<string, number>();
    for (const b of data.truth.builds)
      for (const id of b.expectedSignatures) lastEnd.set(id, Math.max(lastEnd.get(id) ?? 0, Date.parse(b.end)));
    const silent = (id: string, daysSilent: number) => (lastEnd.get(id) ?? 0) < NOW - daysSilent * DAY;
    // no build straddles a threshold, so the truth is exact here
    for (const n of [closedDays, silentDays])
      for (const b of data.truth.builds)
        if (b.expectedSignatures.length)
          expect(
            Date.parse(b.start) < NOW - n * DAY && Date.parse(b.end) >= NOW - n * DAY && !FAILED.has(b.status),
          ).toBe(false);
    const statusOf = (i: number) => ['fixed', 'open', 'invalid'][i % 3];
    const expectedClosed = signatures
      .filter(
        (s, i) => (s.id === '9000001' || (s.id !== '9000002' && statusOf(i) !== 'open')) && silent(s.id, closedDays),
      )
      .map((s) => s.id);
    const expectedSilent = signatures
      .filter((s) => !expectedClosed.includes(s.id) && silent(s.id, silentDays))
      .map((s) => s.id);
    const got = (reason: string) =>
      report.items
        .filter((i) => i.reason === reason)
        .map((i) => i.signatureId)
        .sort();
    expect(got('bug_closed_and_silent')).toEqual([...expectedClosed].sort());
    expect(got('silent')).toEqual([...expectedSilent].sort());
    expect(expectedClosed).toContain('9000001');
    expect(expectedSilent).toContain('9000002');
    expect(expectedClosed.length).toBeGreaterThan(1);
    const fixedItem = report.items.find((i) => i.signatureId === '9000001')!;
    expect(fixedItem).toMatchObject({ bugStatus: 'fixed', title: 'Bug title 9000001', file: 'queries/9000001.yaml' });
    expect(fixedItem.lastHit).toBeUndefined();
    for (const item of report.items.filter((i) => lastEnd.has(i.signatureId)))
      expect(Date.parse(item.lastHit!)).toBeLessThanOrEqual(lastEnd.get(item.signatureId)!);
    expect(cleanupFiles(report).trim().split('\n')).toEqual(report.items.map((i) => `queries/${i.signatureId}.yaml`));
  });
});

describe('alarms', () => {
  it('raises spikes exactly where the last day exceeds the usual rate, and one regression when a fixed bug fails again; each sent once', async () => {
    const deps = { engine: data.engine, config, now: () => NOW, logger: quiet };
    // a new failed build of a fixed bug's signature after the bug was seen fixed (NOW - 2 days; the fake
    // Launchpad gives no fix date here, so that is the fix time)
    const bugs = await readBugCache(data.engine, config.state.index);
    const fixed = signatures.find(
      (s) =>
        s.id !== '9000001' &&
        bugs.get(`launchpad:${s.bug.id}`)?.status === 'fixed' &&
        data.truth.builds.some((b) => FAILED.has(b.status) && b.confirmedSignatures.includes(s.id)),
    )!;
    const old = data.truth.builds.find((b) => FAILED.has(b.status) && b.confirmedSignatures.includes(fixed.id))!;
    const comeback: BuildResult = { ...resultOf(old), classifiedAt: new Date(NOW - 3600000).toISOString() };
    comeback.build = {
      ...comeback.build,
      uuid: 'c0meback'.padEnd(32, 'f'),
      endTime: zuulTime(new Date(NOW - 2 * 3600000).toISOString()),
    };
    await storeResults([comeback]);

    const raised = await raiseAlarms(deps, signatures);
    const regressions = raised.filter((a) => a.kind === 'regression');
    // every fixed signature whose builds were classified after it was seen fixed: only the comeback,
    // unless the generated data has failures of fixed bugs in the last two days too
    const expectedRegressions = signatures.filter(
      (s) =>
        bugs.get(`launchpad:${s.bug.id}`)?.status === 'fixed' &&
        (s.id === fixed.id ||
          data.truth.builds.some(
            (b) =>
              FAILED.has(b.status) &&
              b.confirmedSignatures.includes(s.id) &&
              Date.parse(zuulTime(b.end) + 'Z') >= NOW - 2 * DAY,
          )),
    );
    expect(regressions.map((a) => a.signatureId).sort()).toEqual(expectedRegressions.map((s) => s.id).sort());
    const mine = regressions.find((a) => a.signatureId === fixed.id)!;
    expect(mine.evidence.map((e) => e.uuid)).toContain(comeback.build.uuid);
    expect(mine.text).toContain(`Bug title ${fixed.bug.id}`);
    expect(mine.text).toContain(fixed.bug.url);

    // spikes from the truth (plus the comeback build)
    const failedEnds = new Map<string, number[]>();
    for (const b of data.truth.builds.filter((x) => FAILED.has(x.status)))
      for (const m of resultOf(b).matches)
        failedEnds.set(m.signatureId, [...(failedEnds.get(m.signatureId) ?? []), Date.parse(zuulTime(b.end) + 'Z')]);
    failedEnds.get(fixed.id)!.push(NOW - 2 * 3600000);
    const expectedSpikes = [...failedEnds.entries()]
      .filter(([, ends]) => {
        const last = ends.filter((t) => t >= NOW - DAY && t < NOW).length;
        const usual = ends.filter((t) => t >= NOW - 10 * DAY && t < NOW - DAY).length / 9;
        return last >= 3 && last > 3 * usual;
      })
      .map(([id]) => id);
    expect(
      raised
        .filter((a) => a.kind === 'spike')
        .map((a) => a.signatureId)
        .sort(),
    ).toEqual(expectedSpikes.sort());

    // once per event: a second pass raises nothing
    expect(await raiseAlarms(deps, signatures)).toEqual([]);

    // sent once to the positive channel, never to the negative one
    const first = await deliverAlarms(deps);
    expect(first).toEqual({ sent: raised.length, retried: 0, failed: 0 });
    expect(await deliverAlarms(deps)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(chat.delivered.filter((d) => d.kind === 'slack')).toHaveLength(raised.length);
    expect(chat.delivered.filter((d) => d.kind === 'json')).toHaveLength(0);
    expect(chat.delivered.some((d) => d.text === mine.text)).toBe(true);
    const stored = await listAlarms(data.engine, config.state.index);
    expect(stored.every((a) => a.source.reports['chat:qa'].status === 'sent')).toBe(true);
    expect(stored.map((a) => `${a.source.kind}:${a.source.signatureId}`).sort()).toEqual(
      raised.map((a) => `${a.kind}:${a.signatureId}`).sort(),
    );
  });

  it('retries a chat service that is down and sends once it is back', async () => {
    const deps = { engine: data.engine, config, now: () => NOW + DAY, logger: quiet };
    // a spike on the next day: five new failures of a quiet signature
    const quietSig = signatures.find((s) => s.id === '9000002')!;
    const base = data.truth.builds.find((b) => FAILED.has(b.status))!;
    await storeResults(
      Array.from({ length: 5 }, (_, i) => {
        const r = resultOf(base);
        return {
          ...r,
          build: {
            ...r.build,
            uuid: `spike${i}`.padEnd(32, 'a'),
            endTime: zuulTime(new Date(NOW + DAY - (i + 1) * 3600000).toISOString()),
          },
          matches: [{ signatureId: quietSig.id, bug: quietSig.bug, mode: 'explains' as const, hits: 1, lines: [] }],
          explained: true,
        };
      }),
    );
    const raised = (await raiseAlarms(deps, signatures)).filter((a) => a.signatureId === quietSig.id);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'spike', lastDay: 5, usualPerDay: 0 });
    const before = chat.delivered.length;
    chat.failWith = 503;
    const down = await deliverAlarms(deps);
    expect(down.retried).toBeGreaterThanOrEqual(1);
    expect(chat.delivered.length).toBe(before);
    chat.failWith = null;
    const later = { ...deps, now: () => NOW + DAY + 60000 };
    await deliverAlarms(later);
    expect(chat.delivered.filter((d) => d.text === raised[0].text)).toHaveLength(1);
    await deliverAlarms(later);
    expect(chat.delivered.filter((d) => d.text === raised[0].text)).toHaveLength(1);
  });
});
