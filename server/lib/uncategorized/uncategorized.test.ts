/** @jest-layer engine */
import { build, createLogIndex, logDoc, TestIndex } from '../../../test/fixtures/log_index';
import { sig } from '../../../test/fixtures/signatures';
import { compileSignatures } from '../signatures/compile';
import { uncategorizedFailures } from './uncategorized';

const END = Date.UTC(2026, 10, 20);
const H = 3600_000;
const at = (hoursBeforeEnd: number) => new Date(END - hoursBeforeEnd * H).toISOString();

let logs: TestIndex;
let subunit: TestIndex;
const scenario = [
  // uuid, job, status, hours before end, message, voting
  ['u01', 'tempest-full', 'FAILURE', 1, 'Kernel panic', 1],
  ['u02', 'tempest-full', 'FAILURE', 2, 'something new', 1],
  ['u03', 'tempest-full', 'TIMED_OUT', 3, 'disk full', 1],
  ['u04', 'grenade', 'POST_FAILURE', 4, 'unknown thing', 1],
  ['u05', 'grenade', 'FAILURE', 5, 'tracked only', 1],
  ['u06', 'grenade', 'FAILURE', 6, 'SSHTimeout', 1],
  ['u07', 'grenade', 'FAILURE', 7, 'SSHTimeout', 1],
  ['u08', 'tempest-full', 'SUCCESS', 8, 'Kernel panic', 1],
  ['u09', 'tempest-full', 'FAILURE', 9, 'Kernel panic', 0],
  ['u10', 'tempest-full', 'FAILURE', 300, 'something old', 1],
  ['u11', 'docs-build', 'FAILURE', 10, 'whatever', 1],
  ['u12', 'grenade', 'FAILURE', 11, 'Requirement mismatch', 1],
] as const;

beforeAll(async () => {
  logs = await createLogIndex('er-core-uncat');
  subunit = await createLogIndex('er-core-uncat-subunit');
  const docs: Array<Record<string, unknown>> = [];
  for (const [uuid, job, status, h, message, voting] of scenario) {
    const fields = build(uuid, {
      build_name: job,
      build_status: status,
      voting,
      project: job === 'docs-build' ? 'openstack/docs' : 'openstack/nova',
    });
    docs.push(logDoc({ build: fields, message: 'setup line', timestamp: at(h + 0.5) }));
    docs.push(logDoc({ build: fields, message, timestamp: at(h) }));
  }
  await logs.add(docs);
  await subunit.add([
    { build_uuid: 'u06', test_name: 'tempest.t.test_ssh[id-1]', test_status: 'fail', '@timestamp': at(6) },
    { build_uuid: 'u07', test_name: 'tempest.t.test_ssh[id-1]', test_status: 'success', '@timestamp': at(7) },
  ]);
});
afterAll(async () => {
  await logs?.drop();
  await subunit?.drop();
});

const signatures = compileSignatures([
  sig('panic', 'message:"Kernel panic"'),
  sig('disk', 'message:"disk full"'),
  sig('tracked', 'message:"tracked only"', { mode: 'track' }),
  sig('ssh', 'message:SSHTimeout', { testIds: ['tempest.t.test_ssh'] }),
  sig('req', 'message:Requirement', { suppressNotification: true }),
]);

describe('uncategorizedFailures (exact, on the real engine)', () => {
  it('counts failed voting builds in the window and which ones signatures explain', async () => {
    const r = await uncategorizedFailures(logs.engine, signatures, {
      index: logs.name,
      subunitIndex: subunit.name,
      end: END,
      windowMs: 10 * 24 * H,
    });
    // failed voting builds in the window: u01..u07, u11, u12 (u08 succeeded, u09 non-voting, u10 too old)
    expect(r.failedBuilds).toBe(9);
    // explained: u01 panic, u03 disk, u06 ssh + failed test, u12 suppressed-notification signature still explains
    expect(r.explainedBuilds).toBe(4);
    expect(r.rate).toBeCloseTo((4 / 9) * 100, 10);
    expect(r.unexplained.map((b) => b.uuid)).toEqual(['u02', 'u04', 'u05', 'u07', 'u11']);
    expect(r.unexplained[0]).toMatchObject({
      job: 'tempest-full',
      project: 'openstack/nova',
      status: 'FAILURE',
      timestamp: at(2),
      logRoot: 'https://logs.example.org/u02/',
      change: 1000,
    });
    expect(r.jobs).toEqual([
      { job: 'grenade', failedBuilds: 5, explainedBuilds: 2, unexplainedBuilds: 3, rate: 40 },
      { job: 'docs-build', failedBuilds: 1, explainedBuilds: 0, unexplainedBuilds: 1, rate: 0 },
      { job: 'tempest-full', failedBuilds: 3, explainedBuilds: 2, unexplainedBuilds: 1, rate: (100 * 2) / 3 },
    ]);
  });

  it('paginates newest first and applies job/project regexes and voting', async () => {
    const opts = { index: logs.name, subunitIndex: subunit.name, end: END, perPage: 2 };
    const p2 = await uncategorizedFailures(logs.engine, signatures, { ...opts, page: 2 });
    expect(p2.unexplained.map((b) => b.uuid)).toEqual(['u05', 'u07']);
    const p4 = await uncategorizedFailures(logs.engine, signatures, { ...opts, page: 4 });
    expect(p4.unexplained).toEqual([]);
    const filtered = await uncategorizedFailures(logs.engine, signatures, {
      ...opts,
      excludeJobs: '^docs',
      includeProjects: '^openstack/',
      votingOnly: false,
    });
    expect(filtered.failedBuilds).toBe(9); // u11 out (docs job), u09 in (non-voting counted)
    // u09's panic line is on a non-voting job: the signature's implied voting:1 does not explain it
    expect(filtered.explainedBuilds).toBe(4);
    await expect(uncategorizedFailures(logs.engine, signatures, { ...opts, excludeJobs: '(' })).rejects.toThrow(
      'excludeJobs: invalid regular expression "("',
    );
    await expect(uncategorizedFailures(logs.engine, signatures, { ...opts, page: 0 })).rejects.toThrow(
      'page must be a whole number >= 1, got 0',
    );
  });

  it('counts a build only when it has a line matching failuresQuery (e.g. the final console line)', async () => {
    const r = await uncategorizedFailures(logs.engine, signatures, {
      index: logs.name,
      subunitIndex: subunit.name,
      end: END,
      failuresQuery: { match_phrase: { message: 'Kernel panic' } },
    });
    expect([r.failedBuilds, r.explainedBuilds]).toEqual([1, 1]);
  });
});
