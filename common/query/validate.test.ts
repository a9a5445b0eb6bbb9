import { validateQuery, validateSignature } from './validate';
import { fieldCatalogFromMapping } from './fields';

function codes(q: string, opts = {}) {
  const v = validateQuery(q, opts);
  return { errors: v.errors.map((e) => e.code), warnings: v.warnings.map((w) => w.code), v };
}

describe('validateQuery: malformed input is rejected with a message naming the problem', () => {
  it('accepts a normal signature', () => {
    const v = validateQuery('message:"Connection refused" AND tags:"screen-n-cpu.txt" AND build_name:tempest-full');
    expect(v).toMatchObject({ ok: true, errors: [], warnings: [] });
  });

  it('unbalanced quotes: syntax error with position', () => {
    const v = validateQuery('message:"Connection refused AND tags:console');
    expect(v.errors).toEqual([
      expect.objectContaining({
        code: 'syntax',
        offset: 8,
        line: 1,
        column: 9,
        message: expect.stringContaining('unbalanced quote'),
      }),
    ]);
  });

  it('a 1 MB query is rejected before parsing', () => {
    const q = 'message:"' + 'x'.repeat(1024 * 1024) + '"';
    const v = validateQuery(q);
    expect(v.ok).toBe(false);
    expect(v.errors[0]).toMatchObject({
      code: 'too_long',
      message: expect.stringContaining('1048586 characters (limit 8192)'),
    });
  });

  it('leading wildcards are rejected; a trailing one is fine; field:* is an exists query', () => {
    const r = codes('message:"x" AND build_name:*grenade*');
    expect(r.errors).toEqual(['leading_wildcard']);
    expect(r.v.errors[0].message).toContain("leading wildcard in '*grenade*'");
    expect(r.v.errors[0].field).toBe('build_name');
    expect(codes('message:"x" AND build_name:grenade*').errors).toEqual([]);
    expect(codes('message:"x" AND build_name:*').errors).toEqual([]);
    expect(codes('build_name:*grenade*', { limits: { allowLeadingWildcard: true } }).errors).toEqual([]);
  });

  it('a leading wildcard on a keyword field is a warning naming the cost; on text it waits for a measurement', () => {
    const fields = { message: 'text', build_name: 'keyword', tags: 'text', 'tags.keyword': 'keyword' };
    const kw = codes('message:"x" AND build_name:*grenade*', { fields });
    expect(kw.errors).toEqual([]);
    expect(kw.warnings).toContain('leading_wildcard');
    expect(kw.v.warnings.find((w) => w.code === 'leading_wildcard')).toMatchObject({
      field: 'build_name',
      line: 1,
      column: 17,
      message: expect.stringContaining('scans every distinct value of build_name'),
    });
    const txt = codes('message:"x" AND tags:*console*', { fields });
    expect(txt.errors).toEqual(['leading_wildcard']);
    expect(txt.v.errors[0].message).toContain(
      "on the text field 'tags': the engine must visit every term of it; not measured on the engine",
    );
  });

  it('wildcards with too short a prefix are rejected', () => {
    expect(codes('message:a*').v.errors[0].message).toContain('only 1 literal character(s)');
  });

  it('costly regexes are rejected with the reason', () => {
    expect(codes('message:/.*error.*/').v.errors[0]).toMatchObject({
      code: 'costly_regex',
      message: expect.stringContaining('starts with a repeated wildcard'),
    });
    expect(codes('message:/x(a+)+y/').v.errors[0].message).toContain('nests unbounded repetitions');
    expect(codes(`message:/ab${'c'.repeat(300)}/`).v.errors[0].message).toContain(
      'regular expression of 302 characters',
    );
    expect(codes('message:/err(or|no)[0-9]+/').errors).toEqual([]);
  });

  it('too many clauses and too deep nesting', () => {
    const many = Array.from({ length: 300 }, (_, i) => `message:"m${i}"`).join(' OR ');
    expect(codes(many).v.errors[0]).toMatchObject({
      code: 'too_many_clauses',
      message: expect.stringContaining('300 terms and phrases (limit 256)'),
    });
    expect(codes('('.repeat(20) + 'message:x' + ')'.repeat(20)).errors).toEqual(['too_deep']);
  });

  it('unknown fields are named, legacy ones are told apart, with positions', () => {
    const r = codes('message:"x" AND buildname:"tempest" AND build_short_uuid:abc1234 AND loglevel:ERROR');
    expect(r.v.errors.map((e) => [e.code, e.field, e.offset])).toEqual([
      ['unknown_field', 'buildname', 16],
      ['legacy_field', 'build_short_uuid', 40],
      ['legacy_field', 'loglevel', 69],
    ]);
    expect(r.v.errors[0].message).toContain("unknown field 'buildname'");
    expect(r.v.errors[1].message).toContain('rewrites it');
    expect(r.v.errors[2].message).toContain('not indexed any more');
  });

  it('checks fields against a mapping fetched from the engine', () => {
    const { catalog } = fieldCatalogFromMapping({
      'logs-1': {
        mappings: {
          properties: { msg: { type: 'text', fields: { keyword: { type: 'keyword' } } }, voting: { type: 'long' } },
        },
      },
    });
    expect(codes('msg:x AND msg.keyword:"x y"', { fields: catalog }).errors).toEqual([]);
    expect(codes('message:x', { fields: catalog }).errors).toEqual(['unknown_field']);
    expect(codes('voting:yes', { fields: catalog }).v.errors[0].message).toContain(
      "field 'voting' is a number (long): 'yes' is not a number",
    );
  });

  it('warns about unfielded terms, \\n in phrases and wildcards a text analyser can never match', () => {
    expect(
      codes('"(from pbr)" AND message:"\\nNo matching" AND build_name:*-pypy', {
        limits: { allowLeadingWildcard: true },
      }).warnings,
    ).toEqual(['no_field', 'suspicious_escape', 'wildcard_on_text']);
  });
});

