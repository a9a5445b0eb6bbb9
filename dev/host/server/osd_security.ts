/*
 * The OpenSearch security plugin as the OSD flavour of the stand-in needs it: users with backend roles,
 * security roles from a roles mapping, and the engine's authinfo route. The engine we run has no
 * security plugin, so a loopback proxy in front of it (engine_proxy.ts with an intercept) answers
 *   GET|POST /_plugins/_security/authinfo (and the legacy /_opendistro/_security/authinfo)
 * and forwards everything else. Written from opensearch-project/security:
 *  - src/main/java/org/opensearch/security/rest/SecurityInfoAction.java: the routes and the answer's
 *    fields (user, user_name, user_requested_tenant, remote_address, backend_roles,
 *    custom_attribute_names, roles, tenants, principal, peer_certificates, sso_logout_url);
 *  - src/main/java/org/opensearch/security/securityconf/ConfigModelV7.java (RoleMappingHolder.map and
 *    mapTenants): a security role applies when its mapping lists the user or one of the user's backend
 *    roles ('*' matches all; and_backend_roles and hosts are not reproduced); tenants are the user's own
 *    plus global_tenant for all_access / kibana_user;
 *  - src/main/java/org/opensearch/security/http/HTTPBasicAuthenticator.java: missing or wrong Basic
 *    credentials are 401 with `WWW-Authenticate: Basic realm="OpenSearch Security"`.
 * Other engine requests are forwarded without a permission check (README: engine-side permissions are
 * not reproduced). The stand-in's HTTP login in OSD mode uses these same users.
 */
import type * as http from 'http';
import type { SecurityConfig } from './security';
import { EngineProxy, startEngineProxy } from './engine_proxy';

export interface OsdUser {
  username: string;
  password: string;
  /** Backend roles, as an authentication backend (internal users, LDAP, SAML) hands them over. */
  backendRoles: string[];
}

export interface OsdSecurityConfig {
  users: OsdUser[];
  /** roles_mapping.yml: security role -> the users and backend roles mapped to it. */
  rolesMapping: Record<string, { users?: string[]; backend_roles?: string[] }>;
}

export const AUTHINFO_ROUTES = ['/_plugins/_security/authinfo', '/_opendistro/_security/authinfo'];

/**
 * Default users (password `changeme`), each with other backend roles: `elastic` (admin → all_access),
 * `writer` (ci-core → elastic_recheck_writer), `reader` (ci-observer → elastic_recheck_reader),
 * `nobody` (no backend role, no security role).
 */
export function defaultOsdSecurity(password = 'changeme'): OsdSecurityConfig {
  return {
    users: [
      { username: 'elastic', password, backendRoles: ['admin'] },
      { username: 'writer', password, backendRoles: ['ci-core'] },
      { username: 'reader', password, backendRoles: ['ci-observer'] },
      { username: 'nobody', password, backendRoles: [] },
    ],
    rolesMapping: {
      all_access: { backend_roles: ['admin'] },
      elastic_recheck_writer: { backend_roles: ['ci-core'] },
      elastic_recheck_reader: { backend_roles: ['ci-observer'] },
    },
  };
}

/** The stand-in's HTTP login users for OSD mode (no Kibana roles: OSD has no feature privileges). */
export function osdLoginUsers(config: OsdSecurityConfig): SecurityConfig {
  return { roles: {}, users: config.users.map((u) => ({ username: u.username, password: u.password, roles: [] })) };
}

export function basicUser(config: OsdSecurityConfig, authorization: string | string[] | undefined): OsdUser | null {
  if (typeof authorization !== 'string' || !/^basic /i.test(authorization)) return null;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const [name, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return config.users.find((u) => u.username === name && u.password === password) ?? null;
}

const matches = (patterns: string[] | undefined, value: string) =>
  (patterns ?? []).some((p) => p === '*' || p === value);

/** Security roles of a user through the roles mapping (by user name or backend role). */
export function mapRoles(config: OsdSecurityConfig, user: OsdUser): string[] {
  return Object.entries(config.rolesMapping)
    .filter(([, m]) => matches(m.users, user.username) || user.backendRoles.some((b) => matches(m.backend_roles, b)))
    .map(([role]) => role)
    .sort();
}

/** authinfo's JSON for a user, field for field as SecurityInfoAction writes it. */
export function authInfoBody(config: OsdSecurityConfig, user: OsdUser, remoteAddress: string): Record<string, unknown> {
  const roles = mapRoles(config, user);
  const tenants: Record<string, boolean> = { [user.username]: true };
  if (roles.some((r) => ['all_access', 'kibana_user'].includes(r.toLowerCase()))) tenants.global_tenant = true;
  return {
    user: `User [name=${user.username}, backend_roles=[${user.backendRoles.join(', ')}], requestedTenant=null]`,
    user_name: user.username,
    user_requested_tenant: null,
    remote_address: remoteAddress,
    backend_roles: user.backendRoles,
    custom_attribute_names: [],
    roles,
    tenants,
    principal: null,
    peer_certificates: '0',
    sso_logout_url: null,
  };
}

function answerAuthInfo(config: OsdSecurityConfig, req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  req.on('end', () => {
    const user = basicUser(config, req.headers.authorization);
    if (!user) {
      res.writeHead(401, {
        'www-authenticate': 'Basic realm="OpenSearch Security"',
        'content-type': 'text/plain; charset=UTF-8',
      });
      res.end('Unauthorized');
      return;
    }
    const body = JSON.stringify(authInfoBody(config, user, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
    res.writeHead(200, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
}

/** The engine behind a security plugin's authinfo; hand its url to the OSD client. */
export function startOsdSecurityProxy(engineUrl: string, config: OsdSecurityConfig): Promise<EngineProxy> {
  return startEngineProxy(engineUrl, {
    intercept(req, res) {
      const path = (req.url ?? '/').split('?')[0];
      if (!AUTHINFO_ROUTES.includes(path) || (req.method !== 'GET' && req.method !== 'POST')) return false;
      answerAuthInfo(config, req, res);
      return true;
    },
  });
}
