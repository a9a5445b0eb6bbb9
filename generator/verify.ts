/*
 * Checks a generated data set's ground truth against the engine: for every signature, the builds
 * whose lines its query matches (common/query/build.ts `signatureQuery`: query_string plus the
 * voting rule) must be exactly the builds whose `expectedSignatures` list it.
 */
import type { Signature } from '../common/signature/types';
import { signatureQuery } from '../common/query/build';
import { msearch, type EngineClient } from '../lib/engine_client';
import type { GroundTruth } from './index_data';

export interface VerifyMismatch {
  signature: string;
  build: string;
  /** `missing`: expected but the engine did not match; `unexpected`: matched but not expected. */
  kind: 'missing' | 'unexpected';
}

export interface VerifyResult {
  checkedSignatures: number;
  /** Build-signature pairs the engine matched. */
  matchedPairs: number;
  mismatches: VerifyMismatch[];
}

export async function verifyGroundTruth(
  engine: EngineClient,
  truth: GroundTruth,
  signatures: Signature[],
): Promise<VerifyResult> {
  const used = new Set(truth.signatures.used);
  const sigs = signatures.filter((s) => used.has(s.id));
  const expected = new Map<string, Set<string>>();
  for (const s of sigs) expected.set(s.id, new Set());
  for (const b of truth.builds) for (const id of b.expectedSignatures) expected.get(id)?.add(b.uuid);
  const size = Math.max(10, truth.builds.length);
  const mismatches: VerifyMismatch[] = [];
  let matchedPairs = 0;
  for (let i = 0; i < sigs.length; i += 20) {
    const chunk = sigs.slice(i, i + 20);
    const res = await msearch(
      engine,
      chunk.map((s) => ({
        index: truth.indexPattern,
        body: {
          size: 0,
          track_total_hits: false,
          query: signatureQuery(s),
          aggs: { builds: { terms: { field: 'build_uuid', size } } },
        },
      })),
    );
    res.responses.forEach((r, k) => {
      const sig = chunk[k];
      if (r.error) throw new Error(`signature ${sig.id}: engine error ${JSON.stringify(r.error).slice(0, 300)}`);
      const got = new Set<string>((r.aggregations?.builds?.buckets ?? []).map((b: { key: string }) => b.key));
      matchedPairs += got.size;
      const want = expected.get(sig.id) ?? new Set<string>();
      for (const b of want) if (!got.has(b)) mismatches.push({ signature: sig.id, build: b, kind: 'missing' });
      for (const b of got) if (!want.has(b)) mismatches.push({ signature: sig.id, build: b, kind: 'unexpected' });
    });
  }
  return { checkedSignatures: sigs.length, matchedPairs, mismatches };
}
