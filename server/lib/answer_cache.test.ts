/* The answer cache (answer_cache.ts): shared by identical requests, new for an edited signature or another window, expiring by the injected clock. */
import { sig } from '../../test/fixtures/signatures';
import { AnswerCache, answerKey } from './answer_cache';
import { compileSignatures } from './signatures/compile';

const TTL = 60_000;

function setup() {
  let clock = 1_000_000;
  const cache = new AnswerCache({ ttlMs: TTL, now: () => clock });
  let computed = 0;
  const compute = () => Promise.resolve({ answer: ++computed });
  return { cache, compute, computed: () => computed, advance: (ms: number) => void (clock += ms) };
}

const stored = [sig('1', 'message:"disk full"'), sig('2', 'message:"timed out"')];
const window = { windowMs: 864e5, end: 2_000_000 };

describe('AnswerCache', () => {
  it('serves a second identical request from the cache', async () => {
    const { cache, compute, computed } = setup();
    const key = answerKey('rates', 'reader', compileSignatures(stored), window);
    const first = await cache.get(key, compute);
    // the same signatures compiled again (as the next request does) give the same key
    const again = await cache.get(answerKey('rates', 'reader', compileSignatures(stored), { ...window }), compute);
    expect(again).toBe(first);
    expect(computed()).toBe(1);
    expect(cache.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('computes again for an edited signature, another window, another kind or another user', async () => {
    const { cache, compute, computed } = setup();
    await cache.get(answerKey('rates', 'reader', compileSignatures(stored), window), compute);
    const edited = [stored[0], { ...stored[1], query: 'message:"timed out" AND tags:"console"' }];
    await cache.get(answerKey('rates', 'reader', compileSignatures(edited), window), compute);
    await cache.get(answerKey('rates', 'reader', compileSignatures(stored.slice(1)), window), compute);
    await cache.get(answerKey('rates', 'reader', compileSignatures(stored), { ...window, end: 2_060_000 }), compute);
    await cache.get(answerKey('uncategorized', 'reader', compileSignatures(stored), window), compute);
    await cache.get(answerKey('rates', 'writer', compileSignatures(stored), window), compute);
    expect(computed()).toBe(6);
    expect(cache.stats.hits).toBe(0);
  });

  it('expires by the injected clock, not the wall clock', async () => {
    const { cache, compute, computed, advance } = setup();
    const key = answerKey('hits', 'reader', compileSignatures(stored), window);
    expect(await cache.get(key, compute)).toEqual({ answer: 1 });
    advance(TTL - 1);
    expect(await cache.get(key, compute)).toEqual({ answer: 1 });
    advance(1);
    expect(await cache.get(key, compute)).toEqual({ answer: 2 });
    expect(computed()).toBe(2);
  });

  it('lets concurrent identical requests share one computation, and keeps no failure', async () => {
    const { cache } = setup();
    let release!: (v: string) => void;
    let calls = 0;
    const slow = () => {
      calls++;
      return new Promise<string>((r) => (release = r));
    };
    const a = cache.get('k', slow);
    const b = cache.get('k', slow);
    release('done');
    expect(await Promise.all([a, b])).toEqual(['done', 'done']);
    expect(calls).toBe(1);
    await expect(cache.get('failing', () => Promise.reject(new Error('engine down')))).rejects.toThrow('engine down');
    expect(await cache.get('failing', () => Promise.resolve('recovered'))).toBe('recovered');
  });

  it('keeps at most maxEntries answers, dropping the oldest', async () => {
    const cache = new AnswerCache({ ttlMs: TTL, maxEntries: 2, now: () => 0 });
    let n = 0;
    const compute = () => Promise.resolve(++n);
    await cache.get('a', compute);
    await cache.get('b', compute);
    await cache.get('c', compute);
    expect(cache.size).toBe(2);
    expect(await cache.get('c', compute)).toBe(3);
    expect(await cache.get('a', compute)).toBe(4);
  });
});
