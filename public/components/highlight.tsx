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
    if (prefix.length >= 2) out.push(prefix);
  }
}

/** The text terms a query looks for in `message` (not negated ones), longest first. */
export function highlightTerms(query: string): string[] {
  const parsed = parseLucene(query);
  if (!parsed.ok) return [];
  const out: string[] = [];
  collect(parsed.ast as BoolNode, false, out);
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

/** Splits `text` into plain and matched parts (case-insensitive, word characters compared as written). */
export function splitMatches(text: string, terms: string[]): Array<{ text: string; match: boolean }> {
  if (!terms.length) return [{ text, match: false }];
  const pattern = new RegExp(
    terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\W+')).join('|'),
    'gi',
  );
  const parts: Array<{ text: string; match: boolean }> = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (!m[0]) continue;
    if (m.index! > last) parts.push({ text: text.slice(last, m.index), match: false });
    parts.push({ text: m[0], match: true });
    last = m.index! + m[0].length;
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
