import * as lucene from 'lucene';
import { clauseOccurs, leaves, parseLucene, printLucene, stripPositions, BoolNode } from './lucene';

function ast(q: string): BoolNode {
  const r = parseLucene(q);
  if (!r.ok) throw new Error(`${q}: ${r.error.message}`);
  return r.ast;
}

function err(q: string) {
  const r = parseLucene(q);
  if (r.ok) throw new Error(`expected a syntax error for ${q}`);
  return r.error;
}

describe('parseLucene: the constructs elastic-recheck signatures use', () => {
  it('reads fields, phrases, terms, AND / OR / NOT and groups with offsets', () => {
    const q = 'message:"Connection refused" AND (tags:console OR tags:"job-output.txt") AND NOT build_name:grenade';
    const a = ast(q);
    expect(a.clauses.map((c) => [c.conj, c.modifier, c.node.type])).toEqual([
      [null, null, 'phrase'],
      ['AND', null, 'group'],
      ['AND', 'NOT', 'term'],
    ]);
    const phrase = a.clauses[0].node;
    expect(phrase).toMatchObject({
      type: 'phrase',
      value: 'Connection refused',
      field: { name: 'message', start: 0, end: 7 },
      start: 0,
      end: 28,
    });
    const group = a.clauses[1].node;
    expect(q.slice(group.start, group.end)).toBe('(tags:console OR tags:"job-output.txt")');
    const not = a.clauses[2];
    expect(q.slice(not.start, not.end)).toBe('AND NOT build_name:grenade');
    expect(leaves(a).map((l) => `${l.field?.name}=${(l.leaf as any).value}`)).toEqual([
      'message=Connection refused',
      'tags=console',
      'tags=job-output.txt',
      'build_name=grenade',
    ]);
  });

  it('keeps escapes in raw text and removes them in values', () => {
    const a = ast(
      'message:"ERROR with Account server 127\\.0\\.0\\.1\\:6012\\/sdb1" AND message:foo\\(bar\\) AND x:a\\"b',
    );
    const [p, t, u] = a.clauses.map((c) => c.node as any);
    expect(p.raw).toBe('ERROR with Account server 127\\.0\\.0\\.1\\:6012\\/sdb1');
    expect(p.value).toBe('ERROR with Account server 127.0.0.1:6012/sdb1');
    expect(t).toMatchObject({ type: 'term', value: 'foo(bar)' });
    expect(u).toMatchObject({ type: 'term', raw: 'a\\"b', value: 'a"b' });
  });

  it('reads ranges, regexes, wildcards, boosts, fuzziness and proximity', () => {
    const a = ast('error_pr:[-1000 TO -10} AND f:/ab+c/ AND build_name:*grenade* AND x:foo~2 AND "a b"~3^2 AND (y)^4');
    const nodes = a.clauses.map((c) => c.node as any);
    expect(nodes[0]).toMatchObject({ type: 'range', min: '-1000', max: '-10', includeMin: true, includeMax: false });
    expect(nodes[1]).toMatchObject({ type: 'regex', pattern: 'ab+c' });
    expect(nodes[2]).toMatchObject({ type: 'wildcard', leading: true, value: '*grenade*' });
    expect(nodes[3]).toMatchObject({ type: 'term', fuzzy: '2' });
    expect(nodes[4]).toMatchObject({ type: 'phrase', proximity: '3', boost: '2' });
    expect(nodes[5]).toMatchObject({ type: 'group', boost: '4' });
    expect(ast('"a b"~').clauses[0].node).toMatchObject({ type: 'phrase', proximity: '' });
  });

  it('prints back to text that parses to the same tree', () => {
    for (const q of [
      'a AND b OR c',
      '-(a OR b) AND +c !d',
      'f:(a OR "b c")^2 AND x:[1 TO 5] AND -y:{a TO "b c"]',
      'message:"x \\"quoted\\" y" && tags:console || NOT z',
      'message:"\\nNo matching distribution found for"',
    ]) {
      const a = ast(q);
      const printed = printLucene(a);
      expect(stripPositions(ast(printed))).toEqual(stripPositions(a));
    }
  });
});

