/*
 * A signature as the query core runs it: the signature plus the engine query that selects its log
 * lines, decided by `signatureEngineQuery` (common/query/build.ts: old-schema fields translated, the
 * implied `voting:1` unless allow-nonvoting, and the scope). Every core function takes compiled
 * signatures so that one compilation serves a whole request.
 */
import type { Signature } from '../../../common/signature/types';
import { signatureEngineQuery } from '../../../common/query/build';
import type { LegacyRewrite } from '../../../common/query/legacy';
import { anchorPlan, AnchorPlan, chooseAnchors } from './anchors';

export interface CompiledSignature {
  signature: Signature;
  /** Engine query DSL selecting the log lines this signature matches (voting and scope included). */
  query: object;
  /** The Lucene text that runs, when old-schema rewrites changed the author's text. */
  translated?: string;
  /** The old-schema rewrites behind `translated`. */
  rewrites?: LegacyRewrite[];
  /**
   * `message` tokens of which every matching line holds one (signatures/anchors.ts); set only when the
   * query is the signature's own Lucene text (the default builder), null when it cannot be anchored.
   */
  anchors?: string[] | null;
  /** The choices behind `anchors`, for picking the rarest tokens with engine statistics. */
  anchorPlan?: AnchorPlan | null;
}

export type SignatureQueryBuilder = (sig: Signature) => object;

export function compileSignatures(signatures: Signature[], build?: SignatureQueryBuilder): CompiledSignature[] {
  const seen = new Set<string>();
  return signatures.map((signature) => {
    if (seen.has(signature.id)) throw new Error(`duplicate signature id "${signature.id}"`);
    seen.add(signature.id);
    const engineQuery = signatureEngineQuery(signature);
    const standard = engineQuery.query;
    const query = build ? build(signature) : standard;
    // anchors are only sound for the signature's own query (a custom builder may select anything)
    if (query !== standard && JSON.stringify(query) !== JSON.stringify(standard)) return { signature, query };
    const translated = engineQuery.rewrites.length
      ? { translated: engineQuery.text, rewrites: engineQuery.rewrites }
      : {};
    const plan = anchorPlan(engineQuery.text);
    return { signature, query, ...translated, anchors: plan ? chooseAnchors(plan).tokens : null, anchorPlan: plan };
  });
}
