import { EvalDoc, anchorTokens, evaluate, evaluate3, parseQuery } from './lucene_eval';

const doc = (fields: Record<string, unknown>, unknown: string[] = []) => new EvalDoc(fields as any, new Set(unknown));
const base = {
  message:
    'controller | ERROR nova.compute.manager [instance: abc] Instance failed to spawn: VirtualInterfaceCreateException',
  build_name: 'tempest-full-py3',
  tags: ['screen', 'oslofmt', 'screen-n-cpu.txt'],
  filename: 'screen-n-cpu.txt',
  voting: 1,
  build_change: 912345,
};
const matches = (q: string, fields: Record<string, unknown> = base) => evaluate(parseQuery(q), doc(fields));

describe('lucene_eval: query_string semantics over one document', () => {
  it('matches phrases over analysed message tokens, case-insensitively', () => {
    expect(matches('message:"instance FAILED to spawn"')).toBe(true);
    expect(matches('message:"failed spawn"')).toBe(false);
    expect(matches('message:"VirtualInterfaceCreateException"')).toBe(true);
  });

  it('treats keyword fields as exact values and long fields as numbers', () => {
    expect(matches('build_name:"tempest-full-py3"')).toBe(true);
    expect(matches('build_name:"tempest-full"')).toBe(false);
    expect(matches('build_name.keyword:"tempest-full-py3"')).toBe(true);
    expect(matches('tags:"screen-n-cpu.txt" AND tags:screen')).toBe(true);
    expect(matches('tags:Screen')).toBe(false);
    expect(matches('voting:1 AND build_change:912345')).toBe(true);
    expect(matches('voting:0')).toBe(false);
  });

  it('applies the classic parser rules: no precedence, AND makes both sides required', () => {
    // a AND b OR c  =  +a +b c : c optional
    expect(matches('message:spawn AND tags:screen OR message:nothere')).toBe(true);
    expect(matches('message:nothere OR message:spawn AND tags:screen')).toBe(true);
    expect(matches('message:spawn AND message:nothere OR tags:screen')).toBe(false);
    // without AND, clauses are optional and one must match
    expect(matches('message:nothere message:spawn')).toBe(true);
    expect(matches('message:nothere OR message:alsonot')).toBe(false);
  });

  it('handles NOT, -, + and groups with a field', () => {
    expect(matches('message:spawn AND NOT message:BuildAbortException')).toBe(true);
    expect(matches('message:spawn AND NOT message:VirtualInterfaceCreateException')).toBe(false);
    expect(matches('message:spawn -tags:screen')).toBe(false);
    expect(matches('+message:spawn +build_name:(other OR "tempest-full-py3")')).toBe(true);
    expect(matches('NOT message:nothere')).toBe(true);
    expect(matches('message:spawn AND NOT (build_name:"tempest-full-py3" OR build_name:x)')).toBe(false);
  });

  it('matches nothing for unmapped fields and searches all fields for unqualified terms', () => {
    expect(matches('loglevel:ERROR')).toBe(false);
    expect(matches('message:spawn AND module:"nova.compute.manager"')).toBe(false);
    expect(matches('spawn')).toBe(true);
    expect(matches('"tempest-full-py3"')).toBe(true);
  });

  it('ORs the tokens of an unquoted multi-token term and supports wildcards', () => {
    expect(matches('message:nothere-spawn')).toBe(true);
    expect(matches('message:virtualinterface*')).toBe(true);
    expect(matches('build_name:tempest-*')).toBe(true);
    expect(matches('build_name:Tempest-*')).toBe(false);
  });

  it('is three-valued for fields not known yet', () => {
    const partial = doc({ message: base.message, tags: base.tags }, ['build_name', 'voting']);
    expect(evaluate3(parseQuery('message:spawn AND build_name:x'), partial)).toBe(2);
    expect(evaluate3(parseQuery('message:absent AND build_name:x'), partial)).toBe(0);
    expect(evaluate3(parseQuery('message:spawn AND NOT build_name:x'), partial)).toBe(2);
    expect(evaluate3(parseQuery('message:spawn AND tags:screen'), partial)).toBe(1);
  });

  it('gives anchor tokens a match needs (or null when the message is not required)', () => {
    expect(anchorTokens(parseQuery('message:"Lock wait timeout" AND tags:console'))).toEqual(['timeout']);
    expect(anchorTokens(parseQuery('(message:"a b" OR message:"cc") AND tags:x'))?.sort()).toEqual(['a', 'cc']);
    expect(anchorTokens(parseQuery('tags:console AND NOT message:x'))).toBeNull();
  });

  it('reports bad syntax with line and column', () => {
    expect(() => parseQuery('message:"unterminated AND tags:x')).toThrow(/line 1, column \d+/);
  });
});
