/*
 * Clusters of the uncategorized failed builds of a window and scope, each with a proposed signature
 * checked on the engine (issue 15; REST: GET /api/elastic_recheck/clusters, docs/api.md).
 *
 * Engine requests, each bounded, the first two in parallel:
 *  1. the uncategorized builds (uncategorizedFailures without its per-build details: one aggregation);
 *  2. a sample of lines of successful builds in the window (the builds whose uuid starts with
 *     SAMPLE_PREFIX, so the engine sorts a sixteenth of them; all of them when that is too few):
 *     their frequent phrases are the ordinary lines, which cannot tell why a build failed;
 *  3. per uncategorized build, its most promising lines that are none of the most frequent ordinary
 *     lines (terms on build_uuid, top_hits ranked by the error words, then the last lines first: a
 *     failure ends the log), then ranked with the shared telling-line score (common/telling_line.ts);
 *     builds whose every line is ordinary get a second look without the exclusion;
 *  4. one _msearch checking the proposals (builds of the cluster, other failed builds and successful
 *     builds it matches), compiled as a saved signature would be (signatures/compile.ts), a few
 *     proposals per search (checkProposals). A proposal made only of words and word pairs that
 *     successful builds log is not checked (it would match them all, and such filters cost the most):
 *     its cluster has no telling line;
 *  5. narrower proposals for the noisy ones, checked the same way;
 *  6. the links of the shown page's sample lines (fileUrls: the candidates come without them).
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
import { LOG_FIELDS, logSourceFields, readLogDocument } from '../../../common/log_fields';
import type { Signature } from '../../../common/signature/types';
import { lineScore } from '../../../common/telling_line';
import { EngineClient, msearch, msearchItemError, search, SearchResponse } from '../../../lib/engine_client';
import { chunks } from '../batches';
import { DAY_MS } from '../rates/rates';
import { compileSignatures, CompiledSignature } from '../signatures/compile';
import { uncategorizedFailures } from '../uncategorized/uncategorized';
import {
  BuildLines,
  clusterBuilds,
  COMMON_SHARE,
  commonRanges,
  LineCluster,
  narrowedQueries,
  proposalQuery,
  TellingLine,
} from './cluster_lines';

/** Successful builds a proposal may match (share of its matched builds) before narrower ones are tried. */
export const MAX_SUCCESS_SHARE = 0.01;
/** Proposals narrowed at most (the largest clusters' first; three candidates each). */
const MAX_NARROWED_PROPOSALS = 50;
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
  /** Only clusters whose template, sample lines, proposal, id, jobs or projects contain it (case-insensitive). */
  search?: string;
  page?: number;
  perPage?: number;
  /** Proposals per search of the check (default PROPOSALS_PER_SEARCH; for measuring). */
  proposalsPerSearch?: number;
  /** Candidate lines fetched per build (default CANDIDATES_PER_BUILD; for measuring). */
  candidatesPerBuild?: number;
}

/** Lines of successful builds sampled to learn the ordinary lines, and ordinary phrases learnt at most. */
const NOISE_SAMPLE = 6000;
const MAX_NOISE_PHRASES = 150;
/** Successful builds sampled: those whose uuid starts with this (uuids are random hex: a sixteenth). */
const SAMPLE_PREFIX = '0';
/** The most frequent ordinary phrases excluded by the engine (each costs a check per candidate line). */
const MAX_EXCLUDED_PHRASES = 150;
/**
 * Words of an ordinary template the engine excludes lines by: its rarest three in the sample (a line
 * holding those is that template; all its words cost four times as much, measured, for the same lines).
 */
const EXCLUSION_WORDS = 3;
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
  /**
   * Per template, its EXCLUSION_WORDS words that the fewest sampled lines have (distinct, in the
   * template's order): what the engine excludes a line by (each word costs a term lookup per segment).
   */
  exclusions: string[];
  /** Every word and word pair of the sampled ordinary lines. */
  vocabulary: Set<string>;
}

