/*
 * The pure validation helpers every `common/api/<resource>.ts` builds its validators from. A problem
 * names its field (`path`) and says why; the server turns it into a 400, the browser shows it by the field.
 */
import { SIGNATURE_ID_RE } from '../signature/types';

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string; path: string[] };

export const fail = <T>(path: string[], message: string): Validated<T> => ({
  ok: false,
  message: `${path.join('.')}: ${message}`,
  path,
});

/** How a value reads in a message: "null", "an array", "an object", "a number"... */
export function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The first key of `q` not in `allowed`, as a failure; null when all are allowed. */
export function unknownKeys(q: Record<string, unknown>, allowed: readonly string[]): Validated<never> | null {
  for (const key of Object.keys(q))
    if (!allowed.includes(key)) return fail([key], `unknown parameter (allowed: ${allowed.join(', ')})`);
  return null;
}

/** An optional integer query parameter within [min, max]. */
export function intParam(
  q: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): Validated<number | undefined> {
  if (q[key] === undefined) return { ok: true, value: undefined };
  const n = Number(q[key]);
  if (!Number.isInteger(n) || n < min || n > max) return fail([key], `expected an integer from ${min} to ${max}`);
  return { ok: true, value: n };
}

/** `a,b,c` or repeated params into a list of non-empty strings (at most `maxNames` when given). */
export function listParam(q: Record<string, unknown>, key: string, maxNames?: number): Validated<string[] | undefined> {
  const v = q[key];
  if (v === undefined) return { ok: true, value: undefined };
  const list = (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]));
  if (list.some((x) => typeof x !== 'string' || x.trim() === '' || x.length > 200))
    return fail([key], 'expected a comma-separated list of names');
  if (maxNames !== undefined && list.length > maxNames) return fail([key], `at most ${maxNames} names`);
  return { ok: true, value: list as string[] };
}

/** A query string with no parameters at all. */
export function noQuery(data: unknown): Validated<Record<string, never>> {
  const keys = Object.keys((data as object) ?? {});
  return keys.length ? fail([keys[0]], 'unknown parameter') : { ok: true, value: {} };
}

/** Path params `{ id }` with a signature-like id. */
export function idParams(data: unknown): Validated<{ id: string }> {
  const id = (data as { id?: unknown } | null | undefined)?.id;
  if (typeof id !== 'string' || !SIGNATURE_ID_RE.test(id))
    return fail(['id'], 'expected 1-128 letters, digits, ".", "_" or "-"');
  return { ok: true, value: { id } };
}
