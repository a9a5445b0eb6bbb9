/*
 * opensearch-security's authinfo for the current request, through the host's own client.
 * The engine route is `GET /_plugins/_security/authinfo` (opensearch-project/security
 * src/main/java/org/opensearch/security/rest/SecurityInfoAction.java: user_name, backend_roles, roles,
 * tenants, ...). The dashboards plugin's `/api/v1/auth/authinfo` (security-dashboards-plugin
 * server/routes/index.ts) only passes that same engine call through for the browser, so a server route
 * asks the engine directly with `opensearch.client.asCurrentUser`, which carries the user's credentials.
 * A cluster without the security plugin has no such route: the engine answers "no handler found".
 */
import { EngineRequestError, engineErrorFromHostClient } from '../../../lib/engine_client';
import type { HostSearchClient } from '../../types/host';
import type { OsdIdentity } from './roles';

export const AUTHINFO_PATH = '/_plugins/_security/authinfo';

/** An authinfo answer we cannot read: an upstream fault, answered like any engine error (502). */
export class AuthInfoError extends EngineRequestError {
  constructor(message: string, statusCode: number) {
    super(message, statusCode);
    this.name = 'AuthInfoError';
  }
}

/** What both host client libraries put on an error with an answer. */
type HostClientError = { message?: string; statusCode?: number; meta?: { statusCode?: number; body?: unknown } };

function statusOf(error: HostClientError | undefined): number | undefined {
  return error?.meta?.statusCode ?? error?.statusCode;
}

/** The engine's answer to a route no plugin registered (RestController: 400 "no handler found for uri"). */
export function isSecurityAbsent(error: unknown): boolean {
  const e = error as HostClientError | undefined;
  const status = statusOf(e);
  if (status !== 400 && status !== 404 && status !== 405) return false;
  const text = [
    typeof e?.meta?.body === 'string' ? e.meta.body : JSON.stringify(e?.meta?.body ?? ''),
    e?.message ?? '',
  ].join(' ');
  return /no handler found/i.test(text);
}

const stringList = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

/** authinfo's JSON to an identity; anything else is an upstream fault (502). */
export function parseAuthInfo(body: unknown): OsdIdentity {
  const b = (body ?? {}) as Record<string, unknown>;
  const roles = stringList(b.roles ?? []);
  const backendRoles = stringList(b.backend_roles ?? []);
  if (typeof b.user_name !== 'string' || b.user_name === '' || !roles || !backendRoles) {
    throw new AuthInfoError(
      `unexpected answer from ${AUTHINFO_PATH}: expected user_name, roles and backend_roles`,
      502,
    );
  }
  return { user: b.user_name, roles, backendRoles };
}

/** The identity, or null when the cluster has no security plugin. Other errors (401, unreachable) are thrown. */
export async function fetchAuthInfo(client: HostSearchClient): Promise<OsdIdentity | null> {
  let answer: unknown;
  try {
    answer = await client.transport.request({ method: 'GET', path: AUTHINFO_PATH });
  } catch (error) {
    if (isSecurityAbsent(error)) return null;
    throw engineErrorFromHostClient(error);
  }
  // OSD's client answers { body, statusCode }; Kibana's the body itself.
  return parseAuthInfo(
    answer && typeof answer === 'object' && 'body' in answer && 'statusCode' in answer
      ? (answer as { body: unknown }).body
      : answer,
  );
}
