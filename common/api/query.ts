/*
 * Queries before they become signatures, three routes taking the same body (a query and options):
 *  POST /api/elastic_recheck/query/validate  the verdict (200 with ok false and positioned errors);
 *  POST /api/elastic_recheck/query/preview   see common/api/preview.ts;
 *  POST /api/elastic_recheck/query_stats     see common/api/query_stats.ts.
 * Their paths, the shared body type and its validator; malformed bodies are 400.
 */
import { API_BASE_PATH } from '../constants';
import { describeProblem, queryRefusal } from '../query/refusal';
import { SIGNATURE_ID_RE } from '../signature/types';
import type { SignatureScope } from '../signature/types';
import { MAX_QUERY_LENGTH } from './signatures';
import { readWindow, type TimeWindow } from '../time_window';
import { fail, type Validated } from './validation';

export const QUERY_VALIDATE_PATH = `${API_BASE_PATH}/query/validate`;
export const QUERY_PREVIEW_PATH = `${API_BASE_PATH}/query/preview`;
export const QUERY_STATS_PATH = `${API_BASE_PATH}/query_stats`;

/** Every field a query route may take; each route accepts its own subset. */
export interface QueryBody {
  query: string;
  allowNonvoting?: boolean;
  scope?: SignatureScope;
  testIds?: string[];
  signatureId?: string;
  days?: number;
  /** The window [from, to) in epoch ms (sent as `from`/`to`, epoch ms or ISO); `days` ending now otherwise. */
  window?: TimeWindow;
  bucketHours?: number;
  samples?: number;
  quantity?: number;
  verbose?: boolean;
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/** The body shared by the three routes; `allowed` lists the optional fields each accepts. */
export function queryBody(
  allowed: ReadonlyArray<Exclude<keyof QueryBody, 'window'> | 'from' | 'to'>,
  opts: { refuse?: boolean } = {},
) {
  return (body: unknown): Validated<QueryBody> => {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return fail(['body'], `expected a JSON object with a query, got ${typeOf(body)}`);
    const b = body as Record<string, unknown>;
    const fields = ['query', ...allowed];
    for (const key of Object.keys(b))
      if (!fields.includes(key)) return fail([key], `unknown field (allowed: ${fields.join(', ')})`);
    if (typeof b.query !== 'string' || b.query.trim() === '')
      return fail(
        ['query'],
        b.query === undefined ? 'required' : `expected a non-empty string, got ${typeOf(b.query)}`,
      );
    if (b.query.length > MAX_QUERY_LENGTH) return fail(['query'], `longer than ${MAX_QUERY_LENGTH} characters`);
    const out: QueryBody = { query: b.query };
    for (const flag of ['allowNonvoting', 'verbose'] as const) {
      if (b[flag] !== undefined) {
        if (typeof b[flag] !== 'boolean') return fail([flag], `expected true or false, got ${typeOf(b[flag])}`);
        out[flag] = b[flag] as boolean;
      }
    }
    for (const [key, min, max] of [
      ['days', 1, 90],
      ['bucketHours', 1, 24],
      ['samples', 0, 100],
      ['quantity', 1, 50],
    ] as const) {
      if (b[key] !== undefined) {
        if (
          typeof b[key] !== 'number' ||
          !Number.isInteger(b[key]) ||
          (b[key] as number) < min ||
          (b[key] as number) > max
        )
          return fail([key], `expected an integer from ${min} to ${max}`);
        out[key] = b[key] as number;
      }
    }
    if (b.signatureId !== undefined) {
      if (typeof b.signatureId !== 'string' || !SIGNATURE_ID_RE.test(b.signatureId))
        return fail(['signatureId'], 'expected a signature id');
      out.signatureId = b.signatureId;
    }
    if (b.testIds !== undefined) {
      if (!Array.isArray(b.testIds) || b.testIds.some((t) => typeof t !== 'string' || t === ''))
        return fail(['testIds'], 'expected an array of test ids');
      out.testIds = b.testIds as string[];
    }
    if (b.scope !== undefined) {
      const s = b.scope as Record<string, unknown>;
      if (!s || typeof s !== 'object' || Array.isArray(s))
        return fail(['scope'], `expected an object, got ${typeOf(s)}`);
      for (const key of Object.keys(s)) {
        if (!['projects', 'branches', 'queues'].includes(key))
          return fail(['scope', key], 'unknown field (allowed: projects, branches, queues)');
        if (!Array.isArray(s[key]) || (s[key] as unknown[]).some((v) => typeof v !== 'string' || v === ''))
          return fail(['scope', key], 'expected an array of names');
      }
      out.scope = s as SignatureScope;
    }
    if (out.days !== undefined && out.bucketHours !== undefined && (out.days * 24) % out.bucketHours !== 0)
      return fail(['bucketHours'], 'the window (days * 24) must be a multiple of bucketHours');
    if (allowed.includes('from')) {
      const window = readWindow(b);
      if (!window.ok) return fail(window.path, window.message.slice(window.path[0].length + 2));
      if (window.value) out.window = window.value;
    }
    if (opts.refuse) {
      const refused = queryRefusal(out.query);
      if (refused) return fail(['query'], describeProblem(refused));
    }
    return { ok: true, value: out };
  };
}

/** POST /query/validate: syntax errors are the verdict, not a 400. */
export const validateQueryValidateBody = queryBody(['allowNonvoting', 'scope']);
/** POST /query/preview: a query the engine would refuse is a 400. */
export const validatePreviewBody = queryBody(
  ['allowNonvoting', 'scope', 'testIds', 'signatureId', 'days', 'from', 'to', 'bucketHours', 'samples'],
  { refuse: true },
);
/** POST /query_stats */
export const validateQueryStatsBody = queryBody(
  ['allowNonvoting', 'scope', 'days', 'from', 'to', 'quantity', 'verbose'],
  {
    refuse: true,
  },
);
