/*
 * Discover's query → a signature query (Lucene, as elastic-recheck's queries).
 *
 * Lucene passes through unchanged. KQL has no faithful general translation (nested field queries,
 * ranges, and unquoted multi-word values that become match queries), so only a simple subset is
 * converted: `field:value`, `field:"a phrase"`, `field:(a or b)`, bare words and phrases, `*`
 * wildcards, `and` / `or` / `not` and parentheses. Anything else is left as typed, with the reason,
 * so the editor can say what to rewrite.
 */

export interface DiscoverQuery {
  /** 'lucene' | 'kuery' (Kibana and OSD name KQL 'kuery') | anything else (e.g. ES|QL, PPL, SQL). */
  language: string;
  query: string;
}

export type ConversionResult =
  | { ok: true; query: string; /** true when the query was KQL and was rewritten. */ converted: boolean }
  | { ok: false; query: string; reason: string };

/** Characters with a meaning in Lucene query syntax; `*` is handled apart (a wildcard in both). */
const LUCENE_SPECIAL = new Set('+-=&|><!(){}[]^"~?:\\/ '.split(''));

type Token =
  | { kind: 'lparen' | 'rparen' | 'colon'; at: number }
  | { kind: 'phrase'; raw: string; at: number }
  /** chars: the word's characters after KQL unescaping, each with whether it was escaped. */
  | { kind: 'word'; chars: Array<{ c: string; escaped: boolean }>; text: string; at: number };

class KqlError extends Error {}

function tokenize(kql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < kql.length) {
    const c = kql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'lparen', at: i++ });
    } else if (c === ')') {
      tokens.push({ kind: 'rparen', at: i++ });
    } else if (c === ':') {
      tokens.push({ kind: 'colon', at: i++ });
    } else if (c === '"') {
      const start = i++;
      let raw = '';
      while (i < kql.length && kql[i] !== '"') {
        if (kql[i] === '\\' && i + 1 < kql.length) raw += kql[i++];
        raw += kql[i++];
      }
      if (i >= kql.length) throw new KqlError(`the quoted phrase at character ${start + 1} is not closed`);
      i++;
      tokens.push({ kind: 'phrase', raw, at: start });
    } else if (c === '<' || c === '>') {
      throw new KqlError(
        `range comparisons ("${c}" at character ${i + 1}) have no Lucene form in a signature; write [a TO b]`,
      );
    } else if (c === '{' || c === '}') {
      throw new KqlError(`nested field queries ("${c}" at character ${i + 1}) are not supported`);
    } else {
      const start = i;
      const chars: Array<{ c: string; escaped: boolean }> = [];
      while (i < kql.length && !/[\s():"<>{}]/.test(kql[i])) {
        if (kql[i] === '\\') {
          if (i + 1 >= kql.length) throw new KqlError(`a backslash ends the query at character ${i + 1}`);
          chars.push({ c: kql[i + 1], escaped: true });
          i += 2;
        } else {
          chars.push({ c: kql[i], escaped: false });
          i++;
        }
      }
      tokens.push({ kind: 'word', chars, text: chars.map((x) => x.c).join(''), at: start });
    }
  }
  return tokens;
}

function keyword(t: Token | undefined): 'AND' | 'OR' | 'NOT' | undefined {
  if (!t || t.kind !== 'word' || t.chars.some((x) => x.escaped)) return undefined;
  const k = t.text.toUpperCase();
  return k === 'AND' || k === 'OR' || k === 'NOT' ? k : undefined;
}

function luceneWord(chars: Array<{ c: string; escaped: boolean }>): string {
  return chars
    .map(({ c, escaped }) => (c === '*' ? (escaped ? '\\*' : '*') : LUCENE_SPECIAL.has(c) ? `\\${c}` : c))
    .join('');
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): string {
    if (!this.tokens.length) return '';
    const out = this.or(false);
    const rest = this.tokens[this.i];
    if (rest)
      throw new KqlError(rest.kind === 'rparen' ? `unmatched ")" at character ${rest.at + 1}` : this.adjacent(rest));
    return out;
  }

  private adjacent(t: Token): string {
    return `two terms without "and"/"or" between them (at character ${t.at + 1}); KQL then searches the words as one value, which Lucene cannot express the same way`;
  }

  private or(inField: boolean): string {
    const parts = [this.and(inField)];
    while (keyword(this.tokens[this.i]) === 'OR') {
      this.i++;
      parts.push(this.and(inField));
    }
    return parts.join(' OR ');
  }

  private and(inField: boolean): string {
    const parts = [this.not(inField)];
    while (keyword(this.tokens[this.i]) === 'AND') {
      this.i++;
      parts.push(this.not(inField));
    }
    return parts.join(' AND ');
  }

  private not(inField: boolean): string {
    if (keyword(this.tokens[this.i]) === 'NOT') {
      this.i++;
      return `NOT ${this.not(inField)}`;
    }
    return this.primary(inField);
  }

  private primary(inField: boolean): string {
    const t = this.tokens[this.i];
    if (!t) throw new KqlError('the query ends where a term is expected');
    if (t.kind === 'lparen') {
      this.i++;
      const inner = this.or(inField);
      const close = this.tokens[this.i];
      if (!close || close.kind !== 'rparen')
        throw new KqlError(close ? this.adjacent(close) : `the "(" at character ${t.at + 1} is not closed`);
      this.i++;
      return `(${inner})`;
    }
    if (t.kind === 'phrase') {
      this.i++;
      return `"${t.raw}"`;
    }
    if (t.kind === 'word') {
      if (keyword(t)) throw new KqlError(`"${t.text}" at character ${t.at + 1} has no term to apply to`);
      this.i++;
      if (this.tokens[this.i]?.kind === 'colon') {
        if (inField) throw new KqlError(`a field inside a field's value (character ${t.at + 1})`);
        if (!/^[\w.@*]+$/.test(t.text) || t.chars.some((x) => x.escaped))
          throw new KqlError(`the field name "${t.text}" is not a plain field name`);
        this.i++;
        const v = this.tokens[this.i];
        if (!v || v.kind === 'rparen' || v.kind === 'colon') throw new KqlError(`the field ${t.text} has no value`);
        if (v.kind === 'lparen') return `${t.text}:${this.primary(true)}`;
        if (keyword(v)) throw new KqlError(`the field ${t.text} has no value`);
        return `${t.text}:${this.primary(true)}`;
      }
      return luceneWord(t.chars);
    }
    throw new KqlError(
      t.kind === 'colon'
        ? `":" at character ${t.at + 1} has no field name before it`
        : `unmatched ")" at character ${t.at + 1}`,
    );
  }
}

/** KQL → Lucene for the simple subset; throws nothing, returns the reason when it cannot. */
export function kqlToLucene(kql: string): ConversionResult {
  try {
    return { ok: true, query: new Parser(tokenize(kql)).parse(), converted: true };
  } catch (e) {
    if (e instanceof KqlError) return { ok: false, query: kql, reason: e.message };
    throw e;
  }
}

/** Discover's query in any language → what the signature editor starts from. */
export function toSignatureQuery(q: DiscoverQuery): ConversionResult {
  const language = (q.language || '').toLowerCase();
  if (language === 'lucene') return { ok: true, query: q.query, converted: false };
  if (language === 'kuery' || language === 'kql') return kqlToLucene(q.query);
  return {
    ok: false,
    query: q.query,
    reason: `the query language is ${q.language || 'unknown'}; signatures are Lucene queries`,
  };
}
