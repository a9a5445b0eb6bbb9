/** @jest-layer engine */
/*
 * The generated data set on the real engine: the mapping is what signatures need, and every
 * ground-truth cause holds when the signatures run as the product runs them (query_string plus the
 * voting rule, restricted to one build).
 */
import * as fs from 'fs';
import * as path from 'path';
import { signatureQuery } from '../../common/query/build';
import { search, msearch } from '../../lib/engine_client';
import { verifyGroundTruth } from '../../generator/verify';
import { loadSignatureDirectory } from '../../generator';
import { CORPUS_DIR, describeWithCorpus } from '../setup/engine';
import { indexGeneratedData, type GeneratedData } from '../fixtures/generated_data';

jest.setTimeout(120000);

describe('generated CI log data on the engine (demo signatures)', () => {
  let data: GeneratedData;
  beforeAll(async () => {
    data = await indexGeneratedData({ builds: 300, linesPerBuild: 24, seed: 'integration' });
  });
  afterAll(async () => {
    await data?.cleanup();
  });

  it('creates daily indices with the ci-log-processing mapping (keyword build fields, text message)', async () => {
    const indices = Object.keys(data.truth.counts.indices);
    expect(indices.length).toBeGreaterThanOrEqual(10);
    for (const name of indices)
      expect(name).toMatch(new RegExp(`^${data.prefix.replace(/[.]/g, '\\.')}\\d{4}\\.\\d{2}\\.\\d{2}$`));
    const mapping = await data.engine.request<any>({ method: 'GET', path: `/${indices[0]}/_mapping` });
    const props = mapping[indices[0]].mappings.properties;
    expect(props.message.type).toBe('text');
    for (const f of [
      'build_name',
      'build_status',
      'build_uuid',
      'build_queue',
      'build_branch',
      'project',
      'tags',
      'filename',
      'log_url',
    ]) {
      expect(props[f].type).toBe('keyword');
      expect(props[f].fields.keyword.type).toBe('keyword');
    }
    expect(props.build_change.type).toBe('long');
    expect(props.voting.type).toBe('long');
    expect(props['@timestamp'].type).toBe('date');
  });

  it('indexes every generated line', async () => {
    const res = await data.engine.request<{ count: number }>({ method: 'GET', path: `/${data.indexPattern}/_count` });
    expect(res.count).toBe(data.truth.counts.lines);
    const sum = data.truth.builds.reduce((n, b) => n + b.lines, 0);
    expect(sum).toBe(data.truth.counts.lines);
  });

  it('matches each known-cause build with its signature, restricted to that build', async () => {
    const known = data.truth.builds.filter((b) => b.cause.kind === 'known' && b.expectedSignatures.length > 0);
    expect(known.length).toBeGreaterThan(15);
    const bySig = new Map(data.signatures.map((s) => [s.id, s]));
    const res = await msearch(
      data.engine,
      known.map((b) => ({
        index: data.indexPattern,
        body: {
          size: 1,
          query: {
            bool: { filter: [signatureQuery(bySig.get(b.cause.signature!)!), { term: { build_uuid: b.uuid } }] },
          },
        },
      })),
    );
    res.responses.forEach((r, i) => {
      expect({ build: known[i].uuid, hits: r.hits.total.value > 0 }).toEqual({ build: known[i].uuid, hits: true });
      expect(r.hits.hits[0]._source.message).toBe(known[i].cause.message);
    });
  });

  it('matches unknown-cause and infrastructure builds with none of the signatures', async () => {
    const unexplained = data.truth.builds.filter((b) => b.cause.kind === 'unknown' || b.cause.kind === 'infra');
    expect(unexplained.length).toBeGreaterThan(10);
    const res = await search(data.engine, data.indexPattern, {
      size: 0,
      query: {
        bool: {
          filter: [{ terms: { build_uuid: unexplained.map((b) => b.uuid) } }],
          should: data.signatures.map((s) => signatureQuery(s)),
          minimum_should_match: 1,
        },
      },
    });
    expect(res.hits.total.value).toBe(0);
  });

  it('agrees with the engine on every build-signature pair (false positives and non-voting builds included)', async () => {
    const result = await verifyGroundTruth(data.engine, data.truth, data.signatures);
    expect(result.mismatches).toEqual([]);
    expect(result.checkedSignatures).toBe(data.signatures.length);
    expect(data.truth.counts.falsePositives).toBeGreaterThan(0);
    expect(result.matchedPairs).toBe(data.truth.builds.reduce((n, b) => n + b.expectedSignatures.length, 0));
  });

  it("writes every build's test results to the subunit indices", async () => {
    expect(data.subunitPattern).toBeDefined();
    const withFailures = data.truth.builds.filter((b) => b.failedTests.length > 0);
    expect(withFailures.length).toBeGreaterThan(5);
    const res = await search(data.engine, data.subunitPattern!, {
      size: 0,
      query: { term: { test_status: 'fail' } },
      aggs: {
        builds: {
          terms: { field: 'build_uuid.keyword', size: 1000 },
          aggs: { tests: { terms: { field: 'test_name.keyword', size: 100 } } },
        },
      },
    });
    const engineFailed = Object.fromEntries(
      res.aggregations.builds.buckets.map((b: any) => [b.key, b.tests.buckets.map((t: any) => t.key).sort()]),
    );
    expect(engineFailed).toEqual(Object.fromEntries(withFailures.map((b) => [b.uuid, [...b.failedTests].sort()])));
    const count = await data.engine.request<{ count: number }>({
      method: 'GET',
      path: `/${data.subunitPattern}/_count`,
    });
    expect(count.count).toBe(data.truth.counts.tests);
  });

  it('predicts the engine tokenizer for the generated messages', async () => {
    const { analyze } = await import('../../generator');
    const res = await search<{ message: string }>(data.engine, data.indexPattern, {
      size: 200,
      query: { function_score: { random_score: { seed: 7, field: '_seq_no' } } },
    });
    for (const hit of res.hits.hits.slice(0, 60)) {
      const a = await data.engine.request<{ tokens: Array<{ token: string }> }>({
        method: 'POST',
        path: '/_analyze',
        body: { analyzer: 'standard', text: hit._source.message },
      });
      expect(analyze(hit._source.message)).toEqual(a.tokens.map((t) => t.token));
    }
  });
});

