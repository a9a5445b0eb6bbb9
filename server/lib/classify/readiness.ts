/*
 * Are a build's logs fully indexed? elastic-recheck polled for a console line and a fixed list of
 * files per job regex (20 min timeout, 40 s interval). Here all of that is configuration, one engine
 * request per attempt, and "not ready" is a result, not an exception.
 */
import type { BuildInfo, BuildRef, ReadinessReport } from '../../../common/api/classify';
import { BUILD_SOURCE_FIELDS, LOG_FIELDS, logRootOf, readLogDocument } from '../../../common/log_fields';
import { DEFAULT_LOG_INDEX_PATTERN } from '../../../common/constants';
import { EngineClient, search } from '../../../lib/engine_client';

export interface RequiredFilesRule {
  /** Regular expression (JavaScript syntax, unanchored) over the job name. */
  job: string;
  /** File basenames that must be indexed for matching jobs. */
  files: string[];
}

export interface ReadinessConfig {
  /** Files every build needs (default: the console, job-output.txt). */
  requiredFiles: string[];
  /** Extra files per job-name pattern. */
  requiredFilesByJob: RequiredFilesRule[];
  /**
   * The line that ends a complete log: in `file`, one line holding `phrase` and, when given, `playbook` (both as
   * phrases of `message`); null to not require one.
   */
  endMarker: EndMarker | null;
  timeoutMs: number;
  pollIntervalMs: number;
}

export interface EndMarker {
  file: string;
  phrase: string;
  playbook?: string;
}

/**
 * Zuul's executor writes a banner into job-output.txt before and after every playbook,
 * `<time> | POST-RUN START: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post-logs.yaml@master]` and
 * `... | POST-RUN END RESULT_NORMAL: [...]`, once per post-run playbook, so a bare `POST-RUN END` appears after the
 * first of them already. The base job's last post-run playbook uploads the logs: the file is copied while it runs,
 * so the last banner of a stored job-output.txt is that playbook's START (its END is never in the stored copy).
 * elastic-recheck keyed on the END of the playbook before it (reference/elastic-recheck.md, the ready query).
 */
export const DEFAULT_END_MARKER: EndMarker = {
  file: 'job-output.txt',
  phrase: 'POST-RUN START',
  playbook: 'base-jobs/playbooks/base/post-logs.yaml',
};

export const DEFAULT_READINESS: ReadinessConfig = {
  requiredFiles: ['job-output.txt'],
  requiredFilesByJob: [],
  endMarker: DEFAULT_END_MARKER,
  timeoutMs: 20 * 60 * 1000,
  pollIntervalMs: 40 * 1000,
};

