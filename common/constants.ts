/* Identifiers and paths shared by server, browser, CLI and build tooling. */
export const PLUGIN_ID = 'elasticRecheck';
export const PLUGIN_NAME = 'Elastic Recheck';
/** Kibana derives this from the id (snakeCase) and reads `elastic_recheck.*` from kibana.yml. */
export const CONFIG_PATH = 'elastic_recheck';
export const API_BASE_PATH = '/api/elastic_recheck';
export const APP_PATH = `/app/${PLUGIN_ID}`;

/** Index pattern of OpenStack's current log pipeline (ci-log-processing logsender). */
export const DEFAULT_LOG_INDEX_PATTERN = 'logstash-logs-*';
export const LOG_INDEX_PREFIX = 'logstash-logs-';

/** Saved-object type that stores signatures. */
export const SIGNATURE_SAVED_OBJECT_TYPE = 'elastic_recheck_signature';

/** elastic-recheck's graph window: 10 days of hourly buckets. */
export const DEFAULT_WINDOW_DAYS = 10;
export const DEFAULT_BUCKET = '1h';

/** Zuul build results that mean the build failed (the old schema only knew FAILURE). */
export const FAILED_BUILD_STATUSES = ['FAILURE', 'TIMED_OUT', 'POST_FAILURE', 'NODE_FAILURE', 'RETRY_LIMIT'] as const;
export const ALL_BUILD_STATUSES = ['SUCCESS', ...FAILED_BUILD_STATUSES] as const;
export type BuildStatus = (typeof ALL_BUILD_STATUSES)[number];

/** Time one user regular expression (uncategorized excludeJobs / includeProjects) may run, in its worker thread. */
export const REGEX_TIME_LIMIT_MS = 1000;
/** Length of a user regular expression. */
export const MAX_USER_REGEX_LENGTH = 500;
/** Engine-side time limit of every search the plugin sends (the search `timeout`); a timed-out search is an error, never a partial answer. */
export const ENGINE_SEARCH_TIMEOUT_MS = 8000;

/** The editor's broad-query warnings: a query matching more failed builds than this in the preview window… */
export const BROAD_QUERY_FAILED_BUILDS = 25;
/** …or sharing at least this share of another signature's builds (a near-duplicate of it). */
export const HIGH_OVERLAP_SHARE = 0.8;

/**
 * Answers that are the same for every request with the same signatures, window and filters (failure
 * rates, uncategorized failures, the signature list's hit counts) are kept this long in the server
 * (server/lib/answer_cache.ts): 50 users loading the same page cost the engine one computation.
 */
export const ANSWER_CACHE_TTL_MS = 60_000;
/** Most answers kept at once (the oldest go first). */
export const ANSWER_CACHE_MAX_ENTRIES = 100;
/** A window given in days ends at the next whole minute, so identical requests within it share an answer. */
export const ANSWER_WINDOW_STEP_MS = 60_000;
