/*
 * Hits of every signature in a window, with the time of the last hit, in one request (a filters
 * aggregation): what the signature list shows, and what "stale" (no hit in the window) means.
 */
import { LOG_FIELDS } from '../../common/log_fields';
import { BatchOptions, batchSizeOf, chunks, MAX_CONCURRENT_BATCHES, mapBounded } from './batches';
import { EngineClient, search } from '../../lib/engine_client';
import type { CompiledSignature } from './signatures/compile';

export interface SignatureHits {
  hits: number;
  lastHit?: string;
}

export async function signatureHits(
  engine: EngineClient,
  compiled: CompiledSignature[],
  index: string,
  start: number,
  end: number,
  batch: BatchOptions = {},
): Promise<Record<string, SignatureHits>> {
  if (!compiled.length) return {};
  // at most batchSize filters per request, a few requests at a time (batches.ts)
  const answers = await mapBounded(
    chunks(compiled, batchSizeOf(batch)),
    batch.concurrency ?? MAX_CONCURRENT_BATCHES,
    (part) => {
      const filters: Record<string, object> = {};
      for (const c of part) filters[c.signature.id] = c.query;
      return search(
        engine,
        index,
        {
          size: 0,
          query: { range: { [LOG_FIELDS.timestamp]: { gte: start, lt: end, format: 'epoch_millis' } } },
          aggs: { signatures: { filters: { filters }, aggs: { last: { max: { field: LOG_FIELDS.timestamp } } } } },
        },
        { ignore_unavailable: true, allow_no_indices: true },
      );
    },
  );
  const buckets = Object.assign({}, ...answers.map((res) => res.aggregations?.signatures?.buckets ?? {})) as Record<
    string,
    any
  >;
  const out: Record<string, SignatureHits> = {};
  for (const c of compiled) {
    const b = buckets[c.signature.id];
    out[c.signature.id] = {
      hits: b?.doc_count ?? 0,
      ...(b?.last?.value_as_string ? { lastHit: b.last.value_as_string } : {}),
    };
  }
  return out;
}
