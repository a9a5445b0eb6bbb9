/*
 * Evaluates a signature's Lucene query (query_string syntax) over ONE log document in process,
 * the way the engine would: the classic query parser's clause rules (AND/OR/NOT/+/- with default
 * operator OR, so `a AND b OR c` is `+a +b c`), the standard analyzer on `message`, exact values
 * on keyword fields, numbers on long fields, `*` for unqualified terms, nothing for unmapped
 * fields. The generator uses it to make its ground truth exact (a synthesized cause line matches
 * its signature and no other; noise matches none).
 *
 * Evaluation is three-valued so that lines can be screened before their build is known:
 * fields absent from `unknownFields` are known, the others yield UNKNOWN.
 */
import { analyze } from './analyzer';
import { ALL_LOG_FIELDS, logFieldType } from './mapping';

import { clauseOccurs, parseLucene, type BoolNode, type FieldRef, type LuceneNode } from '../common/query/lucene';

export type Expr =
  | { kind: 'bool'; must: Expr[]; should: Expr[]; mustNot: Expr[] }
  | { kind: 'term'; field: string; text: string; quoted: boolean; wildcard: boolean; regex: boolean; slop: number }
  | { kind: 'range'; field: string; min: string; max: string; minInclusive: boolean; maxInclusive: boolean }
  | { kind: 'exists'; field: string }
  | { kind: 'all' };

/** The field of unqualified terms: query_string's default field `*` (every field). */
export const IMPLICIT = '*';

export class QueryParseError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'QueryParseError';
  }
}

function fieldName(f: FieldRef | undefined): string {
  return f ? f.name.replace(/\\(.)/g, '$1') : IMPLICIT;
}

/** Converts common/query/lucene.ts's AST (flat clause lists, classic occur rules) into an Expr. */
function toExpr(node: LuceneNode, inherited: FieldRef | undefined): Expr {
  switch (node.type) {
    case 'bool': {
      const occurs = clauseOccurs(node);
      const parts = node.clauses.map((c) => toExpr(c.node, inherited));
      if (parts.length === 1 && occurs[0] !== 'must_not') return parts[0];
      const bool: Expr = { kind: 'bool', must: [], should: [], mustNot: [] };
      parts.forEach((p, i) =>
        (occurs[i] === 'must' ? bool.must : occurs[i] === 'should' ? bool.should : bool.mustNot).push(p),
      );
      return bool;
    }
    case 'group':
      return toExpr(node.body, node.field ?? inherited);
    case 'range':
      return {
        kind: 'range',
        field: fieldName(node.field ?? inherited),
        min: node.min,
        max: node.max,
        minInclusive: node.includeMin,
        maxInclusive: node.includeMax,
      };
    case 'regex':
      return {
        kind: 'term',
        field: fieldName(node.field ?? inherited),
        text: node.pattern,
        quoted: false,
        wildcard: false,
        regex: true,
        slop: 0,
      };
    case 'wildcard': {
      const field = fieldName(node.field ?? inherited);
      if (field === '_exists_') return { kind: 'exists', field: node.value };
      if (node.raw === '*' && field === IMPLICIT) return { kind: 'all' };
      if (node.raw === '*') return { kind: 'exists', field };
      // keep escapes so that `\*` stays literal in the pattern
      return { kind: 'term', field, text: node.raw, quoted: false, wildcard: true, regex: false, slop: 0 };
    }
    case 'term': {
      const field = fieldName(node.field ?? inherited);
      if (field === '_exists_') return { kind: 'exists', field: node.value };
      return { kind: 'term', field, text: node.value, quoted: false, wildcard: false, regex: false, slop: 0 };
    }
    case 'phrase': {
      const slop = node.proximity ? Number(node.proximity) || 0 : 0;
      return {
        kind: 'term',
        field: fieldName(node.field ?? inherited),
        text: node.value,
        quoted: true,
        wildcard: false,
        regex: false,
        slop,
      };
    }
  }
}

/** Parses query_string text into an Expr. Throws QueryParseError (with line and column) on bad syntax. */
export function parseQuery(query: string): Expr {
  const result = parseLucene(query);
  if (!result.ok)
    throw new QueryParseError(
      `line ${result.error.line}, column ${result.error.column}: ${result.error.message}`,
      result.error.offset,
    );
  return toExpr(result.ast as BoolNode, undefined);
}

