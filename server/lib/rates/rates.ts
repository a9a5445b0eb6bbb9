/*
 * Failure rates for all graphed signatures in ONE aggregation request.
 *
 * elastic-recheck ran one search per signature (size 3000, 10 daily indices) and counted distinct
 * builds client-side in the capped hit list. Here: a `filters` aggregation with one filter per
 * signature, and under each one `multi_terms` over (build_uuid, build_status, build_name) with a
 * `date_histogram` of the build's matching lines. Every (signature, build) pair comes back once, so
 * distinct-build counts are exact by construction: no `cardinality` (HyperLogLog, approximate) and
 * no hit cap. A signature whose builds do not fit in `maxBuildsPerSignature` makes the call fail
 * with IncompleteCountError (the terms `sum_other_doc_count` tells) rather than undercount silently.
 *
 * Speed: a filters aggregation checks every line its query lets through against every filter, so
 * the lines are narrowed to candidates by anchor tokens (signatures/anchors.ts: per signature,
 * `message` tokens one of which every matching line must hold, the rarest chosen with the engine's
 * term statistics). Narrowing all signatures by the union of all anchors still made every signature
 * check the lines of every other signature's common tokens (`failed`, `error`: 260k candidate lines
 * x 1,000 filters at 2M lines), so the signatures are split into a few searches of one _msearch, each
 * narrowed by its own group's anchors (planRatesSearches, packed by the token statistics). Before
 * that, anchor tokens the statistics do not know are looked up over the window (absentTokens): a
 * signature none of whose anchors occurs is not searched at all (most signatures of a real set are
 * dormant bugs). The narrowing is exact by construction; signatures that cannot be anchored run
 * un-narrowed in their own search of the same _msearch.
 *
 * Differences from elastic-recheck, on purpose (see rates.test.ts and test/compat/graph_json.test.ts):
 *  - failed builds are counted inside the window only (ER's `fails` counted every returned hit,
 *    even outside the graphed range);
 *  - the 24 h count covers 24 buckets and counts each build once (ER's `fails24` summed 23 hourly
 *    buckets, so a build with lines in two hours counted twice and the 24th hour was lost);
 *  - "failed" means every failed Zuul result (FAILURE, TIMED_OUT, POST_FAILURE, ...), not only FAILURE.
 */
import type { RatesFilters, RatesResult, SignatureRate, StatusSeries } from '../../../common/api/rates';
import {
  ALL_BUILD_STATUSES,
  DEFAULT_LOG_INDEX_PATTERN,
  DEFAULT_WINDOW_DAYS,
  FAILED_BUILD_STATUSES,
} from '../../../common/constants';
import { LOG_FIELDS } from '../../../common/log_fields';
import { ceilTo } from '../../../common/time_window';
import { buildTerms } from '../build_terms';
import { EngineClient, MsearchResponse, msearchItemError } from '../../../lib/engine_client';
import { RequestError } from '../errors';
import type { CompiledSignature } from '../signatures/compile';
import { anchorFilter } from '../signatures/anchors';
import { liveSignatures } from './dormant';
import { PhaseTimes, profilePhases } from './profile';

export { absentTokens } from './dormant';
import { BatchOptions, batchSizeOf, chunks, halves, mapSplitting, pack } from '../batches';

export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface RatesOptions extends RatesFilters {
  index?: string;
  /** End of the window (epoch ms, exclusive). Default: now rounded up to the next bucket boundary. */
  end?: number;
  windowMs?: number;
  bucketMs?: number;
  /** Include suppress-graph signatures too (default false, as elastic-recheck's graph). */
  includeSuppressed?: boolean;
  maxBuildsPerSignature?: number;
  topJobs?: number;
  /** false: bypass the engine's shard request cache (benchmarks). */
  requestCache?: boolean;
  /** false: search every signature even when none of its anchor tokens occurs in the window (tests, benchmarks). */
  skipAbsent?: boolean;
  /** Cost of one more search when splitting the signatures into searches (planRatesSearches; tuning, benchmarks). */
  searchCost?: number;
  /** Most signatures per engine request, requests in flight, split notices (batches.ts). */
  batchSize?: number;
  concurrency?: number;
  onSplit?: BatchOptions['onSplit'];
  /** Told what the call did (dormant vs searched signatures, each search's size and took); benchmarks. */
  onProfile?: (profile: RatesProfile) => void;
  /** Ask the engine to profile the searches (`profile: true`); their phases go to onProfile. */
  engineProfile?: boolean;
}

