/*
 * Clusters of the uncategorized failed builds of a window and scope, each with a proposed signature
 * checked on the engine (issue 15; REST: GET /api/elastic_recheck/clusters, docs/api.md).
 *
 * Engine requests, each bounded:
 *  1. the uncategorized builds (uncategorizedFailures: one aggregation, then the newest `maxBuilds`);
 *  2. a random sample of lines of successful builds in the window: their frequent phrases are the
 *     ordinary lines, which cannot tell why a build failed;
 *  3. per uncategorized build, its most promising lines that are none of those ordinary lines
 *     (terms on build_uuid, top_hits ranked by the error words), then ranked with the shared
 *     telling-line score (common/telling_line.ts); builds whose every line is ordinary get a second
 *     look without the exclusion;
 *  4. one filters aggregation checking every proposal (builds of the cluster, other failed builds and
 *     successful builds it matches), compiled as a saved signature would be (signatures/compile.ts).
 * The clustering itself runs in the plugin (cluster_lines.ts).
 */
import {
  BuildCluster,
  CLUSTER_SAMPLES,
  ClusterSort,
  ClustersResult,
  DEFAULT_CLUSTER_BUILDS,
  MAX_CHECKED_PROPOSALS,
  MAX_CLUSTER_BUILD_IDS,
  MAX_CLUSTER_BUILDS,
  MAX_TELLING_LINES,
  ProposalCheck,
  TREND_BUCKETS,
} from '../../../common/api/clusters';
import type { RatesFilters } from '../../../common/api/rates';
import { DEFAULT_LOG_INDEX_PATTERN, FAILED_BUILD_STATUSES } from '../../../common/constants';
import { LOG_FIELDS } from '../../../common/log_fields';
import type { Signature } from '../../../common/signature/types';
import { lineScore } from '../../../common/telling_line';
import { EngineClient, search } from '../../../lib/engine_client';
import { DAY_MS } from '../rates/rates';
import { compileSignatures, CompiledSignature } from '../signatures/compile';
import { uncategorizedFailures } from '../uncategorized/uncategorized';
import { BuildLines, clusterBuilds, commonRanges, LineCluster, proposalQuery, TellingLine } from './cluster_lines';
import { literalText, messageCore, normaliseLine, tokens, wordsAndPairs } from './normalise';

export interface ClusterOptions extends RatesFilters {
  index?: string;
  subunitIndex?: string;
  /** Window [end - windowMs, end). Default: the last 10 days up to now. */
  end?: number;
  windowMs?: number;
  jobs?: string[];
  maxBuilds?: number;
  sort?: ClusterSort;
  page?: number;
  perPage?: number;
}

/** Lines of successful builds sampled to learn the ordinary lines, and ordinary phrases excluded at most. */
const NOISE_SAMPLE = 6000;
const MAX_NOISE_PHRASES = 150;
/** Candidate lines fetched per build. */
const CANDIDATES_PER_BUILD = 15;
/** Words that make a line promising (they rank the candidates; no line is required to have one). */
const ERROR_WORDS = [
  'error',
  'errors',
  'exception',
  'traceback',
  'failed',
  'failure',
  'fail',
  'fatal',
  'timeout',
  'timed',
  'refused',
  'unable',
  'cannot',
  'denied',
  'invalid',
  'mismatch',
  'unreachable',
  'not',
  'no',
];

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function scopeFilter(start: number, end: number, o: ClusterOptions): object[] {
  const out: object[] = [{ range: { [LOG_FIELDS.timestamp]: { gte: start, lt: end, format: 'epoch_millis' } } }];
  if (o.queues?.length) out.push({ terms: { [LOG_FIELDS.buildQueue]: o.queues } });
  if (o.projects?.length) out.push({ terms: { [LOG_FIELDS.project]: o.projects } });
  if (o.branches?.length) out.push({ terms: { [LOG_FIELDS.buildBranch]: o.branches } });
  if (o.jobs?.length) out.push({ terms: { [LOG_FIELDS.buildName]: o.jobs } });
  return out;
}

export interface OrdinaryLines {
  /** Literal text of the most frequent ordinary templates with 2+ words, most frequent first. */
  templates: string[];
  /** Every word and word pair of the sampled ordinary lines. */
  vocabulary: Set<string>;
}

/** What ordinary lines look like, from a sample of successful builds' lines. */
export function ordinaryLines(lines: string[], max = MAX_NOISE_PHRASES): OrdinaryLines {
  const counts = new Map<string, number>();
  const vocabulary = new Set<string>();
  for (const line of lines) {
    const normalised = normaliseLine(line);
    const words = tokens(normalised);
    for (const t of wordsAndPairs(normalised)) vocabulary.add(t);
    if (words.length < 2) continue;
    const literal = literalText(normalised);
    counts.set(literal, (counts.get(literal) ?? 0) + 1);
  }
  const templates = [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([p]) => p);
  return { templates, vocabulary };
}

