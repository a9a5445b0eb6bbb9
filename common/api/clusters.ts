/*
 * Clusters of uncategorized failed builds (GET /api/elastic_recheck/clusters): builds whose telling
 * lines look alike, with a proposed signature checked on the engine. See docs/api.md.
 */
import { API_BASE_PATH } from '../constants';
import { readWindow, type TimeWindow } from '../time_window';
import { fail, intParam, listParam, type Validated } from './validation';

export const CLUSTERS_PATH = `${API_BASE_PATH}/clusters`;

/** Uncategorized builds clustered per request at most (default and hard cap). */
export const DEFAULT_CLUSTER_BUILDS = 5000;
export const MAX_CLUSTER_BUILDS = 10000;
/** Telling lines kept per build, sample lines and build ids returned per cluster. */
export const MAX_TELLING_LINES = 3;
export const CLUSTER_SAMPLES = 5;
export const MAX_CLUSTER_BUILD_IDS = 200;
/** Clusters whose proposal is checked on the engine (largest first); the rest carry it unchecked. */
export const MAX_CHECKED_PROPOSALS = 500;
/** Clusters per page of the Uncategorized view (server-side pages keep the page light with hundreds of clusters). */
export const CLUSTERS_PER_PAGE = 10;
/** Buckets of a cluster's trend over the window. */
export const TREND_BUCKETS = 10;

export const CLUSTER_SORTS = ['size', 'growth'] as const;
export type ClusterSort = (typeof CLUSTER_SORTS)[number];

export interface ClustersQuery {
  /** A window ending now; `from`/`to` (read into `window`) replace it. */
  days?: number;
  /** [from, to) from the query's `from`/`to` (epoch ms or ISO-8601). */
  window?: TimeWindow;
  queues?: string[];
  projects?: string[];
  branches?: string[];
  /** Only builds of these jobs. */
  jobs?: string[];
  /** At most this many uncategorized builds (newest first) are clustered. */
  maxBuilds?: number;
  sort?: ClusterSort;
  /** Only clusters whose text, proposal, id, jobs or projects contain this (case-insensitive). */
  search?: string;
  page?: number;
  perPage?: number;
}

export interface ClusterSample {
  uuid: string;
  job: string;
  file?: string;
  line: string;
  /** [start, end) character ranges of `line` that every build of the cluster shares (the common part). */
  common: Array<[number, number]>;
  logUrl?: string;
}

export interface ProposalCheck {
  /** Builds of the cluster the query matches. */
  clusterBuilds: number;
  /** Failed builds outside the cluster it matches. */
  otherFailedBuilds: number;
  successBuilds: number;
  /** Failed matched / all matched builds (elastic-recheck's rule of thumb: warn below 0.9). */
  precision: number | null;
  /** More than 10 % of the matched builds succeeded. */
  warning: boolean;
}

export interface ClusterProposal {
  /** Lucene query in elastic-recheck's format (phrases of the common text, the file tag when it narrows). */
  query: string;
  title: string;
  /** Null when the proposal was not checked (ordinary, or beyond MAX_CHECKED_PROPOSALS). */
  check: ProposalCheck | null;
  /**
   * Its phrases are only words and word pairs that successful builds log too: the cluster's builds have
   * no telling line (it is not checked, as it would match the successful builds).
   */
  ordinary?: boolean;
}

export interface BuildCluster {
  /** Stable while the cluster persists: a hash of its leading normalised template. */
  id: string;
  /** The normalised common text (placeholders such as <uuid>, <num>). */
  template: string;
  size: number;
  jobs: Array<{ job: string; builds: number }>;
  projects: Array<{ project: string; builds: number }>;
  /** ISO-8601 */
  firstSeen: string;
  lastSeen: string;
  /** Builds per bucket over the window (TREND_BUCKETS buckets of equal length, oldest first). */
  trend: number[];
  /** Builds in the newest quarter of the window over a quarter of all builds (1: steady, > 1: growing). */
  growth: number;
  samples: ClusterSample[];
  /** Up to MAX_CLUSTER_BUILD_IDS build uuids, newest first. */
  builds: string[];
  proposal: ClusterProposal;
}

export interface ClustersResult {
  start: number;
  end: number;
  /** Uncategorized builds in the window and scope, and how many were clustered (newest first, capped). */
  uncategorizedBuilds: number;
  clusteredBuilds: number;
  /** Builds without any log line to cluster on. */
  withoutLines: number;
  totalClusters: number;
  /** Clusters matching `search` (what the pages divide), when a search was given. */
  matchingClusters?: number;
  page: number;
  perPage: number;
  clusters: BuildCluster[];
  /**
   * engineMs: the engine's own `took`; stages: wall-clock ms of each step (uncategorized, ordinary, lines,
   * clustering, check); engineStages: the engine's `took` within each step.
   */
  took: {
    engineMs: number;
    clusteringMs: number;
    totalMs: number;
    stages: Record<string, number>;
    engineStages?: Record<string, number>;
    /** This process's CPU ms within each step (all its work, not only this request's). */
    cpuStages?: Record<string, number>;
    /** Engine requests sent within each step. */
    requestStages?: Record<string, number>;
  };
}

const KEYS = [
  'days',
  'from',
  'to',
  'queues',
  'projects',
  'branches',
  'jobs',
  'maxBuilds',
  'sort',
  'search',
  'page',
  'perPage',
];
/** Longest search text. */
export const MAX_CLUSTER_SEARCH = 200;

/** Query parameters of the clusters route (shared by the route, the CLI and the page). */
export function validateClustersQuery(data: unknown): Validated<ClustersQuery> {
  const q = (data ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(q))
    if (!KEYS.includes(key)) return fail([key], `unknown parameter (allowed: ${KEYS.join(', ')})`);
  const out: ClustersQuery = {};
  const window = readWindow(q);
  if (!window.ok) return fail(window.path, window.message.slice(window.path[0].length + 2));
  if (window.value) out.window = window.value;
  for (const [key, min, max] of [
    ['days', 1, 90],
    ['maxBuilds', 1, MAX_CLUSTER_BUILDS],
    ['page', 1, 1000],
    ['perPage', 1, 500],
  ] as const) {
    const v = intParam(q, key, min, max);
    if (!v.ok) return v;
    if (v.value !== undefined) out[key] = v.value;
  }
  for (const key of ['queues', 'projects', 'branches', 'jobs'] as const) {
    const v = listParam(q, key, 100);
    if (!v.ok) return v;
    if (v.value) out[key] = v.value;
  }
  if (q.sort !== undefined) {
    if (!(CLUSTER_SORTS as readonly unknown[]).includes(q.sort)) return fail(['sort'], 'expected "size" or "growth"');
    out.sort = q.sort as ClusterSort;
  }
  if (q.search !== undefined) {
    if (typeof q.search !== 'string' || q.search.length > MAX_CLUSTER_SEARCH)
      return fail(['search'], `expected text of at most ${MAX_CLUSTER_SEARCH} characters`);
    if (q.search.trim()) out.search = q.search.trim();
  }
  return { ok: true, value: out };
}
