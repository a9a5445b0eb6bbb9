/*
 * The editor's live preview of a signature that is not saved yet (common/api/preview.ts): hits over
 * time by build status, newest sample lines, hits on successful builds, overlap with the saved
 * signatures. Three independent engine requests run at the same time over one window: the rates
 * aggregation, the samples, and the draft's builds by status (the success check); then the overlap:
 * only the stored signatures that can match a line of the draft's builds, over those lines on the
 * indices that hold them, and the whole-window builds of those that share one (withOverlapping; in
 * batches of signatures for a large set, batches.ts).
 */
import type { PreviewRequest, PreviewResponse, PreviewSample } from '../../common/api/preview';
import { lineLink, LOG_FIELDS, readLogDocument } from '../../common/log_fields';
import type { Signature } from '../../common/signature/types';
import type { BatchOptions } from './batches';
import { EngineClient, search } from '../../lib/engine_client';
import { alignWindow, bucketForWindow, type TimeWindow } from '../../common/time_window';
import { absentTokens, DAY_MS, failureRates, HOUR_MS, resolveWindow } from './rates/rates';
import { DEFAULT_LOG_INDEX_PATTERN } from '../../common/constants';
import { performance } from 'perf_hooks';
import { CompiledSignature, compileSignatures } from './signatures/compile';
import {
  overlapOf,
  SignatureBuilds,
  signatureBuilds,
  signatureBuildsFilter,
  SignatureBuildsOptions,
  successChecks,
} from './success/success';

export const PREVIEW_ID = '__preview__';

export function draftSignature(req: PreviewRequest): Signature {
  return {
    id: PREVIEW_ID,
    bug: { tracker: 'launchpad', id: '0', url: '' },
    query: req.query,
    allowNonvoting: req.allowNonvoting ?? false,
    suppressGraph: false,
    suppressNotification: false,
    ...(req.testIds?.length ? { testIds: req.testIds } : {}),
    ...(req.scope ? { scope: req.scope } : {}),
    mode: 'explains',
  };
}

export async function previewSignature(
  engine: EngineClient,
  req: PreviewRequest & { window?: TimeWindow },
  saved: Signature[],
  options: {
    index: string;
    defaultDays: number;
    /** End of the window (default: now, rounded up to the bucket). */
    end?: number;
    /** Told the overlap's steps with their times (benchmarks). */
    profile?: PreviewProfile;
  } & BatchOptions,
): Promise<PreviewResponse> {
  const draft = draftSignature(req);
  const others = saved.filter((s) => s.id !== req.signatureId && s.id !== PREVIEW_ID);
  const [compiledDraft, ...compiledOthers] = compileSignatures([draft, ...others]);
  // a from/to window gets buckets wide enough to see (daily for long windows), as the failure-rate page
  const bucketMs = req.bucketHours
    ? req.bucketHours * HOUR_MS
    : req.window
      ? bucketForWindow(req.window.to - req.window.from)
      : HOUR_MS;
  const asked = req.window
    ? alignWindow(req.window, bucketMs)
    : { windowMs: (req.days ?? options.defaultDays) * DAY_MS, end: options.end };
  const windowMs = asked.windowMs;
  // one window for all three requests, which are independent: they run at the same time
  const { start, end } = resolveWindow({ windowMs, bucketMs, end: asked.end });
  const window = {
    index: options.index,
    end,
    windowMs,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    onSplit: options.onSplit,
  };
  const profiled = <T extends { took?: number }>(step: string, p: Promise<T>) => profiledStep(options.profile, step, p);
  const [rates, samplesRes, draftBuilds] = await Promise.all([
    profiled(
      'draft rates',
      failureRates(engine, [compiledDraft], {
        index: options.index,
        windowMs,
        bucketMs,
        end,
        includeSuppressed: true,
        // one signature: a dormant-token look-up first would only add a round trip
        skipAbsent: false,
      }),
    ),
    profiled(
      'draft samples',
      search(
        engine,
        options.index,
        {
          size: req.samples ?? 10,
          query: {
            bool: {
              filter: [
                compiledDraft.query,
                { range: { [LOG_FIELDS.timestamp]: { gte: start, lt: end, format: 'epoch_millis' } } },
              ],
            },
          },
          sort: [{ [LOG_FIELDS.timestamp]: 'desc' }],
        },
        { ignore_unavailable: true, allow_no_indices: true },
      ),
    ),
    profiled('draft builds', signatureBuilds(engine, [compiledDraft], window)),
  ]);
  const builds = await withOverlapping(engine, draftBuilds, compiledOthers, window, options.profile);
  const rate = rates.signatures[0];
  const samples: PreviewSample[] = samplesRes.hits.hits.map((h) => {
    const doc = readLogDocument(h._source);
    return {
      file: doc.filename!,
      line: doc.message!,
      timestamp: doc.timestamp!,
      link: lineLink(doc),
      uuid: doc.buildUuid!,
      job: doc.buildName!,
      status: doc.buildStatus!,
      ...(doc.project ? { project: doc.project } : {}),
    };
  });
  const success = successChecks(builds).find((c) => c.signatureId === PREVIEW_ID)!;
  return {
    start: rates.start,
    end: rates.end,
    bucketMs: rates.bucketMs,
    hits: rate?.hits ?? 0,
    series: rate?.series ?? [],
    buildsByStatus: rate?.buildsByStatus ?? {},
    samples,
    success,
    // with the other signature's title, so the editor can name what it overlaps
    overlap: overlapOf(builds, PREVIEW_ID).overlaps.map((o) => {
      const title = others.find((s) => s.id === o.signatureId)?.title;
      return title ? { ...o, title } : o;
    }),
    took: rates.took + (samplesRes.took ?? 0) + builds.took,
  };
}

