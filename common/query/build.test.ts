/** @jest-layer engine */
import * as fs from 'fs';
import * as path from 'path';
import { effectiveQueryString, legacyEffectiveQuery, signatureEngineQuery, signatureQuery } from './build';
import { clauseOccurs, parseLucene } from './lucene';
import { build, createLogIndex, logDoc, LOG_MAPPING, TestIndex } from '../../test/fixtures/log_index';
import { logMappings } from '../../generator/mapping';
import { sig } from '../../test/fixtures/signatures';
import { CORPUS_DIR, describeWithCorpus } from '../../test/setup/engine';
import { parseSignatureYaml } from '../signature/yaml_codec';

async function ids(index: TestIndex, query: object): Promise<string[]> {
  const r = await index.engine.request<any>({
    method: 'POST',
    path: `/${index.name}/_search`,
    body: { size: 100, query },
  });
  return r.hits.hits.map((h: any) => h._source.message as string).sort();
}

describe('effective query text', () => {
  it('legacyEffectiveQuery appends " AND voting:1" after rstrip, as loader.py did', () => {
    expect(legacyEffectiveQuery(sig('1', 'message:"x" AND tags:console\n'))).toBe(
      'message:"x" AND tags:console AND voting:1',
    );
    expect(legacyEffectiveQuery(sig('1', 'message:"x"\n', { allowNonvoting: true }))).toBe('message:"x"');
  });

  it('effectiveQueryString parenthesizes the signature before adding the voting clause', () => {
    expect(effectiveQueryString(sig('1', 'a OR b\n'))).toBe('(a OR b) AND voting:1');
    expect(effectiveQueryString(sig('1', 'a OR b', { allowNonvoting: true }))).toBe('a OR b');
  });

  it('the appended clause changes the meaning of a query with OR at the top level (classic Lucene has no precedence)', () => {
    const legacy = parseLucene(legacyEffectiveQuery(sig('1', 'message:a OR message:b')));
    if (!legacy.ok) throw new Error('parse');
    // message:a becomes optional: it no longer selects anything
    expect(clauseOccurs(legacy.ast)).toEqual(['should', 'must', 'must']);
  });
});

// the production mapping (dynamic text + .keyword) and the generator's template (keyword build fields + .keyword)
describe.each([
  ['ci-log-processing mapping', LOG_MAPPING],
  ['generator mapping', logMappings()],
])('signatureQuery on the real engine (%s)', (_name, mapping) => {
  let index: TestIndex;
  beforeAll(async () => {
    index = await createLogIndex('build-test', mapping);
    const t = '2026-01-01T00:00:00Z';
    await index.add([
      logDoc({ build: build('u1', { voting: 1 }), message: 'alpha failure', timestamp: t }),
      logDoc({ build: build('u2', { voting: 1 }), message: 'beta failure', timestamp: t }),
      logDoc({ build: build('u3', { voting: 0 }), message: 'beta nonvoting', timestamp: t }),
      logDoc({
        build: build('u4', {
          voting: 1,
          project: 'openstack/neutron',
          build_branch: 'stable/zed',
          build_queue: 'check',
        }),
        message: 'alpha scoped',
        timestamp: t,
      }),
      logDoc({ build: build('u5', { voting: 1, build_status: 'TIMED_OUT' }), message: 'gamma', timestamp: t }),
    ]);
  });
  afterAll(() => index.drop());

  it("elastic-recheck's unparenthesized suffix lost the left side of an OR; ours keeps it", async () => {
    const s = sig('1', 'message:alpha OR message:beta');
    const legacy = await ids(index, { query_string: { query: legacyEffectiveQuery(s) } });
    const ours = await ids(index, { query_string: { query: effectiveQueryString(s) } });
    expect(legacy).toEqual(['beta failure']); // "alpha" lines were never matched by elastic-recheck
    expect(ours).toEqual(['alpha failure', 'alpha scoped', 'beta failure']);
    expect(await ids(index, signatureQuery(s))).toEqual(ours);
  });

  it('honours allow-nonvoting', async () => {
    expect(await ids(index, signatureQuery(sig('1', 'message:beta')))).toEqual(['beta failure']);
    expect(await ids(index, signatureQuery(sig('1', 'message:beta', { allowNonvoting: true })))).toEqual([
      'beta failure',
      'beta nonvoting',
    ]);
  });

  it('applies the scope as exact filters on the keyword fields', async () => {
    const q = (scope: object) => ids(index, signatureQuery(sig('1', 'message:alpha', { scope })));
    expect(await q({ projects: ['openstack/neutron'] })).toEqual(['alpha scoped']);
    expect(await q({ branches: ['stable/zed'], queues: ['check'] })).toEqual(['alpha scoped']);
    expect(await q({ branches: ['stable'] })).toEqual([]); // exact, not analysed
    expect(await q({ projects: ['openstack/nova', 'openstack/neutron'] })).toEqual(['alpha failure', 'alpha scoped']);
  });

  it("translates build_status:FAILURE into every failed Zuul result (the author's text matches only FAILURE)", async () => {
    const s = sig('1', 'message:gamma AND build_status:FAILURE');
    expect(await ids(index, { query_string: { query: s.query } })).toEqual([]);
    expect(await ids(index, signatureQuery({ ...s, allowNonvoting: true }))).toEqual(['gamma']);
    expect(signatureEngineQuery(s).rewrites.map((r) => r.from)).toEqual(['build_status:FAILURE']);
  });
});

