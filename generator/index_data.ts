/*
 * Streams a DataGenerator's builds into the engine: index template first, then `_bulk` batches
 * (pre-serialized NDJSON, a bounded number in flight), then one refresh. Memory stays flat
 * whatever the number of lines: only the batches in flight and the ground truth are held.
 */
import { EngineRequestError, type EngineClient } from '../lib/engine_client';
import type { BuildTruth, DataGenerator, SkippedSignature } from './generate';
import {
  defaultSubunitPrefix,
  logIndexName,
  logTemplateName,
  putLogIndexTemplate,
  putSubunitIndexTemplate,
} from './mapping';

export interface IndexProgress {
  builds: number;
  totalBuilds: number;
  lines: number;
  elapsedMs: number;
}

export interface IndexOptions {
  /** Index prefix; indices are `<prefix>YYYY.MM.DD`. */
  prefix: string;
  /** Documents per `_bulk` request (default 5000). */
  batchSize?: number;
  /** Bulk requests in flight (default 2). */
  concurrency?: number;
  /** Called after every batch. */
  onProgress?: (p: IndexProgress) => void;
  /** Skip the engine entirely (generation only, for measuring). */
  dryRun?: boolean;
  /**
   * Prefix of the test-result indices (`<subunitPrefix>YYYY.MM.DD`), or null for none. Default:
   * `defaultSubunitPrefix(prefix)`. Must not overlap the log prefix (then `<prefix>*` would match them).
   */
  subunitPrefix?: string | null;
}

export interface GroundTruth {
  seed: string;
  /** End of the window, ISO-8601. */
  now: string;
  days: number;
  indexPrefix: string;
  indexPattern: string;
  /** Test results (`subunit-*`), when written. */
  subunitPattern?: string;
  /** Signatures the data was generated for, and those left out with the reason. */
  signatures: { used: string[]; skipped: SkippedSignature[] };
  counts: {
    builds: number;
    lines: number;
    byStatus: Record<string, number>;
    byCause: Record<string, number>;
    falsePositives: number;
    /** Builds per expected signature. */
    bySignature: Record<string, number>;
    indices: Record<string, number>;
    tests: number;
  };
  builds: BuildTruth[];
}

export interface IndexResult {
  truth: GroundTruth;
  elapsedMs: number;
  linesPerSecond: number;
}

