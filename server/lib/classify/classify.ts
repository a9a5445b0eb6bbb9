/*
 * Which signatures match a build's logs. Two ways, chosen per call by measurement (scripts/bench.ts,
 * README "Performance": on 2M lines the percolator was 2-7x faster than the filters aggregation at
 * 1,000 and 10,000 signatures, the filters aggregation faster at 100):
 *
 *  - percolator (the default whenever its index exists): the build's lines are fetched (1 request)
 *    and percolated against the signatures stored as percolator queries (1 request, the build's failed
 *    tests in the same `_msearch`): 2 round trips, whose cost follows the build's lines, not the number
 *    of signatures; builds of more than `maxPercolateLines` lines are not shipped back and forth. The
 *    percolator index is written only by callers that pass `percolatorWrites` (the background loop,
 *    as the internal user): an on-demand request reads it and never writes, and uses the filters way
 *    until this process has built the index for the current signature set (percolator.ts).
 *  - filters aggregation: one search over the build's lines, restricted to the concrete indices that
 *    hold them, with one filter per signature and a `top_hits` per bucket for the first matching lines;
 *    1 round trip per batch of 500 signatures (batches.ts; 2 in flight, a batch the engine refuses for
 *    its size is halved), failed tests riding along in the first. Its cost is setting up every filter
 *    on every segment searched, so it grows with the number of signatures.
 *
 * A change reference is first resolved to the change's newest failed build (1 request, change_builds.ts).
 * Before either, the build is located (1 request) unless the readiness check or the caller already
 * gave its indices. Also measured and not used: one `_msearch` with a search per signature (pays the
 * per-shard cost per signature: barely better than ER's sequential searches) and the filters
 * aggregation over all indices.
 *
 * Flags (elastic-recheck semantics, reference §2):
 *  - voting: part of each signature's query (`AND voting:1` unless allow-nonvoting).
 *  - scope: part of each signature's query (projects / branches / queues as exact filters).
 *  - suppress-notification: for `purpose: 'notification'` these signatures are not even sent (as ER's
 *    Classifier skipped them). On demand they are evaluated and shown apart in `suppressed`, never in
 *    `matches`, and they never make a build "explained".
 *  - test_ids: a log match counts only if one of the ids failed in the build (test names compared
 *    without their `[attrs]` suffix, as ER did with subunit2sql). If the build has no test results at
 *    all the match is reported as unconfirmed (`no_test_results`); ER answered "no match" there too.
 *  - mode: `explains` matches make the build explained; `track` matches are listed but do not.
 */
import type {
  BuildInfo,
  BuildRef,
  ChangeBuildChoice,
  ClassifyResult,
  MatchedLine,
  ReadinessReport,
  SignatureMatch,
  UnconfirmedMatch,
} from '../../../common/api/classify';
import { DEFAULT_LOG_INDEX_PATTERN } from '../../../common/constants';
import {
  BUILD_SOURCE_FIELDS,
  DEFAULT_SUBUNIT_INDEX_PATTERN,
  FAILED_TEST_STATUSES,
  LOG_FIELDS,
  SUBUNIT_FIELDS,
  lineLink,
  logSourceFields,
  readLogDocument,
} from '../../../common/log_fields';
import { EngineClient, msearch, msearchItemError, search } from '../../../lib/engine_client';
import type { CompiledSignature } from '../signatures/compile';
import { BatchOptions, batchSizeOf, chunks, mapSplitting } from '../batches';
import { buildInfoFromSource, newestBuildsOf, ReadinessConfig, waitForReadiness } from './readiness';
import { pickFailedBuild } from './change_builds';
import {
  builtPercolatorIndex,
  ensurePercolatorIndex,
  forgetPercolatorIndex,
  PERCOLATOR_ID_FIELD,
  PERCOLATOR_QUERY_FIELD,
} from './percolator';

