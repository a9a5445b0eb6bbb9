/*
 * Who may read and write on OpenSearch Dashboards: the user's opensearch-security roles (security roles
 * and backend roles, as authinfo lists them) against `elastic_recheck.access.writers` / `readers`.
 * Pure: the identity comes from authinfo.ts, the config from server/config.ts.
 */
import type { AccessConfig } from '../../config';

/** The security plugin's view of the user (authinfo's user_name, roles, backend_roles). */
export interface OsdIdentity {
  user: string;
  roles: string[];
  backendRoles: string[];
}

export type AccessNeed = 'read' | 'write';

export interface AccessDecision {
  canRead: boolean;
  canWrite: boolean;
}

/** `identity` null: the cluster has no security plugin, so there are no users to tell apart. */
export function decideAccess(identity: OsdIdentity | null, config: AccessConfig): AccessDecision {
  if (!identity) return { canRead: true, canWrite: !config.readOnlyWithoutSecurity };
  const held = new Set([...identity.roles, ...identity.backendRoles]);
  const canWrite = config.writers.some((r) => held.has(r));
  const canRead = canWrite || config.readers.length === 0 || config.readers.some((r) => held.has(r));
  return { canRead, canWrite };
}

/** The roles that grant `need` (writers always read). */
export function rolesFor(need: AccessNeed, config: AccessConfig): string[] {
  return need === 'write' ? config.writers : [...new Set([...config.readers, ...config.writers])];
}

export function allows(decision: AccessDecision, need: AccessNeed): boolean {
  return need === 'write' ? decision.canWrite : decision.canRead;
}

/** The 403 message: who, what was refused, which roles would grant it, and where that is configured. */
export function refusalMessage(identity: OsdIdentity | null, need: AccessNeed, config: AccessConfig): string {
  if (!identity) {
    return 'signatures are read-only: OpenSearch Dashboards runs without the security plugin and elastic_recheck.access.readOnlyWithoutSecurity is true';
  }
  const what = need === 'write' ? 'change signatures' : 'read elastic-recheck data';
  const setting = need === 'write' ? 'elastic_recheck.access.writers' : 'elastic_recheck.access.readers or writers';
  const has = (list: string[]) => (list.length ? list.join(', ') : 'none');
  return (
    `user '${identity.user}' may not ${what}: it needs one of the roles [${rolesFor(need, config).join(', ')}] ` +
    `(a security role or backend role; ${setting}); it has roles [${has(identity.roles)}] and backend roles [${has(identity.backendRoles)}]`
  );
}