describe('parseLucene: syntax errors name the problem and its position', () => {
  it.each([
    ['message:"foo AND tags:console', 'unbalanced quote', 8],
    ['(message:foo OR tags:x', "unbalanced parenthesis: '(' opened here", 0],
    ['message:foo) AND x', "unbalanced parenthesis: ')' without", 11],
    ['AND message:foo', 'operator AND at the start', 0],
    ['message:foo AND', 'at the end of the query', 12],
    ['message:foo AND OR tags:x', 'two operators in a row', 16],
    ['message:foo\\', 'ends with an escape character', 11],
    ['filename:logs/screen-n-cpu.txt', 'unterminated regular expression', 13],
    ['message: AND x', "field 'message' has no value", 9],
    ['x:[1 TO 5', 'unbalanced range', 2],
    ['x:[1 5]', 'malformed range', 2],
    ['()', "empty group '()'", 0],
    ['   ', 'empty query', 0],
  ])('%s', (q, message, offset) => {
    const e = err(q);
    expect(e.message).toContain(message);
    expect(e.offset).toBe(offset);
  });

  it('gives line and column on multi-line queries', () => {
    const e = err('message:"a" AND\n  tags:"console');
    expect(e).toMatchObject({ line: 2, column: 8, offset: 23 });
  });
});

describe('npm parser versus classic Lucene (why the npm parser runs behind our lexer)', () => {
  it('npm is too strict: escapes inside quotes other than its own list fail (Lucene accepts any escaped char)', () => {
    const q = 'message:"InvalidRequestError\\: state\\; no further SQL"';
    expect(() => lucene.parse(q)).toThrow();
    expect(ast(q).clauses[0].node).toMatchObject({
      type: 'phrase',
      value: 'InvalidRequestError: state; no further SQL',
    });
  });

  it('npm is too strict: a modifier before a group and a boost on a group fail', () => {
    expect(() => lucene.parse('-(a OR b)')).toThrow();
    expect(() => lucene.parse('(a OR b)^2')).toThrow();
    expect(ast('-(a OR b)').clauses[0].modifier).toBe('-');
  });

  it('npm is too lax: a leading or trailing operator is silently ignored (Lucene: syntax error)', () => {
    expect(lucene.parse('OR AND foo')).toBeTruthy();
    expect(lucene.parse('foo AND')).toBeTruthy();
    expect(err('foo AND').message).toContain('no right-hand clause');
  });

  it('npm is wrong: "AND" and "NOT" separated by a newline or two spaces loses the NOT', () => {
    const npm: any = lucene.parse('a AND\nNOT b');
    expect(npm.operator).toBe('AND'); // NOT dropped by the npm grammar
    expect(npm.right.prefix ?? null).toBeNull();
    expect(ast('a AND\nNOT b').clauses[1]).toMatchObject({ conj: 'AND', modifier: 'NOT' });
  });

  it('npm nests right (suggesting precedence); classic Lucene has flat clause lists without precedence', () => {
    const npm: any = lucene.parse('a OR b AND c');
    expect(npm.operator).toBe('OR'); // a OR (b AND c) in the npm tree
    // classic: a introduced first (SHOULD), b OR (SHOULD), then AND makes b and c MUST: a no longer matters
    expect(clauseOccurs(ast('a OR b AND c'))).toEqual(['should', 'must', 'must']);
    expect(clauseOccurs(ast('a AND b OR c'))).toEqual(['must', 'must', 'should']);
    expect(clauseOccurs(ast('a AND NOT b'))).toEqual(['must', 'must_not']);
    expect(clauseOccurs(ast('NOT a AND b'))).toEqual(['must_not', 'must']);
    expect(clauseOccurs(ast('a b'), 'AND')).toEqual(['must', 'must']);
    expect(clauseOccurs(ast('a OR b c'), 'AND')).toEqual(['should', 'should', 'must']);
    expect(clauseOccurs(ast('+a OR +b'), 'AND')).toEqual(['should', 'should']); // classic AND mode ignores '+' after OR
  });

  it('npm is wrong: `-field:x` becomes a field named "-field" (Lucene: NOT field:x)', () => {
    const npm: any = lucene.parse('a -message:b');
    expect(npm.right.field).toBe('-message');
    expect(ast('a -message:b').clauses[1]).toMatchObject({ modifier: '-', node: { field: { name: 'message' } } });
  });

  it('npm is wrong: `foo~2` (edit distance 2) becomes `foo~` followed by a second term `2`', () => {
    const npm: any = lucene.parse('x:foo~2');
    expect(npm.right).toMatchObject({ term: '2' });
    expect(ast('x:foo~2').clauses).toHaveLength(1);
  });

  it('a slash inside an unquoted term starts a regex in Lucene (npm agrees: both reject the unterminated one)', () => {
    expect(() => lucene.parse('filename:logs/screen.txt')).toThrow();
    expect(err('filename:logs/screen.txt').message).toContain('regular expression');
  });
});
