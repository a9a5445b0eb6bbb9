/*
 * The log index layout of OpenStack's ci-log-processing pipeline (logsender, reference §3.2):
 * daily indices `<prefix>YYYY.MM.DD` (prefix `logstash-logs-` in production) and one document per
 * log line.
 *
 * Mapping decision: production relies on dynamic mapping, so every string is `text` with a
 * `.keyword` sub-field. Signatures, however, are written as exact field clauses
 * (`build_name:"tempest-full-py3"`, `tags:"screen-n-cpu.txt"`), and on a `text` field such a clause
 * is a phrase over analysed tokens, so `build_name:"tempest-full"` would also hit
 * `tempest-full-py3`. We therefore map the build and file fields as `keyword` (exact match with
 * query_string, aggregatable) and keep a `.keyword` sub-field on each, so that queries, filters and
 * saved objects written for the production mapping (`build_name.keyword`) work unchanged. Only
 * `message` is analysed text (standard analyzer). `build_change` and `voting` are `long`, as in
 * production.
 */
import type { EngineClient } from '../lib/engine_client';
import { LOG_INDEX_PREFIX } from '../common/constants';

/** Exact-value fields (keyword, plus a `.keyword` sub-field for the production field names). */
export const LOG_KEYWORD_FIELDS = [
  'build_name',
  'build_status',
  'build_uuid',
  'build_set',
  'build_queue',
  'build_ref',
  'build_branch',
  'build_patchset',
  'build_newrev',
  'build_node',
  'node_provider',
  'project',
  'tenant',
  'change_url',
  'log_url',
  'filename',
  'tags',
  'hosts_id',
  'hosts_region',
  'zuul_executor',
] as const;
export type LogKeywordField = (typeof LOG_KEYWORD_FIELDS)[number];

/** Numeric fields. `line_number` is ours (1-based line in the file, for `log_url#L<n>` links). */
export const LOG_LONG_FIELDS = ['build_change', 'voting', 'line_number'] as const;
export type LogLongField = (typeof LOG_LONG_FIELDS)[number];

export const LOG_TEXT_FIELDS = ['message'] as const;
export const LOG_DATE_FIELDS = ['@timestamp'] as const;

export type LogFieldType = 'text' | 'keyword' | 'long' | 'date';

/** Every document field and its type, by name; `<field>.keyword` sub-fields resolve to keyword. */
export function logFieldType(field: string): LogFieldType | undefined {
  if ((LOG_TEXT_FIELDS as readonly string[]).includes(field)) return 'text';
  if ((LOG_DATE_FIELDS as readonly string[]).includes(field)) return 'date';
  if ((LOG_LONG_FIELDS as readonly string[]).includes(field)) return 'long';
  if ((LOG_KEYWORD_FIELDS as readonly string[]).includes(field)) return 'keyword';
  if (field.endsWith('.keyword') && (LOG_KEYWORD_FIELDS as readonly string[]).includes(field.slice(0, -8)))
    return 'keyword';
  return undefined;
}

/** All searchable field names (what `*` expands to for query_string). */
export const ALL_LOG_FIELDS: readonly string[] = [
  ...LOG_TEXT_FIELDS,
  ...LOG_KEYWORD_FIELDS,
  ...LOG_LONG_FIELDS,
  ...LOG_DATE_FIELDS,
];

export function logMappings(): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    '@timestamp': { type: 'date' },
    message: { type: 'text' },
  };
  for (const f of LOG_KEYWORD_FIELDS)
    properties[f] = {
      type: 'keyword',
      ignore_above: 8191,
      fields: { keyword: { type: 'keyword', ignore_above: 8191 } },
    };
  for (const f of LOG_LONG_FIELDS) properties[f] = { type: 'long' };
  return { dynamic: true, properties };
}

/** Composable index template for `<prefix>*`. Single-node friendly: one shard, no replica. */
export function logIndexTemplate(prefix: string = LOG_INDEX_PREFIX): Record<string, unknown> {
  return {
    index_patterns: [`${prefix}*`],
    // Longer prefixes win: a test prefix never collides with the production pattern's priority.
    priority: 100 + prefix.length,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
      mappings: logMappings(),
    },
    _meta: { description: 'elastic-recheck: ci-log-processing log lines (keyword build fields, text message)' },
  };
}

export function logTemplateName(prefix: string = LOG_INDEX_PREFIX): string {
  return `elastic-recheck-${prefix.replace(/[^a-z0-9_-]/gi, '_').replace(/-+$/, '') || 'logs'}`;
}

export async function putLogIndexTemplate(engine: EngineClient, prefix: string = LOG_INDEX_PREFIX): Promise<string> {
  const name = logTemplateName(prefix);
  await engine.request({
    method: 'PUT',
    path: `/_index_template/${encodeURIComponent(name)}`,
    body: logIndexTemplate(prefix),
  });
  return name;
}

/** `<prefix>YYYY.MM.DD` for the UTC day of `time` (epoch ms). */
export function logIndexName(prefix: string, time: number): string {
  const d = new Date(time);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${prefix}${d.getUTCFullYear()}.${mm}.${dd}`;
}

/* ---------------- subunit (test results) ---------------- */

/** Default prefix of ci-log-processing's test-result indices (`subunit-YYYY.MM.DD`). */
export const SUBUNIT_INDEX_PREFIX = 'subunit-';

export const SUBUNIT_KEYWORD_FIELDS = [
  'test_name',
  'test_status',
  'build_name',
  'build_status',
  'build_uuid',
  'build_set',
  'build_queue',
  'build_ref',
  'build_branch',
  'build_patchset',
  'project',
  'tenant',
  'zuul_executor',
  'log_url',
] as const;

/** One document per test: `test_name`, `test_status` (success/fail/skip/...), `test_duration` (s), build fields. */
export function subunitMappings(): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    '@timestamp': { type: 'date' },
    test_duration: { type: 'float' },
    build_change: { type: 'long' },
    voting: { type: 'long' },
  };
  for (const f of SUBUNIT_KEYWORD_FIELDS)
    properties[f] = {
      type: 'keyword',
      ignore_above: 8191,
      fields: { keyword: { type: 'keyword', ignore_above: 8191 } },
    };
  return { dynamic: true, properties };
}

export function subunitIndexTemplate(prefix: string = SUBUNIT_INDEX_PREFIX): Record<string, unknown> {
  return {
    index_patterns: [`${prefix}*`],
    priority: 100 + prefix.length,
    template: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: subunitMappings() },
    _meta: { description: 'elastic-recheck: ci-log-processing subunit test results' },
  };
}

export async function putSubunitIndexTemplate(
  engine: EngineClient,
  prefix: string = SUBUNIT_INDEX_PREFIX,
): Promise<string> {
  const name = logTemplateName(prefix);
  await engine.request({
    method: 'PUT',
    path: `/_index_template/${encodeURIComponent(name)}`,
    body: subunitIndexTemplate(prefix),
  });
  return name;
}

/** The subunit prefix that goes with a log index prefix: `x-logs-` -> `x-subunit-`, else `subunit-<prefix>`. */
export function defaultSubunitPrefix(logPrefix: string): string {
  if (logPrefix === 'logstash-logs-') return SUBUNIT_INDEX_PREFIX;
  if (logPrefix.endsWith('logs-')) return `${logPrefix.slice(0, -'logs-'.length)}subunit-`;
  return `subunit-${logPrefix}`;
}
