/*
 * A signature as the query core runs it: the signature plus the engine query that selects its log
 * lines, decided by `signatureEngineQuery` (common/query/build.ts: old-schema fields translated, the
 * implied `voting:1` unless allow-nonvoting, and the scope). Every core function takes compiled
 * signatures so that one compilation serves a whole request.
 *
 * Compiled once per signature version: the result is cached per id, keyed by what the engine query
 * depends on (query text, allow-nonvoting, scope), so a request with unchanged signatures compiles
 * nothing and an edited one is compiled again. Anchor tokens are only used by failure rates and cost
 * far more than the query (issue 12: 65-280 ms against 0.4-2 ms for 875 signatures), so they are
 * computed on first read and then kept with the cached entry.
 */
import type { Signature } from '../../../common/signature/types';
import { signatureEngineQuery } from '../../../common/query/build';
import type { LegacyRewrite } from '../../../common/query/legacy';
import { anchorPlan, AnchorPlan, chooseAnchors } from './anchors';

export interface CompiledSignature {
  signature: Signature;
  /** Engine query DSL selecting the log lines this signature matches (voting and scope included). */
  query: object;
  /** The Lucene text that runs, when old-schema rewrites changed the author's text. */
  translated?: string;
  /** The old-schema rewrites behind `translated`. */
  rewrites?: LegacyRewrite[];
  /**
   * `message` tokens of which every matching line holds one (signatures/anchors.ts); set only when the
   * query is the signature's own Lucene text (the default builder), null when it cannot be anchored.
   * Computed on first read.
   */
  readonly anchors?: string[] | null;
  /** The choices behind `anchors`, for picking the rarest tokens with engine statistics (computed on first read). */
  readonly anchorPlan?: AnchorPlan | null;
  /** The Lucene text `anchorPlan` is made from (set with it; failure rates plan again with the engine's analysis). */
  readonly anchorText?: string;
}

export type SignatureQueryBuilder = (sig: Signature) => object;

/** Compilations done by this process (tests read it to check that unchanged signatures are not compiled again). */
export const compileStats = { queries: 0, anchorPlans: 0 };

/** Most cached entries; beyond it the cache starts over (ids of deleted signatures would otherwise stay). */
export const MAX_COMPILE_CACHE = 100_000;

interface CacheEntry {
  key: string;
  query: object;
  translated?: { translated: string; rewrites: LegacyRewrite[] };
  text: string;
  plan?: { plan: AnchorPlan | null; anchors: string[] | null };
}

const cache = new Map<string, CacheEntry>();

/** Empties the cache (tests). */
export function clearCompileCache(): void {
  cache.clear();
}

const versionKey = (s: Signature) => JSON.stringify([s.query, s.allowNonvoting, s.scope ?? null]);

function entryFor(signature: Signature): CacheEntry {
  const key = versionKey(signature);
  const hit = cache.get(signature.id);
  if (hit && hit.key === key) return hit;
  compileStats.queries++;
  const engineQuery = signatureEngineQuery(signature);
  const entry: CacheEntry = {
    key,
    query: engineQuery.query,
    text: engineQuery.text,
    ...(engineQuery.rewrites.length
      ? { translated: { translated: engineQuery.text, rewrites: engineQuery.rewrites } }
      : {}),
  };
  if (cache.size >= MAX_COMPILE_CACHE && !hit) cache.clear();
  cache.set(signature.id, entry);
  return entry;
}

function planOf(entry: CacheEntry): { plan: AnchorPlan | null; anchors: string[] | null } {
  if (!entry.plan) {
    compileStats.anchorPlans++;
    const plan = anchorPlan(entry.text);
    entry.plan = { plan, anchors: plan ? chooseAnchors(plan).tokens : null };
  }
  return entry.plan;
}

export function compileSignatures(signatures: Signature[], build?: SignatureQueryBuilder): CompiledSignature[] {
  const seen = new Set<string>();
  return signatures.map((signature) => {
    if (seen.has(signature.id)) throw new Error(`duplicate signature id "${signature.id}"`);
    seen.add(signature.id);
    const entry = entryFor(signature);
    const query = build ? build(signature) : entry.query;
    // anchors are only sound for the signature's own query (a custom builder may select anything)
    if (query !== entry.query && JSON.stringify(query) !== JSON.stringify(entry.query)) return { signature, query };
    const compiled = { signature, query, ...entry.translated };
    Object.defineProperties(compiled, {
      anchors: { enumerable: true, get: () => planOf(entry).anchors },
      anchorPlan: { enumerable: true, get: () => planOf(entry).plan },
      anchorText: { enumerable: false, value: entry.text },
    });
    return compiled as CompiledSignature;
  });
}