export interface ClassifyOptions {
  index?: string;
  subunitIndex?: string;
  /** `notification`: suppress-notification signatures are skipped. `on-demand` (default): shown apart. */
  purpose?: 'notification' | 'on-demand';
  /** How many first matching lines to return per signature (default 3). */
  linesPerMatch?: number;
  /**
   * `auto` (default): the percolator when its index for this signature set exists and the build has at
   * most `maxPercolateLines` lines, else the filters aggregation (also whenever the percolator fails).
   * The index exists once written by a call with `percolatorWrites` (the background work, as the
   * internal user); without it nothing is written. `filters` / `percolator`: that way only
   * (`percolator` creates its index if needed: benchmarks and tests).
   */
  strategy?: 'auto' | 'filters' | 'percolator';
  /** May create the percolator index (background work only: an on-demand route must not write). */
  percolatorWrites?: boolean;
  maxPercolateLines?: number;
  /** Name prefix of the percolator indices (default `elastic-recheck-percolator-`). */
  percolatorPrefix?: string;
  /** Most signatures per request of the filters strategy, requests in flight, split notices (batches.ts). */
  batchSize?: number;
  concurrency?: number;
  onSplit?: BatchOptions['onSplit'];
  /** The build's concrete indices when already known (with a uuid ref): skips the locate request. */
  indices?: string[];
  /** Wait for the logs to be fully indexed first (default: no wait; the build is still located). */
  readiness?: Partial<ReadinessConfig> | false;
  /**
   * With `readiness`: look once (no wait) and, when the build has lines but is not complete, classify what is
   * indexed and mark the result `incomplete` (on demand) instead of answering `not_ready`.
   */
  classifyIncomplete?: boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const LINE_SOURCE = logSourceFields('timestamp', 'filename', 'message', 'logUrl', 'lineNumber');
const BUILD_SOURCE = [LOG_FIELDS.timestamp, ...BUILD_SOURCE_FIELDS];

/** Strips subunit `[attr,...]` suffixes: `tempest.api.x.test_y[id-1,smoke]` -> `tempest.api.x.test_y`. */
export function bareTestId(name: string): string {
  return name.replace(/\[[^\]]*\]$/, '');
}

/** The request bodies of one classification (exported for the benchmark and tests). */
export function classificationSearches(
  uuid: string,
  signatures: CompiledSignature[],
  options: { index?: string; subunitIndex?: string; linesPerMatch?: number } = {},
): Array<{ index: string; body: object }> {
  const filters: Record<string, object> = {};
  for (const c of signatures) filters[c.signature.id] = c.query;
  const searches: Array<{ index: string; body: object }> = [
    {
      index: options.index ?? DEFAULT_LOG_INDEX_PATTERN,
      body: {
        size: 0,
        track_total_hits: true,
        query: { bool: { filter: [{ term: { [LOG_FIELDS.buildUuid]: uuid } }] } },
        aggs: {
          meta: { top_hits: { size: 1, sort: [{ [LOG_FIELDS.timestamp]: 'desc' }], _source: BUILD_SOURCE } },
          // the engine refuses an empty filters aggregation: with no signature there is nothing to ask
          ...(signatures.length
            ? {
                signatures: {
                  filters: { filters },
                  aggs: {
                    first: {
                      top_hits: {
                        size: options.linesPerMatch ?? 3,
                        sort: [{ [LOG_FIELDS.timestamp]: 'asc' }],
                        _source: LINE_SOURCE,
                      },
                    },
                  },
                },
              }
            : {}),
        },
      },
    },
  ];
  if (signatures.some((c) => c.signature.testIds?.length)) {
    searches.push({
      index: options.subunitIndex ?? DEFAULT_SUBUNIT_INDEX_PATTERN,
      body: {
        size: 0,
        track_total_hits: true,
        query: { bool: { filter: [{ term: { [SUBUNIT_FIELDS.buildUuid]: uuid } }] } },
        aggs: {
          failed: {
            filter: { terms: { [SUBUNIT_FIELDS.testStatus]: FAILED_TEST_STATUSES } },
            aggs: { names: { terms: { field: SUBUNIT_FIELDS.testName, size: 65000 } } },
          },
        },
      },
    });
  }
  return searches;
}

