/*
 * Log lines with the query's terms marked. The line is text (React escapes it); matches become <mark>
 * elements. Terms come from the query's AST (phrases, terms, wildcard prefixes) on the message field.
 */
import React from 'react';
import { parseLucene, type BoolNode, type LuceneNode } from '../../common/query/lucene';

const TEXT_FIELDS = new Set(['message', '@message']);

function collect(node: LuceneNode, negated: boolean, out: string[]): void {
  if (node.type === 'bool') {
    for (const c of node.clauses)
      collect(c.node, negated || c.modifier === 'NOT' || c.modifier === '!' || c.modifier === '-', out);
    return;
  }
  if (node.type === 'group') {
    if (!node.field || TEXT_FIELDS.has(node.field.name)) collect(node.body, negated, out);
    return;
  }
  if (negated || (node.field && !TEXT_FIELDS.has(node.field.name))) return;
  if (node.type === 'phrase' || node.type === 'term') {
    if (node.value.trim()) out.push(node.value);
  } else if (node.type === 'wildcard') {
    const prefix = node.value.split(/[*?]/)[0];
    if (prefix.length >= 2) out.push(`${prefix}*`);
  }
}

/** The text terms a query looks for in `message` (not negated ones), longest first; `abc*` for a wildcard's prefix. */
export function highlightTerms(query: string): string[] {
  const parsed = parseLucene(query);
  if (!parsed.ok) return [];
  const out: string[] = [];
  collect(parsed.ast as BoolNode, false, out);
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

const WORD = /[\p{L}\p{M}\p{Nd}_]/u;
const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{Nd}/u;

/**
 * Whether the standard analyzer (Lucene StandardTokenizer, UAX#29 words; see generator/analyzer.ts)
 * ends a token between text[i - 1] and text[i]: a query term matches whole tokens only, so "Error"
 * does not match inside "InvocationError", nor "compute" inside "nova.compute".
 */
export function tokenBoundary(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return true;
  const a = text[i - 1];
  const b = text[i];
  if (WORD.test(a) && WORD.test(b)) return false;
  // letter [.:'] letter and digit [.,;] digit stay one token
  const joins = (mid: string, before: string, after: string | undefined) =>
    after !== undefined &&
    ((LETTER.test(before) && LETTER.test(after) && /[.:'\u2019]/.test(mid)) ||
      (DIGIT.test(before) && DIGIT.test(after) && /[.,;]/.test(mid)));
  if (joins(b, a, text[i + 1])) return false;
  if (i >= 2 && joins(a, text[i - 2], b)) return false;
  return true;
}

/** Splits `text` into plain and matched parts (case-insensitive, whole tokens as the engine's analyzer makes them). */
export function splitMatches(text: string, terms: string[]): Array<{ text: string; match: boolean }> {
  if (!terms.length) return [{ text, match: false }];
  // one group per term, to know whether the match was a wildcard's prefix (no token end needed)
  const prefix = terms.map((t) => t.endsWith('*'));
  const pattern = new RegExp(
    terms
      .map(
        (t) =>
          `(${t
            .replace(/\*$/, '')
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\s+/g, '\\W+')})`,
      )
      .join('|'),
    'giu',
  );
  const parts: Array<{ text: string; match: boolean }> = [];
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = pattern.exec(text))) {
    const start = m.index;
    const end = start + m[0].length;
    const isPrefix = prefix[m.slice(1).findIndex((g) => g !== undefined)];
    if (!m[0] || !tokenBoundary(text, start) || (!isPrefix && !tokenBoundary(text, end))) {
      // not a whole token here: look again one character further
      pattern.lastIndex = start + 1;
      continue;
    }
    if (start > last) parts.push({ text: text.slice(last, start), match: false });
    parts.push({ text: m[0], match: true });
    last = end;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}

export function HighlightedLine({ text, terms }: { text: string; terms: string[] }) {
  return (
    <code className="erLogLine" data-test-subj="logLine" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
      {splitMatches(text, terms).map((p, i) =>
        p.match ? <mark key={i}>{p.text}</mark> : <React.Fragment key={i}>{p.text}</React.Fragment>,
      )}
    </code>
  );
}