/** What ordinary lines look like, from a sample of successful builds' lines. */
export function ordinaryLines(lines: string[], max = MAX_NOISE_PHRASES): OrdinaryLines {
  const counts = new Map<string, number>();
  const vocabulary = new Set<string>();
  const lineCounts = new Map<string, number>();
  for (const line of lines) {
    const normalised = normaliseLine(line);
    const words = tokens(normalised);
    for (const t of wordsAndPairs(normalised)) vocabulary.add(t);
    for (const w of new Set(words)) lineCounts.set(w, (lineCounts.get(w) ?? 0) + 1);
    if (words.length < 2) continue;
    const literal = literalText(normalised);
    counts.set(literal, (counts.get(literal) ?? 0) + 1);
  }
  const templates = [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([p]) => p);
  const exclusions = [
    ...new Set(
      templates.map((t) => {
        const words = [...new Set(tokens(t))];
        const rare = new Set(
          words
            .slice()
            .sort((a, b) => (lineCounts.get(a) ?? 0) - (lineCounts.get(b) ?? 0) || (a < b ? -1 : 1))
            .slice(0, EXCLUSION_WORDS),
        );
        return words.filter((w) => rare.has(w)).join(' ');
      }),
    ),
  ];
  return { templates, vocabulary, exclusions };
}

/** Share of a line's words and word pairs that ordinary lines never use. */
export function novelty(line: string, vocabulary: Set<string>): number {
  return noveltyOf(normaliseLine(line), vocabulary);
}

function noveltyOf(normalised: string, vocabulary: Set<string>): number {
  const words = wordsAndPairs(normalised);
  if (!words.length) return 0;
  return words.filter((t) => !vocabulary.has(t)).length / words.length;
}

export interface Candidate extends TellingLine {
  time: number;
  /** lineScore (common/telling_line.ts) */
  score: number;
  /** Share of its words that ordinary lines never use (0 when unknown). */
  novel: number;
  /** Its word tokens, once normalised (computed from the line when absent). */
  words?: number;
  /** The engine's score of its error words (ERROR_WORDS; 0 when unknown). */
  errorScore?: number;
}

/** Mostly new (half its words and pairs unseen), partly new, ordinary. */
const tier = (c: Candidate) => (c.novel >= 0.5 ? 2 : c.novel > 0 ? 1 : 0);

/**
 * Newer lines first (an ordinary line the sample missed is still mostly known words), then the telling-line
 * score, then the more novel, then the one with more error words (a noisy bug's line, which successful builds
 * log too, among ordinary lines), then the earlier.
 */
function rank(a: Candidate, b: Candidate): number {
  return (
    tier(b) - tier(a) ||
    b.score - a.score ||
    b.novel - a.novel ||
    (b.errorScore ?? 0) - (a.errorScore ?? 0) ||
    a.time - b.time
  );
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
    words += c.words ?? tokens(normaliseLine(c.line)).length;
  }
  return out;
}

const successQuery = (filter: object[], extra: object[]) => ({
  size: NOISE_SAMPLE,
  track_total_hits: false,
  query: { bool: { filter: [...filter, { term: { [LOG_FIELDS.buildStatus]: 'SUCCESS' } }, ...extra] } },
  // whole successful builds in build-uuid order, chosen by the data only (not by index names or how it was
  // indexed), so that the same data gives the same clusters and ids
  sort: [{ [LOG_FIELDS.buildUuid]: 'asc' }, { [LOG_FIELDS.timestamp]: 'asc' }, { [LOG_FIELDS.logUrl]: 'asc' }],
  _source: logSourceFields('message'),
});

