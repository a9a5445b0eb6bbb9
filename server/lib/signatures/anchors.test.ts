import { anchorFilter, anchorPlan, anchorTokens, chooseAnchors, messagePhrases, safeToken } from './anchors';
import { compileSignatures } from './compile';
import { sig } from '../../../test/fixtures/signatures';

describe('anchor tokens (necessary message tokens of a signature)', () => {
  it('takes the longest word the standard analyzer surely produces', () => {
    expect(safeToken('No valid host was found')).toBe('valid'); // first of the longest
    expect(safeToken('Timed out waiting for thing')).toBe('waiting');
    // joined by digits, "_", ".", "'" or ":" in the standard tokenizer: not safe
    expect(safeToken("abc123 x.y foo_bar it's a:b")).toBeNull();
    // identifiers first; `:` or `.` before a space or at the end breaks
    expect(safeToken('tempest.lib.exceptions.SSHTimeout: Connection to the')).toBe('connection');
    expect(safeToken('PortBindingFailed: Binding failed for port')).toBe('portbindingfailed');
    expect(safeToken('AMQP server on')).toBe('server');
    expect(safeToken('libvirt.libvirtError: internal')).toBe('internal');
    expect(safeToken('Lock wait timeout exceeded; try restarting')).toBe('restarting');
    expect(safeToken('(bytes processed=0, remaining=0)')).toBe('processed');
  });

  it('follows the classic parser: a required clause suffices, optional clauses all need anchors', () => {
    expect(anchorTokens('message:"No valid host was found" AND tags:"screen-n-sch.txt"')).toEqual(['valid']);
    expect(anchorTokens('message:"connection refused" AND message:"Timed out waiting"')).toEqual(['connection']);
    expect(anchorTokens('message:"connection refused" OR message:"Timed out waiting"')).toEqual([
      'connection',
      'waiting',
    ]);
    expect(anchorTokens('message:"connection refused" OR tags:console')).toBeNull();
    expect(anchorTokens('tags:console AND build_name:"tempest-full"')).toBeNull();
    expect(anchorTokens('message:(bravo OR charlie) AND voting:1')).toEqual(['bravo', 'charlie']);
    expect(anchorTokens('NOT message:"never"')).toBeNull();
    expect(anchorTokens('"unfielded text"')).toBeNull();
    expect(anchorTokens('message:foo*')).toBeNull();
    expect(anchorTokens('message:"unbalanced')).toBeNull();
  });

  it('anchors every token of an unquoted term, which the engine ORs (a phrase needs all of its)', () => {
    // `message:barbaz-foo` matches a line holding only `foo` (query_string, default operator OR)
    expect(anchorPlan('message:barbaz-foo')).toEqual({
      kind: 'any',
      parts: [
        { kind: 'leaf', tokens: ['barbaz'] },
        { kind: 'leaf', tokens: ['foo'] },
      ],
    });
    expect(anchorTokens('message:barbaz-foo')).toEqual(['barbaz', 'foo']);
    expect(anchorTokens('message:"barbaz-foo"')).toEqual(['barbaz']);
    expect(anchorTokens('message:failed.')).toEqual(['failed']);
    // a token we cannot name (digits, joined by `.`): no anchor rather than a wrong one
    expect(anchorTokens('message:foo-123')).toBeNull();
    expect(anchorTokens('message:nova.compute')).toBeNull();
  });

  it("takes a phrase's tokens from the engine's analysis when given, and lists a query's message phrases", () => {
    const q = 'message:"java.io.Foo: x" AND (message:"a b"~2 OR tags:"console") AND message:"y"';
    expect(messagePhrases(q)).toEqual(['java.io.Foo: x', 'a b', 'y']);
    const analyzed = new Map([
      ['java.io.Foo: x', ['java.io.foo', 'x']],
      ['y', []],
    ]);
    expect(anchorPlan(q, analyzed)).toEqual({ kind: 'leaf', tokens: ['java.io.foo', 'x'], phrase: 'java.io.Foo: x' });
    // without the analysis the word rule cannot name java.io.foo
    expect(anchorPlan(q)).toEqual({
      kind: 'all',
      options: [
        { kind: 'leaf', tokens: ['x'] },
        { kind: 'leaf', tokens: ['y'] },
      ],
    });
  });

  it('picks the rarest token when document frequencies are known', () => {
    const plan = anchorPlan('message:"AMQP server on" AND message:"is unreachable" AND tags:x')!;
    expect(chooseAnchors(plan).tokens).toEqual(['unreachable']);
    const df = new Map([
      ['amqp', 3],
      ['server', 6000],
      ['on', 9000],
      ['is', 9000],
      ['unreachable', 40],
    ]);
    expect(chooseAnchors(plan, df)).toEqual({ tokens: ['amqp'], cost: 3 });
    const or = anchorPlan('message:"alpha beta" OR message:gamma')!;
    expect(
      chooseAnchors(
        or,
        new Map([
          ['alpha', 5],
          ['beta', 1],
          ['gamma', 2],
        ]),
      ),
    ).toEqual({ tokens: ['beta', 'gamma'], cost: 3 });
  });

  it('is attached only to signatures compiled to their own query, and combines into one filter', () => {
    const [a, b] = compileSignatures([sig('1', 'message:"alpha beta"'), sig('2', 'tags:x')]);
    expect(a.anchors).toEqual(['alpha']);
    expect(b.anchors).toBeNull();
    expect(compileSignatures([sig('1', 'message:"alpha beta"')], () => ({ match_all: {} }))[0].anchors).toBeUndefined();
    expect(anchorFilter([['b'], ['a', 'b']])).toEqual({ terms: { message: ['a', 'b'] } });
    expect(anchorFilter([['b'], null])).toBeNull();
    expect(anchorFilter([['b'], undefined])).toBeNull();
  });
});