describe('validateSignature with legacy translation', () => {
  it('validates the translated query and returns the rewrites', () => {
    const v = validateSignature({ query: '@message:"x" AND filename:"logs/screen-n-cpu.txt"' }, { legacy: true });
    expect(v.ok).toBe(true);
    expect(v.translated).toBe('message:"x" AND filename:"screen-n-cpu.txt"');
    expect(v.rewrites).toHaveLength(2);
    expect(validateSignature({ query: '@message:"x"' }).errors[0]).toMatchObject({
      code: 'legacy_field',
      field: '@message',
    });
  });
});

describe('validateQuery: hostile queries are refused with the reason and position', () => {
  it('2,000-deep parentheses are a positioned syntax error, not a stack overflow', () => {
    const v = validateQuery('('.repeat(2000) + 'message:a' + ')'.repeat(2000), { limits: { maxLength: 10000 } });
    expect(v.errors).toEqual([
      expect.objectContaining({
        code: 'syntax',
        column: 65,
        message: expect.stringContaining('nested more than 64 deep'),
      }),
    ]);
  });

  it.each([
    ['message:*', 'match_all'],
    ['*:*', 'match_all'],
    ['NOT message:foo', 'match_all'],
    ['message:foo OR message:*', 'match_all'],
    ['message:[* TO *]', 'match_all'],
    ['message:(* OR foo)', 'match_all'],
    ['message:/~(a|b)*/', 'costly_regex'],
    ['message:/ab[a-z]{1,10000}/', 'costly_regex'],
    [`message:${'a'.repeat(5000)}~2`, 'costly_fuzzy'],
    ['message:"a\u0000b"', 'bad_character'],
    ['message:"a\ud800b"', 'bad_character'],
  ])('%s is refused (%s)', (q, code) => {
    const v = validateQuery(q);
    expect(v.ok).toBe(false);
    expect(v.errors.map((e) => e.code)).toContain(code);
    expect(v.errors.find((e) => e.code === code)).toHaveProperty('column');
  });

  it('keeps queries that only narrow with an exists check or a NOT', () => {
    expect(validateQuery('message:* AND tags:"console.html"').errors).toEqual([]);
    expect(validateQuery('message:"a" AND NOT message:b').errors).toEqual([]);
    expect(validateQuery('message:"x\ud83d\ude00"').errors).toEqual([]);
  });
});
