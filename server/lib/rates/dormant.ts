/*
 * Dormant signatures: a signature whose query requires a `message` token that no line of the window
 * holds can match nothing there, so requests over many signatures (failure rates, uncategorized)
 * leave it out and give it the empty answer the engine would have given. Most signatures of a real
 * set are old bugs that no longer happen.
 *
 * Required tokens come from the anchor plan (signatures/anchors.ts): every token of a leaf is
 * required, an `all` needs every option, an `any` needs one of its parts. So a signature is dormant
 * when its plan, pruned of absent tokens, is empty: any required token absent suffices, whichever
 * token was chosen as its anchor. Tokens the engine's statistics (the largest index) know occur
 * somewhere and are taken as present; the others are looked up over the window in small aggregations
 * (few lines hold them). Exact by construction; an error only turns the optimization off.
 */
import type { EngineClient } from '../../../lib/engine_client';
import type { CompiledSignature } from '../signatures/compile';
import { AnchorPlan, chooseAnchors, messageDocFrequencies, planTokens } from '../signatures/anchors';
import { BatchOptions, batchSizeOf, chunks, MAX_CONCURRENT_BATCHES, mapBounded } from '../batches';

/** The plan without the parts an absent token rules out; null when nothing is left (dormant). */
export function prunePlan(plan: AnchorPlan, absent: Set<string>): AnchorPlan | null {
  if (plan.kind === 'leaf') return plan.tokens.some((t) => absent.has(t)) ? null : plan;
  if (plan.kind === 'all') {
    const options: AnchorPlan[] = [];
    for (const o of plan.options) {
      const p = prunePlan(o, absent);
      if (!p) return null; // a required clause can match nothing
      options.push(p);
    }
    return { kind: 'all', options };
  }
  const parts = plan.parts.map((p) => prunePlan(p, absent)).filter((p): p is AnchorPlan => p !== null);
  return parts.length === 0 ? null : parts.length === 1 ? parts[0] : { kind: 'any', parts };
}

/**
 * Which of these `message` tokens occur in no line selected by `filter`: small aggregations of at most
 * `batchSize` token filters each (batches.ts), a few at a time.
 */
export async function absentTokens(
  engine: EngineClient,
  index: string,
  tokens: string[],
  filter: object[],
  requestCache?: boolean,
  batch: BatchOptions = {},
): Promise<Set<string>> {
  if (tokens.length === 0) return new Set();
  const buckets: Record<string, { doc_count: number }> = {};
  try {
    await mapBounded(chunks(tokens, batchSizeOf(batch)), batch.concurrency ?? MAX_CONCURRENT_BATCHES, async (part) => {
      const filters: Record<string, object> = {};
      for (const t of part) filters[t] = { term: { message: t } };
      const res = await engine.request<any>({
        method: 'POST',
        path: `/${index}/_search`,
        querystring: {
          ignore_unavailable: true,
          allow_no_indices: true,
          ...(requestCache === false ? { request_cache: false } : {}),
        },
        body: {
          size: 0,
          track_total_hits: false,
          query: { bool: { filter: [...filter, { terms: { message: part } }] } },
          aggs: { tokens: { filters: { filters } } },
        },
      });
      Object.assign(buckets, res.aggregations?.tokens?.buckets ?? {});
    });
  } catch {
    // only an optimization: on any failure nothing is skipped (the main request reports real errors)
    return new Set();
  }
  return new Set(tokens.filter((t) => !(buckets[t]?.doc_count > 0)));
}

export interface LiveSignatures {
  /** The signatures that can match something in the window, in their order. */
  signatures: CompiledSignature[];
  /** Their anchors, chosen with the statistics from what is left of each plan (null: un-narrowed). */
  anchors: Array<string[] | null | undefined>;
  /** Token document frequencies of the largest index (undefined: statistics unavailable). */
  df?: Map<string, number>;
  /** Signatures left out because a required token is absent from the window. */
  dormant: number;
  /** Tokens looked up over the window, and how many of them were absent. */
  tokensChecked: number;
  tokensAbsent: number;
}

export interface LiveOptions extends BatchOptions {
  /** false: keep every signature (anchors still chosen with the statistics). */
  skipAbsent?: boolean;
  requestCache?: boolean;
}

/**
 * The signatures that can match a line selected by `filter` (dormant ones left out, see above), with
 * anchors chosen by the engine's term statistics: two small requests plus the absent-token lookups.
 */
export async function liveSignatures(
  engine: EngineClient,
  index: string,
  compiled: CompiledSignature[],
  filter: object[],
  options: LiveOptions = {},
): Promise<LiveSignatures> {
  const none = { dormant: 0, tokensChecked: 0, tokensAbsent: 0 };
  // signatures without a plan (unanchorable, or a custom query builder) keep their anchors (none)
  const all = new Set<string>();
  compiled.forEach((c) => c.anchorPlan && planTokens(c.anchorPlan, all));
  if (all.size === 0) return { signatures: compiled, anchors: compiled.map((c) => c.anchors), ...none };
  const df = await messageDocFrequencies(engine, index, [...all]);
  if (!df) return { signatures: compiled, anchors: compiled.map((c) => c.anchors), ...none };
  const unknown = [...all].filter((t) => (df.get(t) ?? 0) === 0);
  const absent =
    options.skipAbsent === false
      ? new Set<string>()
      : await absentTokens(engine, index, unknown, filter, options.requestCache, options);
  const signatures: CompiledSignature[] = [];
  const anchors: Array<string[] | null | undefined> = [];
  for (const c of compiled) {
    if (!c.anchorPlan) {
      signatures.push(c);
      anchors.push(c.anchors);
      continue;
    }
    const plan = prunePlan(c.anchorPlan, absent);
    if (!plan) continue;
    signatures.push(c);
    anchors.push(chooseAnchors(plan, df).tokens);
  }
  return {
    signatures,
    anchors,
    df,
    dormant: compiled.length - signatures.length,
    tokensChecked: options.skipAbsent === false ? 0 : unknown.length,
    tokensAbsent: absent.size,
  };
}
