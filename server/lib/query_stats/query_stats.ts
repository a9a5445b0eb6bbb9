/*
 * The field breakdown of a query's hits: elastic-recheck's `elastic-recheck-query` (reference §1.5),
 * computed by the engine in one request instead of over the first 1,000 hits client-side.
 *
 * Each `_source` attribute becomes a `terms` aggregation over a script that renders the value as ER
 * printed it (a list is one value, its items joined by spaces, in source order), so the breakdown is
 * the original's. Attributes come from the index mapping (top-level properties); `@*` and `message`
 * are never shown, ER's noise list only with `verbose`. Percentages are over the hits that have the
 * attribute (ER's definition), computed from exact totals (`sum_other_doc_count` + buckets).
 */
import type { FieldBreakdown, QueryStatsResult } from '../../../common/api/query_stats';
import { DEFAULT_LOG_INDEX_PATTERN } from '../../../common/constants';
import { LOG_FIELDS } from '../../../common/log_fields';
import { EngineClient, search } from '../../../lib/engine_client';

/** Shown only with `verbose` (ER's IGNORED_ATTRIBUTES). */
export const NOISE_ATTRIBUTES = [
  'build_master',
  'build_patchset',
  'build_ref',
  'build_short_uuid',
  'build_uuid',
  'error_pr',
  'host',
  'received_at',
  'type',
];

export interface QueryStatsOptions {
  index?: string;
  /** Top values per attribute (ER's --quantity, default 5). */
  quantity?: number;
  verbose?: boolean;
  /** Time window [start, end) in epoch ms; default: everything in the index pattern. */
  start?: number;
  end?: number;
  /** Attributes to break down; default: every top-level property of the mapping. */
  fields?: string[];
  /** Attributes never to show (e.g. bookkeeping fields of the deployment). */
  exclude?: string[];
}

const RENDER_SCRIPT = [
  'def v = params._source[params.f];',
  'if (v == null) return null;',
  'if (v instanceof List) { def out = new ArrayList(); for (def x : v) { out.add(String.valueOf(x)); } return String.join(" ", out); }',
  'return String.valueOf(v);',
].join(' ');

export async function mappedAttributes(engine: EngineClient, index: string): Promise<string[]> {
  const mapping = await engine.request<Record<string, { mappings: { properties?: Record<string, unknown> } }>>({
    method: 'GET',
    path: `/${encodeURIComponent(index)}/_mapping`,
    querystring: { ignore_unavailable: true, allow_no_indices: true },
  });
  const names = new Set<string>();
  for (const m of Object.values(mapping)) for (const k of Object.keys(m.mappings?.properties ?? {})) names.add(k);
  return [...names].sort();
}

export async function queryStats(
  engine: EngineClient,
  query: object,
  options: QueryStatsOptions = {},
): Promise<QueryStatsResult> {
  const index = options.index ?? DEFAULT_LOG_INDEX_PATTERN;
  const quantity = options.quantity ?? 5;
  if (!Number.isInteger(quantity) || quantity < 1)
    throw new Error(`quantity must be a whole number >= 1, got ${quantity}`);
  const attributes = (options.fields ?? (await mappedAttributes(engine, index))).filter(
    (f) =>
      !f.startsWith('@') &&
      f !== LOG_FIELDS.message &&
      !options.exclude?.includes(f) &&
      (options.verbose || !NOISE_ATTRIBUTES.includes(f)),
  );
  const filter: object[] = [query];
  if (options.start !== undefined || options.end !== undefined) {
    filter.push({ range: { [LOG_FIELDS.timestamp]: { gte: options.start, lt: options.end, format: 'epoch_millis' } } });
  }
  const aggs: Record<string, object> = {};
  attributes.forEach((field, i) => {
    aggs[`a${i}`] = {
      terms: {
        script: { source: RENDER_SCRIPT, params: { f: field } },
        size: quantity,
        shard_size: Math.max(quantity * 20, 1000),
        order: [{ _count: 'desc' }, { _key: 'asc' }],
        show_term_doc_count_error: true,
      },
    };
  });
  const res = await search(
    engine,
    index,
    { size: 0, track_total_hits: true, query: { bool: { filter } }, aggs },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  const fields: FieldBreakdown[] = [];
  attributes.forEach((field, i) => {
    const agg = res.aggregations?.[`a${i}`];
    if (!agg) return;
    const total = agg.sum_other_doc_count + agg.buckets.reduce((n: number, b: any) => n + b.doc_count, 0);
    if (total === 0) return;
    fields.push({
      field,
      total,
      countError: agg.doc_count_error_upper_bound ?? 0,
      values: agg.buckets.map((b: any) => ({
        value: String(b.key),
        count: b.doc_count,
        percent: (100 * b.doc_count) / total,
      })),
    });
  });
  return { totalHits: res.hits.total.value, fields, took: res.took };
}

/** The text `elastic-recheck-query` printed. */
export function formatQueryStats(result: QueryStatsResult): string {
  const lines = [`total hits: ${result.totalHits}`];
  for (const f of [...result.fields].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0))) {
    lines.push(f.field);
    for (const v of f.values) lines.push(`  ${Math.floor(v.percent)}% ${v.value}`);
  }
  return lines.join('\n') + '\n';
}