export interface RatesProfile {
  signatures: number;
  /** Left out: a required token occurs in no line of the window (dormant.ts). */
  dormant: number;
  searched: number;
  tokensChecked: number;
  tokensAbsent: number;
  phrasesChecked: number;
  phrasesAbsent: number;
  /** Wall ms of the statistics and absent-token lookups before the searches, and per step (dormant.ts). */
  prepareMs: number;
  prepareSteps?: { analyze: number; statistics: number; tokens: number; phrases: number };
  requests: number;
  /** Per search: signatures, anchor tokens (null: un-narrowed), the engine's took. */
  searches: Array<{ signatures: number; anchors: number | null; took: number }>;
  /** With engineProfile: the engine's time per phase over all searches (profile.ts). */
  phases?: PhaseTimes;
}

/** The caller asked for more than exact counting allows: a client error (routes answer 400). */
export class IncompleteCountError extends RequestError {
  constructor(
    readonly signatureIds: string[],
    readonly limit: number,
  ) {
    super(
      400,
      `signature(s) ${signatureIds.join(', ')} matched more than ${limit} builds in the window; counts would not be exact (raise maxBuildsPerSignature)`,
    );
    this.name = 'IncompleteCountError';
  }
}

const FAILED = new Set<string>(FAILED_BUILD_STATUSES);
export function isFailedStatus(status: string): boolean {
  return FAILED.has(status);
}

export function windowFilter(start: number, end: number, filters: RatesFilters): object[] {
  const out: object[] = [{ range: { [LOG_FIELDS.timestamp]: { gte: start, lt: end, format: 'epoch_millis' } } }];
  if (filters.queues?.length) out.push({ terms: { [LOG_FIELDS.buildQueue]: filters.queues } });
  if (filters.projects?.length) out.push({ terms: { [LOG_FIELDS.project]: filters.projects } });
  if (filters.branches?.length) out.push({ terms: { [LOG_FIELDS.buildBranch]: filters.branches } });
  return out;
}

export function resolveWindow(options: RatesOptions): { start: number; end: number; bucketMs: number } {
  const bucketMs = options.bucketMs ?? HOUR_MS;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_DAYS * DAY_MS;
  if (!(bucketMs > 0) || !Number.isInteger(bucketMs))
    throw new Error(`bucketMs must be a positive whole number of milliseconds, got ${bucketMs}`);
  if (!(windowMs >= bucketMs) || windowMs % bucketMs !== 0)
    throw new Error(`windowMs (${windowMs}) must be a positive multiple of bucketMs (${bucketMs})`);
  const end = options.end ?? ceilTo(Date.now(), bucketMs);
  return { start: end - windowMs, end, bucketMs };
}

export function ratesRequest(
  signatures: CompiledSignature[],
  options: RatesOptions = {},
  anchors: Array<string[] | null | undefined> = signatures.map((c) => c.anchors),
): object {
  const { start, end, bucketMs } = resolveWindow(options);
  const limit = options.maxBuildsPerSignature ?? 10000;
  const filters: Record<string, object> = {};
  for (const c of signatures) filters[c.signature.id] = c.query;
  const offset = ((end % bucketMs) + bucketMs) % bucketMs;
  // narrow to lines holding an anchor token of some signature (exact: each match holds one of its own)
  const narrow = anchorFilter(anchors);
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: [...windowFilter(start, end, options), ...(narrow ? [narrow] : [])] } },
    aggs: {
      signatures: {
        filters: { filters },
        aggs: {
          builds: {
            ...buildTerms([LOG_FIELDS.buildStatus, LOG_FIELDS.buildName], limit),
            aggs: {
              buckets: {
                date_histogram: {
                  field: LOG_FIELDS.timestamp,
                  fixed_interval: `${bucketMs}ms`,
                  offset: `${offset}ms`,
                  min_doc_count: 1,
                },
              },
            },
          },
        },
      },
    },
  };
}

