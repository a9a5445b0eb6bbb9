import { validateQuery } from '../../common/query/validate';
import { kqlToLucene, toSignatureQuery } from './query_conversion';

describe('Discover query → signature query', () => {
  it('passes Lucene through unchanged', () => {
    const q = 'message:"Timed out" AND NOT build_status:SUCCESS';
    expect(toSignatureQuery({ language: 'lucene', query: q })).toEqual({ ok: true, query: q, converted: false });
  });

  it.each([
    [
      'message:"No valid host was found" and build_status:FAILURE',
      'message:"No valid host was found" AND build_status:FAILURE',
    ],
    ['message:"Timed out" and not build_status:SUCCESS', 'message:"Timed out" AND NOT build_status:SUCCESS'],
    ['tags:console or (tags:screen and build_queue:gate)', 'tags:console OR (tags:screen AND build_queue:gate)'],
    ['build_name:(tempest-full or "grenade multinode")', 'build_name:(tempest\\-full OR "grenade multinode")'],
    ['NOT filename:job-output.txt', 'NOT filename:job\\-output.txt'],
    ['build_name:tempest* and message:*', 'build_name:tempest* AND message:*'],
    ['message:what\\?', 'message:what\\?'],
    ['"a bare phrase" or word', '"a bare phrase" OR word'],
    ['message:"say \\"hi\\""', 'message:"say \\"hi\\""'],
    ['', ''],
  ])('converts KQL %p', (kql, lucene) => {
    expect(kqlToLucene(kql)).toEqual({ ok: true, query: lucene, converted: true });
  });

  it('produces queries the signature validator accepts', () => {
    const r = kqlToLucene(
      'message:"No valid host was found" and not build_status:SUCCESS and (tags:console or build_name:tempest-full)',
    );
    expect(r.ok).toBe(true);
    expect(validateQuery(r.query).ok).toBe(true);
  });

  it.each([
    ['message:foo bar', 'two terms without "and"/"or" between them (at character 13)'],
    ['bytes > 100', 'range comparisons (">" at character 7)'],
    ['items:{ name:x }', 'nested field queries ("{" at character 7)'],
    ['message:"open', 'the quoted phrase at character 9 is not closed'],
    ['(a or b', 'the "(" at character 1 is not closed'],
    ['a)', 'unmatched ")" at character 2'],
    ['message:', 'the field message has no value'],
    ['a and', 'the query ends where a term is expected'],
    ['a:b:c', "a field inside a field's value"],
  ])('leaves %p as typed and says why', (kql, reason) => {
    const r = kqlToLucene(kql);
    expect(r.ok).toBe(false);
    expect(r.query).toBe(kql);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('does not convert other languages', () => {
    expect(toSignatureQuery({ language: 'ES|QL', query: 'FROM logs' })).toEqual({
      ok: false,
      query: 'FROM logs',
      reason: 'the query language is ES|QL; signatures are Lucene queries',
    });
  });
});
