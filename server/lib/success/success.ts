/*
 * Success check (elastic-recheck-success and its README rule "< 10 % hits on SUCCESS builds", which
 * ER left to people) and overlap (which other signatures match the same builds). Both come from one
 * aggregation: per signature, every matched build with its status (multi_terms, exact, refused when a
 * signature has more than `maxBuildsPerSignature` builds).
 */
import type { OverlapResult, SuccessCheck } from '../../../common/api/success';
import type { RatesFilters } from '../../../common/api/rates';
import { DEFAULT_LOG_INDEX_PATTERN } from '../../../common/constants';
import { LOG_FIELDS } from '../../../common/log_fields';
import { EngineClient, search } from '../../../lib/engine_client';
import type { CompiledSignature } from '../signatures/compile';
import { buildTerms } from '../build_terms';
import { BatchOptions, batchSizeOf, chunks, mapSplitting } from '../batches';
import { DAY_MS, IncompleteCountError, isFailedStatus, windowFilter } from '../rates/rates';

export const SUCCESS_WARNING_THRESHOLD = 0.1;

export interface SignatureBuildsOptions extends RatesFilters {
  index?: string;
  end?: number;
  windowMs?: number;
  maxBuildsPerSignature?: number;
  /** Only lines of these builds (the preview's overlap: the other signatures within the draft's builds). */
  buildUuids?: string[];
  /**
   * Only which builds (status left ''), for the overlap of other signatures: a `terms` on the build
   * uuid instead of `multi_terms` with the status, about twice as fast over many lines.
   */
  buildsOnly?: boolean;
  /** Most signatures per engine request, requests in flight, split notices (batches.ts). */
  batchSize?: number;
  concurrency?: number;
  onSplit?: BatchOptions['onSplit'];
}

export interface SignatureBuilds {
  /** uuid -> { status, hits } per signature id. */
  builds: Map<string, Map<string, { status: string; hits: number }>>;
  took: number;
}

/** The lines signatureBuilds looks at: the window (default the last 10 days) and its filters, and only `buildUuids`' builds when given. */
export function signatureBuildsFilter(options: SignatureBuildsOptions): object[] {
  const end = options.end ?? Date.now();
  return [
    ...windowFilter(end - (options.windowMs ?? 10 * DAY_MS), end, options),
    ...(options.buildUuids ? [{ terms: { [LOG_FIELDS.buildUuid]: options.buildUuids } }] : []),
  ];
}

/** Every signature's builds: batches of at most `batchSize` signatures, a few at a time (batches.ts), merged. */
export async function signatureBuilds(
  engine: EngineClient,
  signatures: CompiledSignature[],
  options: SignatureBuildsOptions = {},
): Promise<SignatureBuilds> {
  const limit = options.maxBuildsPerSignature ?? 10000;
  const filter = signatureBuildsFilter(options);
  const answers = await mapSplitting(chunks(signatures, batchSizeOf(options)), options, (part) => {
    const filters: Record<string, object> = {};
    for (const c of part) filters[c.signature.id] = c.query;
    return search(
      engine,
      options.index ?? DEFAULT_LOG_INDEX_PATTERN,
      {
        size: 0,
        track_total_hits: false,
        query: { bool: { filter } },
        aggs: {
          signatures: {
            filters: { filters },
            aggs: {
              builds: options.buildsOnly
                ? { terms: { field: LOG_FIELDS.buildUuid, size: limit, shard_size: limit } }
                : buildTerms([LOG_FIELDS.buildStatus], limit),
            },
          },
        },
      },
      { ignore_unavailable: true, allow_no_indices: true },
    );
  });
  const res = {
    took: answers.reduce((sum, r) => sum + (r.took ?? 0), 0),
    aggregations: {
      signatures: { buckets: Object.assign({}, ...answers.map((r) => r.aggregations?.signatures?.buckets ?? {})) },
    },
  };
  const out = new Map<string, Map<string, { status: string; hits: number }>>();
  const incomplete: string[] = [];
  for (const c of signatures) {
    const bucket = res.aggregations?.signatures?.buckets?.[c.signature.id];
    const m = new Map<string, { status: string; hits: number }>();
    if (bucket) {
      if (bucket.builds.sum_other_doc_count > 0) incomplete.push(c.signature.id);
      for (const b of bucket.builds.buckets)
        m.set(options.buildsOnly ? b.key : b.key[0], { status: options.buildsOnly ? '' : b.key[1], hits: b.doc_count });
    }
    out.set(c.signature.id, m);
  }
  if (incomplete.length) throw new IncompleteCountError(incomplete, limit);
  return { builds: out, took: res.took };
}

export function successChecks(builds: SignatureBuilds, threshold = SUCCESS_WARNING_THRESHOLD): SuccessCheck[] {
  return [...builds.builds.entries()].map(([signatureId, m]) => {
    const hitsByStatus: Record<string, number> = {};
    const buildsByStatus: Record<string, number> = {};
    let failed = 0;
    let success = 0;
    for (const { status, hits } of m.values()) {
      hitsByStatus[status] = (hitsByStatus[status] ?? 0) + hits;
      buildsByStatus[status] = (buildsByStatus[status] ?? 0) + 1;
      if (isFailedStatus(status)) failed++;
      else if (status === 'SUCCESS') success++;
    }
    const decided = failed + success;
    const successShare = decided ? success / decided : null;
    return {
      signatureId,
      hitsByStatus,
      buildsByStatus,
      failedBuilds: failed,
      successBuilds: success,
      precision: decided ? failed / decided : null,
      successShare,
      warning: successShare !== null && successShare > threshold,
    };
  });
}

/** Overlap of one signature's builds with every other signature's (all from the same aggregation). */
export function overlapOf(builds: SignatureBuilds, signatureId: string): OverlapResult {
  const mine = builds.builds.get(signatureId);
  if (!mine) throw new Error(`unknown signature "${signatureId}"`);
  const overlaps = [];
  for (const [other, theirs] of builds.builds) {
    if (other === signatureId) continue;
    let shared = 0;
    for (const uuid of mine.keys()) if (theirs.has(uuid)) shared++;
    if (shared === 0) continue;
    overlaps.push({
      signatureId: other,
      sharedBuilds: shared,
      shareOfOther: shared / theirs.size,
      jaccard: shared / (mine.size + theirs.size - shared),
    });
  }
  overlaps.sort((a, b) => b.sharedBuilds - a.sharedBuilds || (a.signatureId < b.signatureId ? -1 : 1));
  return { signatureId, builds: mine.size, overlaps };
}

export async function successCheck(
  engine: EngineClient,
  signatures: CompiledSignature[],
  options: SignatureBuildsOptions & { threshold?: number } = {},
): Promise<SuccessCheck[]> {
  return successChecks(await signatureBuilds(engine, signatures, options), options.threshold);
}

/** Overlap for `signatureId` against all given signatures (one request). */
export async function signatureOverlap(
  engine: EngineClient,
  signatures: CompiledSignature[],
  signatureId: string,
  options: SignatureBuildsOptions = {},
): Promise<OverlapResult> {
  return overlapOf(await signatureBuilds(engine, signatures, options), signatureId);
}
