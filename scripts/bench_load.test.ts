/** @jest-layer engine */
/* Runs `npm run bench:load` at a tiny size (a request budget, not seconds) so it cannot rot: shapes and counts, no timings. */
import * as path from 'path';
import { httpEngineClient } from '../lib/engine_client';
import { engineRequest, engineUrl, uniqueName } from '../test/setup/engine';
import { startSourceStandIn } from '../dev/host/testing';
import { formatIntake, formatLoad, heapFlat, LOAD_KINDS, runIntakeBench, runLoadBench } from './bench_load';

const SIGNATURES = path.resolve(__dirname, '..', 'demo', 'signatures');

describe('npm run bench:load (tiny)', () => {
  it('3 users share a budget of 17 requests over every kind; the counts add up and nothing is left behind', async () => {
    const prefix = `${uniqueName('er-load-test')}-`;
    const report = await runLoadBench({
      engine: httpEngineClient(engineUrl()),
      engineUrl: engineUrl(),
      users: 3,
      requests: 17,
      builds: 30,
      signaturesDir: SIGNATURES,
      prefix,
      startHost: (h) => startSourceStandIn({ ...h, taskManager: false }),
      log: () => undefined,
    });
    expect(report.users).toBe(3);
    expect(report.requests).toBe(17);
    expect(report.rows.map((r) => r.kind)).toEqual([...LOAD_KINDS, 'all']);
    const perKind = report.rows.slice(0, -1);
    const all = report.rows[report.rows.length - 1];
    expect(perKind.reduce((n, r) => n + r.requests, 0)).toBe(17);
    expect(all.requests).toBe(17);
    // the requests take the kinds in turn, whoever issues them: 17 over 5 kinds is 4, 4, 3, 3, 3
    expect(perKind.map((r) => r.requests)).toEqual([4, 4, 3, 3, 3]);
    expect(report.errorsByStatus).toEqual({});
    expect(report.rows.every((r) => r.errors === 0)).toBe(true);
    for (const r of report.rows) expect(r.p95).toBeGreaterThanOrEqual(r.p50);
    const { before, peak } = report.memory;
    expect(peak.rssMb).toBeGreaterThanOrEqual(before.rssMb);
    expect(peak.heapUsedMb).toBeGreaterThanOrEqual(before.heapUsedMb);
    const lines = formatLoad(report).split('\n');
    expect(lines[0]).toMatch(/^concurrency: 3 users for [\d.]+ s, 17 requests \(target: 50 users p95 <= 1 s/);
    expect(lines).toHaveLength(3 + 6 + 3);
    expect(lines[lines.length - 2]).toBe('errors by status: none');
    expect(await engineRequest('GET', `/_cat/indices/${prefix}*?format=json`)).toEqual([]);
  }, 180_000);

  it('memory: the heap after GC is flat when the last third of the samples stays within 10 % (or 10 MB) of the first', () => {
    const at = (heaps: number[]) =>
      heaps.map((h, i) => ({ atS: i * 30, rssMb: 300, heapUsedMb: h + 20, heapAfterGcMb: h }));
    // the first sample is the warm-up and is left out
    expect(heapFlat(at([50, 100, 102, 101, 104, 103, 105]))).toEqual({ flat: true, firstMb: 102, lastMb: 105 });
    expect(heapFlat(at([100, 100, 110, 120, 130, 140, 150]))).toEqual({ flat: false, firstMb: 110, lastMb: 150 });
    expect(heapFlat(at([100, 100, 100]))).toBeUndefined();
    expect(heapFlat(at([1, 2, 3, 4]).map(({ heapAfterGcMb, ...s }) => s))).toBeUndefined();
  });

  it('intake: every failed build is taken in, classified and reported exactly once over several passes', async () => {
    const prefix = `${uniqueName('er-intake-bench')}-`;
    const report = await runIntakeBench({
      engine: httpEngineClient(engineUrl()),
      builds: 7,
      batchSize: 3,
      signaturesDir: SIGNATURES,
      prefix,
      log: () => undefined,
    });
    expect(report).toMatchObject({ builds: 7, known: 3, notOnce: 0, gerritComments: 3, chatMessages: 7 });
    // 3 results per classify step: 7 builds need at least 3 passes
    expect(report.passes).toBeGreaterThanOrEqual(3);
    expect(report.perHour).toBeGreaterThan(0);
    const lines = formatIntake(report).split('\n');
    expect(lines[0]).toMatch(/^intake: 7 failed builds \(3 with a known bug\)/);
    expect(lines[1]).toMatch(/ builds\/hour \(target >= 10,000\/h: (met|missed)\)$/);
    expect(lines[2]).toBe('reported exactly once: yes (3 Gerrit comments, 7 chat messages)');
    // the profile names what the loop asked the engine, without this run's index names
    const kinds = report.engineProfile.map((p) => p.request);
    expect(kinds).toEqual(expect.arrayContaining(['POST logs _search', 'POST results _search']));
    expect(kinds.every((k) => !k.includes(prefix))).toBe(true);
    expect(report.engineProfile.every((p) => p.count > 0)).toBe(true);
    expect(lines[3]).toMatch(
      /^engine time of the loop: \d+ s of [\d.]+ s, \d+ requests \([\d.]+ a build\); slowest kinds:$/,
    );
    expect(await engineRequest('GET', `/_cat/indices/${prefix}*?format=json`)).toEqual([]);
  }, 180_000);
});
