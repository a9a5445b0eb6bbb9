/*
 * The bug data cache: one document per bug (`bug:<tracker>:<id>`, kind `bug`) in the state index,
 * refreshed by the background pass (refreshBugs) and read by the routes and the reports.
 *
 * Freshness: a bug the tracker answered for (ok, private, missing) is asked again after `maxAge`; an
 * unreachable tracker is retried with exponential backoff (`retryInitial` doubling up to `retryMax`, or
 * the tracker's Retry-After), keeping the data of the last good answer, and the rest of that tracker's
 * bugs wait for the next pass. At most `concurrency` requests are in flight, `batchSize` bugs per pass.
 */
import { bugKey, BugInfo, unknownBug } from '../../../common/api/bugs';
import type { BugRef, Signature } from '../../../common/signature/types';
import { EngineClient, EngineRequestError, search } from '../../../lib/engine_client';
import { ensureIndex, STATE_MAPPINGS } from '../background/store';
import { fetchBug, TrackerError, TrackersConfig } from './trackers';

export interface BugCacheConfig extends TrackersConfig {
  maxAgeMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  concurrency: number;
  batchSize: number;
}

export interface RefreshSummary {
  due: number;
  fetched: number;
  failed: number;
  /** Left for a later pass (batch full, or their tracker was unreachable in this pass). */
  deferred: number;
}

const docId = (key: string) => `bug:${key}`;

type BugDoc = BugInfo & { kind: 'bug'; updatedAt: string };

/** Every cached bug, keyed by `tracker:id`. */
export async function readBugCache(engine: EngineClient, stateIndex: string): Promise<Map<string, BugInfo>> {
  const res = await search<BugDoc>(
    engine,
    stateIndex,
    { size: 10000, query: { term: { kind: 'bug' } } },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  const out = new Map<string, BugInfo>();
  for (const h of res.hits.hits as any[]) {
    const { kind: _k, updatedAt: _u, ...info } = h._source as BugDoc;
    out.set(bugKey(info), info);
  }
  return out;
}

/** The bug data of each signature (a placeholder `pending` entry for bugs not fetched yet). */
export function bugsOf(signatures: Signature[], cache: Map<string, BugInfo>): Map<string, BugInfo> {
  const out = new Map<string, BugInfo>();
  for (const s of signatures) out.set(s.id, cache.get(bugKey(s.bug)) ?? unknownBug(s.bug));
  return out;
}

export function backoff(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempts - 1));
}

/** Runs `work` over the items with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function refreshBugs(
  engine: EngineClient,
  stateIndex: string,
  config: BugCacheConfig,
  refs: BugRef[],
  now: () => number,
): Promise<RefreshSummary> {
  await ensureIndex(engine, stateIndex, STATE_MAPPINGS);
  const cache = await readBugCache(engine, stateIndex);
  const unique = new Map<string, BugRef>();
  for (const r of refs) unique.set(bugKey(r), r);
  const start = now();
  const due = [...unique.entries()]
    .filter(([key]) => {
      const c = cache.get(key);
      return !c || !c.nextFetchAt || Date.parse(c.nextFetchAt) <= start;
    })
    .sort(([a], [b]) => (cache.get(a)?.nextFetchAt ?? '').localeCompare(cache.get(b)?.nextFetchAt ?? ''));
  const batch = due.slice(0, config.batchSize);
  const summary: RefreshSummary = { due: due.length, fetched: 0, failed: 0, deferred: due.length - batch.length };
  const down = new Set<string>();

  await pool(batch, config.concurrency, async ([key, ref]) => {
    if (down.has(ref.tracker)) {
      summary.deferred++;
      return;
    }
    const previous = cache.get(key);
    const base: BugInfo = { ...(previous ?? unknownBug(ref)), url: ref.url };
    let next: BugInfo;
    try {
      const fetching = fetchBug(ref, config);
      if (!fetching) {
        next = { ...unknownBug(ref, 'unsupported'), nextFetchAt: new Date(now() + config.maxAgeMs).toISOString() };
      } else {
        const got = await fetching;
        const at = new Date(now()).toISOString();
        next = {
          ...base,
          fixedAt: undefined,
          ...got,
          error: undefined,
          attempts: 0,
          fetchedAt: at,
          nextFetchAt: new Date(now() + config.maxAgeMs).toISOString(),
        };
        summary.fetched++;
      }
    } catch (error) {
      const at = now();
      if (error instanceof TrackerError && error.kind !== 'unreachable') {
        next = {
          ...unknownBug(ref, error.kind),
          attempts: 0,
          error: error.message,
          fetchedAt: new Date(at).toISOString(),
          nextFetchAt: new Date(at + config.maxAgeMs).toISOString(),
        };
        summary.fetched++;
      } else {
        const attempts = (previous?.attempts ?? 0) + 1;
        const wait =
          error instanceof TrackerError && error.retryAfterMs
            ? error.retryAfterMs
            : backoff(attempts, config.retryInitialMs, config.retryMaxMs);
        const message = error instanceof Error ? error.message : String(error);
        // keep what the tracker said last time; without it the bug shows as unreachable
        next = {
          ...base,
          availability:
            previous && previous.availability !== 'pending' && previous.availability !== 'unreachable'
              ? previous.availability
              : 'unreachable',
          attempts,
          error: message,
          nextFetchAt: new Date(at + wait).toISOString(),
        };
        summary.failed++;
        down.add(ref.tracker);
      }
    }
    next.statusSince =
      previous && previous.status === next.status && previous.statusSince
        ? previous.statusSince
        : new Date(now()).toISOString();
    const doc: BugDoc = { ...next, kind: 'bug', updatedAt: new Date(now()).toISOString() };
    await engine.request({
      method: 'PUT',
      path: `/${encodeURIComponent(stateIndex)}/_doc/${encodeURIComponent(docId(key))}`,
      body: JSON.parse(JSON.stringify(doc)),
    });
  });
  await engine.request({ method: 'POST', path: `/${encodeURIComponent(stateIndex)}/_refresh` }).catch((e) => {
    if (!(e instanceof EngineRequestError && e.statusCode === 404)) throw e;
  });
  return summary;
}
