/*
 * Route security as Kibana 9.x enforces it:
 *  - the shape rules of src/core/packages/http/router-server-internal/src/security_route_config_validator.ts
 *    (checked when the route is registered; a missing `security` throws, issue #215331);
 *  - users, roles and Kibana feature privileges: a role grants `all` or `read` of a feature, the feature's
 *    privileges list API privileges, and `authz.requiredPrivileges` on a route is checked against them (403).
 * The engine behind the stand-in has no security plugin, so engine-side permissions are not reproduced.
 */
import type { KibanaFeatureConfig, PrivilegeSet, RouteSecurity } from '../../../server/types/host';
import { savedObjectOperations, validateKibanaFeature } from './feature_schema';

export class RouteSecurityError extends Error {}

const RESERVED = { superuser: 'superuser', operator: 'operator' };

function isStringArray(v: unknown, min: number): v is string[] {
  return Array.isArray(v) && v.length >= min && v.every((x) => typeof x === 'string');
}

/** Throws a RouteSecurityError naming the rule a route's `security` breaks. */
export function validateRouteSecurity(security: unknown, routeName: string): RouteSecurity {
  const fail = (why: string): never => {
    throw new RouteSecurityError(`Invalid route config for ${routeName}: [security]: ${why}`);
  };
  if (security === undefined || security === null)
    fail('expected value of type [object] but got [undefined] (every route must declare security.authz)');
  if (typeof security !== 'object') fail(`expected value of type [object] but got [${typeof security}]`);
  const s = security as Record<string, any>;
  for (const key of Object.keys(s))
    if (key !== 'authz' && key !== 'authc') fail(`[${key}]: definition for this key is missing`);
  const authz = s.authz;
  if (!authz || typeof authz !== 'object') fail('[authz]: expected value of type [object] but got [undefined]');
  for (const key of Object.keys(authz))
    if (!['enabled', 'requiredPrivileges', 'reason'].includes(key))
      fail(`[authz.${key}]: definition for this key is missing`);
  if (authz.enabled !== undefined && authz.enabled !== false) fail(`[authz.enabled]: expected value to equal [false]`);
  if (authz.enabled === false) {
    if (authz.requiredPrivileges !== undefined)
      fail("[authz.requiredPrivileges]: a value wasn't expected to be present");
    if (typeof authz.reason !== 'string') fail('[authz.reason]: expected value of type [string] but got [undefined]');
  } else {
    if (authz.reason !== undefined) fail("[authz.reason]: a value wasn't expected to be present");
    validateRequiredPrivileges(authz.requiredPrivileges, fail);
  }
  if (s.authc !== undefined) {
    const authc = s.authc;
    if (!authc || typeof authc !== 'object') fail('[authc]: expected value of type [object]');
    const enabled = authc.enabled ?? true;
    if (enabled !== true && enabled !== 'optional' && enabled !== false)
      fail('[authc.enabled]: expected true, "optional" or false');
    if (enabled === true && authc.reason !== undefined) fail("[authc.reason]: a value wasn't expected to be present");
    if (enabled !== true && typeof authc.reason !== 'string')
      fail('[authc.reason]: expected value of type [string] but got [undefined]');
  }
  return s as RouteSecurity;
}

function unwind(list: unknown[], nestedKey: 'allOf' | 'anyOf', fail: (why: string) => never): string[] {
  const out: string[] = [];
  for (const entry of list) {
    if (typeof entry === 'string') out.push(entry);
    else if (entry && typeof entry === 'object' && isStringArray((entry as any)[nestedKey], 2))
      out.push(...(entry as any)[nestedKey]);
    else fail(`[authz.requiredPrivileges]: invalid entry ${JSON.stringify(entry)}`);
  }
  return out;
}

function validateRequiredPrivileges(value: unknown, fail: (why: string) => never): void {
  if (!Array.isArray(value)) fail('[authz.requiredPrivileges]: expected value of type [array]');
  const list = value as unknown[];
  if (list.length < 1) fail('[authz.requiredPrivileges]: array size is [0], but cannot be smaller than [1]');
  const anyRequired: string[] = [];
  const allRequired: string[] = [];
  for (const p of list) {
    if (typeof p === 'string') {
      allRequired.push(p);
      continue;
    }
    if (!p || typeof p !== 'object')
      fail(`[authz.requiredPrivileges]: expected a string or a privilege set, got ${JSON.stringify(p)}`);
    const set = p as PrivilegeSet & Record<string, unknown>;
    for (const key of Object.keys(set))
      if (key !== 'anyRequired' && key !== 'allRequired')
        fail(`[authz.requiredPrivileges.${key}]: definition for this key is missing`);
    if (!set.anyRequired && !set.allRequired) fail('either anyRequired or allRequired must be specified');
    if (set.anyRequired !== undefined) {
      if (!Array.isArray(set.anyRequired) || set.anyRequired.length < 2)
        fail('[authz.requiredPrivileges.anyRequired]: array size must be at least [2]');
      anyRequired.push(...unwind(set.anyRequired as unknown[], 'allOf', fail));
    }
    if (set.allRequired !== undefined) {
      if (!Array.isArray(set.allRequired) || set.allRequired.length < 1)
        fail('[authz.requiredPrivileges.allRequired]: array size must be at least [1]');
      allRequired.push(...unwind(set.allRequired as unknown[], 'anyOf', fail));
    }
  }
  if (anyRequired.includes(RESERVED.superuser)) fail('Using superuser privileges in anyRequired is not allowed');
  const su = allRequired.includes(RESERVED.superuser);
  const op = allRequired.includes(RESERVED.operator);
  if (su && allRequired.length > 1 && !(op && allRequired.length === 2))
    fail(
      'Combining superuser with other privileges is redundant, superuser privileges set can be only used as a standalone privilege.',
    );
  if (anyRequired.includes(RESERVED.operator)) fail('Using operator privileges in anyRequired is not allowed');
  if (op && allRequired.length === 1)
    fail('Operator privilege requires at least one additional non-operator privilege to be defined');
  for (const p of anyRequired)
    if (allRequired.includes(p)) fail(`anyRequired and allRequired cannot have the same values: [${p}]`);
  if (new Set(anyRequired).size !== anyRequired.length) fail('anyRequired privileges must contain unique values');
  if (new Set(allRequired).size !== allRequired.length) fail('allRequired privileges must contain unique values');
}

