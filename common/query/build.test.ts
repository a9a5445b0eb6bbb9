/** @jest-layer engine */
/* Signature queries on the real engine; the query text alone is tested in effective_query.test.ts (unit layer). */
import { effectiveQueryString, legacyEffectiveQuery, signatureEngineQuery, signatureQuery } from './build';
import { build, createLogIndex, logDoc, LOG_MAPPING, TestIndex } from '../../test/fixtures/log_index';
import { logMappings } from '../../generator/mapping';
import { sig } from '../../test/fixtures/signatures';

async function ids(index: TestIndex, query: object): Promise<string[]> {
  const r = await index.engine.request<any>({
    method: 'POST',
    path: `/${index.name}/_search`,
    body: { size: 100, query },
  });
  return r.hits.hits.map((h: any) => h._source.message as string).sort();
}

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