function inc(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

export async function indexGeneratedData(
  engine: EngineClient | undefined,
  generator: DataGenerator,
  options: IndexOptions,
): Promise<IndexResult> {
  const batchSize = options.batchSize ?? 5000;
  const concurrency = options.concurrency ?? 2;
  const prefix = options.prefix;
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(prefix))
    throw new Error(
      `index prefix "${prefix}" must be lowercase letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  const subunitPrefix = options.subunitPrefix === undefined ? defaultSubunitPrefix(prefix) : options.subunitPrefix;
  if (subunitPrefix !== null) {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(subunitPrefix))
      throw new Error(`subunit prefix "${subunitPrefix}" must be lowercase letters, digits, ".", "_" or "-"`);
    if (subunitPrefix.startsWith(prefix) || prefix.startsWith(subunitPrefix))
      throw new Error(
        `subunit prefix "${subunitPrefix}" and index prefix "${prefix}" overlap: one pattern would match the other's indices`,
      );
  }
  if (!options.dryRun) {
    if (!engine) throw new Error('no engine given');
    await putLogIndexTemplate(engine, prefix);
    if (subunitPrefix !== null) await putSubunitIndexTemplate(engine, subunitPrefix);
  }
  const started = Date.now();
  const truth: GroundTruth = {
    seed: generator.seed,
    now: new Date(generator.now).toISOString(),
    days: generator.days,
    indexPrefix: prefix,
    indexPattern: `${prefix}*`,
    subunitPattern: subunitPrefix === null ? undefined : `${subunitPrefix}*`,
    signatures: { used: generator.signatureIds, skipped: generator.skipped },
    counts: {
      builds: 0,
      lines: 0,
      byStatus: {},
      byCause: {},
      falsePositives: 0,
      bySignature: {},
      indices: {},
      tests: 0,
    },
    builds: [],
  };
  const actionLines = new Map<string, string>();
  const action = (index: string) => {
    let a = actionLines.get(index);
    if (!a) {
      a = JSON.stringify({ index: { _index: index } });
      actionLines.set(index, a);
    }
    return a;
  };
  // Day index names change slowly: cache the current day's range.
  let dayStart = 0;
  let dayEnd = -1;
  let dayIndex = '';
  const indexFor = (time: number) => {
    if (time < dayStart || time >= dayEnd) {
      dayStart = time - (time % 86_400_000);
      dayEnd = dayStart + 86_400_000;
      dayIndex = logIndexName(prefix, time);
    }
    return dayIndex;
  };

  let batch: string[] = [];
  let batchDocs = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const send = async (initial: string[]) => {
    if (options.dryRun || !engine) return;
    let lines = initial;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await engine.request<{
          errors: boolean;
          items?: Array<Record<string, { status: number; error?: { type: string; reason: string } }>>;
        }>({
          method: 'POST',
          path: '/_bulk',
          bulkBody: lines,
          querystring: { filter_path: 'errors,items.*.error,items.*.status' },
        });
        if (!res.errors) return;
        const ops = (res.items ?? []).map((i) => Object.values(i)[0]);
        const failed = ops.filter((op) => op?.error);
        if (attempt < 5 && failed.every((op) => op.status === 429)) {
          // the engine is busy: send again only the rejected documents
          const again: string[] = [];
          ops.forEach((op, i) => {
            if (op?.error) again.push(lines[2 * i], lines[2 * i + 1]);
          });
          lines = again;
          await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
          continue;
        }
        const first = failed[0];
        throw new EngineRequestError(
          `bulk indexing failed for ${failed.length} document(s); first: ${first?.error?.type}: ${first?.error?.reason}`,
          first?.status ?? 400,
        );
      } catch (error) {
        if (error instanceof EngineRequestError && error.statusCode === 0 && attempt < 3) {
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
          continue;
        }
        throw error;
      }
    }
  };
  const flush = async () => {
    if (batchDocs === 0) return;
    const lines = batch;
    batch = [];
    batchDocs = 0;
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
    const p: Promise<void> = send(lines).then(
      () => {
        inFlight.delete(p);
      },
      (error) => {
        inFlight.delete(p);
        failure ??= error;
      },
    );
    inFlight.add(p);
  };

  let builds = 0;
  for (const build of generator.builds()) {
    if (failure) throw failure;
    const t = build.truth;
    truth.builds.push(t);
    inc(truth.counts.byStatus, t.status);
    inc(truth.counts.byCause, t.cause.kind);
    if (t.falsePositive) truth.counts.falsePositives++;
    for (const s of t.expectedSignatures) inc(truth.counts.bySignature, s);
    for (const file of build.files) {
      const tail = JSON.stringify(file.fields).slice(1); // `"build_name":...}`
      for (const line of file.lines) {
        const index = indexFor(line.time);
        batch.push(action(index));
        batch.push(
          `{"@timestamp":"${new Date(line.time).toISOString()}","line_number":${line.lineNumber},"message":${JSON.stringify(line.message)},${tail}`,
        );
        batchDocs++;
        truth.counts.lines++;
        truth.counts.indices[index] = (truth.counts.indices[index] ?? 0) + 1;
        if (batchDocs >= batchSize) {
          await flush();
          options.onProgress?.({
            builds,
            totalBuilds: generator.buildCount,
            lines: truth.counts.lines,
            elapsedMs: Date.now() - started,
          });
        }
      }
    }
    if (subunitPrefix !== null && build.tests.length) {
      const tail = JSON.stringify(build.testFields).slice(1);
      for (const t of build.tests) {
        batch.push(action(logIndexName(subunitPrefix, t.time)));
        batch.push(
          `{"@timestamp":"${new Date(t.time).toISOString()}","test_name":${JSON.stringify(t.name)},"test_status":"${t.status}","test_duration":${t.duration},${tail}`,
        );
        batchDocs++;
        truth.counts.tests++;
      }
    }
    builds++;
    truth.counts.builds = builds;
  }
  await flush();
  await Promise.all(inFlight);
  if (failure) throw failure;
  if (!options.dryRun && engine && truth.counts.lines + truth.counts.tests > 0) {
    const targets = subunitPrefix === null ? `${prefix}*` : `${prefix}*,${subunitPrefix}*`;
    await engine.request({
      method: 'POST',
      path: `/${targets}/_refresh`,
      querystring: { ignore_unavailable: true, allow_no_indices: true },
    });
  }
  options.onProgress?.({
    builds,
    totalBuilds: generator.buildCount,
    lines: truth.counts.lines,
    elapsedMs: Date.now() - started,
  });
  const elapsedMs = Date.now() - started;
  return { truth, elapsedMs, linesPerSecond: Math.round((truth.counts.lines * 1000) / Math.max(1, elapsedMs)) };
}

/**
 * Deletes the indices and templates of a prefix (tests and `--replace`): `<prefix>*` and, unless
 * `subunitPrefix` is null, `<subunitPrefix>*` (default `defaultSubunitPrefix(prefix)`).
 */
export async function deleteGeneratedData(
  engine: EngineClient,
  prefix: string,
  subunitPrefix: string | null = defaultSubunitPrefix(prefix),
): Promise<void> {
  for (const p of subunitPrefix === null ? [prefix] : [prefix, subunitPrefix]) {
    if (!p || p === '*' || !/^[a-z0-9][a-z0-9._-]*$/.test(p))
      throw new Error(`refusing to delete indices for prefix "${p}"`);
    await engine.request({
      method: 'DELETE',
      path: `/${encodeURIComponent(p)}*`,
      querystring: { ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'open,closed' },
    });
    try {
      await engine.request({ method: 'DELETE', path: `/_index_template/${encodeURIComponent(logTemplateName(p))}` });
    } catch (error) {
      if (!(error instanceof EngineRequestError && error.statusCode === 404)) throw error;
    }
  }
}
