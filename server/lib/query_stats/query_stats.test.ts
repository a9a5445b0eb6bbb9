/** @jest-layer engine */
/*
 * elastic-recheck's `query` command, golden: fixtures .../logstash/1284371.json (the hits of
 * queries/1284371.yaml) and 1284371.analysis (what the command printed). The hits are indexed into the
 * real engine and the query from the YAML file runs there for real.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { describeWithCorpus } from '../../../test/setup/engine';
import { indexSamples, UNIT_DIR } from '../../../test/fixtures/er_samples';
import type { TestIndex } from '../../../test/fixtures/log_index';
import { formatQueryStats, queryStats } from './query_stats';

describeWithCorpus('query stats (elastic-recheck-query)', () => {
  let index: TestIndex;
  const query = (
    yaml.load(fs.readFileSync(path.join(UNIT_DIR, 'queries', '1284371.yaml'), 'utf8')) as { query: string }
  ).query;
  beforeAll(async () => {
    index = await indexSamples('er-core-qstats', ['1284371']);
  });
  afterAll(async () => index?.drop());

  it('prints exactly what the original printed for 1284371', async () => {
    // `sample` is the test's own bookkeeping field (which canned file a document came from)
    const result = await queryStats(
      index.engine,
      { query_string: { query } },
      { index: index.name, exclude: ['sample'] },
    );
    expect(result.totalHits).toBe(353);
    expect(result.fields.every((f) => f.countError === 0)).toBe(true);
    expect(formatQueryStats(result)).toBe(fs.readFileSync(path.join(UNIT_DIR, 'logstash', '1284371.analysis'), 'utf8'));
  });

  it('shows the noise attributes with verbose, and honours quantity', async () => {
    const result = await queryStats(
      index.engine,
      { query_string: { query } },
      { index: index.name, verbose: true, quantity: 2 },
    );
    const names = result.fields.map((f) => f.field);
    expect(names).toEqual(expect.arrayContaining(['build_uuid', 'build_short_uuid', 'error_pr', 'received_at']));
    expect(names).not.toContain('message');
    expect(result.fields.every((f) => f.values.length <= 2)).toBe(true);
    const status = result.fields.find((f) => f.field === 'build_status')!;
    expect(status).toMatchObject({ total: 353, values: [{ value: 'FAILURE', count: 353, percent: 100 }] });
  });

  it('narrows to a query and rejects a bad quantity', async () => {
    const result = await queryStats(
      index.engine,
      { bool: { filter: [{ query_string: { query } }, { term: { 'build_queue.keyword': 'gate' } }] } },
      { index: index.name },
    );
    expect(result.fields.find((f) => f.field === 'build_queue')!.values).toEqual([
      { value: 'gate', count: result.totalHits, percent: 100 },
    ]);
    await expect(queryStats(index.engine, { match_all: {} }, { index: index.name, quantity: 0 })).rejects.toThrow(
      'quantity must be a whole number >= 1, got 0',
    );
  });
});
