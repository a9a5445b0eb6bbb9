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
import { queryStringClause } from '../../../common/query/build';
import type { CompiledSignature } from '../signatures/compile';
import {
  analyzedAnchorPlans,
  AnchorPlan,
  chooseAnchors,
  messageDocFrequencies,
  planTokens,
} from '../signatures/anchors';
import { BatchOptions, batchSizeOf, chunks, MAX_CONCURRENT_BATCHES, mapBounded } from '../batches';

/** The plan without the parts an absent token rules out; null when nothing is left (dormant). */
export function prunePlan(
  plan: AnchorPlan,
  absent: Set<string>,
  absentPhrases: Set<string> = new Set(),
): AnchorPlan | null {
  if (plan.kind === 'leaf')
    return plan.tokens.some((t) => absent.has(t)) || (plan.phrase !== undefined && absentPhrases.has(plan.phrase))
      ? null
      : plan;
  if (plan.kind === 'all') {
    const options: AnchorPlan[] = [];
    for (const o of plan.options) {
      const p = prunePlan(o, absent, absentPhrases);
      if (!p) return null; // a required clause can match nothing
      options.push(p);
    }
    return { kind: 'all', options };
  }
  const parts = plan.parts.map((p) => prunePlan(p, absent, absentPhrases)).filter((p): p is AnchorPlan => p !== null);
  return parts.length === 0 ? null : parts.length === 1 ? parts[0] : { kind: 'any', parts };
}

/** The lookups' search parameters: missing indices are no error; `requestCache` false bypasses the shard request cache. */
function lookupParams(requestCache?: boolean) {
  return {
    ignore_unavailable: true,
    allow_no_indices: true,
    ...(requestCache === false ? { request_cache: false } : {}),
  };
}

/** Tokens per chunk that gets a filter per token (the presence rounds before it cost tens of ms). */
const FINE_CHUNK = 32;

/**
 * Which of these `message` tokens occur in no line selected by `filter`. Most such tokens are absent
 * (they are the ones the statistics do not know), so first _msearch requests ask per chunk of tokens
 * only whether any line holds one of them (a postings union that stops at the first line:
 * `terminate_after`); only the chunks with a line are resolved token by token (a `filters`
 * aggregation of one term filter each, whose set-up per filter and segment is what the first step
 * spares the absent chunks). A few requests at a time (batches.ts).
 *
 * `fewLines`: the filter selects a handful of builds (the editor preview's draft builds), where a
 * filter per token is cheap to set up: chunks of `batchSize` are asked once and those with a line get
 * their filters at once, two round trips instead of up to four (README "Performance": the preview's
 * lookup went from 87-91 to 36-39 ms at 1,000 signatures, 114-136 to 73-77 ms at 10,000; filters for
 * every chunk without asking first was faster at 1,000 but slower at 10,000, where most chunks are absent).
 */
export async function absentTokens(
  engine: EngineClient,
  index: string,
  tokens: string[],
  filter: object[],
  requestCache?: boolean,
  batch: BatchOptions & { fewLines?: boolean } = {},
): Promise<Set<string>> {
  if (tokens.length === 0) return new Set();
  const size = batchSizeOf(batch);
  const concurrency = batch.concurrency ?? MAX_CONCURRENT_BATCHES;
  const params = lookupParams(requestCache);
  const query = (part: string[]) => ({ bool: { filter: [...filter, { terms: { message: part } }] } });
  const present = new Set<string>();
  try {
    // chunks of 8 x batchSize tokens first (one terms query each); a chunk with a line is cut to
    // batchSize, then to FINE_CHUNK, and asked again; only the fine chunks with a line get filters.
    // Over few lines: chunks of batchSize asked once, those with a line get their filters at once.
    const busy: string[][] = [];
    let level = chunks(tokens, batch.fewLines ? size : size * 8);
    while (level.length) {
      const answers = await mapBounded(chunks(level, 50), concurrency, async (group) => {
        const lines: unknown[] = [];
        for (const part of group)
          lines.push({ index, ...params }, { size: 0, terminate_after: 1, track_total_hits: 1, query: query(part) });
        const res = await engine.request<any>({ method: 'POST', path: '/_msearch', bulkBody: lines });
        return group.filter((_, i) => {
          const r = res.responses[i];
          if (r.error) throw new Error('absent-token lookup failed');
          return (r.hits?.total?.value ?? 1) > 0;
        });
      });
      level = [];
      for (const part of answers.flat())
        if (part.length > FINE_CHUNK && !batch.fewLines)
          level.push(...chunks(part, part.length > size ? size : FINE_CHUNK));
        else busy.push(part);
    }
    await mapBounded(busy, concurrency, async (part) => {
      const filters: Record<string, object> = {};
      for (const t of part) filters[t] = { term: { message: t } };
      const res = await engine.request<any>({
        method: 'POST',
        path: `/${index}/_search`,
        querystring: params,
        body: { size: 0, track_total_hits: false, query: query(part), aggs: { tokens: { filters: { filters } } } },
      });
      const buckets = res.aggregations?.tokens?.buckets ?? {};
      for (const t of part) if (!(buckets[t]?.doc_count === 0)) present.add(t);
    });
  } catch {
    // only an optimization: on any failure nothing is skipped (the main request reports real errors)
    return new Set();
  }
  return new Set(tokens.filter((t) => !present.has(t)));
}

