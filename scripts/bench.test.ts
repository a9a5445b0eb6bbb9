/** @jest-layer engine */
/* Runs the benchmark at a tiny size so it cannot rot: the table's shape, not its timings. */
import * as path from 'path';
import { httpEngineClient } from '../lib/engine_client';
import { engineRequest, engineUrl, uniqueName } from '../test/setup/engine';
import {
  benchSignatures,
  describeRatesProfile,
  formatTable,
  missedReasons,
  nextGraphStep,
  percentile,
  runBench,
  synthWord,
  TABLE_HEADER,
  targetOf,
} from './bench';

describe('npm run bench (tiny)', () => {
  it('prints both ways side by side for each signature count, with identical classification results', async () => {
    const prefix = `${uniqueName('er-bench-test')}-`;
    const logs: string[] = [];
    const report = await runBench({
      engine: httpEngineClient(engineUrl()),
      lines: 3000,
      linesPerBuild: 30,
      signatureCounts: [5, 40],
      runs: 2,
      oldRuns: 1,
      graphRuns: 1,
      alternatives: true,
      signaturesDir: path.resolve(__dirname, '..', 'demo', 'signatures'),
      seed: 'bench-test',
      prefix,
      keep: false,
      log: (l) => logs.push(l),
    });
    expect(report.mismatches).toBe(0);
    expect(report.graphMismatches).toBe(0);
    expect(report.lines).toBeGreaterThan(1000);
    const methods = report.rows.map((r) => `${r.signatures} ${r.task} ${r.method.split(':')[0]}`);
    const perCount = (n: number) => [
      `${n} classify elastic-recheck`,
      `${n} classify ours`,
      `${n} classify ours`,
      `${n} classify ours, default`,
      `${n} classify alternative`,
      `${n} classify alternative`,
      `${n} graphs elastic-recheck`,
      `${n} graphs ours`,
      `${n} graphs alternative (previous)`,
      `${n} graphs ours, warm`,
      `${n} preview ours`,
      `${n} uncategorized ours`,
    ];
    expect(methods).toEqual([...perCount(5), ...perCount(40)]);
    for (const r of report.rows) {
      expect(r.p50).toBeGreaterThan(0);
      expect(r.p95).toBeGreaterThanOrEqual(r.p50);
      if (r.task === 'classify' || r.task === 'graphs') expect(r.speedup).toBeGreaterThan(0);
      else expect(r.speedup).toBeNaN();
      if (r.method.startsWith('elastic-recheck')) expect([r.speedup, r.roundTrips]).toEqual([1, String(r.signatures)]);
    }
    const table = formatTable(report).split('\n');
    const cells = (line: string) =>
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
    expect(table[1]).toMatch(/^load average at the start \(1, 5, 15 min\): (unknown|[\d.]+ [\d.]+ [\d.]+);/);
    expect(cells(table[2])).toEqual(TABLE_HEADER);
    for (const line of table.slice(4, 4 + report.rows.length)) expect(cells(line)).toHaveLength(TABLE_HEADER.length);
    // every missed target has its measured reason and next step under the table
    const missed = report.rows.filter((r) => r.target?.includes('MISSED')).length;
    const reasons = table.slice(4 + report.rows.length, 4 + report.rows.length + 2 * missed);
    expect(reasons.filter((l) => l.startsWith('MISSED at ')).length).toBe(missed);
    expect(reasons.filter((l) => l.startsWith('  next step: ')).length).toBe(missed);
    expect(table).toHaveLength(4 + report.rows.length + 2 * missed + 2);
    // the graphs row carries its profile: dormant vs searched signatures
    const graphs = report.rows.find((r) => r.signatures === 40 && r.method.startsWith('ours: failureRates'))!;
    expect(graphs.profile).toMatch(/^\d+ of 40 signatures dormant .*; \d+ searched in \d+ searches \/ \d+ requests/);
    expect(graphs.load).toHaveLength(2);
    expect(table[table.length - 2]).toBe('classification results identical to the per-signature searches: yes');
    expect(table[table.length - 1]).toBe("graph results identical to the previous design's: yes");
    // nothing left behind
    expect(await engineRequest('GET', `/_cat/indices/${prefix}*?format=json`)).toEqual([]);
  }, 120_000);

  it('synthesizes signatures beyond the base set and computes percentiles', () => {
    const base = [
      { id: 'a', query: 'message:x' },
      { id: 'b', query: 'message:y' },
    ] as any;
    const sigs = benchSignatures(base, 5);
    expect(sigs.map((s) => s.id)).toEqual(['a', 'b', 'a-s2', 'b-s3', 'a-s4']);
    // each synthesized one has a word of its own (letters only: one token for the standard analyzer)
    expect(sigs[2].query).toBe('(message:x) AND message:"benchsynaaac"');
    expect(sigs[4].query).toBe('(message:x) AND message:"benchsynaaae"');
    expect(new Set(sigs.map((s) => s.query)).size).toBe(5);
    expect(synthWord(26 * 26 * 26 * 26 + 1)).toBe('benchsynbaaab');
    const filler = [
      { id: 'b', query: 'message:dup' },
      { id: 'f', query: 'message:z' },
    ] as any;
    const filled = benchSignatures(base, 4, filler);
    expect(filled.map((s) => s.id)).toEqual(['a', 'b', 'f', 'a-s3']);
    expect(filled[3].query).toBe('(message:x) AND message:"benchsynaaad"');
    const r = { signatures: 1000, task: 'classify', method: 'ours: filters', p50: 40, tookP50: 30, speedup: 60 } as any;
    expect(targetOf(r)).toBe('p50 <= 50 ms, >= 50x, <= 1.5x took: met');
    expect(targetOf({ ...r, tookP50: 20 })).toBe('p50 <= 50 ms, >= 50x, <= 1.5x took: MISSED'); // plugin time
    expect(targetOf({ ...r, task: 'graphs', method: 'ours: failureRates', p50: 1500 })).toBe('p50 <= 1 s: MISSED');
    expect(targetOf({ ...r, task: 'graphs', method: 'ours: failureRates', p50: 1500, signatures: 10000 })).toBe(
      'p50 <= 3 s: met',
    );
    expect(targetOf({ ...r, method: 'elastic-recheck: 1 search' })).toBeUndefined();
    const missedRow = {
      ...r,
      task: 'graphs',
      method: 'ours: failureRates',
      p50: 1500,
      tookP50: 1200,
      load: [3.5, 4],
      profile: 'the profile',
      target: 'p50 <= 1 s: MISSED',
    };
    expect(missedReasons([{ ...r, target: 'met' }, missedRow])).toEqual([
      'MISSED at 1000 signatures, graphs (ours): p50 1500 ms, engine took p50 1200 ms (80 % of it); load average 3.5 -> 4; the profile',
      '  next step: see the profile: per-day searches the shard request cache can serve',
    ]);
    const profile = {
      signatures: 10,
      dormant: 4,
      searched: 6,
      tokensChecked: 8,
      tokensAbsent: 5,
      phrasesChecked: 2,
      phrasesAbsent: 1,
      prepareMs: 10,
      requests: 1,
      searches: [
        { signatures: 2, anchors: null, took: 90 },
        { signatures: 4, anchors: 3, took: 30 },
      ],
    };
    // the costliest part first: the un-narrowed search (90 ms), the narrowed ones (30), the lookups (10)
    expect(
      nextGraphStep(profile)
        .split('; then ')
        .map((x) => x.split(' (')[0]),
    ).toEqual(['the un-narrowed search', 'the narrowed searches', 'the dormancy lookups']);
    expect(nextGraphStep({ ...profile, prepareMs: 500 })).toMatch(/^the dormancy lookups \(500 ms\)/);
    expect(describeRatesProfile(profile)).toBe(
      '4 of 10 signatures dormant (a required token or phrase absent; 8 tokens and 2 phrases looked up in 10 ms); 6 searched in 2 searches / 1 requests; slowest search: 2 signatures, un-narrowed, took 90 ms',
    );
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
  });
});