export async function classifyBuild(
  engine: EngineClient,
  signatures: CompiledSignature[],
  ref: BuildRef,
  options: ClassifyOptions = {},
): Promise<ClassifyResult> {
  const purpose = options.purpose ?? 'on-demand';
  // a change stands for its newest failed build: a passing one has nothing to explain
  let taken: ChangeBuildChoice | undefined;
  if (!('uuid' in ref)) {
    const pick = await pickFailedBuild(engine, ref, options.index);
    if (pick.kind === 'no_builds') return { kind: 'not_found', ref };
    if (pick.kind === 'none_failed') return { kind: 'no_failed_build', ref, builds: pick.builds, newest: pick.newest };
    taken = pick.choice;
    const result = await classifyBuild(engine, signatures, { uuid: taken.uuid }, options);
    return result.kind === 'classified'
      ? { ...result, taken }
      : result.kind === 'not_found'
        ? { kind: 'not_found', ref }
        : result;
  }
  let uuid: string;
  let indices: string[] | undefined;
  let lines: number | undefined;
  let incomplete: ReadinessReport | undefined;
  if (options.readiness !== undefined && options.readiness !== false) {
    const config = options.classifyIncomplete ? { ...options.readiness, timeoutMs: 0 } : options.readiness;
    const readiness = await waitForReadiness(engine, ref, {
      index: options.index,
      config,
      sleep: options.sleep,
      now: options.now,
    });
    if (options.classifyIncomplete && !readiness.build) return { kind: 'not_found', ref };
    if (!readiness.ready && !options.classifyIncomplete) return { kind: 'not_ready', readiness };
    if (!readiness.ready) incomplete = readiness;
    uuid = readiness.build!.uuid;
    indices = readiness.indices;
    lines = readiness.lines;
  } else if ('uuid' in ref && options.indices?.length) {
    uuid = ref.uuid;
    indices = options.indices;
  } else {
    const located = await locateBuild(engine, ref, options.index);
    if (!located) return { kind: 'not_found', ref };
    ({ uuid, indices, lines } = located);
  }

  const active = purpose === 'notification' ? signatures.filter((c) => !c.signature.suppressNotification) : signatures;
  const index = indices?.length ? indices.join(',') : (options.index ?? DEFAULT_LOG_INDEX_PATTERN);
  const strategy = options.strategy ?? 'auto';
  const small = lines !== undefined && lines <= (options.maxPercolateLines ?? DEFAULT_MAX_PERCOLATE_LINES);
  let raw: RawClassification | undefined;
  if (active.length > 0 && (strategy === 'percolator' || (strategy === 'auto' && small))) {
    try {
      // the index holds every signature (notification leaves the suppressed ones out when assembling)
      const percolatorIndex =
        strategy === 'percolator' || options.percolatorWrites
          ? await ensurePercolatorIndex(engine, signatures, index, options.percolatorPrefix)
          : builtPercolatorIndex(signatures, options.percolatorPrefix);
      if (percolatorIndex)
        raw = await percolateBuild(engine, uuid, active, signatures.length, percolatorIndex, index, options);
    } catch (error) {
      if (strategy === 'percolator') throw error;
      raw = undefined; // e.g. no percolator module or the index is gone: the filters way still works
    }
  }
  raw ??= await filtersBuild(engine, uuid, active, index, options);
  if (!raw) return { kind: 'not_found', ref };
  const result = assemble(raw, active);
  return incomplete && result.kind === 'classified' ? { ...result, incomplete } : result;
}

export const DEFAULT_MAX_PERCOLATE_LINES = 5000;
/** The engine's default `index.max_result_window`: the most hits one search returns. */
const MAX_RESULT_WINDOW = 10000;

interface RawClassification {
  build: BuildInfo;
  perSignature: Map<string, { hits: number; lines: MatchedLine[] }>;
  failedTests?: Set<string>;
  hasTestResults: boolean;
  took: number;
  elapsedMs: number;
  strategy: 'filters' | 'percolator';
}