/** Share of a line's words and word pairs that ordinary lines never use. */
export function novelty(line: string, vocabulary: Set<string>): number {
  const words = wordsAndPairs(normaliseLine(line));
  if (!words.length) return 0;
  return words.filter((t) => !vocabulary.has(t)).length / words.length;
}

export interface Candidate extends TellingLine {
  time: number;
  /** lineScore (common/telling_line.ts) */
  score: number;
  /** Share of its words that ordinary lines never use (0 when unknown). */
  novel: number;
}

/** Mostly new (half its words and pairs unseen), partly new, ordinary. */
const tier = (c: Candidate) => (c.novel >= 0.5 ? 2 : c.novel > 0 ? 1 : 0);

/** Newer lines first (an ordinary line the sample missed is still mostly known words), then the telling-line score, then the more novel, then the earlier. */
function rank(a: Candidate, b: Candidate): number {
  return tier(b) - tier(a) || b.score - a.score || b.novel - a.novel || a.time - b.time;
}

/** The telling lines of a build from its candidates: the best, and more while the chosen ones say little. */
export function pickTellingLines(candidates: Candidate[]): TellingLine[] {
  const ranked = candidates.slice().sort(rank);
  const out: TellingLine[] = [];
  let words = 0;
  for (const c of ranked) {
    if (out.length >= MAX_TELLING_LINES) break;
    if (out.some((o) => o.line === c.line)) continue;
    if (out.length && (words >= 3 || tier(c) < tier(ranked[0]) || c.score < ranked[0].score)) break;
    out.push({ line: c.line, file: c.file, logUrl: c.logUrl });
    words += tokens(normaliseLine(c.line)).length;
  }
  return out;
}

