/*
 * A signature as the query core runs it: the signature plus the engine query that selects its log
 * lines (Lucene text, the implied `voting:1` unless allow-nonvoting, and the scope). Every core
 * function takes compiled signatures so that one compilation serves a whole request.
 */
import type { Signature } from '../../../common/signature/types';
import { LOG_FIELDS } from '../../../common/log_fields';

export interface CompiledSignature {
  signature: Signature;
  /** Engine query DSL selecting the log lines this signature matches (voting and scope included). */
  query: object;
}

export type SignatureQueryBuilder = (sig: Signature) => object;

/**
 * The engine query for one signature. Used until/unless common/query/build.ts (`signatureQuery`) is
 * handed in by the caller; semantics are elastic-recheck's: `query_string` over the Lucene text,
 * `AND voting:1` unless allow-nonvoting, and the scope as exact filters.
 */
export function basicSignatureQuery(sig: Signature): object {
  const filter: object[] = [{ query_string: { query: sig.query } }];
  if (!sig.allowNonvoting) filter.push({ term: { [LOG_FIELDS.voting]: 1 } });
  const scope = sig.scope ?? {};
  if (scope.projects?.length) filter.push({ terms: { [LOG_FIELDS.project]: scope.projects } });
  if (scope.branches?.length) filter.push({ terms: { [LOG_FIELDS.buildBranch]: scope.branches } });
  if (scope.queues?.length) filter.push({ terms: { [LOG_FIELDS.buildQueue]: scope.queues } });
  return { bool: { filter } };
}

export function compileSignatures(signatures: Signature[], build: SignatureQueryBuilder = basicSignatureQuery): CompiledSignature[] {
  const seen = new Set<string>();
  return signatures.map((signature) => {
    if (seen.has(signature.id)) throw new Error(`duplicate signature id "${signature.id}"`);
    seen.add(signature.id);
    return { signature, query: build(signature) };
  });
}

/** Filters-aggregation keys are signature ids; the engine takes any string, we keep them as they are. */
export function filtersOf(compiled: CompiledSignature[]): Record<string, object> {
  const filters: Record<string, object> = {};
  for (const c of compiled) filters[c.signature.id] = c.query;
  return filters;
}
