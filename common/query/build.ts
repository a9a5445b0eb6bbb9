/*
 * The one place that turns a signature into engine queries. Everything that runs a signature (classification,
 * rates, uncategorized, success check, CLI) builds its query here, so that voting, scope and legacy-field handling
 * mean the same thing everywhere.
 */
import type { Signature } from '../signature/types';
import { LOG_FIELDS } from '../log_fields';
import { LegacyRewrite, LegacyWarning, translateLegacyQuery } from './legacy';

/** elastic-recheck's implied voting clause (loader.py). */
export const VOTING_SUFFIX = ' AND voting:1';

type SignatureLike = Pick<Signature, 'query' | 'allowNonvoting'> & Partial<Pick<Signature, 'scope'>>;

/**
 * The query text exactly as elastic-recheck ran it: `query.rstrip() + " AND voting:1"` unless allow-nonvoting.
 * Without parentheses, so the suffix binds to the last clause only (see `effectiveQueryString`).
 * For compatibility tests against golden/loader_*.json; never use it to run a signature.
 */
export function legacyEffectiveQuery(sig: SignatureLike): string {
  const q = sig.query.replace(/\s+$/, '');
  return sig.allowNonvoting ? q : q + VOTING_SUFFIX;
}

/** How a stored signature runs on the engine (`signatureEngineQuery`). */
export interface SignatureEngineQuery {
  /** The author's text (trimmed); what files, exports and the store keep. */
  written: string;
  /** The Lucene text the engine runs: `written` after the old-schema rewrites (common/query/legacy.ts). */
  text: string;
  /** `text` with the voting clause as a Lucene string (Discover links, display). */
  effective: string;
  /** What was rewritten and why; empty when `text` is `written`. */
  rewrites: LegacyRewrite[];
  /** Old fields with no equivalent (left as written; they match nothing). */
  legacyWarnings: LegacyWarning[];
  /** Engine query DSL selecting the log lines (text, voting unless allow-nonvoting, scope). */
  query: { bool: { filter: object[] } };
}

/**
 * THE decision of how a stored signature becomes the engine query. Every path that runs a signature (classify,
 * rates, uncategorized, preview, success and overlap, query stats, `lint --engine`, the background loop) goes
 * through here, so old-schema fields are translated everywhere or nowhere. A query that does not parse is
 * passed on as written (the engine then reports it).
 */
export function signatureEngineQuery(sig: SignatureLike): SignatureEngineQuery {
  const written = sig.query.trim();
  const t = translateLegacyQuery(written);
  const text = t.error ? written : t.query;
  const filter: object[] = [queryStringClause(text)];
  if (!sig.allowNonvoting) filter.push({ term: { [LOG_FIELDS.voting]: 1 } });
  filter.push(...scopeFilters(sig.scope));
  return {
    written,
    text,
    effective: sig.allowNonvoting ? text : `(${text})${VOTING_SUFFIX}`,
    rewrites: t.error ? [] : t.rewrites,
    legacyWarnings: t.error ? [] : t.warnings,
    query: { bool: { filter } },
  };
}

/** The Lucene text the engine runs for the signature (`signatureEngineQuery(sig).text`). */
export function signatureLuceneText(sig: SignatureLike): string {
  return signatureEngineQuery(sig).text;
}

/**
 * The query text with the voting clause as elastic-recheck meant it: `(query) AND voting:1`.
 *
 * elastic-recheck appended ` AND voting:1` to the raw text. Lucene's classic parser has no precedence: `AND` makes
 * the clause before it required. So `a OR b AND voting:1` meant "+b +voting:1" (a ignored), and `a AND b OR c` became
 * `a AND b OR c AND voting:1` = "+a +b +c +voting:1" (c turned from optional into required). The parentheses keep
 * the signature's own meaning and add the voting condition on top (build.test.ts shows both on the real engine).
 */
export function effectiveQueryString(sig: SignatureLike): string {
  return signatureEngineQuery(sig).effective;
}

/** The `query_string` clause for a Lucene text, with the engine's defaults spelled out. */
export function queryStringClause(query: string): object {
  return {
    query_string: {
      query,
      // elastic-recheck ran with the engine defaults; we say them out loud so a changed default cannot move results
      default_operator: 'OR',
      // wildcards are matched against indexed terms as written (no analysis), as the original ran them
      analyze_wildcard: false,
      // the search still runs on every field for unfielded terms (index.query.default_field, `*` by default)
    },
  };
}

/** Scope as exact filters on the keyword fields. */
export function scopeFilters(scope: Signature['scope']): object[] {
  const out: object[] = [];
  if (scope?.projects?.length) out.push({ terms: { [LOG_FIELDS.project]: scope.projects } });
  if (scope?.branches?.length) out.push({ terms: { [LOG_FIELDS.buildBranch]: scope.branches } });
  if (scope?.queues?.length) out.push({ terms: { [LOG_FIELDS.buildQueue]: scope.queues } });
  return out;
}

/**
 * Engine query DSL selecting the log lines one signature matches: a `bool` filter with the Lucene text (old-schema
 * fields translated), the voting condition unless allow-nonvoting (a separate clause: same meaning as the
 * parenthesized string, no re-parsing), and the scope.
 */
export function signatureQuery(sig: SignatureLike): { bool: { filter: object[] } } {
  return signatureEngineQuery(sig).query;
}