/** Steps of the preview's overlap, with their wall-clock and engine time (the bench prints them). */
export type PreviewProfile = (step: string, wallMs: number, tookMs: number) => void;

/** One step's answer, its wall-clock and engine time told to `profile`. */
async function profiledStep<T extends { took?: number }>(
  profile: PreviewProfile | undefined,
  step: string,
  work: Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  const r = await work;
  profile?.(step, performance.now() - t0, r.took ?? 0);
  return r;
}

/** Past this many indices the overlap searches the window's pattern instead of naming them. */
const MAX_NAMED_INDICES = 100;

/**
 * The draft's builds plus every stored signature that shares one of them, with all of that signature's
 * builds (for its share and the Jaccard index): overlapOf gives what it would give over all signatures.
 * A filter per stored signature is set up on every segment searched, so the stored signatures are
 * first narrowed where that is cheap and exact:
 *  1. the indices that hold the draft's builds' lines (one small aggregation on `_index`);
 *  2. the stored signatures that can match a line there: a signature whose anchor tokens (every line it
 *     matches holds one, signatures/anchors.ts) are all absent from the draft's builds' lines is skipped
 *     (absentTokens, `fewLines`: a term filter per token, cheap to set up); one without anchors is always kept (checking
 *     every token a query needs skipped more signatures but cost more than it saved: README);
 *  3. those over the draft's builds' lines, on those indices only;
 *  4. the ones found there (few) over the whole window: which builds only (overlapOf needs no status).
 */
async function withOverlapping(
  engine: EngineClient,
  draft: SignatureBuilds,
  others: CompiledSignature[],
  options: SignatureBuildsOptions,
  profile?: PreviewProfile,
): Promise<SignatureBuilds> {
  const uuids = [...(draft.builds.get(PREVIEW_ID)?.keys() ?? [])];
  if (uuids.length === 0 || others.length === 0) return draft;
  const index = options.index ?? DEFAULT_LOG_INDEX_PATTERN;
  // the lines of the draft's builds, as signatureBuilds selects them below
  const filter = signatureBuildsFilter({ ...options, buildUuids: uuids });
  let took = draft.took;
  const timed = async <T extends { took?: number }>(step: string, fn: () => Promise<T>): Promise<T> => {
    const r = await profiledStep(profile, step, fn());
    took += r.took ?? 0;
    return r;
  };
  const where = await timed('indices of the draft builds', () =>
    search(
      engine,
      index,
      {
        size: 0,
        track_total_hits: false,
        query: { bool: { filter } },
        aggs: { indices: { terms: { field: '_index', size: MAX_NAMED_INDICES + 1 } } },
      },
      { ignore_unavailable: true, allow_no_indices: true },
    ),
  );
  const names: string[] = (where.aggregations?.indices?.buckets ?? []).map((b: { key: string }) => b.key);
  if (names.length === 0) return { builds: draft.builds, took };
  const narrowed = names.length <= MAX_NAMED_INDICES ? names.join(',') : index;
  const tokens = [...new Set(others.flatMap((c) => c.anchors ?? []))];
  const absent = await timed('stored signatures possible there (absent anchor tokens)', async () => {
    const t0 = performance.now();
    const set = await absentTokens(engine, narrowed, tokens, filter, undefined, { ...options, fewLines: true });
    return { set, took: Math.round(performance.now() - t0) };
  });
  const possible = others.filter((c) => !c.anchors?.length || c.anchors.some((t) => !absent.set.has(t)));
  if (possible.length === 0) return { builds: draft.builds, took };
  const within = await timed(`${possible.length} of ${others.length} stored signatures over the draft builds`, () =>
    signatureBuilds(engine, possible, { ...options, index: narrowed, buildUuids: uuids }),
  );
  const sharing = possible.filter((c) => (within.builds.get(c.signature.id)?.size ?? 0) > 0);
  if (sharing.length === 0) return { builds: draft.builds, took };
  const theirs = await timed(`${sharing.length} sharing stored signatures over the window`, () =>
    signatureBuilds(engine, sharing, { ...options, buildsOnly: true }),
  );
  return { builds: new Map([...draft.builds, ...theirs.builds]), took };
}
