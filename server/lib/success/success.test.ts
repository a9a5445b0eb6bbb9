/** @jest-layer engine */
import { build, createLogIndex, logDoc, TestIndex } from '../../../test/fixtures/log_index';
import { sig } from '../../../test/fixtures/signatures';
import { compileSignatures } from '../signatures/compile';
import { signatureOverlap, successCheck } from './success';

const END = Date.UTC(2026, 10, 20);
let logs: TestIndex;

// 20 builds: "panic" in 10 failed + 2 successful builds; "oom" in 4 of the panic builds + 2 others; "noise" everywhere
beforeAll(async () => {
  logs = await createLogIndex('er-core-success');
  const docs: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 20; i++) {
    const b = build(`s${i}`, { build_status: i < 14 ? (i % 2 ? 'TIMED_OUT' : 'FAILURE') : 'SUCCESS' });
    const t = new Date(END - (i + 1) * 3600_000).toISOString();
    docs.push(logDoc({ build: b, message: 'noise line', timestamp: t }));
    if (i < 10 || i === 14 || i === 15)
      docs.push(
        logDoc({ build: b, message: 'Kernel panic', timestamp: t }),
        logDoc({ build: b, message: 'Kernel panic 2', timestamp: t }),
      );
    if (i < 4 || i === 12 || i === 13) docs.push(logDoc({ build: b, message: 'Out of memory', timestamp: t }));
  }
  await logs.add(docs);
});
afterAll(async () => logs?.drop());

const signatures = compileSignatures([
  sig('panic', 'message:"Kernel panic"'),
  sig('oom', 'message:"Out of memory"'),
  sig('noise', 'message:noise'),
]);

describe('success check and overlap', () => {
  it('counts hits and builds per status and estimates precision, warning above 10 % successes', async () => {
    const checks = await successCheck(logs.engine, signatures, { index: logs.name, end: END });
    const panic = checks.find((c) => c.signatureId === 'panic')!;
    expect(panic).toEqual({
      signatureId: 'panic',
      hitsByStatus: { FAILURE: 10, TIMED_OUT: 10, SUCCESS: 4 },
      buildsByStatus: { FAILURE: 5, TIMED_OUT: 5, SUCCESS: 2 },
      failedBuilds: 10,
      successBuilds: 2,
      precision: 10 / 12,
      successShare: 2 / 12,
      warning: true,
    });
    expect(checks.find((c) => c.signatureId === 'oom')).toMatchObject({
      failedBuilds: 6,
      successBuilds: 0,
      precision: 1,
      warning: false,
    });
    expect(checks.find((c) => c.signatureId === 'noise')).toMatchObject({
      failedBuilds: 14,
      successBuilds: 6,
      warning: true,
    });
  });

  it('lists the signatures that match the same builds', async () => {
    const overlap = await signatureOverlap(logs.engine, signatures, 'oom', { index: logs.name, end: END });
    expect(overlap).toEqual({
      signatureId: 'oom',
      builds: 6,
      overlaps: [
        { signatureId: 'noise', sharedBuilds: 6, shareOfOther: 6 / 20, jaccard: 6 / 20 },
        { signatureId: 'panic', sharedBuilds: 4, shareOfOther: 4 / 12, jaccard: 4 / 14 },
      ],
    });
    await expect(signatureOverlap(logs.engine, signatures, 'nope', { index: logs.name, end: END })).rejects.toThrow(
      'unknown signature "nope"',
    );
  });
});
