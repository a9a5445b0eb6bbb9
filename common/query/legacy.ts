/*
 * Translation of signatures written for the old logstash.openstack.org schema (reference §3.1) to the schema of
 * OpenStack's current pipeline, ci-log-processing (§3.2). Rewrites work on the parsed query and are printed back;
 * fields with no equivalent are flagged with their position and left as they are (they then match nothing, which
 * the validator reports as well).
 */
import { FAILED_BUILD_STATUSES } from '../constants';
import {
  BoolNode,
  FieldRef,
  LeafNode,
  LuceneSyntaxError,
  OperandNode,
  lineColumn,
  parseLucene,
  printLucene,
  quoteLucenePhrase,
} from './lucene';

export interface LegacyRewrite {
  /** The clause as written, e.g. `filename:"logs/screen-n-cpu.txt"`. */
  from: string;
  /** The clause it became. */
  to: string;
  reason: string;
}

export interface LegacyWarning {
  field: string;
  reason: string;
  position: { offset: number; line: number; column: number };
}

export interface LegacyTranslation {
  /** The query for the current schema (the input unchanged when nothing was rewritten or on a syntax error). */
  query: string;
  rewrites: LegacyRewrite[];
  warnings: LegacyWarning[];
  /** Set when the query does not parse; nothing is translated then. */
  error?: LuceneSyntaxError;
}

/** Old fields that the current schema does not have or fills with a constant. */
export const UNTRANSLATABLE_FIELDS: Record<string, string> = {
  loglevel: 'not indexed any more: ci-log-processing does not parse log levels (the level is part of `message`)',
  module: 'not indexed any more: ci-log-processing does not parse the logger module (it is part of `message`)',
  pid: 'not indexed any more: ci-log-processing does not parse process ids',
  syslog_program: 'not indexed any more: ci-log-processing does not parse syslog lines',
  syslog_pid: 'not indexed any more: ci-log-processing does not parse syslog lines',
  syslog_host: 'not indexed any more: ci-log-processing does not parse syslog lines',
  build_node:
    'meaningless in the current schema: always "zuul-executor" (node information is in hosts_id / hosts_region)',
  node_provider: 'meaningless in the current schema: always "local" (the cloud is in hosts_region)',
  build_master: 'not indexed any more (Jenkins master / executor host; see zuul_executor)',
  build_zuul_url: 'not indexed any more (Zuul v2 ZUUL_URL)',
  error_pr: 'not indexed any more (crm114 score)',
  received_at: 'not indexed any more (logstash ingest time)',
};

const FAILURE_REASON = `build_status:FAILURE only matched "FAILURE"; Zuul reports failed builds as ${FAILED_BUILD_STATUSES.join(
  ', ',
)} and ci-log-processing stores the result as-is`;

function renameField(name: string): { name: string; reason: string } | undefined {
  if (name === '@message') return { name: 'message', reason: '2013 schema: @message is message' };
  if (name === '@tags') return { name: 'tags', reason: '2013 schema: @tags is tags' };
  if (name.startsWith('@fields.'))
    return { name: name.slice('@fields.'.length), reason: `2013 schema: ${name} is a top-level field` };
  return undefined;
}

function leafValue(leaf: LeafNode): string | undefined {
  return leaf.type === 'term' || leaf.type === 'phrase' || leaf.type === 'wildcard' ? leaf.value : undefined;
}