async function candidateLines(
  engine: EngineClient,
  index: string,
  uuids: string[],
  filter: object[],
  mustNot: object[],
  vocabulary: Set<string>,
): Promise<{ byBuild: Map<string, Candidate[]>; took: number }> {
  const byBuild = new Map<string, Candidate[]>();
  if (!uuids.length) return { byBuild, took: 0 };
  const res = await search(
    engine,
    index,
    {
      size: 0,
      track_total_hits: false,
      query: {
        bool: {
          filter: [...filter, { terms: { [LOG_FIELDS.buildUuid]: uuids } }],
          must_not: mustNot,
          should: [{ match: { [LOG_FIELDS.message]: { query: ERROR_WORDS.join(' ') } } }],
        },
      },
      aggs: {
        builds: {
          terms: { field: LOG_FIELDS.buildUuid, size: uuids.length },
          aggs: {
            lines: {
              top_hits: {
                size: CANDIDATES_PER_BUILD,
                sort: [{ _score: 'desc' }, { [LOG_FIELDS.timestamp]: 'asc' }],
                _source: ['message', 'filename', 'log_url', '@timestamp'],
              },
            },
          },
        },
      },
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  for (const b of res.aggregations?.builds?.buckets ?? []) {
    const list: Candidate[] = b.lines.hits.hits.map((h: any) => {
      const s = h._source ?? {};
      const line = String(s.message ?? '');
      return {
        line,
        file: s.filename === undefined ? undefined : String(s.filename),
        logUrl: s.log_url,
        time: Date.parse(s['@timestamp']) || 0,
        score: lineScore(line),
        novel: novelty(line, vocabulary),
      };
    });
    byBuild.set(String(b.key), list);
  }
  return { byBuild, took: res.took };
}

function proposalSignature(id: string, query: string): Signature {
  return {
    id,
    bug: { tracker: 'launchpad', id: '0', url: '' },
    query,
    allowNonvoting: false,
    suppressGraph: false,
    suppressNotification: false,
    mode: 'explains',
  };
}

/** One request: for each proposal, the builds it matches by status, and which of the clustered builds. */
async function checkProposals(
  engine: EngineClient,
  index: string,
  start: number,
  end: number,
  clusters: LineCluster[],
  clustered: string[],
): Promise<{ checks: Map<string, ProposalCheck>; took: number }> {
  const checks = new Map<string, ProposalCheck>();
  if (!clusters.length) return { checks, took: 0 };
  const compiled: CompiledSignature[] = compileSignatures(
    clusters.map((c) => proposalSignature(c.id, proposalQuery(c))),
  );
  const filters: Record<string, object> = {};
  compiled.forEach((c) => (filters[c.signature.id] = c.query));
  const res = await search(
    engine,
    index,
    {
      size: 0,
      track_total_hits: false,
      // only lines some proposal matches reach the filters (one pass instead of one per proposal)
      query: {
        bool: {
          filter: [
            { range: { [LOG_FIELDS.timestamp]: { gte: start, lt: end, format: 'epoch_millis' } } },
            { bool: { should: compiled.map((c) => c.query), minimum_should_match: 1 } },
          ],
        },
      },
      aggs: {
        proposals: {
          filters: { filters },
          aggs: {
            status: {
              terms: { field: LOG_FIELDS.buildStatus, size: 20 },
              aggs: { builds: { cardinality: { field: LOG_FIELDS.buildUuid, precision_threshold: 1000 } } },
            },
            clustered: { terms: { field: LOG_FIELDS.buildUuid, size: clustered.length, include: clustered } },
          },
        },
      },
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  const failed = new Set<string>(FAILED_BUILD_STATUSES);
  for (const c of clusters) {
    const b = res.aggregations?.proposals?.buckets?.[c.id];
    if (!b) continue;
    const own = new Set(c.builds.map((x) => x.uuid));
    let failedBuilds = 0;
    let successBuilds = 0;
    for (const s of b.status.buckets) {
      if (s.key === 'SUCCESS') successBuilds += s.builds.value;
      else if (failed.has(String(s.key))) failedBuilds += s.builds.value;
    }
    const clusterBuilds = b.clustered.buckets.filter((x: any) => own.has(String(x.key))).length;
    const matched = failedBuilds + successBuilds;
    checks.set(c.id, {
      clusterBuilds,
      otherFailedBuilds: Math.max(0, failedBuilds - clusterBuilds),
      successBuilds,
      precision: matched ? failedBuilds / matched : null,
      warning: matched > 0 && successBuilds / matched > 0.1,
    });
  }
  return { checks, took: res.took };
}

function counted<K extends string>(values: string[], key: K): Array<Record<K, string> & { builds: number }> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([v, n]) => ({ [key]: v, builds: n }) as Record<K, string> & { builds: number });
}

/** The clusters (one page, as the API returns them) and every cluster with all its builds (for evaluation). */
export async function clusterUncategorizedDetailed(
  engine: EngineClient,
  signatures: CompiledSignature[],
  options: ClusterOptions = {},
): Promise<ClustersResult & { all: LineCluster[] }> {
  const t0 = Date.now();
  const index = options.index ?? DEFAULT_LOG_INDEX_PATTERN;
  const end = options.end ?? Date.now();
  const windowMs = options.windowMs ?? 10 * DAY_MS;
  const start = end - windowMs;
  const maxBuilds = options.maxBuilds ?? DEFAULT_CLUSTER_BUILDS;
  if (!Number.isInteger(maxBuilds) || maxBuilds < 1 || maxBuilds > MAX_CLUSTER_BUILDS)
    throw new Error(`maxBuilds must be a whole number from 1 to ${MAX_CLUSTER_BUILDS}, got ${maxBuilds}`);
  const page = options.page ?? 1;
  const perPage = options.perPage ?? 20;
  let engineMs = 0;
  const stages: Record<string, number> = {};
  let mark = t0;
  const lap = (name: string) => {
    const t = Date.now();
    stages[name] = t - mark;
    mark = t;
  };

  // 1. the uncategorized builds, newest first
  const uncat = await uncategorizedFailures(engine, signatures, {
    index,
    subunitIndex: options.subunitIndex,
    end,
    windowMs,
    queues: options.queues,
    projects: options.projects,
    branches: options.branches,
    ...(options.jobs?.length ? { excludeJobs: `^(?!(?:${options.jobs.map(esc).join('|')})$)` } : {}),
    page: 1,
    perPage: maxBuilds,
  });
  engineMs += uncat.took;
  lap('uncategorized');
  const builds = uncat.unexplained;
  const uuids = builds.map((b) => b.uuid);
  const filter = scopeFilter(start, end, options);

  // 2. ordinary lines: a random sample of successful builds' lines
  let noise: OrdinaryLines = { templates: [], vocabulary: new Set() };
  if (uuids.length) {
    const sample = await search(
      engine,
      index,
      {
        size: NOISE_SAMPLE,
        track_total_hits: false,
        // whole successful builds in build-uuid order: random builds (uuids are random), chosen by the data only
        // (not by index names or how it was indexed), so that the same data gives the same clusters and ids
        query: { bool: { filter: [...filter, { term: { [LOG_FIELDS.buildStatus]: 'SUCCESS' } }] } },
        sort: [{ [LOG_FIELDS.buildUuid]: 'asc' }, { [LOG_FIELDS.timestamp]: 'asc' }, { [LOG_FIELDS.logUrl]: 'asc' }],
        _source: ['message'],
      },
      { ignore_unavailable: true, allow_no_indices: true },
    );
    engineMs += sample.took;
    noise = ordinaryLines(sample.hits.hits.map((h) => String((h._source as any)?.message ?? '')));
  }

  lap('ordinary');
  // 3. candidate lines per build; a second look without the exclusion for builds with none
  // a line holding every word of a frequent ordinary template is ordinary
  const mustNot = noise.templates.map((t) => ({ match: { [LOG_FIELDS.message]: { query: t, operator: 'and' } } }));
  const first = await candidateLines(engine, index, uuids, filter, mustNot, noise.vocabulary);
  engineMs += first.took;
  const missing = uuids.filter((u) => !first.byBuild.get(u)?.length);
  const second = await candidateLines(engine, index, missing, filter, [], noise.vocabulary);
  engineMs += second.took;
  lap('lines');

  const t1 = Date.now();
  const input: BuildLines[] = [];
  let withoutLines = 0;
  for (const b of builds) {
    const lines = pickTellingLines(first.byBuild.get(b.uuid) ?? second.byBuild.get(b.uuid) ?? []);
    if (!lines.length) {
      withoutLines++;
      continue;
    }
    input.push({ uuid: b.uuid, job: b.job, project: b.project, time: Date.parse(b.timestamp), lines });
  }
  const all = clusterBuilds(input);
  const clusteringMs = Date.now() - t1;
  lap('clustering');

  // 4. check the proposals of the largest clusters in one request
  const bySize = all.slice().sort((a, b) => b.builds.length - a.builds.length || (a.id < b.id ? -1 : 1));
  const checked = await checkProposals(
    engine,
    index,
    start,
    end,
    bySize.slice(0, MAX_CHECKED_PROPOSALS),
    input.map((b) => b.uuid),
  );
  engineMs += checked.took;
  lap('check');

  const bucket = windowMs / TREND_BUCKETS;
  const out: BuildCluster[] = all.map((c) => {
    const trend = new Array(TREND_BUCKETS).fill(0);
    for (const b of c.builds) trend[Math.min(TREND_BUCKETS - 1, Math.max(0, Math.floor((b.time - start) / bucket)))]++;
    const recent = c.builds.filter((b) => b.time >= end - windowMs / 4).length;
    const times = c.builds.map((b) => b.time);
    const query = proposalQuery(c);
    return {
      id: c.id,
      template: c.template,
      size: c.builds.length,
      jobs: counted(
        c.builds.map((b) => b.job),
        'job',
      ),
      projects: counted(
        c.builds.map((b) => b.project),
        'project',
      ),
      firstSeen: new Date(Math.min(...times)).toISOString(),
      lastSeen: new Date(Math.max(...times)).toISOString(),
      trend,
      growth: recent / (c.builds.length / 4),
      samples: c.builds.slice(0, CLUSTER_SAMPLES).map((b) => ({
        uuid: b.uuid,
        job: b.job,
        file: b.lines[0].file,
        line: b.lines[0].line,
        common: commonRanges(b.lines[0].line, c.phrases),
        logUrl: b.lines[0].logUrl,
      })),
      builds: c.builds.slice(0, MAX_CLUSTER_BUILD_IDS).map((b) => b.uuid),
      proposal: {
        query,
        title: messageCore(c.builds[0].lines[0].line).slice(0, 120),
        check: checked.checks.get(c.id) ?? null,
      },
    };
  });
  const sort = options.sort ?? 'size';
  out.sort(
    (a, b) =>
      (sort === 'growth' ? b.growth - a.growth || b.size - a.size : b.size - a.size || b.growth - a.growth) ||
      (a.id < b.id ? -1 : 1),
  );
  return {
    start,
    end,
    uncategorizedBuilds: uncat.failedBuilds - uncat.explainedBuilds,
    clusteredBuilds: input.length,
    withoutLines,
    totalClusters: out.length,
    page,
    perPage,
    clusters: out.slice((page - 1) * perPage, page * perPage),
    took: { engineMs, clusteringMs, totalMs: Date.now() - t0, stages },
    all,
  };
}

/** GET /api/elastic_recheck/clusters: one page of clusters. */
export async function clusterUncategorized(
  engine: EngineClient,
  signatures: CompiledSignature[],
  options: ClusterOptions = {},
): Promise<ClustersResult> {
  const { all, ...result } = await clusterUncategorizedDetailed(engine, signatures, options);
  return result;
}
