/** @jest-layer engine */
/* Runs the benchmark at a tiny size so it cannot rot: the table's shape, not its timings. */
import * as path from 'path';
import { httpEngineClient } from '../lib/engine_client';
import { engineRequest, engineUrl, uniqueName } from '../test/setup/engine';
import { benchSignatures, formatTable, percentile, runBench, TABLE_HEADER } from './bench';

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
      `${n} classify ours`,
      `${n} classify alternative`,
      `${n} classify alternative`,
      `${n} graphs elastic-recheck`,
      `${n} graphs ours`,
      `${n} graphs alternative (previous)`,
      `${n} graphs ours, warm`,
    ];
    expect(methods).toEqual([...perCount(5), ...perCount(40)]);
    for (const r of report.rows) {
      expect(r.p50).toBeGreaterThan(0);
      expect(r.p95).toBeGreaterThanOrEqual(r.p50);
      expect(r.speedup).toBeGreaterThan(0);
      if (r.method.startsWith('elastic-recheck')) expect([r.speedup, r.roundTrips]).toEqual([1, String(r.signatures)]);
    }
    const table = formatTable(report).split('\n');
    const cells = (line: string) =>
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
    expect(cells(table[1])).toEqual(TABLE_HEADER);
    for (const line of table.slice(3, 3 + report.rows.length)) expect(cells(line)).toHaveLength(TABLE_HEADER.length);
    expect(table).toHaveLength(3 + report.rows.length + 2);
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
    expect(sigs[2].query).toBe('(message:x) AND NOT message:"bench never 2"');
    const filler = [
      { id: 'b', query: 'message:dup' },
      { id: 'f', query: 'message:z' },
    ] as any;
    expect(benchSignatures(base, 4, filler).map((s) => s.id)).toEqual(['a', 'b', 'f', 'b-s3']);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
  });
});
