/*
 * Leading wildcards on analysed text (`build_name:*tempest*` on ci-log-processing's text fields): the pure check
 * (common/query/validate.ts) cannot know the cost, which is the number of terms the engine visits: every term of
 * the field. Here it is measured: the distinct values of the field (its keyword form) in a bounded sample of the
 * log lines. Few (job, project, file names) is accepted; many (`message`: about one per line) is refused; either
 * way the message says what was measured. Read-only, one bounded search per clause.
 */
import { parseLucene, LuceneNode, unescapeLucene } from '../../../common/query/lucene';
import type { FieldCatalog } from '../../../common/query/fields';
import type { QueryProblem } from '../../../common/query/validate';
import { EngineClient, search } from '../../../lib/engine_client';

/** Distinct values a field may have for a leading wildcard on it to be accepted. */
export const LEADING_WILDCARD_MAX_DISTINCT = 10_000;
/** Log lines per shard the measurement looks at, at most. */
export const LEADING_WILDCARD_SAMPLE_LINES = 200_000;

export interface MeasureOptions {
  /** Field catalog of the log indices (to find the keyword form of a field). */
  fields?: FieldCatalog | null;
  maxDistinct?: number;
  sampleLines?: number;
}

export interface LeadingWildcardVerdicts {
  /** Problems that stay errors (measured too slow, or the engine refused the clause). */
  errors: QueryProblem[];
  /** Clauses accepted after measuring, with what was measured. */
  warnings: QueryProblem[];
}

function leadingWildcardAt(
  node: LuceneNode,
  offset: number,
  inherited?: string,
): { field?: string; raw: string } | undefined {
  if (node.type === 'bool') {
    for (const c of node.clauses) {
      const found = leadingWildcardAt(c.node, offset, inherited);
      if (found) return found;
    }
    return undefined;
  }
  if (node.type === 'group') return leadingWildcardAt(node.body, offset, node.field?.name ?? inherited);
  if (node.type === 'wildcard' && node.leading && node.start === offset)
    return { field: node.field?.name ?? inherited, raw: node.raw };
  return undefined;
}

/** The keyword form of a field, whose distinct values the engine can count. */
function keywordFormOf(field: string, fields: FieldCatalog | null | undefined): string | undefined {
  if (!fields) return undefined;
  if (fields[field] === 'keyword') return field;
  if (fields[`${field}.keyword`] === 'keyword') return `${field}.keyword`;
  return undefined;
}

/** Measure the `leading_wildcard` errors of a query's validation; other problems are not looked at. */
export async function measureLeadingWildcards(
  engine: EngineClient,
  pattern: string,
  query: string,
  problems: QueryProblem[],
  opts: MeasureOptions = {},
): Promise<LeadingWildcardVerdicts> {
  const maxDistinct = opts.maxDistinct ?? LEADING_WILDCARD_MAX_DISTINCT;
  const sampleLines = opts.sampleLines ?? LEADING_WILDCARD_SAMPLE_LINES;
  const out: LeadingWildcardVerdicts = { errors: [], warnings: [] };
  const parsed = parseLucene(query);
  for (const p of problems) {
    if (p.code !== 'leading_wildcard') continue;
    const clause = parsed.ok && p.offset !== undefined ? leadingWildcardAt(parsed.ast, p.offset) : undefined;
    if (!clause) {
      out.errors.push(p);
      continue;
    }
    const field = clause.field ? unescapeLucene(clause.field) : undefined;
    const head = `leading wildcard in '${clause.raw}' on ${field ? `'${field}'` : 'every field'}`;
    const keyword = field ? keywordFormOf(field, opts.fields) : undefined;
    if (!keyword) {
      out.errors.push({
        ...p,
        message: `${head}: its cost cannot be measured (${field ? `no keyword form of '${field}' in '${pattern}' to count its values` : 'no field named'}), so it is refused; list the values with OR or anchor the start`,
      });
      continue;
    }
    let distinct: number;
    let lines: number;
    let shards: number;
    try {
      const r: any = await search(
        engine,
        pattern,
        {
          size: 0,
          track_total_hits: true,
          terminate_after: sampleLines,
          timeout: '5s',
          aggs: {
            distinct: { cardinality: { field: keyword, precision_threshold: Math.min(40_000, maxDistinct * 4) } },
          },
        },
        { ignore_unavailable: true, allow_no_indices: true },
      );
      distinct = Number(r.aggregations?.distinct?.value ?? 0);
      lines = Number(r.hits?.total?.value ?? 0);
      shards = Number(r._shards?.total ?? 0);
    } catch (e) {
      out.errors.push({
        ...p,
        message: `${head}: measuring its cost failed (${(e as Error).message}), so it is refused`,
      });
      continue;
    }
    if (shards === 0 || lines === 0) {
      out.warnings.push({
        ...p,
        message: `${head}: no log line in '${pattern}' to measure on; accepted, it visits every term of the field once logs are indexed`,
      });
    } else if (distinct <= maxDistinct) {
      out.warnings.push({
        ...p,
        message: `${head}: ${field} has ${distinct} distinct value(s) in ${lines} log line(s) sampled from '${pattern}' (limit ${maxDistinct}), so accepted; each search visits the terms of all of them`,
      });
    } else {
      out.errors.push({
        ...p,
        message: `${head}: ${field} has ${distinct} distinct values in ${lines} log line(s) sampled from '${pattern}', more than ${maxDistinct}: each search would visit all their terms; list the values with OR or anchor the start`,
      });
    }
  }
  return out;
}
