/*
 * The one gate every route that runs a user's query passes before the engine sees it (preview, query_stats;
 * create, update and import refuse every error of validateSignature, see server/lib/signature_store.ts).
 * Only problems that make a query malformed, costly or match-all refuse it here; unknown fields only cost
 * an empty answer.
 */
import { QueryProblem, QueryProblemCode, validateQuery } from './validate';

export const REFUSING_CODES: ReadonlySet<QueryProblemCode> = new Set<QueryProblemCode>([
  'syntax',
  'too_long',
  'too_many_clauses',
  'too_deep',
  'leading_wildcard',
  'costly_wildcard',
  'costly_regex',
  'costly_fuzzy',
  'match_all',
  'bad_character',
]);

/** `message (line l, column c)` */
export function describeProblem(p: QueryProblem): string {
  return p.line !== undefined ? `${p.message} (line ${p.line}, column ${p.column})` : p.message;
}

/** The first problem that refuses this query, or null when it may run. */
export function queryRefusal(query: string): QueryProblem | null {
  const v = validateQuery(query, { fields: null });
  return v.errors.find((e) => REFUSING_CODES.has(e.code)) ?? null;
}