describeWithCorpus('generated CI log data on the engine (the 91 production signatures of the corpus)', () => {
  let data: GeneratedData;
  beforeAll(async () => {
    data = await indexGeneratedData({
      builds: 600,
      linesPerBuild: 12,
      seed: 'corpus',
      signatures: path.join(CORPUS_DIR, 'queries'),
    });
  });
  afterAll(async () => {
    await data?.cleanup();
  });

  it('uses every signature the new schema can express and says why it skips the others', () => {
    const all = loadSignatureDirectory(path.join(CORPUS_DIR, 'queries')).signatures;
    expect(all.length).toBe(fs.readdirSync(path.join(CORPUS_DIR, 'queries')).filter((f) => f.endsWith('.yaml')).length);
    const skipped = Object.fromEntries(data.truth.signatures.skipped.map((s) => [s.id, s.reason]));
    expect(data.truth.signatures.used.length + data.truth.signatures.skipped.length).toBe(all.length);
    // module: is an ELK-era field; build_node is a constant in ci-log-processing
    expect(skipped['1739482']).toMatch(/module/);
    expect(skipped['1804062']).toMatch(/build_node/);
    expect(data.truth.signatures.used.length).toBeGreaterThan(80);
  });

  it('agrees with the engine on every build-signature pair', async () => {
    const result = await verifyGroundTruth(data.engine, data.truth, data.signatures);
    expect(result.mismatches).toEqual([]);
    expect(result.matchedPairs).toBeGreaterThan(20);
  });
});

describeWithCorpus(
  'generated CI log data on the engine (875 historical signatures: the evaluator against the engine)',
  () => {
    let data: GeneratedData;
    beforeAll(async () => {
      data = await indexGeneratedData({
        builds: 1500,
        linesPerBuild: 8,
        seed: 'historical',
        signatures: path.join(CORPUS_DIR, 'queries-historical'),
      });
    });
    afterAll(async () => {
      await data?.cleanup();
    });

    it('agrees with the engine on every build-signature pair', async () => {
      expect(data.truth.signatures.used.length).toBeGreaterThan(800);
      const result = await verifyGroundTruth(data.engine, data.truth, data.signatures);
      expect(result.mismatches).toEqual([]);
      expect(result.matchedPairs).toBeGreaterThan(100);
    });
  },
);
