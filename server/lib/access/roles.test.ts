import { parseConfig } from '../../config';
import { AuthInfoError, isSecurityAbsent, parseAuthInfo } from './authinfo';
import { decideAccess, refusalMessage, rolesFor } from './roles';

const defaults = parseConfig({}).access;
const who = (user: string, roles: string[], backendRoles: string[] = []) => ({ user, roles, backendRoles });

describe('decideAccess', () => {
  test('defaults: all_access or elastic_recheck_writer write; every authenticated user reads', () => {
    expect(defaults).toEqual({
      writers: ['all_access', 'elastic_recheck_writer'],
      readers: [],
      readOnlyWithoutSecurity: false,
    });
    expect(decideAccess(who('admin', ['all_access']), defaults)).toEqual({ canRead: true, canWrite: true });
    expect(decideAccess(who('w', ['elastic_recheck_writer']), defaults)).toEqual({ canRead: true, canWrite: true });
    expect(decideAccess(who('r', ['readall', 'kibana_user'], ['ci']), defaults)).toEqual({
      canRead: true,
      canWrite: false,
    });
    expect(decideAccess(who('n', []), defaults)).toEqual({ canRead: true, canWrite: false });
  });

  test('a listed role matches as a security role or as a backend role, never by user name', () => {
    const config = { ...defaults, writers: ['ci-core'] };
    expect(decideAccess(who('a', [], ['ci-core']), config).canWrite).toBe(true);
    expect(decideAccess(who('b', ['ci-core'], []), config).canWrite).toBe(true);
    expect(decideAccess(who('ci-core', [], []), config).canWrite).toBe(false);
  });

  test('readers set: only readers and writers read', () => {
    const config = { ...defaults, readers: ['observer'] };
    expect(decideAccess(who('o', [], ['observer']), config)).toEqual({ canRead: true, canWrite: false });
    expect(decideAccess(who('w', ['all_access']), config)).toEqual({ canRead: true, canWrite: true });
    expect(decideAccess(who('n', ['kibana_user']), config)).toEqual({ canRead: false, canWrite: false });
    expect(rolesFor('read', config)).toEqual(['observer', 'all_access', 'elastic_recheck_writer']);
  });

  test('no security plugin: everyone reads; writes unless readOnlyWithoutSecurity', () => {
    expect(decideAccess(null, defaults)).toEqual({ canRead: true, canWrite: true });
    expect(decideAccess(null, { ...defaults, readOnlyWithoutSecurity: true })).toEqual({
      canRead: true,
      canWrite: false,
    });
  });

  test('the refusal names the user, the roles needed, the setting and what the user has', () => {
    expect(refusalMessage(who('reader', ['elastic_recheck_reader'], ['ci-observer']), 'write', defaults)).toBe(
      "user 'reader' may not change signatures: it needs one of the roles [all_access, elastic_recheck_writer] (a security role or backend role; elastic_recheck.access.writers); it has roles [elastic_recheck_reader] and backend roles [ci-observer]",
    );
    expect(refusalMessage(who('n', []), 'read', { ...defaults, readers: ['observer'] })).toContain(
      'it needs one of the roles [observer, all_access, elastic_recheck_writer]',
    );
    expect(refusalMessage(null, 'write', defaults)).toContain('readOnlyWithoutSecurity');
  });
});

describe('authinfo answers', () => {
  test('user_name, roles and backend_roles are taken; a malformed answer is a 502', () => {
    expect(parseAuthInfo({ user_name: 'w', roles: ['a'], backend_roles: ['b'], tenants: {} })).toEqual({
      user: 'w',
      roles: ['a'],
      backendRoles: ['b'],
    });
    for (const body of [
      {},
      { user_name: '', roles: [], backend_roles: [] },
      { user_name: 'w', roles: 'a', backend_roles: [] },
      { user_name: 'w', roles: [], backend_roles: [1] },
      null,
    ]) {
      expect(() => parseAuthInfo(body)).toThrow(AuthInfoError);
    }
  });

  test('only the engine\'s "no handler found" means the security plugin is absent', () => {
    const error = (statusCode: number, body: unknown) =>
      Object.assign(new Error('ResponseError'), { meta: { statusCode, body } });
    expect(
      isSecurityAbsent(
        error(400, { error: 'no handler found for uri [/_plugins/_security/authinfo] and method [GET]' }),
      ),
    ).toBe(true);
    expect(isSecurityAbsent(error(400, 'no handler found for uri'))).toBe(true);
    expect(isSecurityAbsent(error(401, 'Unauthorized'))).toBe(false);
    expect(isSecurityAbsent(error(400, { error: 'bad request' }))).toBe(false);
    expect(isSecurityAbsent(error(503, 'no handler found'))).toBe(false);
  });
});