export interface ReadinessOptions {
  index?: string;
  config?: Partial<ReadinessConfig>;
  /** For tests and tasks: how to wait (default setTimeout) and what time it is. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function buildRefFilter(ref: BuildRef): object[] {
  if ('uuid' in ref) return [{ term: { [LOG_FIELDS.buildUuid]: ref.uuid } }];
  return [
    { term: { [LOG_FIELDS.buildChange]: ref.change } },
    ...(ref.patchset !== undefined ? [{ term: { [LOG_FIELDS.buildPatchset]: String(ref.patchset) } }] : []),
    ...(ref.job !== undefined ? [{ term: { [LOG_FIELDS.buildName]: ref.job } }] : []),
  ];
}

/**
 * The builds a reference names, newest (by last indexed line) first, at most `size`: one search, each
 * bucket with its `last` line's time and whatever `aggs` the caller adds.
 */
export async function newestBuildsOf(
  engine: EngineClient,
  ref: BuildRef,
  size: number,
  aggs: Record<string, object>,
  index?: string,
): Promise<any[]> {
  const res = await search(
    engine,
    index ?? DEFAULT_LOG_INDEX_PATTERN,
    {
      size: 0,
      track_total_hits: false,
      query: { bool: { filter: buildRefFilter(ref) } },
      aggs: {
        builds: {
          terms: { field: LOG_FIELDS.buildUuid, size, order: { last: 'desc' } },
          aggs: { last: { max: { field: LOG_FIELDS.timestamp } }, ...aggs },
        },
      },
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  return res.aggregations?.builds?.buckets ?? [];
}

/** The build a log document belongs to (every line of a build carries its fields). */
export function buildInfoFromSource(source: unknown, lastTimestamp?: string): BuildInfo {
  const doc = readLogDocument(source);
  return {
    uuid: doc.buildUuid!,
    job: doc.buildName!,
    status: doc.buildStatus!,
    project: doc.project,
    branch: doc.buildBranch,
    queue: doc.buildQueue,
    change: doc.buildChange,
    patchset: doc.buildPatchset,
    voting: doc.voting,
    lastTimestamp,
    logRoot: logRootOf(doc.logUrl),
  };
}

export function resolveConfig(partial?: Partial<ReadinessConfig>): ReadinessConfig {
  const config = { ...DEFAULT_READINESS, ...(partial ?? {}) };
  for (const rule of config.requiredFilesByJob) {
    try {
      new RegExp(rule.job);
    } catch (error) {
      throw new Error(`readiness.requiredFilesByJob: invalid job pattern "${rule.job}": ${(error as Error).message}`);
    }
  }
  if (!(config.timeoutMs >= 0)) throw new Error('readiness.timeoutMs must be >= 0');
  if (!(config.pollIntervalMs > 0)) throw new Error('readiness.pollIntervalMs must be > 0');
  return config;
}

export function requiredFilesFor(job: string, config: ReadinessConfig): string[] {
  const files = new Set(config.requiredFiles);
  for (const rule of config.requiredFilesByJob)
    if (new RegExp(rule.job).test(job)) rule.files.forEach((f) => files.add(f));
  if (config.endMarker) files.add(config.endMarker.file);
  return [...files].sort();
}

/** One line of `marker.file` holding the phrase and the playbook. */
export function markerFilter(marker: EndMarker): object[] {
  const filter: object[] = [
    { term: { [LOG_FIELDS.filename]: marker.file } },
    { match_phrase: { [LOG_FIELDS.message]: marker.phrase } },
  ];
  if (marker.playbook) filter.push({ match_phrase: { [LOG_FIELDS.message]: marker.playbook } });
  return filter;
}

/** One look: which build, which files, the marker. `build` is undefined when nothing is indexed yet. */
export async function checkReadiness(
  engine: EngineClient,
  ref: BuildRef,
  options: ReadinessOptions = {},
): Promise<Omit<ReadinessReport, 'attempts' | 'waitedMs'>> {
  const config = resolveConfig(options.config);
  const marker = config.endMarker;
  const body = {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: buildRefFilter(ref) } },
    aggs: {
      builds: {
        terms: { field: LOG_FIELDS.buildUuid, size: 1, order: { last: 'desc' } },
        aggs: {
          last: { max: { field: LOG_FIELDS.timestamp } },
          files: { terms: { field: LOG_FIELDS.filename, size: 10000 } },
          indices: { terms: { field: '_index', size: 1000 } },
          meta: { top_hits: { size: 1, _source: BUILD_SOURCE_FIELDS } },
          ...(marker ? { marker: { filter: { bool: { filter: markerFilter(marker) } } } } : {}),
        },
      },
    },
  };
  const res = await search(engine, options.index ?? DEFAULT_LOG_INDEX_PATTERN, body, {
    ignore_unavailable: true,
    allow_no_indices: true,
  });
  const bucket = res.aggregations?.builds?.buckets?.[0];
  if (!bucket)
    return {
      ready: false,
      files: [],
      missingFiles: [...config.requiredFiles].sort(),
      markerFound: marker ? false : undefined,
    };
  const build = buildInfoFromSource(bucket.meta.hits.hits[0]._source, bucket.last.value_as_string);
  const files: string[] = bucket.files.buckets.map((b: any) => String(b.key)).sort();
  const missingFiles = requiredFilesFor(build.job, config).filter((f) => !files.includes(f));
  const markerFound = marker ? bucket.marker.doc_count > 0 : undefined;
  const indices: string[] = bucket.indices.buckets.map((b: any) => String(b.key)).sort();
  return {
    ready: missingFiles.length === 0 && markerFound !== false,
    build,
    files,
    missingFiles,
    indices,
    lines: bucket.doc_count,
    markerFound,
  };
}

/** Polls until ready or until the timeout; always looks at least once. */
export async function waitForReadiness(
  engine: EngineClient,
  ref: BuildRef,
  options: ReadinessOptions = {},
): Promise<ReadinessReport> {
  const config = resolveConfig(options.config);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  let attempts = 0;
  for (;;) {
    attempts++;
    const report = await checkReadiness(engine, ref, { ...options, config });
    const waitedMs = now() - started;
    if (report.ready || waitedMs + config.pollIntervalMs > config.timeoutMs) return { ...report, attempts, waitedMs };
    await sleep(config.pollIntervalMs);
  }
}
