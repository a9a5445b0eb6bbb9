/** @jest-layer engine */
/*
 * Compatibility with elastic-recheck-uncategorized (golden/uncategorized_tvars.json; its `_scenario`:
 * ALL_FAILS = logstash/1284371.json + bug-1218391 + bug-1229475 hits, queries = tests/unit/queries
 * minus 1229475, each query answered by its sample file). The samples are indexed into the real
 * engine; ALL_FAILS becomes `failuresQuery`, each query the documents of its sample.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS_DIR, describeWithCorpus } from '../setup/engine';
import { fakeEsQuery, indexSamples, UNIT_DIR } from '../fixtures/er_samples';
import { sig } from '../fixtures/signatures';
import type { TestIndex } from '../fixtures/log_index';
import type { CompiledSignature } from '../../server/lib/signatures/compile';
import { erUncategorizedTvars, ErTvars } from './er_tvars';

describeWithCorpus('uncategorized template variables (golden/uncategorized_tvars.json)', () => {
  const golden = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'golden', 'uncategorized_tvars.json'), 'utf8'));
  const ids = fs
    .readdirSync(path.join(UNIT_DIR, 'queries'))
    .filter((f) => f.endsWith('.yaml') && f !== '1229475.yaml')
    .map((f) => f.replace(/\.yaml$/, ''));
  const compiled: CompiledSignature[] = ids.map((id) => ({ signature: sig(id, '(FakeES)'), query: fakeEsQuery(id) }));
  let index: TestIndex;
  let ours: { integrated_gate: ErTvars; others: ErTvars };

  beforeAll(async () => {
    index = await indexSamples('er-core-tvars');
    ours = await erUncategorizedTvars(index.engine, compiled, {
      index: index.name,
      end: Date.UTC(2015, 0, 1),
      windowMs: Date.UTC(2015, 0, 1) - Date.UTC(2013, 0, 1),
      votingOnly: false, // the 2013/2014 samples carry no voting field
      failuresQuery: { terms: { 'sample.keyword': ['1284371', 'bug-1218391', 'bug-1229475'] } },
      generatedAt: 'FROZEN',
    });
  });
  afterAll(async () => index?.drop());

  for (const group of ['integrated_gate', 'others'] as const) {
    it(`${group}: same totals, rates, jobs and per-job failures`, () => {
      const g = golden[group].tvars;
      const o = ours[group];
      expect([o.total, o.count, o.uncounted]).toEqual([g.total, g.count, g.uncounted]);
      expect(o.rate).toEqual(g.rate);
      // same (job, unclassified) pairs in descending order; ER left ties in dict order, we break them by job name
      expect([...o.jobs].sort()).toEqual([...g.jobs].sort());
      expect(o.jobs.map(([, n]) => n)).toEqual(g.jobs.map(([, n]: [string, number]) => n));
      for (let i = 1; i < o.jobs.length; i++)
        if (o.jobs[i][1] === o.jobs[i - 1][1]) expect(o.jobs[i - 1][0] < o.jobs[i][0]).toBe(true);
      expect(o.total_job_failures).toEqual(g.total_job_failures);
      expect(o.generated_at).toBe(g.generated_at);
    });

    it(`${group}: same unexplained builds with the same log directories, newest first`, () => {
      const g = golden[group].tvars.urls as Record<
        string,
        Array<{ build_uuid: string; log: string; timestamp: string }>
      >;
      const o = ours[group].urls;
      expect(Object.keys(o).sort()).toEqual(Object.keys(g).sort());
      for (const job of Object.keys(g)) {
        expect(o[job].map((u) => [u.build_uuid, u.log])).toEqual(g[job].map((u) => [u.build_uuid, u.log]));
        expect(o[job].map((u) => u.timestamp)).toEqual(g[job].map((u) => u.timestamp));
      }
    });
  }
});
