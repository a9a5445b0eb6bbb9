/*
 * A signature as the query core runs it: the signature plus the engine query that selects its log
 * lines (Lucene text, the implied `voting:1` unless allow-nonvoting, and the scope). Every core
 * function takes compiled signatures so that one compilation serves a whole request.
 */
import type { Signature } from '../../../common/signature/types';
import { signatureQuery } from '../../../common/query/build';

export interface CompiledSignature {
  signature: Signature;
  /** Engine query DSL selecting the log lines this signature matches (voting and scope included). */
  query: object;
}

export type SignatureQueryBuilder = (sig: Signature) => object;

export function compileSignatures(signatures: Signature[], build: SignatureQueryBuilder = (sig) => signatureQuery(sig)): CompiledSignature[] {
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
