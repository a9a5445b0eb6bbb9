/*
 * The one place that turns a signature into engine queries. Everything that runs a signature (classification,
 * rates, uncategorized, success check, CLI) builds its query here, so that voting, scope and legacy-field handling
 * mean the same thing everywhere.
 */
import type { Signature } from '../signature/types';
import { LOG_FIELDS } from '../log_fields';
import { translateLegacyQuery } from './legacy';

/** elastic-recheck's implied voting clause (loader.py). */
export const VOTING_SUFFIX = ' AND voting:1';

export interface BuildOptions {
  /**
   * Rewrite fields of the old logstash schema to the current ci-log-processing schema before running
   * (common/query/legacy.ts). Queries that use only current fields are unchanged.
   */
  fieldsRewrite?: boolean;
}

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

/** The Lucene text of the signature after the optional legacy rewrite. */
export function signatureLuceneText(sig: SignatureLike, opts: BuildOptions = {}): string {
  const q = sig.query.trim();
  if (!opts.fieldsRewrite) return q;
  const t = translateLegacyQuery(q);
  return t.error ? q : t.query;
}

/**
 * The query text with the voting clause as elastic-recheck meant it: `(query) AND voting:1`.
 *
 * elastic-recheck appended ` AND voting:1` to the raw text. Lucene's classic parser has no precedence: `AND` makes
 * the clause before it required. So `a OR b AND voting:1` meant "+b +voting:1" (a ignored), and `a AND b OR c` became
 * `a AND b OR c AND voting:1` = "+a +b +c +voting:1" (c turned from optional into required). The parentheses keep
 * the signature's own meaning and add the voting condition on top (build.test.ts shows both on the real engine).
 */
export function effectiveQueryString(sig: SignatureLike, opts: BuildOptions = {}): string {
  const q = signatureLuceneText(sig, opts);
  return sig.allowNonvoting ? q : `(${q})${VOTING_SUFFIX}`;
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
 * Engine query DSL selecting the log lines one signature matches: a `bool` filter with the Lucene text, the voting
 * condition unless allow-nonvoting (a separate clause: same meaning as the parenthesized string, no re-parsing),
 * and the scope.
 */
export function signatureQuery(sig: SignatureLike, opts: BuildOptions = {}): { bool: { filter: object[] } } {
  const filter: object[] = [queryStringClause(signatureLuceneText(sig, opts))];
  if (!sig.allowNonvoting) filter.push({ term: { [LOG_FIELDS.voting]: 1 } });
  filter.push(...scopeFilters(sig.scope));
  return { bool: { filter } };
}