function testResults(r: any): { failedTests: Set<string>; hasTestResults: boolean } {
  if (r.error) throw msearchItemError('test results search failed', r);
  const names: any[] = r.aggregations?.failed?.names?.buckets ?? [];
  return {
    failedTests: new Set(names.map((b: any) => bareTestId(String(b.key)))),
    hasTestResults: r.hits.total.value > 0,
  };
}

function toLine(source: unknown): MatchedLine {
  const doc = readLogDocument(source);
  return { file: doc.filename!, line: doc.message!, timestamp: doc.timestamp!, link: lineLink(doc) };
}

/**
 * The filters aggregation over the build's lines (+ its failed tests): one request, or for many
 * signatures batches of at most `batchSize` signatures run a few at a time (batches.ts), merged.
 */
async function filtersBuild(
  engine: EngineClient,
  uuid: string,
  active: CompiledSignature[],
  index: string,
  options: ClassifyOptions,
): Promise<RawClassification | undefined> {
  const started = Date.now();
  const opts = { ...options, index };
  const batches = chunks(active, batchSizeOf(options));
  if (batches.length === 0) batches.push([]);
  // the build's failed tests ride along with the first batch
  const subunit = classificationSearches(uuid, active.filter((c) => c.signature.testIds?.length).slice(0, 1), opts)[1];
  const answers = await mapSplitting(batches, options, async (sigs, first) => {
    const res = await msearch(engine, [
      classificationSearches(uuid, sigs, opts)[0],
      ...(first && subunit ? [subunit] : []),
    ]);
    const logs = res.responses[0];
    if (logs.error) throw msearchItemError('classification search failed', logs);
    return res;
  });
  const elapsedMs = Date.now() - started;
  const perSignature = new Map<string, { hits: number; lines: MatchedLine[] }>();
  let took = 0;
  for (const res of answers) {
    const logs = res.responses[0];
    if (logs.hits.total.value === 0) return undefined;
    for (const [id, bucket] of Object.entries((logs.aggregations.signatures?.buckets ?? {}) as Record<string, any>)) {
      if (bucket.doc_count > 0)
        perSignature.set(id, {
          hits: bucket.doc_count,
          lines: bucket.first.hits.hits.map((h: any) => toLine(h._source)),
        });
    }
    took += res.responses.reduce((m, r) => Math.max(m, r.took ?? 0), 0); // summed over the batches
  }
  const metaHit = answers[0].responses[0].aggregations.meta.hits.hits[0];
  const build = buildInfoFromSource(metaHit._source, readLogDocument(metaHit._source).timestamp);
  const tests = answers[0].responses[1]
    ? testResults(answers[0].responses[1])
    : { failedTests: undefined, hasTestResults: false };
  return { build, perSignature, ...tests, took, elapsedMs, strategy: 'filters' };
}

