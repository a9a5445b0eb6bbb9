/*
 * The editor's live preview of a signature that is not saved yet (common/api/preview.ts): hits over
 * time by build status, newest sample lines, hits on successful builds, overlap with the saved
 * signatures. Three independent engine requests run at the same time over one window: the rates
 * aggregation, the samples, and the draft's builds by status (the success check); then the overlap:
 * the stored signatures over the draft's builds only, and the whole-window builds of those that share
 * one (withOverlapping; in batches of signatures for a large set, batches.ts).
 */
import type { PreviewRequest, PreviewResponse, PreviewSample } from '../../common/api/preview';
import { lineLink, LOG_FIELDS, readLogDocument } from '../../common/log_fields';
import type { Signature } from '../../common/signature/types';
import type { BatchOptions } from './batches';
import { EngineClient, search } from '../../lib/engine_client';
import { alignWindow, bucketForWindow, type TimeWindow } from '../../common/time_window';
import { DAY_MS, failureRates, HOUR_MS, resolveWindow } from './rates/rates';
import { CompiledSignature, compileSignatures } from './signatures/compile';
import { overlapOf, SignatureBuilds, signatureBuilds, SignatureBuildsOptions, successChecks } from './success/success';

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
  const [rates, samplesRes, draftBuilds] = await Promise.all([
    failureRates(engine, [compiledDraft], { index: options.index, windowMs, bucketMs, end, includeSuppressed: true }),
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
    signatureBuilds(engine, [compiledDraft], window),
  ]);
  const builds = await withOverlapping(engine, draftBuilds, compiledOthers, window);
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

/**
 * The draft's builds plus every stored signature that shares one of them, with all of that signature's
 * builds (for its share and the Jaccard index): overlapOf gives what it would give over all signatures.
 * The stored signatures are first run only over the lines of the draft's builds (few), and only those
 * found there are counted over the whole window, instead of every stored signature over every line.
 */
async function withOverlapping(
  engine: EngineClient,
  draft: SignatureBuilds,
  others: CompiledSignature[],
  options: SignatureBuildsOptions,
): Promise<SignatureBuilds> {
  const uuids = [...(draft.builds.get(PREVIEW_ID)?.keys() ?? [])];
  if (uuids.length === 0 || others.length === 0) return draft;
  const within = await signatureBuilds(engine, others, { ...options, buildUuids: uuids });
  const sharing = others.filter((c) => (within.builds.get(c.signature.id)?.size ?? 0) > 0);
  if (sharing.length === 0) return { builds: draft.builds, took: draft.took + within.took };
  const theirs = await signatureBuilds(engine, sharing, options);
  return {
    builds: new Map([...draft.builds, ...theirs.builds]),
    took: draft.took + within.took + theirs.took,
  };
}
