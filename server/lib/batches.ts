/*
 * Bounded batches for requests that carry one filter per signature (failure rates, classification's
 * filters aggregation, the success/overlap breakdown behind the editor preview).
 *
 * Why a bound: the engine builds every filter of a `filters` aggregation (and its sub-aggregations)
 * on every segment of every shard searched, and holds the whole request and its answer in memory at
 * once. With 10,000 signatures in one request an engine with a 2 GB heap answered 429
 * `circuit_breaking_exception` (parent breaker) on 200,000 lines and `search_phase_execution_exception`
 * on 2M lines (README "Performance", issue 16). Splitting by signature is exact: each signature's
 * result comes from its own filter, so merging the batches' answers gives what one request would.
 *
 * Why bounded concurrency: batches sent all at once would put the same load on the engine as one
 * request; a few at a time keep the engine's memory bounded while still overlapping round trips.
 *
 * When a batch is still too big for the engine at hand (more buckets than its `search.max_buckets`,
 * a tripped circuit breaker, a 429), `mapSplitting` halves it and runs the halves, down to a single
 * signature: the answer stays exact and only the number of requests grows.
 */

/**
 * Most signatures (filters) in one engine request body. 500 keeps a request at the size measured
 * to be comfortable for a 2 GB heap (1,000 signatures in one request ran in the README's table);
 * the engine's default `indices.query.bool.max_clause_count` (1,024) is not involved: each filter is
 * its own query.
 */
export const MAX_SIGNATURES_PER_REQUEST = 500;

/** Batches in flight at once (per call). */
export const MAX_CONCURRENT_BATCHES = 2;

export interface BatchOptions {
  /** Most signatures per request (default MAX_SIGNATURES_PER_REQUEST; tests and benchmarks set it). */
  batchSize?: number;
  /** Requests in flight at once (default MAX_CONCURRENT_BATCHES). */
  concurrency?: number;
  /** Told each time a batch of `size` items was too big for the engine and is run as two halves. */
  onSplit?: (size: number, error: unknown) => void;
}

/** Engine error types that say the request was too big, not wrong: a smaller one can succeed. */
export const SIZE_FAILURE_TYPES: readonly string[] = ['too_many_buckets_exception', 'circuit_breaking_exception'];

/**
 * True when an engine failure is about the request's size: status 429 or one of SIZE_FAILURE_TYPES
 * anywhere in the error (the engine nests the cause in `caused_by`, `root_cause` and `failed_shards`;
 * our errors carry the engine's error as `cause` or `body`).
 */
export function isSizeFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 8) return false;
  const e = error as Record<string, any>;
  if (e.statusCode === 429 || e.status === 429) return true;
  if (typeof e.type === 'string' && SIZE_FAILURE_TYPES.includes(e.type)) return true;
  const nested = [
    e.cause,
    e.body,
    e.error,
    e.caused_by,
    e.reason,
    ...(Array.isArray(e.root_cause) ? e.root_cause : []),
    ...(Array.isArray(e.failed_shards) ? e.failed_shards : []),
  ];
  return nested.some((x) => isSizeFailure(x, depth + 1));
}

/** The two halves of a batch of more than one item (none for one item). */
export function halves<T>(items: T[]): [T[], T[]] | undefined {
  if (items.length < 2) return undefined;
  const mid = Math.ceil(items.length / 2);
  return [items.slice(0, mid), items.slice(mid)];
}

export function batchSizeOf(options: BatchOptions = {}): number {
  const n = options.batchSize ?? MAX_SIGNATURES_PER_REQUEST;
  if (!(n >= 1)) throw new Error(`batchSize must be at least 1, got ${n}`);
  return n;
}

/** Consecutive slices of at most `size` items (none for no items). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Packs weighted items, in order, into batches whose weights sum to at most `limit` (an item heavier
 * than the limit goes alone; callers split those first).
 */
export function pack<T>(items: T[], weight: (item: T) => number, limit: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let sum = 0;
  for (const item of items) {
    const w = weight(item);
    if (current.length && sum + w > limit) {
      out.push(current);
      current = [];
      sum = 0;
    }
    current.push(item);
    sum += w;
  }
  if (current.length) out.push(current);
  return out;
}

/** `fn` over every item with at most `concurrency` calls in flight; results in the items' order. */
export async function mapBounded<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (error) {
        failed = true; // no new batches once one failed
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/**
 * `fn` over every batch as mapBounded does, but a batch that fails for its size (isSizeFailure) is
 * halved (`halve`, default: its items in two) and the halves run in its place, recursively. Results
 * come in the batches' order, one per request that succeeded; `first` is true for the first request
 * of the first batch only (for what rides along once).
 */
export async function mapSplitting<B, R>(
  batches: B[],
  options: Pick<BatchOptions, 'concurrency' | 'onSplit'>,
  fn: (batch: B, first: boolean) => Promise<R>,
  halve: (batch: B) => [B, B] | undefined = halves as any,
): Promise<R[]> {
  const run = async (batch: B, first: boolean): Promise<R[]> => {
    try {
      return [await fn(batch, first)];
    } catch (error) {
      const parts = isSizeFailure(error) ? halve(batch) : undefined;
      if (!parts) throw error;
      options.onSplit?.(sizeOf(batch), error);
      return [...(await run(parts[0], first)), ...(await run(parts[1], false))];
    }
  };
  const nested = await mapBounded(batches, options.concurrency ?? MAX_CONCURRENT_BATCHES, (b, i) => run(b, i === 0));
  return nested.flat();
}

const sizeOf = (batch: unknown) => (Array.isArray(batch) ? batch.length : 1);