describeWithCorpus("compatibility with elastic-recheck's loader (golden/loader_*.json)", () => {
  const cases: [string, string][] = [
    ['loader_queries.json', 'fixtures/elastic_recheck/tests/unit/queries'],
    ['loader_queries_with_filters.json', 'fixtures/elastic_recheck/tests/unit/queries_with_filters'],
    ['loader_suppressed_queries.json', 'fixtures/elastic_recheck/tests/unit/suppressed_queries'],
    ['loader_production_queries.json', 'queries'],
  ];
  it.each(cases)('%s: same bug ids, same query with the voting suffix, same flags', (golden, dir) => {
    const expected: any[] = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'golden', golden), 'utf8'));
    const files = fs
      .readdirSync(path.join(CORPUS_DIR, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const got = files.map((f) => {
      const r = parseSignatureYaml(fs.readFileSync(path.join(CORPUS_DIR, dir, f), 'utf8'), f);
      if (!r.ok) throw new Error(`${f}: ${r.errors.map((e) => e.message).join('; ')}`);
      const s = r.signature;
      const o: any = { bug: s.bug.id, query: legacyEffectiveQuery(s) };
      if (s.suppressGraph) o['suppress-graph'] = true;
      if (s.suppressNotification) o['suppress-notification'] = true;
      if (s.allowNonvoting) o['allow-nonvoting'] = true;
      if (s.testIds) o.test_ids = s.testIds;
      return o;
    });
    const norm = (xs: any[]) => [...xs].sort((a, b) => a.bug.localeCompare(b.bug));
    // one deliberate difference: with allow-nonvoting, loader.py kept the text unstripped (a folded scalar's final
    // newline); we always drop trailing whitespace, which has no meaning in Lucene
    const want = expected.map((e) => (e['allow-nonvoting'] ? { ...e, query: e.query.replace(/\s+$/, '') } : e));
    expect(norm(got)).toEqual(norm(want));
  });

  it("counts the production signatures whose meaning elastic-recheck's suffix changed", () => {
    const dir = path.join(CORPUS_DIR, 'queries');
    const changed: string[] = [];
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      const r = parseSignatureYaml(fs.readFileSync(path.join(dir, f), 'utf8'), f);
      if (!r.ok || r.signature.allowNonvoting) continue;
      const own = parseLucene(r.signature.query);
      if (!own.ok) continue;
      const occ = clauseOccurs(own.ast);
      const legacy = parseLucene(legacyEffectiveQuery(r.signature));
      if (!legacy.ok) throw new Error(`${f}: legacy text does not parse`);
      const legacyOcc = clauseOccurs(legacy.ast);
      // the suffix keeps the meaning iff the signature's own clauses keep their occurs and the added one is required
      const same =
        legacyOcc.length === occ.length + 1 &&
        occ.every((o, i) => o === legacyOcc[i] || (o === 'should' && occ.length === 1));
      const last = occ[occ.length - 1];
      const predicted = occ.length > 1 && last === 'should';
      expect({ f, changed: !same }).toEqual({ f, changed: predicted });
      if (!same)
        changed.push(
          `${f}${occ.includes('must') ? ' (optional last clause made required)' : ' (OR list cut to its last clause)'}`,
        );
    }
    process.stdout.write(
      `production signatures whose meaning elastic-recheck's unparenthesized " AND voting:1" changed: ${changed.length}\n${changed.join('\n')}\n`,
    );
  });
});
