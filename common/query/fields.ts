/*
 * Which fields a log index has and of what type, for "unknown field" checks. Built-in: the fields of OpenStack's
 * ci-log-processing index pattern `logstash-logs-*` (its Dashboards saved object, reference §3.2). From an engine:
 * `fieldCatalogFromMapping(GET <pattern>/_mapping)`.
 */

export type FieldType =
  | 'text'
  | 'keyword'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'double'
  | 'float'
  | 'date'
  | 'boolean'
  | 'ip'
  | 'object'
  | string;

/** Field path → type. Multi-fields appear as their own paths (`build_name.keyword`). */
export type FieldCatalog = Record<string, FieldType>;

const TEXT_WITH_KEYWORD = [
  'build_branch',
  'build_name',
  'build_newrev',
  'build_node',
  'build_patchset',
  'build_queue',
  'build_ref',
  'build_set',
  'build_status',
  'build_uuid',
  'filename',
  'hosts_id',
  'hosts_region',
  'log_url',
  'message',
  'node_provider',
  'project',
  'tags',
  'tenant',
  'zuul_executor',
  'change_url',
];

/** The ci-log-processing document fields (logsender makeFields; mapping of `logstash-logs-*`). */
export const CI_LOG_PROCESSING_FIELDS: FieldCatalog = (() => {
  const c: FieldCatalog = {
    '@timestamp': 'date',
    build_change: 'long',
    voting: 'long',
    _id: 'keyword',
    _index: 'keyword',
  };
  for (const f of TEXT_WITH_KEYWORD) {
    c[f] = 'text';
    c[`${f}.keyword`] = 'keyword';
  }
  return c;
})();

export const NUMERIC_TYPES = new Set([
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'unsigned_long',
]);

/**
 * Flatten a `GET <index or pattern>/_mapping` answer into one catalog (the union over all matching indices; a field
 * with different types in different indices keeps the first one seen and is listed in `conflicts`).
 */
export function fieldCatalogFromMapping(mappingResponse: Record<string, any>): {
  catalog: FieldCatalog;
  conflicts: string[];
  indices: string[];
} {
  const catalog: FieldCatalog = { _id: 'keyword', _index: 'keyword' };
  const conflicts = new Set<string>();
  const add = (path: string, type: string) => {
    if (catalog[path] !== undefined && catalog[path] !== type && path !== '_id' && path !== '_index')
      conflicts.add(path);
    else catalog[path] = type;
  };
  const walk = (props: Record<string, any> | undefined, prefix: string) => {
    if (!props) return;
    for (const [name, def] of Object.entries(props)) {
      const path = prefix ? `${prefix}.${name}` : name;
      const type: string = def.type ?? (def.properties ? 'object' : 'object');
      add(path, type);
      if (def.properties) walk(def.properties, path);
      if (def.fields)
        for (const [sub, sdef] of Object.entries<any>(def.fields)) add(`${path}.${sub}`, sdef.type ?? 'object');
    }
  };
  const indices = Object.keys(mappingResponse);
  for (const idx of indices) {
    const m = mappingResponse[idx]?.mappings ?? {};
    walk(m.properties, '');
  }
  return { catalog, conflicts: [...conflicts].sort(), indices };
}

/** Whether a field name (possibly with `*` / `?` wildcards, as query_string allows) names a known field. */
export function fieldKnown(catalog: FieldCatalog, name: string): boolean {
  if (name === '*' || name === '_exists_') return true;
  if (catalog[name] !== undefined) return true;
  if (/[*?]/.test(name)) {
    const re = new RegExp(
      '^' +
        name
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.') +
        '$',
    );
    return Object.keys(catalog).some((f) => re.test(f));
  }
  return false;
}