/** Rewrite one query. Pure: returns the new text and what was done. */
export function translateLegacyQuery(query: string): LegacyTranslation {
  const parsed = parseLucene(query);
  if (!parsed.ok) return { query, rewrites: [], warnings: [], error: parsed.error };
  const rewrites: LegacyRewrite[] = [];
  const warnings: LegacyWarning[] = [];
  const warned = new Set<number>();
  const warn = (field: FieldRef, reason: string) => {
    if (warned.has(field.start)) return;
    warned.add(field.start);
    warnings.push({ field: field.name, reason, position: { offset: field.start, ...lineColumn(query, field.start) } });
  };
  const src = (n: { start: number; end: number }) => query.slice(n.start, n.end);

  const fixField = (f: FieldRef | undefined, owner: { start: number; end: number }): FieldRef | undefined => {
    if (!f) return f;
    const r = renameField(f.name);
    if (!r) return f;
    rewrites.push({ from: src(owner), to: '', reason: r.reason });
    return { ...f, name: r.name };
  };

  const rewriteLeaf = (leaf: LeafNode, field: FieldRef | undefined, fieldIsOwn: boolean): OperandNode => {
    const name = field?.name;
    let node: LeafNode = leaf;
    const value = leafValue(leaf);
    if (!name) return node;
    if (UNTRANSLATABLE_FIELDS[name]) warn(field!, UNTRANSLATABLE_FIELDS[name]);
    if (name === 'filename' && value !== undefined && leaf.type !== 'wildcard' && value.includes('/')) {
      const base = value.slice(value.lastIndexOf('/') + 1);
      node = { ...leaf, type: 'phrase', raw: quoteLucenePhrase(base).slice(1, -1), value: base } as LeafNode;
      if (leaf.type === 'phrase' && leaf.proximity !== undefined) (node as any).proximity = leaf.proximity;
      delete (node as any).fuzzy;
      const reason =
        "filename is the basename in ci-log-processing (the directory, e.g. grenade's logs/old vs logs/new or a node prefix, is not indexed)";
      rewrites.push({
        from: src(leaf),
        to: printLucene({ ...node, field: fieldIsOwn ? field : undefined } as LeafNode),
        reason,
      });
      return node;
    }
    const dirWildcard =
      name === 'filename' && leaf.type === 'wildcard' ? /^[\w./-]*logs\/?\*([^*?/]+)$/.exec(leaf.value) : null;
    if (dirWildcard) {
      // `filename:logs*screen-n-api.txt`: the `*` stood for the directory separator (an unquoted '/' starts a regex)
      const base = dirWildcard[1];
      node = {
        type: 'phrase',
        raw: quoteLucenePhrase(base).slice(1, -1),
        value: base,
        start: leaf.start,
        end: leaf.end,
        ...(fieldIsOwn ? { field } : {}),
      } as LeafNode;
      rewrites.push({
        from: src(leaf),
        to: printLucene({ ...node, field } as LeafNode),
        reason:
          "filename is the basename in ci-log-processing: the 'logs*' wildcard stood for the old directory prefix",
      });
      return node;
    }
    if (name === 'filename' && value === 'console.html' && fieldIsOwn) {
      node = { ...leaf, field: { ...field!, name: 'tags' } } as LeafNode;
      rewrites.push({
        from: src(leaf),
        to: printLucene(node),
        reason: 'Zuul v3 writes job-output.txt, not console.html; ci-log-processing tags its lines "console.html"',
      });
      return node;
    }
    if (
      name === 'build_status' &&
      value !== undefined &&
      value.toUpperCase() === 'FAILURE' &&
      leaf.type !== 'wildcard'
    ) {
      const group: OperandNode = {
        type: 'group',
        start: leaf.start,
        end: leaf.end,
        field: fieldIsOwn ? field : undefined,
        body: {
          type: 'bool',
          start: leaf.start,
          end: leaf.end,
          clauses: FAILED_BUILD_STATUSES.map((s, i) => ({
            conj: i ? ('OR' as const) : null,
            modifier: null,
            start: leaf.start,
            end: leaf.end,
            node: { type: 'term' as const, raw: s, value: s, start: leaf.start, end: leaf.end },
          })),
        },
      };
      if (!fieldIsOwn) delete (group as any).field;
      rewrites.push({ from: src(leaf), to: printLucene(group), reason: FAILURE_REASON });
      return group;
    }
    if (name === 'build_short_uuid' && value !== undefined && fieldIsOwn) {
      const prefix = value.replace(/\*$/, '');
      node = {
        type: 'wildcard',
        raw: `${prefix.replace(/[^0-9a-zA-Z]/g, '')}*`,
        value: `${prefix}*`,
        leading: false,
        start: leaf.start,
        end: leaf.end,
        field: { ...field!, name: 'build_uuid' },
      };
      rewrites.push({
        from: src(leaf),
        to: printLucene(node),
        reason:
          'build_short_uuid (the first 7 characters of build_uuid) is not indexed any more; a prefix query on build_uuid selects the same build (a 7-hex prefix can in principle match several builds)',
      });
      warn(field!, 'build_short_uuid rewritten to a build_uuid prefix: key on the full build_uuid instead');
      return node;
    }
    return node;
  };

  const rewriteBool = (bool: BoolNode, inherited?: FieldRef): BoolNode => ({
    ...bool,
    clauses: bool.clauses.map((c) => {
      const n = c.node;
      if (n.type === 'group') {
        const before = rewrites.length;
        const field = fixField(n.field, n);
        const eff = field ?? inherited;
        if (eff && UNTRANSLATABLE_FIELDS[eff.name]) warn(eff, UNTRANSLATABLE_FIELDS[eff.name]);
        const group: OperandNode = { ...n, field, body: rewriteBool(n.body, eff) };
        if (!field) delete group.field;
        if (field !== n.field) rewrites[before].to = printLucene(group);
        return { ...c, node: group };
      }
      const own = fixField(n.field, n);
      const leaf = own === n.field ? n : ({ ...n, field: own } as LeafNode);
      if (own !== n.field) rewrites[rewrites.length - 1].to = printLucene(leaf);
      return { ...c, node: rewriteLeaf(leaf, own ?? inherited, !!own) };
    }),
  });

  const ast = rewriteBool(parsed.ast);
  if (!rewrites.length) return { query, rewrites, warnings };
  return { query: printLucene(ast), rewrites, warnings };
}

/** Fields of the old schema that this module knows how to rewrite or flags. */
export function isLegacyField(name: string): boolean {
  return !!renameField(name) || !!UNTRANSLATABLE_FIELDS[name] || name === 'build_short_uuid';
}
