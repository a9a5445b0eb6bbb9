/** @jest-layer engine */
/* failureRates on the real engine; how the signatures are split into searches is in rates_plan.test.ts (unit layer). */
import { build, createLogIndex, logDoc, TestIndex } from '../../../test/fixtures/log_index';
import { sig } from '../../../test/fixtures/signatures';
import { compileSignatures } from '../signatures/compile';
import { analyzedAnchorPlans, messageDocFrequencies } from '../signatures/anchors';
import {
  absentTokens,
  failureRates,
  HOUR_MS,
  IncompleteCountError,
  isFailedStatus,
  RatesProfile,
  windowFilter,
} from './rates';

/* A deterministic scenario: 1,200 builds over 12 days in two indices (3 shards each, so terms
 * results are merged across 6 shards), some builds with lines in two hours and across the index
 * boundary, some outside the window. Expected counts are computed here from the scenario itself. */
const END = Date.UTC(2026, 10, 20, 0, 0, 0);
const WORDS = ['alpha', 'bravo', 'charlie'];
const STATUSES = ['FAILURE', 'SUCCESS', 'TIMED_OUT', 'POST_FAILURE'];
const JOBS = ['tempest-full', 'grenade', 'nova-next', 'unit'];
const QUEUES = ['gate', 'check'];

interface Scenario {
  uuid: string;
  status: string;
  job: string;
  queue: string;
  voting: number;
  lines: Array<{ t: number; word: string }>;
}

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const random = rng(7);
const builds: Scenario[] = [];
for (let i = 0; i < 1200; i++) {
  const t0 = END - Math.floor(random() * 12 * 24 * HOUR_MS);
  const lines: Scenario['lines'] = [];
  const n = 1 + Math.floor(random() * 4);
  for (let j = 0; j < n; j++)
    lines.push({
      t: t0 + Math.floor(random() * 2 * HOUR_MS) - HOUR_MS,
      word: WORDS[Math.floor(random() * WORDS.length)],
    });
  builds.push({
    uuid: `b${i.toString(16).padStart(31, '0')}`,
    status: STATUSES[Math.floor(random() * STATUSES.length)],
    job: JOBS[Math.floor(random() * JOBS.length)],
    queue: QUEUES[Math.floor(random() * QUEUES.length)],
    voting: random() < 0.9 ? 1 : 0,
    lines,
  });
}

function expected(word: string, opts: { queue?: string; nonvoting?: boolean; windowMs: number; bucketMs: number }) {
  const start = END - opts.windowMs;
  const byStatus: Record<string, number> = {};
  const perHour = new Map<string, Map<number, Set<string>>>();
  let failed = 0;
  let failed24 = 0;
  let hits = 0;
  const jobs = new Map<string, number>();
  for (const b of builds) {
    if (opts.queue && b.queue !== opts.queue) continue;
    if (!opts.nonvoting && b.voting !== 1) continue;
    const inWindow = b.lines.filter((l) => l.word === word && l.t >= start && l.t < END);
    if (inWindow.length === 0) continue;
    hits += inWindow.length;
    byStatus[b.status] = (byStatus[b.status] ?? 0) + 1;
    for (const l of inWindow) {
      const bucket = start + Math.floor((l.t - start) / opts.bucketMs) * opts.bucketMs;
      const m = perHour.get(b.status) ?? new Map<number, Set<string>>();
      perHour.set(b.status, m);
      m.set(bucket, (m.get(bucket) ?? new Set()).add(b.uuid));
    }
    if (isFailedStatus(b.status)) {
      failed++;
      if (inWindow.some((l) => l.t >= END - 24 * HOUR_MS)) failed24++;
      jobs.set(b.job, (jobs.get(b.job) ?? 0) + 1);
    }
  }
  return { byStatus, perHour, failed, failed24, hits, jobs };
}

const deltaBuilds = new Set<string>();
let day1: TestIndex;
let day2: TestIndex;
const signatures = compileSignatures([
  sig('alpha', 'message:alpha'),
  sig('bravo', 'message:bravo', { allowNonvoting: true }),
  sig('charlie', 'message:charlie'),
  sig('hidden', 'message:alpha', { suppressGraph: true }),
  // a wildcard cannot be anchored: it runs un-narrowed beside the others
  sig('alpha-wild', 'message:alph*'),
]);
const wordOf = (id: string) => (id === 'hidden' || id === 'alpha-wild' ? 'alpha' : id);

