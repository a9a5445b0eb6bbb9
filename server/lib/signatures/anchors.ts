/*
 * Anchor tokens: for a signature, a set of `message` tokens such that every log line the signature
 * matches contains at least one of them. A request over many signatures can then first narrow the
 * lines to those holding any anchor (one `terms` query, a cheap postings union) before the per-
 * signature filters run, so the work follows the candidate lines instead of every line in the window
 * (the percolator's candidate-extraction idea, done on the query side).
 *
 * Soundness over coverage: a signature gets anchors only when they are certainly necessary.
 *  - From the parsed query (common/query/lucene.ts, classic-parser occurrence rules): a required
 *    clause's anchors suffice; with no required clause, every optional clause must have anchors and
 *    their union is taken; prohibited clauses never anchor.
 *  - Only `message:` terms and phrases (explicit field or a group's field) anchor; wildcards, regexes,
 *    ranges, fuzzy terms, other fields and unfielded text do not.
 *  - The token must be one the engine's standard analyzer surely produces from the query text: a run
 *    of ASCII letters bounded by whitespace or by punctuation that always breaks words (UAX#29), never
 *    by digits or `_`, and by `.`, `'` or `:` only when no letter or digit follows them (else they
 *    join). Lowercased. Identifiers (inner capitals) are preferred, then the longest word: both tend
 *    to be rare, which is what makes the narrowing effective.
 * Anything else yields null: the signature cannot be anchored and requests run without narrowing.
 */
import { BoolNode, clauseOccurs, FieldRef, leaves, LuceneNode, parseLucene } from '../../../common/query/lucene';
import type { EngineClient } from '../../../lib/engine_client';
import type { CompiledSignature } from './compile';

/** Characters that always break words (UAX#29), as the body of a regex character class. */
const BREAK_CHARS = '\\s"()[\\]{}<>!?=/\\\\|+*&%$#@~^;,`-';
const BREAKS = new RegExp(`[${BREAK_CHARS}]`);
/** Runs of characters between sure breaks. */
const RUNS = new RegExp(`[^${BREAK_CHARS}]+`, 'g');
const WORD = /[A-Za-z0-9_]/;

/** Is the character at `i` (next to a word, `far` one step further out) a sure word break? */
function breaksAt(text: string, i: number, far: number): boolean {
  if (i < 0 || i >= text.length) return true;
  const c = text[i];
  if (BREAKS.test(c)) return true;
  // `.`, `'` and `:` join letters only when a letter or digit follows on the far side
  if (c === '.' || c === "'" || c === ':') return far < 0 || far >= text.length || !WORD.test(text[far]);
  return false;
}

function safeWords(text: string): string[] {
  const out: string[] = [];
  const re = /[A-Za-z]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (breaksAt(text, start - 1, start - 2) && breaksAt(text, end, end + 1)) out.push(m[0]);
  }
  return out;
}

/** Without statistics: identifiers (`PortBindingFailed`: lower and inner upper case) first, then length. */
function heuristicScore(word: string): number {
  return word.length + (/[a-z]/.test(word) && /[A-Z]/.test(word.slice(1)) ? 100 : 0);
}

/** The most specific safe word of a query text (by the heuristic), lowercased; null when there is none. */
export function safeToken(text: string): string | null {
  let best: string | null = null;
  for (const w of safeWords(text)) if (!best || heuristicScore(w) > heuristicScore(best)) best = w;
  return best ? best.toLowerCase() : null;
}

/**
 * Which tokens could anchor a query: `leaf` (any one of its tokens is necessary), `all` (required
 * clauses: any one option suffices), `any` (optional clauses: every part is needed, their union).
 */
export type AnchorPlan =
  | {
      kind: 'leaf';
      tokens: string[];
      /** A `message` phrase without proximity, as written (escapes kept): the whole leaf is this phrase. */
      phrase?: string;
    }
  | { kind: 'all'; options: AnchorPlan[] }
  | { kind: 'any'; parts: AnchorPlan[] };

/** A phrase's tokens as the engine's analyzer produced them (analyzedAnchorPlans), when known. */
type Analyzed = Map<string, string[]> | undefined;

function planOf(node: LuceneNode, field: FieldRef | undefined, analyzed?: Analyzed): AnchorPlan | null {
  if (node.type === 'bool') {
    const occurs = clauseOccurs(node);
    const must = node.clauses.filter((_, i) => occurs[i] === 'must');
    if (must.length) {
      const options = must.map((c) => planOf(c.node, field, analyzed)).filter((p): p is AnchorPlan => p !== null);
      return options.length ? (options.length === 1 ? options[0] : { kind: 'all', options }) : null;
    }
    const should = node.clauses.filter((_, i) => occurs[i] === 'should');
    if (should.length === 0) return null;
    const parts: AnchorPlan[] = [];
    for (const c of should) {
      const p = planOf(c.node, field, analyzed);
      if (!p) return null;
      parts.push(p);
    }
    return parts.length === 1 ? parts[0] : { kind: 'any', parts };
  }
  if (node.type === 'group') return planOf(node.body, node.field ?? field, analyzed);
  const f = node.field ?? field;
  if (!f || f.name !== 'message') return null;
  if (node.type === 'term' && node.fuzzy === undefined) return termPlan(node.value);
  if (node.type === 'phrase') {
    // the engine's own tokens of the phrase: a phrase query needs every one of them
    const engineTokens = analyzed?.get(node.value);
    if (engineTokens)
      return engineTokens.length
        ? {
            kind: 'leaf',
            tokens: [...new Set(engineTokens)],
            ...(node.proximity === undefined ? { phrase: node.raw } : {}),
          }
        : null;
    const words = safeWords(node.value).sort((x, y) => heuristicScore(y) - heuristicScore(x));
    const tokens = [...new Set(words.map((w) => w.toLowerCase()))];
    return tokens.length ? { kind: 'leaf', tokens } : null;
  }
  return null;
}