/* ---------------- documents ---------------- */

/** A log document as indexed (keyword values may be lists, e.g. tags). */
export type LogDoc = Record<string, string | number | string[] | undefined>;

/** A document plus the cached tokens of its message. */
export class EvalDoc {
  private tokenCache?: string[];
  private tokenSet?: Set<string>;
  constructor(
    readonly fields: LogDoc,
    readonly unknownFields: ReadonlySet<string> = NO_FIELDS,
  ) {}

  tokens(): string[] {
    if (!this.tokenCache) this.tokenCache = analyze(String(this.fields.message ?? ''));
    return this.tokenCache;
  }

  hasToken(t: string): boolean {
    if (!this.tokenSet) this.tokenSet = new Set(this.tokens());
    return this.tokenSet.has(t);
  }

  withTokens(tokens: string[]): this {
    this.tokenCache = tokens;
    return this;
  }
}
const NO_FIELDS: ReadonlySet<string> = new Set();

/* Kleene logic: 0 false, 1 true, 2 unknown. */
export type Truth = 0 | 1 | 2;
const F: Truth = 0;
const T: Truth = 1;
const U: Truth = 2;

function wildcardRegex(pattern: string, lower: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${lower ? re.toLowerCase() : re}$`, 's');
}

function phraseIn(tokens: string[], phrase: string[], slop: number): boolean {
  if (phrase.length === 0) return false;
  if (slop > 0) return phrase.every((t) => tokens.includes(t));
  const first = phrase[0];
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    if (tokens[i] !== first) continue;
    for (let k = 1; k < phrase.length; k++) if (tokens[i + k] !== phrase[k]) continue outer;
    return true;
  }
  return false;
}

function textTerm(e: Extract<Expr, { kind: 'term' }>, doc: EvalDoc): boolean {
  if (e.regex) {
    const re = new RegExp(`^(?:${e.text})$`);
    return doc.tokens().some((t) => re.test(t));
  }
  if (e.wildcard) {
    const re = wildcardRegex(e.text, true);
    return doc.tokens().some((t) => re.test(t));
  }
  const q = analyze(e.text);
  if (q.length === 0) return false;
  if (e.quoted) return phraseIn(doc.tokens(), q, e.slop);
  // An unquoted term that analyses to several tokens is an OR of them (default operator OR).
  return q.some((t) => doc.hasToken(t));
}

function values(doc: EvalDoc, field: string): Array<string | number> {
  const v = doc.fields[field];
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

function fieldTerm(e: Extract<Expr, { kind: 'term' }>, field: string, doc: EvalDoc): boolean {
  const type = logFieldType(field);
  if (!type) return false; // unmapped: matches nothing
  if (type === 'text') return textTerm(e, doc);
  const base = field.endsWith('.keyword') ? field.slice(0, -8) : field;
  const vals = values(doc, base);
  if (type === 'keyword') {
    if (e.regex) {
      const re = new RegExp(`^(?:${e.text})$`);
      return vals.some((v) => re.test(String(v)));
    }
    if (e.wildcard) {
      const re = wildcardRegex(e.text, false);
      return vals.some((v) => re.test(String(v)));
    }
    return vals.some((v) => String(v) === e.text);
  }
  if (type === 'long') {
    const n = Number(e.text);
    if (e.text.trim() === '' || !Number.isFinite(n)) return false;
    return vals.some((v) => Number(v) === n);
  }
  return false; // dates: not used by signatures
}

function known(doc: EvalDoc, field: string): boolean {
  const base = field.endsWith('.keyword') ? field.slice(0, -8) : field;
  return !doc.unknownFields.has(base);
}

function evalTerm(e: Extract<Expr, { kind: 'term' }>, doc: EvalDoc): Truth {
  if (e.field === IMPLICIT) {
    let unknown = false;
    for (const f of ALL_LOG_FIELDS) {
      if (f === '@timestamp') continue;
      if (!known(doc, f)) {
        unknown = true;
        continue;
      }
      if (fieldTerm(e, f, doc)) return T;
    }
    return unknown ? U : F;
  }
  if (!known(doc, e.field)) return U;
  return fieldTerm(e, e.field, doc) ? T : F;
}

function evalRange(e: Extract<Expr, { kind: 'range' }>, doc: EvalDoc): Truth {
  if (!known(doc, e.field)) return U;
  const type = logFieldType(e.field);
  if (type !== 'keyword' && type !== 'long') return F;
  const base = e.field.endsWith('.keyword') ? e.field.slice(0, -8) : e.field;
  const numeric = type === 'long';
  const cmp = (a: string | number, b: string): number =>
    numeric ? Number(a) - Number(b) : String(a) < b ? -1 : String(a) > b ? 1 : 0;
  return values(doc, base).some((v) => {
    if (e.min !== '*') {
      const c = cmp(v, e.min);
      if (c < 0 || (c === 0 && !e.minInclusive)) return false;
    }
    if (e.max !== '*') {
      const c = cmp(v, e.max);
      if (c > 0 || (c === 0 && !e.maxInclusive)) return false;
    }
    return true;
  })
    ? T
    : F;
}

export function evaluate3(e: Expr, doc: EvalDoc): Truth {
  switch (e.kind) {
    case 'all':
      return T;
    case 'exists':
      if (!known(doc, e.field)) return U;
      return logFieldType(e.field) && values(doc, e.field.replace(/\.keyword$/, '')).length > 0 ? T : F;
    case 'term':
      return evalTerm(e, doc);
    case 'range':
      return evalRange(e, doc);
    case 'bool': {
      if (e.must.length === 0 && e.should.length === 0 && e.mustNot.length === 0) return F;
      let result: Truth = T;
      for (const m of e.must) {
        const v = evaluate3(m, doc);
        if (v === F) return F;
        if (v === U) result = U;
      }
      for (const m of e.mustNot) {
        const v = evaluate3(m, doc);
        if (v === T) return F;
        if (v === U) result = U;
      }
      if (e.must.length === 0 && e.should.length > 0) {
        let any: Truth = F;
        for (const s of e.should) {
          const v = evaluate3(s, doc);
          if (v === T) {
            any = T;
            break;
          }
          if (v === U) any = U;
        }
        if (any === F) return F;
        if (any === U) result = U;
      }
      return result;
    }
  }
}

export function evaluate(e: Expr, doc: EvalDoc): boolean {
  return evaluate3(e, doc) === T;
}

/** Field names a query refers to (for schema checks and reporting). */
export function fieldsOf(e: Expr, out: Set<string> = new Set()): Set<string> {
  if (e.kind === 'bool') for (const c of [...e.must, ...e.should, ...e.mustNot]) fieldsOf(c, out);
  else if (e.kind === 'term' || e.kind === 'range' || e.kind === 'exists') out.add(e.field);
  return out;
}

/**
 * Message tokens of which a matching document must contain at least one, or null when the query
 * can match without any particular message token. Used as a cheap pre-filter.
 */
export function anchorTokens(e: Expr): string[] | null {
  switch (e.kind) {
    case 'all':
    case 'exists':
    case 'range':
      return null;
    case 'term': {
      if (e.field !== 'message' && e.field !== IMPLICIT)
        return e.field === IMPLICIT ? null : logFieldType(e.field) ? null : [];
      if (e.field === IMPLICIT) return null;
      if (e.wildcard || e.regex) return null;
      const toks = analyze(e.text);
      if (toks.length === 0) return [];
      if (e.quoted) return [toks.reduce((a, b) => (b.length > a.length ? b : a))];
      return toks;
    }
    case 'bool': {
      if (e.must.length > 0) {
        let best: string[] | null = null;
        for (const m of e.must) {
          const a = anchorTokens(m);
          if (a && (!best || a.length < best.length)) best = a;
        }
        return best;
      }
      if (e.should.length === 0) return null;
      const all = new Set<string>();
      for (const s of e.should) {
        const a = anchorTokens(s);
        if (!a) return null;
        a.forEach((t) => all.add(t));
      }
      return [...all];
    }
  }
}