beforeAll(async () => {
  day1 = await createLogIndex('er-core-rates-1', undefined, 3);
  day2 = await createLogIndex('er-core-rates-2', undefined, 3);
  const split = END - 5 * 24 * HOUR_MS;
  const docs1: Array<Record<string, unknown>> = [];
  const docs2: Array<Record<string, unknown>> = [];
  for (const b of builds) {
    const fields = build(b.uuid, { build_status: b.status, build_name: b.job, build_queue: b.queue, voting: b.voting });
    for (const l of b.lines)
      (l.t < split ? docs1 : docs2).push(
        logDoc({ build: fields, message: `line with ${l.word} inside`, timestamp: new Date(l.t).toISOString() }),
      );
    // `delta` only in the smaller index: absent from the statistics (largest index), present in the window
    if (b.lines[0].t >= split && b.lines[0].t < END && deltaBuilds.size < 40) {
      deltaBuilds.add(b.uuid);
      docs2.push(
        logDoc({ build: fields, message: 'line with delta inside', timestamp: new Date(b.lines[0].t).toISOString() }),
      );
    }
  }
  await day1.add(docs1);
  await day2.add(docs2);
});
afterAll(async () => {
  await day1?.drop();
  await day2?.drop();
});

describe('failureRates (one aggregation request, exact distinct-build counts)', () => {
  it('equals counts computed independently from the scenario, for every signature, status and hour', async () => {
    const windowMs = 10 * 24 * HOUR_MS;
    const result = await failureRates(day1.engine, signatures, {
      index: `${day1.name},${day2.name}`,
      end: END,
      windowMs,
      bucketMs: HOUR_MS,
    });
    expect(result.start).toBe(END - windowMs);
    expect(result.signatures.map((s) => s.signatureId).sort()).toEqual(['alpha', 'alpha-wild', 'bravo', 'charlie']);
    for (const row of result.signatures) {
      const exp = expected(wordOf(row.signatureId), {
        nonvoting: row.signatureId === 'bravo',
        windowMs,
        bucketMs: HOUR_MS,
      });
      expect(row.failedBuilds).toBe(exp.failed);
      expect(row.failedBuilds24h).toBe(exp.failed24);
      expect(row.hits).toBe(exp.hits);
      expect(row.buildsByStatus).toEqual(exp.byStatus);
      expect(row.voting).toBe(row.signatureId !== 'bravo');
      expect(row.series.map((s) => s.status)).toEqual(
        ['FAILURE', 'TIMED_OUT', 'POST_FAILURE', 'SUCCESS'].filter((s) => exp.byStatus[s]),
      );
      for (const series of row.series) {
        expect(series.data).toHaveLength(240);
        for (const [ts, count] of series.data) expect(count).toBe(exp.perHour.get(series.status)?.get(ts)?.size ?? 0);
      }
      const jobs = [...exp.jobs.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([job, failedBuilds]) => ({ job, failedBuilds }));
      expect(row.topJobs).toEqual(jobs.slice(0, 5));
      // ER's fails24 summed 23 hourly buckets per status, counting a build once per hour: not ours.
      expect(row.failedBuilds).toBeGreaterThan(100);
    }
    const keys = result.signatures.map((s) => s.failedBuilds24h * 100000 + s.failedBuilds);
    expect([...keys].sort((a, b) => b - a)).toEqual(keys);
  });

  it('filters by queue and honours bucket and window sizes', async () => {
    const windowMs = 3 * 24 * HOUR_MS;
    const bucketMs = 6 * HOUR_MS;
    const result = await failureRates(day1.engine, signatures, {
      index: `${day1.name},${day2.name}`,
      end: END,
      windowMs,
      bucketMs,
      queues: ['gate'],
      includeSuppressed: true,
    });
    expect(result.signatures).toHaveLength(5);
    for (const row of result.signatures) {
      const word = wordOf(row.signatureId);
      const exp = expected(word, { queue: 'gate', nonvoting: row.signatureId === 'bravo', windowMs, bucketMs });
      expect([row.signatureId, row.failedBuilds, row.failedBuilds24h]).toEqual([
        row.signatureId,
        exp.failed,
        exp.failed24,
      ]);
      for (const series of row.series) {
        expect(series.data).toHaveLength(12);
        for (const [ts, count] of series.data) expect(count).toBe(exp.perHour.get(series.status)?.get(ts)?.size ?? 0);
      }
    }
  });

  it('gives the same result however the signatures are split into searches', async () => {
    const index = `${day1.name},${day2.name}`;
    const strip = (r: Awaited<ReturnType<typeof failureRates>>) => ({ ...r, took: 0 });
    const planned = strip(await failureRates(day1.engine, signatures, { index, end: END, includeSuppressed: true }));
    // 0: a search per anchor set; huge: one narrowed search for all anchored signatures
    for (const searchCost of [0, 1e12])
      expect(
        strip(await failureRates(day1.engine, signatures, { index, end: END, includeSuppressed: true, searchCost })),
      ).toEqual(planned);
    expect(planned.signatures.find((s) => s.signatureId === 'alpha')!.failedBuilds).toBeGreaterThan(100);
  });

  it('skips signatures whose anchor tokens occur in no line of the window, with the same result', async () => {
    const index = `${day1.name},${day2.name}`;
    const more = compileSignatures([
      sig('delta', 'message:delta', { allowNonvoting: true }),
      sig('ghost', 'message:zebra'),
      sig('ghost-or-alpha', 'message:zebra OR message:alpha'),
      // a required token absent from the window that is not the chosen anchor (delta ties with it)
      sig('delta-and-zebra', '(message:delta) AND message:zebra', { allowNonvoting: true }),
      sig('delta-zebra-phrase', 'message:"delta zebra"', { allowNonvoting: true }),
      // every token occurs, the phrase never: dormant by the phrase lookup
      sig('phrase-absent', 'message:"inside with"'),
      // one token for the engine's analyzer (no word rule names it): anchored and found absent
      sig('dotted', 'message:"java.io.ZebraException"'),
      // a phrase that occurs: searched, and it matches what message:alpha matches
      sig('phrase-present', 'message:"with alpha inside"'),
    ]);
    const strip = (r: Awaited<ReturnType<typeof failureRates>>) => ({ ...r, took: 0 });
    const profiles: RatesProfile[] = [];
    const skipped = strip(
      await failureRates(day1.engine, [...signatures, ...more], {
        index,
        end: END,
        includeSuppressed: true,
        onProfile: (p) => profiles.push(p),
      }),
    );
    // ghost, delta-and-zebra and the phrase need zebra, phrase-absent and dotted are absent: not searched
    expect(profiles.map((p) => [p.signatures, p.dormant, p.searched])).toEqual([[13, 5, 8]]);
    expect(
      strip(
        await failureRates(day1.engine, [...signatures, ...more], {
          index,
          end: END,
          includeSuppressed: true,
          skipAbsent: false,
        }),
      ),
    ).toEqual(skipped);
    // both look absent to the statistics (largest index); over the window only zebra is
    expect(await messageDocFrequencies(day1.engine, index, ['delta', 'zebra', 'alpha'])).toEqual(
      new Map([
        ['delta', 0],
        ['zebra', 0],
        ['alpha', expect.any(Number)],
      ]),
    );
    expect(
      await absentTokens(day1.engine, index, ['delta', 'zebra'], windowFilter(END - 10 * 24 * HOUR_MS, END, {})),
    ).toEqual(new Set(['zebra']));
    // chunks of one: zebra's chunk has no line (answered by the first step), delta's is resolved; over
    // few lines (the preview's draft builds) chunks are resolved at once: the same answer
    for (const batch of [{ batchSize: 1 }, ...[1, 3, 500].map((batchSize) => ({ batchSize, fewLines: true }))])
      expect(
        await absentTokens(
          day1.engine,
          index,
          ['delta', 'zebra', 'alpha', 'yak'],
          windowFilter(END - 10 * 24 * HOUR_MS, END, {}),
          undefined,
          batch,
        ),
      ).toEqual(new Set(['zebra', 'yak']));
    const row = (id: string) => skipped.signatures.find((s) => s.signatureId === id)!;
    expect(Object.values(row('delta').buildsByStatus).reduce((a, b) => a + b, 0)).toBe(deltaBuilds.size);
    expect([row('ghost').hits, row('ghost').series, row('ghost').failedBuilds]).toEqual([0, [], 0]);
    expect(row('ghost-or-alpha').failedBuilds).toBe(row('alpha').failedBuilds);
    expect(row('phrase-present').failedBuilds).toBe(row('alpha').failedBuilds);
    for (const id of ['delta-and-zebra', 'delta-zebra-phrase', 'phrase-absent', 'dotted'])
      expect([row(id).hits, row(id).series, row(id).buildsByStatus]).toEqual([0, [], {}]);
  });

  it("plans anchors with the engine's own tokens of each phrase", async () => {
    const [plan] = await analyzedAnchorPlans(day1.engine, `${day1.name},${day2.name}`, [
      'message:"java.io.InterruptedIOException" AND message:"_attach_volume (x)" AND message:"a b"~2',
    ]);
    expect(plan).toEqual({
      kind: 'all',
      options: [
        { kind: 'leaf', tokens: ['java.io.interruptedioexception'], phrase: 'java.io.InterruptedIOException' },
        { kind: 'leaf', tokens: ['_attach_volume', 'x'], phrase: '_attach_volume (x)' },
        { kind: 'leaf', tokens: ['a', 'b'] }, // proximity: not a plain phrase, its tokens still required
      ],
    });
  });

  it('refuses to return a count it cannot make exact', async () => {
    await expect(
      failureRates(day1.engine, signatures, {
        index: `${day1.name},${day2.name}`,
        end: END,
        maxBuildsPerSignature: 50,
      }),
    ).rejects.toBeInstanceOf(IncompleteCountError);
  });

  it('rejects a window that is not a multiple of the bucket', async () => {
    await expect(
      failureRates(day1.engine, signatures, { index: day1.name, end: END, windowMs: 5000, bucketMs: 3000 }),
    ).rejects.toThrow('windowMs (5000) must be a positive multiple of bucketMs (3000)');
  });
});