/**
 * An unquoted term: the engine ORs the tokens of one term (query_string, default operator OR, so
 * `message:foo-bar` matches a line holding only `foo`), so every token is an alternative and each must
 * be anchored: only when all of them are sure words (letters between sure breaks) is there a plan.
 */
function termPlan(value: string): AnchorPlan | null {
  const runs = value.match(RUNS) ?? [];
  const tokens = new Set<string>();
  for (const run of runs) {
    if (/^[.':]+$/.test(run)) continue; // punctuation only: no token
    const word = /^[.':]*([A-Za-z]+)[.':]*$/.exec(run);
    if (!word) return null; // digits, `_`, inner `.`/`'`/`:` or other letters: a token we cannot name
    tokens.add(word[1].toLowerCase());
  }
  const parts = [...tokens].map((t): AnchorPlan => ({ kind: 'leaf', tokens: [t] }));
  return parts.length === 0 ? null : parts.length === 1 ? parts[0] : { kind: 'any', parts };
}

export function anchorPlan(query: string, analyzed?: Analyzed): AnchorPlan | null {
  const parsed = parseLucene(query);
  return parsed.ok ? planOf(parsed.ast as BoolNode, undefined, analyzed) : null;
}

/** The texts of a query's `message` phrases (what analyzedAnchorPlans asks the engine to analyze). */
export function messagePhrases(query: string): string[] {
  const parsed = parseLucene(query);
  if (!parsed.ok) return [];
  return leaves(parsed.ast as BoolNode)
    .filter(({ leaf, field }) => leaf.type === 'phrase' && field?.name === 'message')
    .map(({ leaf }) => (leaf as { value: string }).value);
}

/** Plans by query text, made with the engine's analysis of their phrases (one analyzer per process). */
const analyzedPlans = new Map<string, AnchorPlan | null>();
const MAX_ANALYZED_PLANS = 100_000;

/**
 * Anchor plans whose phrases carry the tokens the engine's analyzer really produces (`_analyze` with
 * the `message` field of the largest index), so identifiers the word rule cannot name -
 * `java.io.InterruptedIOException`, `_attach_volume`, `u'volumes` - anchor too (and can be found
 * absent). A phrase query requires all of its tokens, whatever they are. Kept per query text; on any
 * failure the word-rule plans (anchorPlan) are returned.
 */
export async function analyzedAnchorPlans(
  engine: EngineClient,
  index: string,
  texts: string[],
): Promise<Array<AnchorPlan | null>> {
  const missing = [...new Set(texts.filter((t) => !analyzedPlans.has(t)))];
  if (missing.length) {
    const phrases = [...new Set(missing.flatMap(messagePhrases))];
    const analyzed = await analyzeTexts(engine, index, phrases);
    if (!analyzed) return texts.map((t) => analyzedPlans.get(t) ?? anchorPlan(t));
    if (analyzedPlans.size + missing.length > MAX_ANALYZED_PLANS) analyzedPlans.clear();
    for (const t of missing) analyzedPlans.set(t, anchorPlan(t, analyzed));
  }
  return texts.map((t) => analyzedPlans.get(t) ?? null);
}

/** Empties the analyzed plans (tests). */
export function clearAnalyzedPlans(): void {
  analyzedPlans.clear();
}

/**
 * The `message` tokens of each text, from the engine (`_analyze`, many texts per request). The
 * answer lists the tokens of all texts one after another; text i spans the offsets from the end of
 * text i-1 plus one (the offset gap between values) for its length, which maps each token back.
 */
async function analyzeTexts(
  engine: EngineClient,
  pattern: string,
  texts: string[],
): Promise<Map<string, string[]> | undefined> {
  const out = new Map<string, string[]>();
  if (texts.length === 0) return out;
  try {
    const index = await largestIndex(engine, pattern);
    if (!index) return undefined;
    for (let i = 0; i < texts.length; i += 1000) {
      const part = texts.slice(i, i + 1000);
      const res = await engine.request<{ tokens: Array<{ token: string; start_offset: number; end_offset: number }> }>({
        method: 'POST',
        path: `/${encodeURIComponent(index)}/_analyze`,
        body: { field: 'message', text: part },
      });
      const starts: number[] = [];
      let at = 0;
      for (const t of part) {
        starts.push(at);
        at += t.length + 1;
      }
      const lists = part.map((): string[] => []);
      let k = 0;
      for (const tok of res.tokens ?? []) {
        while (k + 1 < part.length && tok.start_offset >= starts[k + 1]) k++;
        // a token must lie inside its text: anything else means the offsets are not what we assume
        if (tok.end_offset > starts[k] + part[k].length) return undefined;
        lists[k].push(tok.token);
      }
      part.forEach((t, j) => out.set(t, lists[j]));
    }
    return out;
  } catch {
    return undefined;
  }
}

/** The index of the pattern holding the most lines (its statistics stand for all), or undefined. */
async function largestIndex(engine: EngineClient, pattern: string): Promise<string | undefined> {
  const indices = await engine.request<Array<{ index: string }>>({
    method: 'GET',
    path: `/_cat/indices/${pattern}`,
    querystring: { format: 'json', h: 'index', s: 'docs.count:desc', expand_wildcards: 'open' },
  });
  return indices.map((i) => i.index).find((name) => !name.startsWith('.'));
}

export function planTokens(plan: AnchorPlan, out: Set<string> = new Set()): Set<string> {
  if (plan.kind === 'leaf') plan.tokens.forEach((t) => out.add(t));
  else (plan.kind === 'all' ? plan.options : plan.parts).forEach((p) => planTokens(p, out));
  return out;
}

/**
 * The anchors of a plan: the rarest choice by document frequency when `df` is given (a token absent
 * from it counts as rare), else by the heuristic (each leaf lists its tokens best first).
 */
export function chooseAnchors(plan: AnchorPlan, df?: Map<string, number>): { tokens: string[]; cost: number } {
  if (plan.kind === 'leaf') {
    if (!df) return { tokens: [plan.tokens[0]], cost: -heuristicScore(plan.tokens[0]) };
    let best = plan.tokens[0];
    for (const t of plan.tokens) if ((df.get(t) ?? 0) < (df.get(best) ?? 0)) best = t;
    return { tokens: [best], cost: df.get(best) ?? 0 };
  }
  if (plan.kind === 'all') {
    let best: { tokens: string[]; cost: number } | null = null;
    for (const o of plan.options) {
      const c = chooseAnchors(o, df);
      if (!best || c.cost < best.cost) best = c;
    }
    return best!;
  }
  const tokens = new Set<string>();
  let cost = 0;
  for (const p of plan.parts) {
    const c = chooseAnchors(p, df);
    c.tokens.forEach((t) => tokens.add(t));
    cost += c.cost;
  }
  return { tokens: [...tokens], cost };
}

/** Anchor tokens of a Lucene query text (heuristic choice), or null when it cannot be anchored. */
export function anchorTokens(query: string): string[] | null {
  const plan = anchorPlan(query);
  return plan ? chooseAnchors(plan).tokens : null;
}

/**
 * Document frequencies of tokens in `message`, estimated from one shard of the largest index of the
 * pattern (`_termvectors` of an artificial document). They only steer which anchors are chosen; on
 * any failure the answer is undefined and the heuristic choice stands.
 */
export async function messageDocFrequencies(
  engine: EngineClient,
  index: string,
  tokens: string[],
): Promise<Map<string, number> | undefined> {
  if (tokens.length === 0) return undefined;
  try {
    const largest = await largestIndex(engine, index);
    if (!largest) return undefined;
    const tv = await engine.request<any>({
      method: 'POST',
      path: `/${encodeURIComponent(largest)}/_termvectors`,
      body: {
        doc: { message: tokens.join(' ') },
        fields: ['message'],
        term_statistics: true,
        field_statistics: false,
        positions: false,
        offsets: false,
      },
    });
    const terms = tv?.term_vectors?.message?.terms ?? {};
    return new Map(tokens.map((t) => [t, Number(terms[t]?.doc_freq ?? 0)]));
  } catch {
    return undefined;
  }
}

/** Anchors chosen with the engine's statistics, for compiled signatures that carry a plan. */
export async function refineAnchors(
  engine: EngineClient,
  index: string,
  compiled: CompiledSignature[],
): Promise<Array<string[] | null | undefined>> {
  if (compiled.length === 0 || !compiled.every((c) => c.anchorPlan)) return compiled.map((c) => c.anchors);
  const all = new Set<string>();
  compiled.forEach((c) => planTokens(c.anchorPlan!, all));
  const df = await messageDocFrequencies(engine, index, [...all]);
  return compiled.map((c) => chooseAnchors(c.anchorPlan!, df).tokens);
}

/**
 * One filter narrowing the lines to candidates of all these signatures, or null when any of them has
 * no anchors (then nothing may be narrowed).
 */
export function anchorFilter(anchors: Array<string[] | null | undefined>): object | null {
  const all = new Set<string>();
  for (const a of anchors) {
    if (!a || a.length === 0) return null;
    a.forEach((t) => all.add(t));
  }
  return all.size ? { terms: { message: [...all].sort() } } : null;
}