/**
 * Which of these `message` phrases (as written in a query, escapes kept) no line selected by `filter`
 * holds: each checked as `message:"<phrase>"` through query_string, as the signature's own query
 * runs it, in a `filters` aggregation under their OR, at most `batchSize` a request.
 */
export async function absentPhrases(
  engine: EngineClient,
  index: string,
  phrases: string[],
  filter: object[],
  requestCache?: boolean,
  batch: BatchOptions = {},
): Promise<Set<string>> {
  if (phrases.length === 0) return new Set();
  const present = new Set<string>();
  try {
    await mapBounded(chunks(phrases, batchSizeOf(batch)), batch.concurrency ?? MAX_CONCURRENT_BATCHES, async (part) => {
      const filters: Record<string, object> = {};
      part.forEach((p, i) => (filters[`p${i}`] = queryStringClause(`message:"${p}"`)));
      const res = await engine.request<any>({
        method: 'POST',
        path: `/${index}/_search`,
        querystring: lookupParams(requestCache),
        body: {
          size: 0,
          track_total_hits: false,
          query: { bool: { filter, should: Object.values(filters), minimum_should_match: 1 } },
          aggs: { phrases: { filters: { filters } } },
        },
      });
      const buckets = res.aggregations?.phrases?.buckets ?? {};
      part.forEach((p, i) => !(buckets[`p${i}`]?.doc_count === 0) && present.add(p));
    });
  } catch {
    return new Set(); // only an optimization
  }
  return new Set(phrases.filter((p) => !present.has(p)));
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
  /** Phrases of the signatures left after the tokens, looked up over the window; how many were absent. */
  phrasesChecked: number;
  phrasesAbsent: number;
  /** Wall ms of each step: the phrases' analysis, the statistics, the token and the phrase lookups. */
  ms: { analyze: number; statistics: number; tokens: number; phrases: number };
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
  const none = { dormant: 0, tokensChecked: 0, tokensAbsent: 0, phrasesChecked: 0, phrasesAbsent: 0 };
  const zero = { analyze: 0, statistics: 0, tokens: 0, phrases: 0 };
  // plans with the engine's own tokens of each phrase (anchors.ts); a custom query builder has none
  const own = compiled.filter((c) => c.anchorText !== undefined);
  const ms: LiveSignatures['ms'] = { ...zero };
  let t0 = Date.now();
  const lap = (k: keyof LiveSignatures['ms']) => {
    ms[k] = Date.now() - t0;
    t0 = Date.now();
  };
  const analyzed = await analyzedAnchorPlans(
    engine,
    index,
    own.map((c) => c.anchorText!),
  );
  const planOf = new Map<CompiledSignature, AnchorPlan | null>(own.map((c, i) => [c, analyzed[i]]));
  const all = new Set<string>();
  planOf.forEach((p) => p && planTokens(p, all));
  if (all.size === 0) return { signatures: compiled, anchors: compiled.map((c) => c.anchors), ...none, ms: zero };
  lap('analyze');
  const df = await messageDocFrequencies(engine, index, [...all]);
  lap('statistics');
  if (!df) return { signatures: compiled, anchors: compiled.map((c) => c.anchors), ...none, ms: zero };
  const unknown = [...all].filter((t) => (df.get(t) ?? 0) === 0);
  const skip = options.skipAbsent !== false;
  // Beside the token lookup, the phrases of the signatures it cannot rule out (every token of their
  // plan known to the statistics): a required phrase no line holds rules its signature out as an
  // absent token does. The two share the call's bound on requests in flight.
  const unknownSet = new Set(unknown);
  const phrases = new Set<string>();
  const addPhrases = (p: AnchorPlan): void => {
    if (p.kind !== 'leaf') (p.kind === 'all' ? p.options : p.parts).forEach(addPhrases);
    else if (p.phrase !== undefined) phrases.add(p.phrase);
  };
  if (skip) planOf.forEach((p) => p && ![...planTokens(p)].some((t) => unknownSet.has(t)) && addPhrases(p));
  const concurrency = options.concurrency ?? MAX_CONCURRENT_BATCHES;
  const phraseShare = Math.floor(concurrency / 2);
  const timed = async <T>(k: 'tokens' | 'phrases', work: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    const out = await work();
    ms[k] = Date.now() - start;
    return out;
  };
  const tokensLookup = () =>
    timed('tokens', () =>
      skip
        ? absentTokens(engine, index, unknown, filter, options.requestCache, {
            ...options,
            concurrency: Math.max(1, concurrency - phraseShare),
          })
        : Promise.resolve(new Set<string>()),
    );
  const phrasesLookup = () =>
    timed('phrases', () =>
      absentPhrases(engine, index, [...phrases], filter, options.requestCache, {
        ...options,
        concurrency: Math.max(1, phraseShare),
      }),
    );
  // with one request in flight allowed, one lookup after the other
  const [absent, phrasesAbsent] =
    phraseShare >= 1
      ? await Promise.all([tokensLookup(), phrasesLookup()])
      : [await tokensLookup(), await phrasesLookup()];
  const signatures: CompiledSignature[] = [];
  const anchors: Array<string[] | null | undefined> = [];
  for (const c of compiled) {
    const own = planOf.get(c);
    if (!own) {
      signatures.push(c);
      anchors.push(planOf.has(c) ? null : c.anchors);
      continue;
    }
    const plan = prunePlan(own, absent, phrasesAbsent);
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
    phrasesChecked: phrases.size,
    phrasesAbsent: phrasesAbsent.size,
    ms,
  };
}