/* ------------------------------------------------------------------ users and roles */

export interface Role {
  /** Kibana feature privileges: feature id -> 'all' | 'read'. */
  features?: Record<string, Array<'all' | 'read'>>;
  superuser?: boolean;
}

export interface User {
  username: string;
  password: string;
  roles: string[];
}

export interface SecurityConfig {
  users: User[];
  roles: Record<string, Role>;
}

/** Default users: `elastic` (superuser), `writer` (all on the plugin's feature), `reader` (read). */
export function defaultSecurity(featureId: string, password = 'changeme'): SecurityConfig {
  return {
    roles: {
      superuser: { superuser: true },
      [`${featureId}_all`]: { features: { [featureId]: ['all'] } },
      [`${featureId}_read`]: { features: { [featureId]: ['read'] } },
    },
    users: [
      { username: 'elastic', password, roles: ['superuser'] },
      { username: 'writer', password, roles: [`${featureId}_all`] },
      { username: 'reader', password, roles: [`${featureId}_read`] },
    ],
  };
}

export interface AuthenticatedUser {
  username: string;
  roles: string[];
  superuser: boolean;
  /** API privileges granted by the user's roles through the registered features. */
  apiPrivileges: Set<string>;
  /** Saved-object operations granted per type (`<type>/<operation>`), see savedObjectOperations. */
  savedObjectActions: Set<string>;
}

export class SecurityService {
  private readonly features = new Map<string, KibanaFeatureConfig>();

  constructor(private readonly config: SecurityConfig) {}

  /** FeatureRegistry.registerKibanaFeature: duplicate ids refused, then the feature schema (feature_schema.ts). */
  registerFeature(feature: KibanaFeatureConfig): void {
    if (this.features.has(feature.id)) throw new Error(`Feature with id ${feature.id} is already registered.`);
    validateKibanaFeature(feature);
    this.features.set(feature.id, structuredClone(feature));
  }

  getFeatures(): KibanaFeatureConfig[] {
    return [...this.features.values()];
  }

  /** Basic auth, as Kibana's basic provider accepts it on API calls. Null when absent or wrong. */
  authenticate(authorization: string | undefined): AuthenticatedUser | null {
    if (!authorization || !/^basic /i.test(authorization)) return null;
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = this.config.users.find((u) => u.username === username && u.password === password);
    if (!user) return null;
    return this.describe(user);
  }

  describe(user: User): AuthenticatedUser {
    const apiPrivileges = new Set<string>();
    const savedObjectActions = new Set<string>();
    let superuser = false;
    for (const roleName of user.roles) {
      const role = this.config.roles[roleName];
      if (!role) continue;
      if (role.superuser) superuser = true;
      for (const [featureId, levels] of Object.entries(role.features ?? {})) {
        const feature = this.features.get(featureId);
        if (!feature?.privileges) continue;
        for (const level of levels) {
          for (const api of feature.privileges[level]?.api ?? []) apiPrivileges.add(api);
          for (const [type, op] of savedObjectOperations(feature.privileges[level]))
            savedObjectActions.add(`${type}/${op}`);
        }
      }
    }
    return { username: user.username, roles: user.roles, superuser, apiPrivileges, savedObjectActions };
  }

  /**
   * Kibana's saved-objects security extension (x-pack/platform/plugins/shared/security/server/saved_objects/
   * saved_objects_security_extension.ts) checks `saved_object:<type>/<operation>` for the current user:
   * superusers pass, everyone else needs a feature privilege that lists the type.
   */
  mayUseSavedObject(user: AuthenticatedUser, type: string, operation: string): boolean {
    return user.superuser || user.savedObjectActions.has(`${type}/${operation}`);
  }

  /** The privileges a route requires that the user lacks (empty: authorized). */
  missingPrivileges(user: AuthenticatedUser, security: RouteSecurity): string[] {
    if (!('requiredPrivileges' in security.authz)) return [];
    if (user.superuser) return [];
    const has = (p: string) => p !== RESERVED.superuser && p !== RESERVED.operator && user.apiPrivileges.has(p);
    const missing: string[] = [];
    for (const entry of security.authz.requiredPrivileges) {
      if (typeof entry === 'string') {
        if (!has(entry)) missing.push(entry);
        continue;
      }
      for (const p of entry.allRequired ?? []) {
        if (typeof p === 'string' ? !has(p) : !(p as any).anyOf.some(has))
          missing.push(typeof p === 'string' ? p : (p as any).anyOf.join('|'));
      }
      if (
        entry.anyRequired &&
        !entry.anyRequired.some((p: any) => (typeof p === 'string' ? has(p) : p.allOf.every(has)))
      ) {
        missing.push(entry.anyRequired.map((p: any) => (typeof p === 'string' ? p : p.allOf.join('&'))).join('|'));
      }
    }
    return missing;
  }
}
