/*
 * Signature checks that need the engine: the fields of the log indices (`GET <pattern>/_mapping`) and the engine's
 * own reading of the query (`_validate/query?explain`). Read-only: nothing is stored or changed.
 */
import type { Signature } from '../../../common/signature/types';
import { signatureQuery } from '../../../common/query/build';
import { FieldCatalog, fieldCatalogFromMapping } from '../../../common/query/fields';
import { QueryProblem, SignatureValidation, validateSignature, ValidateOptions } from '../../../common/query/validate';
import { EngineClient, EngineRequestError } from '../../../lib/engine_client';
import { measureLeadingWildcards } from './leading_wildcards';

export interface IndexFields {
  /** Null when no index matches the pattern (fields cannot be checked then). */
  catalog: FieldCatalog | null;
  indices: string[];
  /** Fields mapped with different types in different indices. */
  conflicts: string[];
}

/** An index name or pattern (commas and wildcards kept) as a URL path segment. */
function indexPath(pattern: string): string {
  return encodeURIComponent(pattern).replace(/%2C/g, ',').replace(/%2A/g, '*');
}

/** The union of the field mappings of the indices matching `pattern`. */
export async function fetchIndexFields(engine: EngineClient, pattern: string): Promise<IndexFields> {
  const r = await engine.request<Record<string, any>>({
    method: 'GET',
    path: `/${indexPath(pattern)}/_mapping`,
    querystring: { allow_no_indices: true, ignore_unavailable: true },
  });
  const { catalog, conflicts, indices } = fieldCatalogFromMapping(r ?? {});
  return indices.length ? { catalog, conflicts, indices } : { catalog: null, conflicts: [], indices: [] };
}

export interface EngineQueryCheck {
  /** False when the engine rejects the query. */
  valid: boolean;
  /** The engine's rewritten query per index (Lucene's toString), when valid. */
  explanation?: string;
  /** The engine's error text when invalid. */
  error?: string;
  /** Parts the engine silently turned into "match nothing" (e.g. text in a number field). */
  matchesNothing?: string[];
  /** No index matches the pattern: the engine could not check anything. */
  noIndex?: boolean;
}

/** `_validate/query?explain` for an engine query over the indices of `pattern`. */
export async function validateOnEngine(
  engine: EngineClient,
  pattern: string,
  query: object,
): Promise<EngineQueryCheck> {
  let r: any;
  try {
    r = await engine.request({
      method: 'POST',
      path: `/${indexPath(pattern)}/_validate/query`,
      querystring: { explain: true, allow_no_indices: true, ignore_unavailable: true },
      body: { query },
    });
  } catch (e) {
    if (e instanceof EngineRequestError && e.type === 'index_not_found_exception')
      return { valid: true, noIndex: true };
    throw e;
  }
  const ex: any[] = r.explanations ?? [];
  if (!ex.length && (r._shards?.total ?? 0) === 0) return { valid: true, noIndex: true };
  const bad = ex.find((e) => e.valid === false);
  if (bad || r.valid === false) {
    const text: string = bad?.error ?? r.error ?? 'the engine rejected the query';
    // the interesting part of "...ParseException: Cannot parse '...': <reason>"
    const m = /Cannot parse '[\s\S]*?': ([^;\]]+)/.exec(text);
    return { valid: false, error: m ? m[1].trim() : text };
  }
  const explanation: string | undefined = ex[0]?.explanation;
  const matchesNothing = [
    ...new Set(
      ex.flatMap((e) =>
        [...String(e.explanation ?? '').matchAll(/MatchNoDocsQuery\("(.*?)"\)(?=\s|\)|$)/g)].map((m) => m[1]),
      ),
    ),
  ];
  return { valid: true, explanation, ...(matchesNothing.length ? { matchesNothing } : {}) };
}

/** Replace the `leading_wildcard` errors of a validation by what measuring them on the engine says. */
export async function withMeasuredWildcards<
  V extends { ok: boolean; errors: QueryProblem[]; warnings: QueryProblem[] },
>(engine: EngineClient, pattern: string, query: string, v: V, fields: FieldCatalog | null): Promise<V> {
  if (!v.errors.some((e) => e.code === 'leading_wildcard')) return v;
  const m = await measureLeadingWildcards(engine, pattern, query, v.errors, { fields });
  const errors = [...v.errors.filter((e) => e.code !== 'leading_wildcard'), ...m.errors];
  return { ...v, ok: errors.length === 0, errors, warnings: [...m.warnings, ...v.warnings] };
}

export interface EngineSignatureValidation extends SignatureValidation {
  engine?: EngineQueryCheck;
  indexFields: IndexFields;
}

/**
 * Everything we can check about a signature against a running engine: the pure checks with the fields of the
 * target indices (or the built-in ci-log-processing list when no index matches), then the engine's own validation
 * of the exact query we would run.
 */
export async function validateSignatureOnEngine(
  engine: EngineClient,
  pattern: string,
  sig: Pick<Signature, 'query' | 'allowNonvoting' | 'scope'>,
  opts: Omit<ValidateOptions, 'fields'> = {},
): Promise<EngineSignatureValidation> {
  const indexFields = await fetchIndexFields(engine, pattern);
  // the translated text is what runs (signatureEngineQuery), so that is what is validated; rewrites are listed
  const v0 = validateSignature(sig, {
    ...opts,
    legacy: true,
    ...(indexFields.catalog ? { fields: indexFields.catalog } : {}),
  });
  const v = await withMeasuredWildcards(engine, pattern, v0.translated ?? sig.query, v0, indexFields.catalog);
  if (!v.ok) return { ...v, indexFields };
  const check = await validateOnEngine(engine, pattern, signatureQuery(sig));
  const errors: QueryProblem[] = [...v.errors];
  const warnings: QueryProblem[] = [...v.warnings];
  if (!check.valid) errors.push({ code: 'syntax', message: `the engine rejects the query: ${check.error}` });
  for (const m of check.matchesNothing ?? [])
    warnings.push({ code: 'type_mismatch', message: `the engine turns part of the query into "match nothing": ${m}` });
  if (check.noIndex)
    warnings.push({
      code: 'unknown_field',
      message: `no index matches '${pattern}': fields checked against the built-in ci-log-processing list, engine validation skipped`,
    });
  return { ...v, ok: errors.length === 0, errors, warnings, engine: check, indexFields };
}
