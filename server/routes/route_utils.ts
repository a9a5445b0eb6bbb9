/* Small helpers shared by the route files: validation functions, security blocks, the current user. */
import type { Validated } from '../../common/api/signatures';
import { SIGNATURE_ID_RE } from '../../common/signature/types';
import { API_PRIVILEGE_READ, API_PRIVILEGE_WRITE } from '../../common/privileges';
import { currentUserName as hostUserName } from '../lib/access/access_service';
import type { RequestHandlerContext, RouteSecurity, RouteValidationFunction } from '../types/host';

export const READ_SECURITY: RouteSecurity = { authz: { requiredPrivileges: [API_PRIVILEGE_READ] } };
export const WRITE_SECURITY: RouteSecurity = { authz: { requiredPrivileges: [API_PRIVILEGE_WRITE] } };

/** A host validation function from one of our pure validators (host-contracts §2.3). */
export function validation<T>(validate: (data: unknown) => Validated<T>): RouteValidationFunction<T> {
  return (data, { ok, badRequest }) => {
    const result = validate(data);
    return result.ok ? ok(result.value) : badRequest(result.message, result.path);
  };
}

export type Checked<T> = Validated<T>;

export const fail = <T>(path: string[], message: string): Validated<T> => ({
  ok: false,
  message: `${path.join('.')}: ${message}`,
  path,
});

/** Path params `{ id }` with a signature-like id. */
export function idParams(data: unknown): Validated<{ id: string }> {
  const id = (data as any)?.id;
  if (typeof id !== 'string' || !SIGNATURE_ID_RE.test(id))
    return fail(['id'], 'expected 1-128 letters, digits, ".", "_" or "-"');
  return { ok: true, value: { id } };
}

/** A query string with no parameters at all. */
export function noQuery(data: unknown): Validated<Record<string, never>> {
  const keys = Object.keys((data as object) ?? {});
  return keys.length ? fail([keys[0]], 'unknown parameter') : { ok: true, value: {} };
}

/** Who is asking (for history records): Kibana's current user, OSD's authinfo user; 'unknown' when the host has no security. */
export async function currentUserName(context: RequestHandlerContext): Promise<string> {
  return hostUserName(context);
}

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

/** `a,b,c` or repeated params into a list of non-empty strings. */
export function listParam(q: Record<string, unknown>, key: string): Validated<string[] | undefined> {
  const v = q[key];
  if (v === undefined) return { ok: true, value: undefined };
  const list = (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]));
  if (list.some((x) => typeof x !== 'string' || x.trim() === '' || x.length > 200))
    return fail([key], 'expected a comma-separated list of names');
  return { ok: true, value: list as string[] };
}

export function unknownKeys(q: Record<string, unknown>, allowed: string[]): Validated<never> | null {
  for (const key of Object.keys(q))
    if (!allowed.includes(key)) return fail([key], `unknown parameter (allowed: ${allowed.join(', ')})`);
  return null;
}
