/*
 * Pure checks of a signature query before it reaches the engine: syntax, size and cost limits, known fields.
 * Nothing here has side effects; a rejected query is reported, never changed.
 */
import type { Signature } from '../signature/types';
import { CI_LOG_PROCESSING_FIELDS, FieldCatalog, fieldKnown, NUMERIC_TYPES } from './fields';
import { isLegacyField, translateLegacyQuery, UNTRANSLATABLE_FIELDS } from './legacy';
import {
  BoolNode,
  clauseOccurs,
  FieldRef,
  LeafNode,
  lineColumn,
  LuceneNode,
  parseLucene,
  unescapeLucene,
} from './lucene';

export interface QueryLimits {
  /** Characters. The longest real elastic-recheck query is 532. */
  maxLength: number;
  /** Leaves (terms, phrases, ranges, ...) in the whole query. Lucene's own limit is 1024 clauses per boolean. */
  maxClauses: number;
  /** Parenthesis nesting. */
  maxDepth: number;
  /** Leading `*` / `?` makes the engine visit every term of the field. */
  allowLeadingWildcard: boolean;
  /** Literal characters a wildcard term needs before its first wildcard. */
  minWildcardPrefix: number;
  /** Regexes at most this long (the engine's index.max_regex_length default is 1000). */
  maxRegexLength: number;
  /** Largest `{n}` / `{n,m}` count in a regex (each counted state grows the automaton). */
  maxRegexRepeat: number;
  /** Characters of a fuzzy term (the edit-distance automaton grows with the term). */
  maxFuzzyLength: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxLength: 8192,
  maxClauses: 256,
  maxDepth: 16,
  allowLeadingWildcard: false,
  minWildcardPrefix: 2,
  maxRegexLength: 200,
  maxRegexRepeat: 100,
  maxFuzzyLength: 64,
};

export type QueryProblemCode =
  | 'syntax'
  | 'too_long'
  | 'too_many_clauses'
  | 'too_deep'
  | 'leading_wildcard'
  | 'costly_wildcard'
  | 'costly_regex'
  | 'costly_fuzzy'
  | 'match_all'
  | 'bad_character'
  | 'unknown_field'
  | 'legacy_field'
  | 'type_mismatch'
  | 'no_field'
  | 'suspicious_escape'
  | 'wildcard_on_text'
  | 'empty_phrase';

export interface QueryProblem {
  code: QueryProblemCode;
  message: string;
  field?: string;
  offset?: number;
  line?: number;
  column?: number;
}

export interface QueryValidation {
  ok: boolean;
  errors: QueryProblem[];
  warnings: QueryProblem[];
  /** The parsed query when the syntax is valid. */
  ast?: BoolNode;
}

export interface ValidateOptions {
  /** Fields of the target index; default: the built-in ci-log-processing list. `null` skips the field check. */
  fields?: FieldCatalog | null;
  limits?: Partial<QueryLimits>;
}

function problem(text: string, code: QueryProblemCode, message: string, offset?: number, field?: string): QueryProblem {
  const p: QueryProblem = { code, message };
  if (field !== undefined) p.field = field;
  if (offset !== undefined) Object.assign(p, { offset }, lineColumn(text, offset));
  return p;
}

