/** @jest-layer engine */
import { httpEngineClient } from '../../../lib/engine_client';
import { createLogIndex, TestIndex } from '../../../test/fixtures/log_index';
import { engineUrl, uniqueName } from '../../../test/setup/engine';
import { clauseOccurs, parseLucene } from '../../../common/query/lucene';
import { fetchIndexFields, validateOnEngine, validateSignatureOnEngine } from './engine_validation';
import { sig } from '../../../test/fixtures/signatures';

describe('engine-side signature validation (real engine)', () => {
  let index: TestIndex;
  const pattern = () => `${index.name.replace(/-[^-]+$/, '')}-*`;
  beforeAll(async () => {
    index = await createLogIndex(uniqueName('er-validate'));
    await index.add([
      {
        '@timestamp': '2026-01-01T00:00:00Z',
        message: 'x',
        tags: ['console'],
        build_name: 'tempest',
        build_uuid: 'u',
        voting: 1,
        build_change: 3,
      },
    ]);
  });
  afterAll(() => index.drop());

  it('reads the fields of the indices behind a pattern from their mapping', async () => {
    const f = await fetchIndexFields(index.engine, index.name);
    expect(f.indices).toEqual([index.name]);
    expect(f.catalog).toMatchObject({
      message: 'text',
      'message.keyword': 'keyword',
      voting: 'long',
      build_change: 'long',
    });
    expect(await fetchIndexFields(index.engine, `${uniqueName('nothing-here')}-*`)).toEqual({
      catalog: null,
      indices: [],
      conflicts: [],
    });
  });

  it('names unknown fields against the real mapping', async () => {
    const v = await validateSignatureOnEngine(
      index.engine,
      index.name,
      sig('1', 'message:x AND project:"openstack/nova"'),
    );
    expect(v.ok).toBe(false);
    expect(v.errors[0]).toMatchObject({ code: 'unknown_field', field: 'project' }); // not in this small index
  });

  it("passes a valid signature and returns the engine's reading of it", async () => {
    const v = await validateSignatureOnEngine(index.engine, index.name, sig('1', 'message:x AND tags:console'));
    expect(v.ok).toBe(true);
    expect(v.engine?.valid).toBe(true);
    expect(v.engine?.explanation).toContain('message:x');
  });

  it('reports what the engine silently turns into match-nothing', async () => {
    const r = await validateOnEngine(index.engine, index.name, { query_string: { query: 'voting:abc' } });
    expect(r.valid).toBe(true);
    expect(r.matchesNothing?.[0]).toContain('voting');
  });

  it("returns the engine's syntax error for text our checks did not see", async () => {
    const r = await validateOnEngine(index.engine, index.name, { query_string: { query: 'message:"abc' } });
    expect(r.valid).toBe(false);
    expect(r.error).toContain('Lexical error');
  });

  it("our clause semantics (clauseOccurs) agree with the engine's classic parser", async () => {
    const cases: [string, 'OR' | 'AND'][] = [
      ['message:a OR message:b AND message:c', 'OR'],
      ['message:a AND message:b OR message:c', 'OR'],
      ['message:a AND NOT message:b', 'OR'],
      ['NOT message:a message:b', 'OR'],
      ['+message:a -message:b message:c', 'OR'],
      ['+message:a OR +message:b', 'AND'],
      ['message:a OR message:b message:c', 'AND'],
      ['message:a message:b -message:c', 'AND'],
    ];
    for (const [q, op] of cases) {
      const r = await validateOnEngine(index.engine, index.name, { query_string: { query: q, default_operator: op } });
      const parsed = parseLucene(q);
      if (!parsed.ok) throw new Error(q);
      // Lucene prints "+x" for MUST, "-x" for MUST_NOT and "x" for SHOULD
      const engineOccurs = r
        .explanation!.split(' ')
        .map((t) => (t.startsWith('+') ? 'must' : t.startsWith('-') ? 'must_not' : 'should'));
      expect({ q, op, occurs: clauseOccurs(parsed.ast, op) }).toEqual({ q, op, occurs: engineOccurs });
    }
  });

  it('skips engine validation when no index matches, and says so', async () => {
    const engine = httpEngineClient(engineUrl());
    const v = await validateSignatureOnEngine(
      engine,
      `${uniqueName('nothing-here')}-*`,
      sig('1', 'message:x AND tags:console'),
    );
    expect(v.ok).toBe(true);
    expect(v.engine?.noIndex).toBe(true);
    expect(v.warnings.map((w) => w.message).join()).toContain('no index matches');
    void pattern;
  });
});
