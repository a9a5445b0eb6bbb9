/*
 * A short-lived cache of answers that every request with the same signature set, window and filters
 * gets alike (failure rates, uncategorized failures, the signature list's hit counts): under 50 users
 * the pages asked the engine the same aggregations again and again (README "Performance").
 *
 * - Key: the answer's kind, the user (the engine applies each user's own index permissions, so one
 *   user's answer is never handed to another), a hash of the signatures as compiled (an edited, added
 *   or removed signature is a new key) and the resolved window and filters (a new window is a new key).
 * - Expiry: ANSWER_CACHE_TTL_MS by the injected clock (tests move it; the plugin passes Date.now).
 * - Requests arriving while the same answer is being computed wait for that computation; a failed
 *   computation is not kept.
 */
import { createHash } from 'crypto';
import { ANSWER_CACHE_MAX_ENTRIES, ANSWER_CACHE_TTL_MS } from '../../common/constants';
import type { CompiledSignature } from './signatures/compile';

export interface AnswerCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export class AnswerCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  readonly now: () => number;
  /** Answers served from the cache (or from a computation in flight) and answers computed. */
  readonly stats = { hits: 0, misses: 0 };

  constructor(options: AnswerCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? ANSWER_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? ANSWER_CACHE_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
  }

  /** The answer for `key`: kept if younger than the TTL, else computed by `compute` (and kept). */
  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.now();
    const kept = this.entries.get(key);
    if (kept && now - kept.at < this.ttlMs) {
      this.stats.hits++;
      return kept.value as Promise<T>;
    }
    this.stats.misses++;
    const value = compute();
    const entry = { at: now, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // the oldest first: expired entries and, past the bound, the least recently computed
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && now - e.at < this.ttlMs) break;
      this.entries.delete(k);
    }
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** What a signature set's answers depend on: every signature as stored and its engine query. */
export function signatureSetHash(compiled: CompiledSignature[]): string {
  const h = createHash('sha1');
  for (const c of compiled) h.update(JSON.stringify([c.signature, c.query])).update('\n');
  return h.digest('hex');
}

/** The cache key of one answer. */
export function answerKey(kind: string, user: string, compiled: CompiledSignature[], params: unknown): string {
  return `${kind}\n${user}\n${signatureSetHash(compiled)}\n${JSON.stringify(params)}`;
}

/** The answer from `cache` when the route has one, else computed. */
export function sharedAnswer<T>(
  cache: AnswerCache | undefined,
  key: { kind: string; user: string; compiled: CompiledSignature[]; params: unknown },
  compute: () => Promise<T>,
): Promise<T> {
  return cache ? cache.get(answerKey(key.kind, key.user, key.compiled, key.params), compute) : compute();
}
