import { lintSignature } from './lint';

describe('lintSignature: one verdict per signature', () => {
  it('as-is: valid on the current schema as written', () => {
    expect(lintSignature({ query: 'message:"x" AND tags:console' })).toEqual({
      outcome: 'as-is',
      errors: [],
      warnings: [],
      rewrites: [],
    });
  });

  it('rewritten: valid after the legacy translation, with the query to run', () => {
    const l = lintSignature({ query: '@message:"x" AND @fields.build_status:FAILURE' });
    expect(l.outcome).toBe('rewritten');
    expect(l.translated).toBe(
      'message:"x" AND build_status:(FAILURE OR TIMED_OUT OR POST_FAILURE OR NODE_FAILURE OR RETRY_LIMIT)',
    );
    expect(l.rewrites).toHaveLength(3);
  });

  it('flagged: loads, but uses old fields with no equivalent', () => {
    const l = lintSignature({ query: 'message:"x" AND loglevel:ERROR' });
    expect(l.outcome).toBe('flagged');
    expect(l.errors).toEqual([]);
    expect(l.warnings[0]).toMatchObject({ code: 'legacy_field', field: 'loglevel', offset: 16 });
    expect(lintSignature({ query: 'message:"x" AND build_node:"centos-7"' }).outcome).toBe('flagged');
  });

  it('rejected: with the reasons, also when a rewrite happened', () => {
    expect(lintSignature({ query: 'message:"x' }).errors[0]).toMatchObject({ code: 'syntax' });
    const l = lintSignature({ query: '@message:"x" AND build_name:*grenade*' });
    expect(l.outcome).toBe('rejected');
    expect(l.errors.map((e) => e.code)).toEqual(['leading_wildcard']);
    expect(lintSignature({ query: 'message:"x" AND buildname:y' }).errors[0]).toMatchObject({
      code: 'unknown_field',
      field: 'buildname',
    });
  });
});