/** The build's lines percolated against the signatures stored as percolator queries (+ its failed tests). */
async function percolateBuild(
  engine: EngineClient,
  uuid: string,
  active: CompiledSignature[],
  stored: number,
  percolatorIndex: string,
  index: string,
  options: ClassifyOptions,
): Promise<RawClassification | undefined> {
  const started = Date.now();
  const docs = await search(engine, index, {
    size: Math.min(options.maxPercolateLines ?? DEFAULT_MAX_PERCOLATE_LINES, 10000),
    track_total_hits: true,
    query: { bool: { filter: [{ term: { [LOG_FIELDS.buildUuid]: uuid } }] } },
    sort: [{ [LOG_FIELDS.timestamp]: 'asc' }, { _doc: 'asc' }],
  });
  if (docs.hits.total.value === 0) return undefined;
  if (docs.hits.total.value > docs.hits.hits.length)
    throw new Error(`build has ${docs.hits.total.value} lines, more than the percolator limit`);
  const sources = docs.hits.hits.map((h) => h._source as any);
  const searches: Array<{ index: string; body: object }> = [
    {
      index: percolatorIndex,
      body: {
        size: Math.min(stored, MAX_RESULT_WINDOW),
        track_total_hits: true,
        _source: [PERCOLATOR_ID_FIELD],
        query: { percolate: { field: PERCOLATOR_QUERY_FIELD, documents: sources } },
      },
    },
  ];
  const subunit = classificationSearches(uuid, active, options)[1];
  if (subunit) searches.push(subunit);
  const res = await msearch(engine, searches);
  const elapsedMs = Date.now() - started;
  const perc = res.responses[0];
  if (perc.error) {
    forgetPercolatorIndex(percolatorIndex);
    throw msearchItemError('percolation failed', perc);
  }
  // more matching signatures than one answer holds: the caller (auto) falls back to the filters way
  if (perc.hits.total.value > perc.hits.hits.length)
    throw new Error(`${perc.hits.total.value} signatures matched, more than one percolation answer holds`);
  const n = options.linesPerMatch ?? 3;
  const perSignature = new Map<string, { hits: number; lines: MatchedLine[] }>();
  for (const h of perc.hits.hits as any[]) {
    const slots: number[] = [...(h.fields?._percolator_document_slot ?? [])].sort((a: number, b: number) => a - b);
    if (slots.length)
      perSignature.set(h._source[PERCOLATOR_ID_FIELD], {
        hits: slots.length,
        lines: slots.slice(0, n).map((i) => toLine(sources[i])),
      });
  }
  const tests = res.responses[1] ? testResults(res.responses[1]) : { failedTests: undefined, hasTestResults: false };
  const last = sources[sources.length - 1];
  return {
    build: buildInfoFromSource(last, readLogDocument(last).timestamp),
    perSignature,
    ...tests,
    took: docs.took + (perc.took ?? 0),
    elapsedMs,
    strategy: 'percolator',
  };
}

function assemble(raw: RawClassification, active: CompiledSignature[]): ClassifyResult {
  const matches: SignatureMatch[] = [];
  const suppressed: SignatureMatch[] = [];
  const unconfirmed: UnconfirmedMatch[] = [];
  for (const c of active) {
    const found = raw.perSignature.get(c.signature.id);
    if (!found) continue;
    const sig = c.signature;
    const match: SignatureMatch = {
      signatureId: sig.id,
      bug: sig.bug,
      title: sig.title,
      mode: sig.mode,
      hits: found.hits,
      lines: found.lines,
      ...(c.translated ? { ranAs: c.translated } : {}),
    };
    if (sig.testIds?.length) {
      const failed = sig.testIds.filter((t) => raw.failedTests!.has(bareTestId(t)));
      if (failed.length === 0) {
        unconfirmed.push({
          signatureId: sig.id,
          hits: found.hits,
          reason: raw.hasTestResults ? 'test_ids_not_failed' : 'no_test_results',
          testIds: sig.testIds,
        });
        continue;
      }
      match.failedTestIds = failed;
    }
    (sig.suppressNotification ? suppressed : matches).push(match);
  }
  return {
    kind: 'classified',
    build: raw.build,
    matches,
    explained: matches.some((m) => m.mode === 'explains'),
    unconfirmed,
    suppressed,
    signaturesChecked: active.length,
    strategy: raw.strategy,
    took: raw.took,
    elapsedMs: raw.elapsedMs,
  };
}

/**
 * Which build, and which concrete indices hold its lines. Classification then searches only those
 * indices: the cost of a filters aggregation is dominated by setting up every signature's filter on
 * every segment of every shard searched (see README "Performance"), so skipping the other daily
 * indices is what keeps it fast. The readiness check returns the same, so a classification after
 * readiness needs no extra request. For change + patchset + job the newest build is taken.
 */
export async function locateBuild(
  engine: EngineClient,
  ref: BuildRef,
  index?: string,
): Promise<{ uuid: string; indices: string[]; lines: number } | undefined> {
  const [bucket] = await newestBuildsOf(engine, ref, 1, { indices: { terms: { field: '_index', size: 1000 } } }, index);
  if (!bucket) return undefined;
  return {
    uuid: String(bucket.key),
    indices: bucket.indices.buckets.map((b: any) => String(b.key)).sort(),
    lines: bucket.doc_count,
  };
}
