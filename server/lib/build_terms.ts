/*
 * Exact per-build buckets: `multi_terms` over the build uuid and other fields of its lines. `size` and
 * `shard_size` are both the limit, so every build is counted exactly up to it and `sum_other_doc_count`
 * says when it is not (the callers then refuse rather than undercount); a line without one of the other
 * fields still counts, under ''.
 */
import { LOG_FIELDS } from '../../common/log_fields';

export function buildTerms(fields: string[], limit: number): object {
  return {
    multi_terms: {
      terms: [{ field: LOG_FIELDS.buildUuid }, ...fields.map((field) => ({ field, missing: '' }))],
      size: limit,
      shard_size: limit,
    },
  };
}