/** Regex patterns whose evaluation walks (almost) every term: no literal start, or nested unbounded repetition. */
function regexCost(pattern: string, maxRepeat = DEFAULT_QUERY_LIMITS.maxRegexRepeat): string | undefined {
  for (const m of pattern.matchAll(/(?<!\\)\{(\d+)(?:,(\d*))?\}/g)) {
    const n = Math.max(Number(m[1]), Number(m[2] || 0));
    if (n > maxRepeat)
      return `the repetition ${m[0]} counts beyond ${maxRepeat} (every count is a state of the automaton)`;
  }
  const complement = pattern.search(/(?<!\\)~/);
  if (complement >= 0)
    return "'~' is the complement operator in the engine's regex syntax: it matches (nearly) every term; escape it as '\\~'";
  if (/^(\.|\[[^\]]*\]|\\.|\([^()]*\))[*+?{]/.test(pattern))
    return 'it starts with a repeated wildcard or group, so every term of the field is visited';
  if (/\([^()]*[*+][^()]*\)[*+{]/.test(pattern))
    return 'it nests unbounded repetitions, e.g. (a+)+ (exponential automaton)';
  if (/(\.\*.*){3,}/.test(pattern)) return 'it has three or more ".*"';
  return undefined;
}

/** Control characters (other than tab, newline, carriage return) and lone UTF-16 surrogates: never in a real log line. */
const BAD_CHARACTER =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Does this operand match (nearly) every log line? `field:*`, `*`, a regex of only wildcards, an open range. */
function universalOperand(node: LuceneNode): boolean {
  switch (node.type) {
    case 'bool':
      return universalBool(node);
    case 'group':
      return universalBool(node.body);
    case 'wildcard':
      return /^[*?]+$/.test(node.raw);
    case 'regex':
      return node.pattern.replace(/\(?\.[*+]\)?[*+]?/g, '') === '';
    case 'range':
      return (node.min === '*' || node.min === '') && (node.max === '*' || node.max === '');
    case 'term':
      return node.value === '*' || (node.field !== undefined && unescapeLucene(node.field.name) === '_exists_');
    default:
      return false;
  }
}

/**
 * A clause list matches (nearly) everything when all its required clauses do, or, without required clauses,
 * when one optional clause does or there are only prohibited clauses (the engine then adds match_all).
 */
function universalBool(bool: BoolNode): boolean {
  const occurs = clauseOccurs(bool);
  const must = bool.clauses.filter((_, i) => occurs[i] === 'must');
  if (must.length) return must.every((c) => universalOperand(c.node));
  const should = bool.clauses.filter((_, i) => occurs[i] === 'should');
  if (!should.length) return true;
  return should.some((c) => universalOperand(c.node));
}

function depthOf(node: LuceneNode): number {
  if (node.type === 'bool') return Math.max(0, ...node.clauses.map((c) => depthOf(c.node)));
  if (node.type === 'group') return 1 + depthOf(node.body);
  return 0;
}

/** Validate a Lucene query text. */
export function validateQuery(query: string, opts: ValidateOptions = {}): QueryValidation {
  const limits = { ...DEFAULT_QUERY_LIMITS, ...opts.limits };
  const fields = opts.fields === undefined ? CI_LOG_PROCESSING_FIELDS : opts.fields;
  const errors: QueryProblem[] = [];
  const warnings: QueryProblem[] = [];
  if (query.length > limits.maxLength) {
    errors.push(
      problem(
        query,
        'too_long',
        `query is too long: ${query.length} characters (limit ${limits.maxLength}); a signature should fingerprint one failure with a few phrases`,
        limits.maxLength,
      ),
    );
    return { ok: false, errors, warnings };
  }
  const bad = BAD_CHARACTER.exec(query);
  if (bad) {
    const code = bad[0].charCodeAt(0);
    const what =
      code >= 0xd800 && code <= 0xdfff
        ? `a lone UTF-16 surrogate (\\u${code.toString(16)})`
        : `the control character \\u${code.toString(16).padStart(4, '0')}`;
    errors.push(
      problem(
        query,
        'bad_character',
        `query contains ${what}: no log line has it and the engine's analyser drops it`,
        bad.index,
      ),
    );
    return { ok: false, errors, warnings };
  }
  const parsed = parseLucene(query);
  if (!parsed.ok) {
    errors.push({ code: 'syntax', ...parsed.error, message: `Lucene syntax error: ${parsed.error.message}` });
    return { ok: false, errors, warnings };
  }
  const ast = parsed.ast;

  let leafCount = 0;
  const depth = depthOf(ast);
  if (depth > limits.maxDepth)
    errors.push(problem(query, 'too_deep', `parentheses nested ${depth} deep (limit ${limits.maxDepth})`, 0));

  const reportedFields = new Set<number>();
  const checkField = (f: FieldRef | undefined, leaf: LeafNode | null) => {
    if (!f || fields === null || reportedFields.has(f.start)) return;
    const name = unescapeLucene(f.name);
    if (fieldKnown(fields, name)) return;
    reportedFields.add(f.start);
    if (isLegacyField(name)) {
      const t = translateLegacyQuery(`${f.name}:x`);
      const how = t.rewrites.length
        ? ' (legacy translation rewrites it)'
        : UNTRANSLATABLE_FIELDS[name]
          ? `: ${UNTRANSLATABLE_FIELDS[name]}`
          : '';
      errors.push(
        problem(query, 'legacy_field', `field '${name}' belongs to the old logstash schema${how}`, f.start, name),
      );
    } else {
      const known = Object.keys(fields).filter((k) => !k.startsWith('_') && !k.endsWith('.keyword'));
      errors.push(
        problem(
          query,
          'unknown_field',
          `unknown field '${name}': not in the index mapping (known: ${known.sort().join(', ')})`,
          f.start,
          name,
        ),
      );
    }
    void leaf;
  };

  const visit = (node: LuceneNode, inherited?: FieldRef) => {
    if (node.type === 'bool') return node.clauses.forEach((c) => visit(c.node, inherited));
    if (node.type === 'group') {
      checkField(node.field, null);
      return visit(node.body, node.field ?? inherited);
    }
    leafCount++;
    const f = node.field ?? inherited;
    checkField(node.field, node);
    const fname = f ? unescapeLucene(f.name) : undefined;
    const ftype = fname && fields ? fields[fname] : undefined;
    if (!f && node.type !== 'range')
      warnings.push(
        problem(
          query,
          'no_field',
          `'${query.slice(node.start, node.end)}' has no field: it is searched in every field (write message:... )`,
          node.start,
        ),
      );
    switch (node.type) {
      case 'wildcard': {
        if (node.raw === '*') break; // field:* is an exists query
        if (node.leading && !limits.allowLeadingWildcard) {
          // elastic-recheck ran them (e.g. build_name:*tempest*). On a keyword field the engine scans the field's
          // distinct values (job, project, file names: few); on analysed text every distinct word, so the cost is
          // measured on the engine (server/lib/signatures/leading_wildcards.ts) and refused until then.
          if (ftype === 'keyword')
            warnings.push(
              problem(
                query,
                'leading_wildcard',
                `leading wildcard in '${node.raw}' on the keyword field '${fname}': each search scans every distinct value of ${fname} in every index searched (cheap for names; list the values with OR where you can)`,
                node.start,
                fname,
              ),
            );
          else
            errors.push(
              problem(
                query,
                'leading_wildcard',
                `leading wildcard in '${node.raw}' on ${fname ? `the ${ftype ?? 'unmapped'} field '${fname}'` : 'every field'}: the engine must visit every term of it; not measured on the engine, so refused (list the values with OR or anchor the start)`,
                node.start,
                fname,
              ),
            );
        } else {
          const firstWild = node.raw.search(/(?<!\\)[*?]/);
          if (!node.leading && firstWild < limits.minWildcardPrefix)
            errors.push(
              problem(
                query,
                'costly_wildcard',
                `wildcard '${node.raw}' has only ${firstWild} literal character(s) before the wildcard (at least ${limits.minWildcardPrefix}): too many terms to visit`,
                node.start,
                fname,
              ),
            );
        }
        if (ftype === 'text' && /[-/:\s]/.test(node.value.replace(/[*?]/g, '')))
          warnings.push(
            problem(
              query,
              'wildcard_on_text',
              `wildcard '${node.raw}' on the analysed text field '${fname}' contains a character the analyser splits on, so it can never match a single token; use ${fname}.keyword or phrases`,
              node.start,
              fname,
            ),
          );
        break;
      }
      case 'regex': {
        if (node.pattern.length > limits.maxRegexLength)
          errors.push(
            problem(
              query,
              'costly_regex',
              `regular expression of ${node.pattern.length} characters (limit ${limits.maxRegexLength})`,
              node.start,
              fname,
            ),
          );
        else {
          const why = regexCost(node.pattern, limits.maxRegexRepeat);
          if (why)
            errors.push(
              problem(
                query,
                'costly_regex',
                `regular expression /${node.pattern}/ is too costly: ${why}`,
                node.start,
                fname,
              ),
            );
        }
        break;
      }
      case 'term':
        if (node.fuzzy !== undefined && node.value.length > limits.maxFuzzyLength)
          errors.push(
            problem(
              query,
              'costly_fuzzy',
              `fuzzy term of ${node.value.length} characters (limit ${limits.maxFuzzyLength}): its edit-distance automaton is too costly; use a phrase`,
              node.start,
              fname,
            ),
          );
        break;
      case 'phrase':
        if (!node.value.trim())
          warnings.push(problem(query, 'empty_phrase', 'empty phrase "" matches nothing', node.start, fname));
        if (/\\[nt]/.test(node.raw))
          warnings.push(
            problem(
              query,
              'suspicious_escape',
              `'\\n' / '\\t' in a phrase is the letter n / t, not a newline or tab (Lucene escapes any character)`,
              node.start,
              fname,
            ),
          );
        break;
    }
    if (
      ftype &&
      NUMERIC_TYPES.has(ftype) &&
      (node.type === 'term' || node.type === 'phrase') &&
      !/^-?\d+(\.\d+)?$/.test(node.value)
    )
      errors.push(
        problem(
          query,
          'type_mismatch',
          `field '${fname}' is a number (${ftype}): '${node.value}' is not a number`,
          node.start,
          fname,
        ),
      );
  };
  visit(ast);
  if (universalBool(ast))
    errors.push(
      problem(
        query,
        'match_all',
        'the query matches (nearly) every log line (a bare wildcard, an exists check, an open range or only NOT clauses): it would explain every failure',
        0,
      ),
    );
  if (leafCount > limits.maxClauses)
    errors.push(
      problem(
        query,
        'too_many_clauses',
        `too many clauses: ${leafCount} terms and phrases (limit ${limits.maxClauses}); split the signature`,
        0,
      ),
    );
  return { ok: errors.length === 0, errors, warnings, ast };
}

export interface SignatureValidation extends QueryValidation {
  /** The query after legacy translation, when `legacy` was requested and something was rewritten. */
  translated?: string;
  rewrites: { from: string; to: string; reason: string }[];
}

/**
 * Validate a signature's query. With `legacy: true`, the legacy translation is applied first and the translated
 * query is what gets validated (the rewrites are returned so a caller can show or store them).
 */
export function validateSignature(
  sig: Pick<Signature, 'query'>,
  opts: ValidateOptions & { legacy?: boolean } = {},
): SignatureValidation {
  if (!opts.legacy) return { ...validateQuery(sig.query, opts), rewrites: [] };
  if (sig.query.length > (opts.limits?.maxLength ?? DEFAULT_QUERY_LIMITS.maxLength))
    return { ...validateQuery(sig.query, opts), rewrites: [] };
  const t = translateLegacyQuery(sig.query);
  if (t.error) return { ...validateQuery(sig.query, opts), rewrites: [] };
  const v = validateQuery(t.query, opts);
  const legacyWarnings: QueryProblem[] = t.warnings.map((w) => ({
    code: 'legacy_field',
    field: w.field,
    message: `field '${w.field}': ${w.reason}`,
    ...w.position,
  }));
  // positions of problems in the translated text refer to the translated text; say so when it differs
  return {
    ...v,
    warnings: [...legacyWarnings.filter((w) => !v.errors.some((e) => e.field === w.field)), ...v.warnings],
    rewrites: t.rewrites,
    ...(t.rewrites.length ? { translated: t.query } : {}),
  };
}