/** Lines of successful builds: the builds whose uuid starts with SAMPLE_PREFIX, or all when they are too few. */
export async function successLines(
  engine: EngineClient,
  index: string,
  filter: object[],
): Promise<{ lines: string[]; took: number }> {
  const opts = { ignore_unavailable: true, allow_no_indices: true };
  const lines = (res: SearchResponse) => res.hits.hits.map((h) => readLogDocument(h._source).message ?? '');
  const sampled = await search(
    engine,
    index,
    successQuery(filter, [{ prefix: { [LOG_FIELDS.buildUuid]: SAMPLE_PREFIX } }]),
    opts,
  );
  if (sampled.hits.hits.length >= NOISE_SAMPLE / 2) return { lines: lines(sampled), took: sampled.took };
  const whole = await search(engine, index, successQuery(filter, []), opts);
  return { lines: lines(whole), took: sampled.took + whole.took };
}

async function candidateLines(
  engine: EngineClient,
  index: string,
  uuids: string[],
  filter: object[],
  mustNot: object[],
  vocabulary: Set<string>,
  perBuild = CANDIDATES_PER_BUILD,
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
                size: perBuild,
                // lines without error words, the last ones first: a failure ends the build's log
                sort: [{ _score: 'desc' }, { [LOG_FIELDS.timestamp]: 'desc' }],
                // no log_url (a third of a line's bytes): only the shown samples' links are fetched (fileUrls)
                _source: logSourceFields('message', 'filename', 'timestamp'),
              },
            },
          },
        },
      },
    },
    // only the lines' fields come back (no hit metadata: a third of the answer's bytes at 75,000 lines)
    {
      ignore_unavailable: true,
      allow_no_indices: true,
      filter_path:
        'took,timed_out,aggregations.builds.buckets.key,aggregations.builds.buckets.lines.hits.hits._source,aggregations.builds.buckets.lines.hits.hits.sort',
    },
  );
  for (const b of res.aggregations?.builds?.buckets ?? []) {
    const list: Candidate[] = b.lines.hits.hits.map((h: any) => {
      const doc = readLogDocument(h._source);
      const line = doc.message ?? '';
      const normalised = normaliseLine(line);
      return {
        line,
        file: doc.filename,
        time: Date.parse(doc.timestamp ?? '') || 0,
        errorScore: typeof h.sort?.[0] === 'number' ? h.sort[0] : 0,
        score: lineScore(line),
        novel: noveltyOf(normalised, vocabulary),
        words: tokens(normalised).length,
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

/** A proposal to check: its id, query and the builds of its cluster. */
interface Proposal {
  id: string;
  query: string;
  builds: string[];
}

/** Share of a checked proposal's matched builds that succeeded. */
const successShare = (c: ProposalCheck) =>
  c.successBuilds ? c.successBuilds / (c.clusterBuilds + c.otherFailedBuilds + c.successBuilds) : 0;

/** Whether a cluster's proposal says something successful builds do not: a phrase with a new word or word pair. */
export function telling(c: Pick<LineCluster, 'phrases'>, vocabulary: Set<string>): boolean {
  return c.phrases.some((p) => novelty(p, vocabulary) > 0);
}

/**
 * Proposals per search of the check's _msearch (see checkProposals). Measured with 130 proposals over
 * 1.4M lines (load 9): all in one search 3.5-3.7 s, one per proposal 2.8 s (each search pays its set-up
 * on every shard), 5-40 per search 1.5-2.3 s.
 */
export const PROPOSALS_PER_SEARCH = 10;

/** The check's aggregations for proposals that share one search: per proposal, builds by status, and which clustered builds. */
function checkAggs(proposals: Proposal[], compiled: CompiledSignature[]): object {
  const clustered = [...new Set(proposals.flatMap((p) => p.builds))];
  const filters: Record<string, object> = {};
  compiled.forEach((c) => (filters[c.signature.id] = c.query));
  return {
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
  };
}

/**
 * For each proposal, the builds it matches by status, and which of its cluster's builds: one _msearch
 * whose searches each hold PROPOSALS_PER_SEARCH proposals (a filters aggregation over the lines one of
 * them matches). One filters aggregation over all proposals checked every line any proposal matched
 * against every proposal (130 proposals: 4.6 s of engine time at load 12); a search per proposal reads
 * only its own lines.
 */
async function checkProposals(
  engine: EngineClient,
  index: string,
  start: number,
  end: number,
  clusters: Proposal[],
  perSearch = PROPOSALS_PER_SEARCH,
): Promise<{ checks: Map<string, ProposalCheck>; took: number }> {
  const checks = new Map<string, ProposalCheck>();
  if (!clusters.length) return { checks, took: 0 };
  const compiled: CompiledSignature[] = compileSignatures(clusters.map((c) => proposalSignature(c.id, c.query)));
  const groups = chunks(
    clusters.map((c, i) => ({ c, q: compiled[i] })),
    perSearch,
  );
  const res = await msearch(
    engine,
    groups.map((g) => ({
      index,
      body: {
        size: 0,
        track_total_hits: false,
        // only lines one of the group's proposals matches reach its filters
        query: {
          bool: {
            filter: [
              { range: { [LOG_FIELDS.timestamp]: { gte: start, lt: end, format: 'epoch_millis' } } },
              g.length === 1 ? g[0].q.query : { bool: { should: g.map((x) => x.q.query), minimum_should_match: 1 } },
            ],
          },
        },
        aggs: checkAggs(
          g.map((x) => x.c),
          g.map((x) => x.q),
        ),
      },
    })),
  );
  const failedItem = res.responses.find((r) => r.error);
  if (failedItem) throw msearchItemError('proposal check failed', failedItem);
  const buckets: Record<string, any> = {};
  for (const r of res.responses) Object.assign(buckets, r.aggregations?.proposals?.buckets ?? {});
  const failed = new Set<string>(FAILED_BUILD_STATUSES);
  for (const c of clusters) {
    const b = buckets[c.id];
    if (!b) continue;
    const own = new Set(c.builds);
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
  // the engine's own time for the whole _msearch (its searches run in parallel)
  return { checks, took: res.took ?? res.responses.reduce((m, r) => Math.max(m, r.took ?? 0), 0) };
}

/** Files per search of fileUrls (each is a clause of its query; the engine allows 1,024). */
const FILES_PER_SEARCH = 200;

/**
 * The URL of each (build, file) pair: one line of each pair (collapse on the URL, which is the same for a
 * file's lines), its query the pairs grouped by file. For the samples of the clusters shown only.
 */
async function fileUrls(
  engine: EngineClient,
  index: string,
  filter: object[],
  pairs: Array<{ uuid: string; file: string }>,
): Promise<{ urls: Map<string, string>; took: number }> {
  const urls = new Map<string, string>();
  if (!pairs.length) return { urls, took: 0 };
  const byFile = new Map<string, Set<string>>();
  for (const p of pairs) (byFile.get(p.file) ?? byFile.set(p.file, new Set()).get(p.file)!).add(p.uuid);
  const res = await msearch(
    engine,
    chunks([...byFile.entries()], FILES_PER_SEARCH).map((files) => ({
      index,
      body: {
        size: files.reduce((n, [, uuids]) => n + uuids.size, 0),
        track_total_hits: false,
        query: {
          bool: {
            filter: [
              ...filter,
              {
                bool: {
                  should: files.map(([file, uuids]) => ({
                    bool: {
                      filter: [
                        { term: { [LOG_FIELDS.filename]: file } },
                        { terms: { [LOG_FIELDS.buildUuid]: [...uuids] } },
                      ],
                    },
                  })),
                  minimum_should_match: 1,
                },
              },
            ],
          },
        },
        collapse: { field: LOG_FIELDS.logUrl },
        _source: logSourceFields('buildUuid', 'filename', 'logUrl'),
      },
    })),
  );
  const failedItem = res.responses.find((r) => r.error);
  if (failedItem) throw msearchItemError('log links of the samples failed', failedItem);
  for (const r of res.responses)
    for (const h of r.hits.hits) {
      const doc = readLogDocument(h._source);
      if (doc.buildUuid && doc.filename && doc.logUrl) urls.set(`${doc.buildUuid}\n${doc.filename}`, doc.logUrl);
    }
  return { urls, took: res.took ?? 0 };
}

function counted<K extends string>(values: string[], key: K): Array<Record<K, string> & { builds: number }> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([v, n]) => ({ [key]: v, builds: n }) as Record<K, string> & { builds: number });
}

/** What a search within the clusters looks at, lower-case. */
function clusterText(c: BuildCluster): string {
  return [
    c.id,
    c.template,
    c.proposal.query,
    ...c.samples.map((s) => s.line),
    ...c.jobs.map((j) => j.job),
    ...c.projects.map((p) => p.project),
  ]
    .join('\n')
    .toLowerCase();
}

/** The clusters (one page, as the API returns them) and every cluster with all its builds (for evaluation). */
export async function clusterUncategorizedDetailed(
  client: EngineClient,
  signatures: CompiledSignature[],
  options: ClusterOptions = {},
): Promise<
  ClustersResult & { all: Array<LineCluster & { ordinary: boolean; query: string; check: ProposalCheck | null }> }
> {
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
  const engineStages: Record<string, number> = {};
  const cpuStages: Record<string, number> = {};
  const requestStages: Record<string, number> = {};
  let mark = t0;
  let engineMark = 0;
  let cpuMark = process.cpuUsage();
  let requests = 0;
  // the engine requests of each step are counted (`took` per step is their sum)
  const engine: EngineClient = {
    request: (req) => {
      requests++;
      return client.request(req);
    },
  };
  const lap = (name: string) => {
    const t = Date.now();
    stages[name] = t - mark;
    engineStages[name] = engineMs - engineMark;
    const cpu = process.cpuUsage(cpuMark);
    cpuStages[name] = Math.round((cpu.user + cpu.system) / 1000);
    requestStages[name] = requests;
    requests = 0;
    mark = t;
    engineMark = engineMs;
    cpuMark = process.cpuUsage();
  };

  const filter = scopeFilter(start, end, options);
  // 1. the uncategorized builds, newest first, and 2. the ordinary lines, in parallel
  const [uncat, sample] = await Promise.all([
    uncategorizedFailures(engine, signatures, {
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
      details: false,
    }),
    successLines(engine, index, filter),
  ]);
  engineMs += uncat.took + sample.took;
  const builds = uncat.unexplained;
  const uuids = builds.map((b) => b.uuid);
  const noise = ordinaryLines(sample.lines);
  lap('uncategorized');
  // 3. candidate lines per build; a second look without the exclusion for builds with none
  // a line holding the rarest words of a frequent ordinary template (in the sample) is that template
  const mustNot = noise.exclusions
    .slice(0, MAX_EXCLUDED_PHRASES)
    .map((t) => ({ match: { [LOG_FIELDS.message]: { query: t, operator: 'and' } } }));
  const first = await candidateLines(
    engine,
    index,
    uuids,
    filter,
    mustNot,
    noise.vocabulary,
    options.candidatesPerBuild,
  );
  engineMs += first.took;
  const missing = uuids.filter((u) => !first.byBuild.get(u)?.length);
  const second = await candidateLines(engine, index, missing, filter, [], noise.vocabulary, options.candidatesPerBuild);
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

  // 4. check the proposals of the largest clusters with a telling line in one request
  const ordinary = new Set(all.filter((c) => !telling(c, noise.vocabulary)).map((c) => c.id));
  const bySize = all
    .filter((c) => !ordinary.has(c.id))
    .sort((a, b) => b.builds.length - a.builds.length || (a.id < b.id ? -1 : 1));
  const queries = new Map(all.map((c) => [c.id, proposalQuery(c)]));
  const checked = await checkProposals(
    engine,
    index,
    start,
    end,
    bySize
      .slice(0, MAX_CHECKED_PROPOSALS)
      .map((c) => ({ id: c.id, query: queries.get(c.id)!, builds: c.builds.map((b) => b.uuid) })),
    options.proposalsPerSearch,
  );
  engineMs += checked.took;
  lap('check');

  // 5. proposals matching more than MAX_SUCCESS_SHARE successful builds: narrower ones checked in one request,
  // the narrowest that keeps COMMON_SHARE of the cluster and matches fewer successful builds chosen
  const noisy = bySize
    .filter((c) => {
      const check = checked.checks.get(c.id);
      return check && successShare(check) > MAX_SUCCESS_SHARE;
    })
    .slice(0, MAX_NARROWED_PROPOSALS);
  const variants = noisy.flatMap((c) =>
    narrowedQueries(c).map((query, i) => ({ id: `${c.id}.${i}`, query, builds: c.builds.map((b) => b.uuid) })),
  );
  const narrowed = await checkProposals(engine, index, start, end, variants, options.proposalsPerSearch);
  engineMs += narrowed.took;
  for (const c of noisy) {
    let best = checked.checks.get(c.id)!;
    for (const v of variants.filter((x) => x.id.startsWith(`${c.id}.`))) {
      const check = narrowed.checks.get(v.id);
      if (!check || check.clusterBuilds < Math.ceil(c.builds.length * COMMON_SHARE)) continue;
      if (successShare(check) < successShare(best)) {
        best = check;
        queries.set(c.id, v.query);
        checked.checks.set(c.id, check);
      }
    }
  }
  lap('narrow');

  const bucket = windowMs / TREND_BUCKETS;
  const out: BuildCluster[] = all.map((c) => {
    const trend = new Array(TREND_BUCKETS).fill(0);
    for (const b of c.builds) trend[Math.min(TREND_BUCKETS - 1, Math.max(0, Math.floor((b.time - start) / bucket)))]++;
    const recent = c.builds.filter((b) => b.time >= end - windowMs / 4).length;
    const times = c.builds.map((b) => b.time);
    const query = queries.get(c.id)!;
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
      })),
      builds: c.builds.slice(0, MAX_CLUSTER_BUILD_IDS).map((b) => b.uuid),
      proposal: {
        query,
        title: messageCore(c.builds[0].lines[0].line).slice(0, 120),
        check: checked.checks.get(c.id) ?? null,
        ...(ordinary.has(c.id) ? { ordinary: true } : {}),
      },
    };
  });
  const sort = options.sort ?? 'size';
  out.sort(
    (a, b) =>
      (sort === 'growth' ? b.growth - a.growth || b.size - a.size : b.size - a.size || b.growth - a.growth) ||
      (a.id < b.id ? -1 : 1),
  );
  const needle = options.search?.trim().toLowerCase();
  const shown = needle ? out.filter((c) => clusterText(c).includes(needle)) : out;
  const clusters = shown.slice((page - 1) * perPage, page * perPage);
  // 6. the links of the shown samples' lines
  const samples = clusters.flatMap((c) => c.samples).filter((x) => x.file);
  const links = await fileUrls(
    engine,
    index,
    filter,
    samples.map((x) => ({ uuid: x.uuid, file: x.file! })),
  );
  engineMs += links.took;
  for (const x of samples) {
    const url = links.urls.get(`${x.uuid}\n${x.file}`);
    if (url) x.logUrl = url;
  }
  lap('links');
  return {
    start,
    end,
    uncategorizedBuilds: uncat.failedBuilds - uncat.explainedBuilds,
    clusteredBuilds: input.length,
    withoutLines,
    totalClusters: out.length,
    ...(needle ? { matchingClusters: shown.length } : {}),
    page,
    perPage,
    clusters,
    took: { engineMs, clusteringMs, totalMs: Date.now() - t0, stages, engineStages, cpuStages, requestStages },
    all: all.map((c) => ({
      ...c,
      ordinary: ordinary.has(c.id),
      query: queries.get(c.id)!,
      check: checked.checks.get(c.id) ?? null,
    })),
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