/** Series order: failed results first (as Zuul lists them), then SUCCESS, then anything else by name. */
const STATUS_ORDER: string[] = [...FAILED_BUILD_STATUSES, ...ALL_BUILD_STATUSES.filter((s) => !FAILED.has(s))];
function statusOrder(a: string, b: string): number {
  const ia = STATUS_ORDER.indexOf(a);
  const ib = STATUS_ORDER.indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Cost of one more search in the _msearch, in filter checks on the lines of one index (the unit of
 * the document frequencies, taken from the largest index): each search pays per shard a fixed set-up
 * (query, collectors, a shard request). Tuned by measurement on 2M lines, 11 daily indices, 1,000
 * signatures (README "Performance"): 1,000-10,000 all did well, 3,000 best, 0 (a search per anchor
 * set) and 100,000 (few big groups) clearly worse.
 */
export const SEARCH_COST = 3_000;
/** Estimated lines holding a token when the engine's statistics are unavailable. */
const UNKNOWN_DF = 1_000;

export interface RatesSearchGroup {
  signatures: CompiledSignature[];
  /** The union of the group's anchor tokens (narrows its lines), or null: un-narrowed. */
  anchors: string[] | null;
}

/**
 * Splits the signatures into the searches of one _msearch. A `filters` aggregation checks every line
 * its query lets through against each of its filters, so one narrowed aggregation over all signatures
 * costs (candidate lines of all anchors) x (all signatures): common anchor tokens of a few signatures
 * then cost a check by every other signature. Each group here is narrowed by its own anchors only,
 * so a line is checked only by the signatures that could match it; the greedy packing (rarest first)
 * joins a signature to the group where it adds the fewest checks, or opens a new search when that
 * is cheaper than SEARCH_COST. Signatures sharing their anchor tokens land together (adding one costs
 * only the group's candidate lines). Signatures that cannot be anchored form one un-narrowed group.
 * Exact for any split: every line a signature matches holds one of its own anchors.
 */
export function planRatesSearches(
  signatures: CompiledSignature[],
  anchors: Array<string[] | null | undefined>,
  df?: Map<string, number>,
  searchCost = SEARCH_COST,
): RatesSearchGroup[] {
  const freq = (t: string) => (df ? (df.get(t) ?? 0) : UNKNOWN_DF);
  const unanchored: CompiledSignature[] = [];
  const items: Array<{ sig: CompiledSignature; tokens: string[]; cand: number }> = [];
  signatures.forEach((sig, i) => {
    const a = anchors[i];
    if (!a?.length) unanchored.push(sig);
    else items.push({ sig, tokens: [...new Set(a)], cand: [...new Set(a)].reduce((n, t) => n + freq(t), 0) });
  });
  items.sort((x, y) => x.cand - y.cand);
  const groups: Array<{ sigs: CompiledSignature[]; tokens: Set<string>; cand: number }> = [];
  for (const it of items) {
    let best: (typeof groups)[number] | undefined;
    let bestCost = searchCost + it.cand;
    for (const g of groups) {
      let cand = g.cand;
      for (const t of it.tokens) if (!g.tokens.has(t)) cand += freq(t);
      const added = (g.sigs.length + 1) * cand - g.sigs.length * g.cand;
      if (added < bestCost) {
        bestCost = added;
        best = g;
      }
    }
    if (!best) groups.push({ sigs: [it.sig], tokens: new Set(it.tokens), cand: it.cand });
    else {
      for (const t of it.tokens) {
        if (best.tokens.has(t)) continue;
        best.tokens.add(t);
        best.cand += freq(t);
      }
      best.sigs.push(it.sig);
    }
  }
  const out: RatesSearchGroup[] = groups.map((g) => ({ signatures: g.sigs, anchors: [...g.tokens].sort() }));
  if (unanchored.length) out.push({ signatures: unanchored, anchors: null });
  return out;
}

export async function failureRates(
  engine: EngineClient,
  signatures: CompiledSignature[],
  options: RatesOptions = {},
): Promise<RatesResult> {
  const graphed = options.includeSuppressed ? signatures : signatures.filter((c) => !c.signature.suppressGraph);
  const { start, end, bucketMs } = resolveWindow(options);
  const limit = options.maxBuildsPerSignature ?? 10000;
  const index = options.index ?? DEFAULT_LOG_INDEX_PATTERN;
  // Signatures with a required token or phrase that no line of the window holds match nothing and are
  // not searched (dormant.ts: their rows are empty, as the aggregation would give); the others get
  // anchors chosen with the engine's term statistics.
  const t0 = Date.now();
  const live = await liveSignatures(engine, index, graphed, windowFilter(start, end, options), options);
  const prepareMs = Date.now() - t0;
  const { df, anchors } = live;
  const searched = live.signatures;
  // Each search aggregates a group of signatures over the lines holding one of the group's anchors
  // (planRatesSearches), the few that cannot be anchored un-narrowed. Groups are cut to at most
  // `batchSize` signatures, each part narrowed by its own signatures' anchors (exact: every matching
  // line holds one of its signature's anchors), and the parts packed into _msearch requests of at most
  // `batchSize` signatures in all, run a few at a time (batches.ts: one request for 10,000 signatures
  // tripped the engine's breakers).
  const bound = batchSizeOf(options);
  const anchorsOf = new Map(searched.map((c, i) => [c, anchors[i]]));
  const parts = planRatesSearches(searched, anchors, df, options.searchCost).flatMap((g) =>
    chunks(g.signatures, bound).map((sigs) => ({
      signatures: sigs,
      anchors: g.anchors === null ? null : [...new Set(sigs.flatMap((c) => anchorsOf.get(c) ?? []))].sort(),
    })),
  );
  const header = {
    index,
    ignore_unavailable: true,
    allow_no_indices: true,
    ...(options.requestCache === false ? { request_cache: false } : {}),
  };
  const requests = pack(parts, (p) => p.signatures.length, bound);
  type Part = (typeof parts)[number];
  // too big for this engine after all: halve the request's parts, or a lone part's signatures (each
  // half narrowed by its own signatures' anchors, as above)
  const halve = (batch: Part[]): [Part[], Part[]] | undefined => {
    if (batch.length > 1) return halves(batch);
    const sigs = halves(batch[0].signatures);
    if (!sigs) return undefined;
    const part = (s: CompiledSignature[]): Part => ({
      signatures: s,
      anchors: batch[0].anchors === null ? null : [...new Set(s.flatMap((c) => anchorsOf.get(c) ?? []))].sort(),
    });
    return [[part(sigs[0])], [part(sigs[1])]];
  };
  const answers = await mapSplitting(
    requests,
    options,
    async (batch) => {
      const lines: unknown[] = [];
      for (const p of batch)
        lines.push(header, {
          ...ratesRequest(
            p.signatures,
            options,
            p.signatures.map(() => p.anchors),
          ),
          ...(options.engineProfile ? { profile: true } : {}),
        });
      const res = await engine.request<MsearchResponse>({ method: 'POST', path: '/_msearch', bulkBody: lines });
      const failed = res.responses.find((r) => r.error);
      if (failed) throw msearchItemError('failure-rate aggregation failed', failed);
      return { res, batch };
    },
    halve,
  );
  const buckets: Record<string, any> = {};
  // the engine's own time: per request the longest of its searches (they run in parallel), summed
  let took = 0;
  const searches: RatesProfile['searches'] = [];
  const phases: PhaseTimes | undefined = options.engineProfile ? {} : undefined;
  for (const { res, batch } of answers) {
    took += res.responses.reduce((m, r) => Math.max(m, r.took ?? 0), res.took ?? 0);
    res.responses.forEach((r, i) => {
      Object.assign(buckets, r.aggregations?.signatures?.buckets ?? {});
      const p = batch[i];
      searches.push({ signatures: p.signatures.length, anchors: p.anchors?.length ?? null, took: r.took ?? 0 });
      if (phases) profilePhases((r as any).profile, phases);
    });
  }
  options.onProfile?.({
    signatures: graphed.length,
    dormant: live.dormant,
    searched: searched.length,
    tokensChecked: live.tokensChecked,
    tokensAbsent: live.tokensAbsent,
    phrasesChecked: live.phrasesChecked,
    phrasesAbsent: live.phrasesAbsent,
    prepareMs,
    prepareSteps: live.ms,
    requests: answers.length,
    searches,
    ...(phases ? { phases } : {}),
  });
  const nBuckets = (end - start) / bucketMs;
  const since24h = end - DAY_MS;
  const incomplete: string[] = [];
  const rows: SignatureRate[] = graphed.map((c) => {
    const sig = c.signature;
    const bucket = buckets[sig.id] ?? { doc_count: 0, builds: { buckets: [], sum_other_doc_count: 0 } };
    if (bucket.builds.sum_other_doc_count > 0) incomplete.push(sig.id);
    const perStatus = new Map<string, Map<number, number>>();
    const buildsByStatus: Record<string, number> = {};
    const jobs = new Map<string, number>();
    let failedBuilds = 0;
    let failedBuilds24h = 0;
    for (const b of bucket.builds.buckets) {
      const [, status, job] = b.key as [string, string, string];
      buildsByStatus[status] = (buildsByStatus[status] ?? 0) + 1;
      const series = perStatus.get(status) ?? new Map<number, number>();
      perStatus.set(status, series);
      let last = -Infinity;
      for (const h of b.buckets.buckets) {
        series.set(h.key, (series.get(h.key) ?? 0) + 1);
        last = Math.max(last, h.key);
      }
      if (isFailedStatus(status)) {
        failedBuilds++;
        // A build counts in the last 24 h when one of its matching lines falls there (bucket-aligned).
        if (last + bucketMs > since24h) failedBuilds24h++;
        jobs.set(job, (jobs.get(job) ?? 0) + 1);
      }
    }
    const series: StatusSeries[] = [...perStatus.keys()].sort(statusOrder).map((status) => {
      const counts = perStatus.get(status)!;
      const data: Array<[number, number]> = [];
      for (let i = 0; i < nBuckets; i++) {
        const ts = start + i * bucketMs;
        data.push([ts, counts.get(ts) ?? 0]);
      }
      return { status, data };
    });
    const topJobs = [...jobs.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, options.topJobs ?? 5)
      .map(([job, failed]) => ({ job, failedBuilds: failed }));
    return {
      signatureId: sig.id,
      bug: sig.bug,
      title: sig.title,
      mode: sig.mode,
      voting: !sig.allowNonvoting,
      hits: bucket.doc_count,
      buildsByStatus,
      failedBuilds,
      failedBuilds24h,
      series,
      topJobs,
    };
  });
  if (incomplete.length) throw new IncompleteCountError(incomplete, limit);
  rows.sort(
    (a, b) =>
      b.failedBuilds24h * 100000 + b.failedBuilds - (a.failedBuilds24h * 100000 + a.failedBuilds) ||
      (a.signatureId < b.signatureId ? -1 : a.signatureId > b.signatureId ? 1 : 0),
  );
  return { start, end, bucketMs, signatures: rows, took };
}
