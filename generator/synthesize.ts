/*
 * Finds what a log line and its build must look like for a signature's query to match it: a
 * randomized search over the query's boolean structure (every MUST clause, one SHOULD when there is
 * no MUST, MUST_NOT left for the final check) that yields field values, tags, a file name and the
 * message fragments to write. The caller renders the line and checks it with the evaluator.
 */
import { analyze } from './analyzer';
import { IMPLICIT, type Expr } from './lucene_eval';
import { logFieldType } from './mapping';
import type { Rng } from './random';

/** Build/file fields a signature may require, and the message fragments it needs. */
export interface LinePlan {
  /** Exact values for single-valued keyword/long fields (build_name, project, voting, ...). */
  fields: Record<string, string>;
  /** Tags the file must carry. */
  tags: string[];
  /** Basename the file must have. */
  filename?: string;
  /** Text fragments the message must contain (each kept intact). */
  parts: string[];
}

export class Unsatisfiable extends Error {}

/** logsender writes constants into these (the node information moved to hosts_id / hosts_region). */
const FIXED_FIELDS: Record<string, string> = { build_node: 'zuul-executor', node_provider: 'local', build_newrev: '' };

function baseField(field: string): string {
  const f = field.endsWith('.keyword') ? field.slice(0, -8) : field;
  return f;
}

function clone(p: LinePlan): LinePlan {
  return { fields: { ...p.fields }, tags: [...p.tags], filename: p.filename, parts: [...p.parts] };
}

/** Text that makes a wildcard term match: `*` and `?` become letters. */
function fillWildcard(pattern: string, rng: Rng): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) out += pattern[++i];
    else if (ch === '*') out += rng.pick(['', 'x', 'abc']);
    else if (ch === '?') out += rng.pick(['a', 'e', 'o']);
    else out += ch;
  }
  return out;
}

function addValue(plan: LinePlan, field: string, value: string): void {
  const f = baseField(field);
  if (f === 'tags') {
    if (!plan.tags.includes(value)) plan.tags.push(value);
    return;
  }
  if (f === 'filename') {
    if (plan.filename !== undefined && plan.filename !== value)
      throw new Unsatisfiable(`needs two file names ("${plan.filename}", "${value}") in one line`);
    if (value.includes('/'))
      throw new Unsatisfiable(`filename:"${value}" is a path, but ci-log-processing stores the basename`);
    plan.filename = value;
    return;
  }
  const fixed = FIXED_FIELDS[f];
  if (fixed !== undefined && fixed !== value)
    throw new Unsatisfiable(`${f} is always "${fixed}" in ci-log-processing, the query wants "${value}"`);
  const prev = plan.fields[f];
  if (prev !== undefined && prev !== value) throw new Unsatisfiable(`needs ${f} to be both "${prev}" and "${value}"`);
  plan.fields[f] = value;
}

function solveTerm(e: Extract<Expr, { kind: 'term' }>, plan: LinePlan, rng: Rng): void {
  const field = e.field;
  if (e.regex) throw new Unsatisfiable(`regular expression on ${field} (not synthesized)`);
  const type = field === IMPLICIT ? 'text' : logFieldType(field);
  if (!type) throw new Unsatisfiable(`field "${field}" is not in the ci-log-processing schema`);
  const text = e.wildcard ? fillWildcard(e.text, rng) : e.text;
  if (type === 'text') {
    if (analyze(text).length === 0) throw new Unsatisfiable(`message term "${e.text}" has no searchable word`);
    plan.parts.push(text);
    return;
  }
  if (type === 'date') throw new Unsatisfiable(`date field ${field} in a signature (not synthesized)`);
  if (type === 'long' && !Number.isFinite(Number(text)))
    throw new Unsatisfiable(`${field} is numeric, "${text}" is not a number`);
  addValue(plan, field, text);
}

/** Adds what `e` needs to `plan`; throws Unsatisfiable when this choice cannot work. */
function solveInto(e: Expr, plan: LinePlan, rng: Rng): LinePlan {
  switch (e.kind) {
    case 'all':
      return plan;
    case 'exists': {
      const t = logFieldType(e.field);
      if (!t) throw new Unsatisfiable(`field "${e.field}" is not in the ci-log-processing schema`);
      return plan; // every generated document carries every schema field
    }
    case 'range': {
      const t = logFieldType(e.field);
      if (t !== 'long') throw new Unsatisfiable(`range on ${e.field} (not synthesized)`);
      const lo = e.min === '*' ? 0 : Number(e.min) + (e.minInclusive ? 0 : 1);
      const hi = e.max === '*' ? lo + 10 : Number(e.max) - (e.maxInclusive ? 0 : 1);
      if (!(hi >= lo)) throw new Unsatisfiable(`empty range on ${e.field}`);
      addValue(plan, e.field, String(lo + rng.int(hi - lo + 1)));
      return plan;
    }
    case 'term':
      solveTerm(e, plan, rng);
      return plan;
    case 'bool': {
      let p = plan;
      for (const m of e.must) p = solveInto(m, p, rng);
      if (e.must.length === 0 && e.should.length > 0) {
        let last: unknown;
        for (const s of rng.shuffle(e.should)) {
          try {
            return solveInto(s, clone(p), rng);
          } catch (error) {
            if (!(error instanceof Unsatisfiable)) throw error;
            last = error;
          }
        }
        throw last;
      }
      return p;
    }
  }
}

/** One random way to satisfy `expr` (MUST_NOT clauses are checked later on the rendered line). */
export function planFor(expr: Expr, rng: Rng): LinePlan {
  return solveInto(expr, { fields: {}, tags: [], parts: [] }, rng);
}
