/*
 * The verdict on one signature, shared by the CLI `lint`, the corpus tally and the import path:
 *   as-is      valid on the current schema as written
 *   rewritten  valid after the legacy translation (common/query/legacy.ts)
 *   flagged    loads, but uses old fields that have no equivalent any more (they cannot match or mean nothing)
 *   rejected   does not load: YAML, syntax, limits, unknown fields (the reasons say which)
 */
import type { Signature } from './types';
import { QueryProblem, validateSignature, ValidateOptions } from '../query/validate';
import { translateLegacyQuery, UNTRANSLATABLE_FIELDS } from '../query/legacy';

export type LintOutcome = 'as-is' | 'rewritten' | 'flagged' | 'rejected';

export interface SignatureLint {
  outcome: LintOutcome;
  errors: QueryProblem[];
  warnings: QueryProblem[];
  rewrites: { from: string; to: string; reason: string }[];
  /** The query to run on the current schema, when it differs from the written one. */
  translated?: string;
}

export function lintSignature(
  sig: Pick<Signature, 'query'>,
  opts: Omit<ValidateOptions, 'legacy'> = {},
): SignatureLint {
  const plain = validateSignature(sig, opts);
  const legacy = translateLegacyQuery(sig.query);
  if (plain.ok && !legacy.rewrites.length && !legacy.warnings.length)
    return { outcome: 'as-is', errors: [], warnings: plain.warnings, rewrites: [] };
  if (plain.errors.some((e) => e.code === 'syntax' || e.code === 'too_long'))
    return { outcome: 'rejected', errors: plain.errors, warnings: plain.warnings, rewrites: [] };
  const v = validateSignature(sig, { ...opts, legacy: true });
  const base = { warnings: v.warnings, rewrites: v.rewrites, ...(v.translated ? { translated: v.translated } : {}) };
  const untranslatable = (e: QueryProblem) =>
    e.code === 'legacy_field' && !!e.field && !!UNTRANSLATABLE_FIELDS[e.field];
  if (!v.ok) {
    if (v.errors.every(untranslatable))
      return { outcome: 'flagged', errors: [], ...base, warnings: [...v.errors, ...v.warnings] };
    return { outcome: 'rejected', errors: v.errors, ...base };
  }
  if (v.warnings.some((w) => w.code === 'legacy_field')) return { outcome: 'flagged', errors: [], ...base };
  return { outcome: v.rewrites.length ? 'rewritten' : 'as-is', errors: [], ...base };
}
