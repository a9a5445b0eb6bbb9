/** @jest-layer engine */
import { build, createLogIndex, logDoc, TestIndex } from '../../../test/fixtures/log_index';
import { sig } from '../../../test/fixtures/signatures';
import { compileSignatures } from '../signatures/compile';
import { classifyBuild } from './classify';
import { forgetPercolatorIndex } from './percolator';
import { engineRequest, uniqueName } from '../../../test/setup/engine';
import { checkReadiness, waitForReadiness } from './readiness';

const A = build('aaaa0000000000000000000000000001', {
  build_change: 501,
  build_patchset: '2',
  build_name: 'tempest-full',
});
const B = build('bbbb0000000000000000000000000002', {
  build_status: 'SUCCESS',
  project: 'openstack/cinder',
  build_queue: 'check',
});
const NV = build('cccc0000000000000000000000000003', { voting: 0 });
const OLD = build('dddd0000000000000000000000000004', {
  build_change: 501,
  build_patchset: '2',
  build_name: 'tempest-full',
});
const T = '2026-11-20T10:';
// how a stored job-output.txt ends (server/lib/classify/readiness.ts): the END of the base post playbook, then the
// START of the log-upload playbook
const POST_END =
  '2026-11-20 10:08:59.123456 | POST-RUN END RESULT_NORMAL: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post.yaml@master]';
const LAST_BANNER =
  '2026-11-20 10:09:00.123456 | POST-RUN START: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post-logs.yaml@master]';

let logs: TestIndex;
let subunit: TestIndex;

beforeAll(async () => {
  logs = await createLogIndex('er-core-classify');
  subunit = await createLogIndex('er-core-subunit');
  await logs.add([
    logDoc({ build: OLD, message: 'Kernel panic', timestamp: `${T}00:00Z`, line: 1 }),
    logDoc({ build: A, message: 'Traceback: Kernel panic - not syncing', timestamp: `${T}05:00Z`, line: 7 }),
    logDoc({ build: A, message: 'Kernel panic again', timestamp: `${T}05:30Z`, line: 9 }),
    logDoc({ build: A, message: 'Kernel panic third', timestamp: `${T}06:00Z`, line: 12 }),
    logDoc({ build: A, message: 'Kernel panic fourth', timestamp: `${T}07:00Z`, line: 14 }),
    logDoc({
      build: A,
      message: 'ERROR nova.compute disk full',
      filename: 'screen-n-cpu.txt',
      timestamp: `${T}04:00Z`,
      line: 3,
    }),
    logDoc({ build: A, message: 'Requirement foo does not match', timestamp: `${T}04:10Z`, line: 4 }),
    logDoc({ build: A, message: 'test_boot failed with SSHTimeout', timestamp: `${T}04:20Z`, line: 5 }),
    logDoc({ build: A, message: POST_END, timestamp: `${T}08:59Z`, line: 98 }),
    logDoc({ build: A, message: LAST_BANNER, timestamp: `${T}09:00Z`, line: 99 }),
    logDoc({ build: B, message: 'Kernel panic - not syncing', timestamp: `${T}05:00Z` }),
    logDoc({ build: NV, message: 'Kernel panic - not syncing', timestamp: `${T}05:00Z` }),
    logDoc({ build: NV, message: 'POST-RUN END', timestamp: `${T}05:01Z` }),
  ]);
  await subunit.add([
    { ...A, '@timestamp': `${T}04:00Z`, test_name: 'tempest.api.compute.test_boot[id-123,smoke]', test_status: 'fail' },
    { ...A, '@timestamp': `${T}04:00Z`, test_name: 'tempest.api.compute.test_other', test_status: 'success' },
  ]);
});
afterAll(async () => {
  await logs?.drop();
  await subunit?.drop();
});

const signatures = compileSignatures([
  sig('100', 'message:"Kernel panic"'),
  sig('101', 'message:"disk full" AND filename:"screen-n-cpu.txt"', { mode: 'track' }),
  sig('102', 'message:"Requirement" AND message:"does not match"', { suppressNotification: true }),
  sig('103', 'message:"SSHTimeout"', { testIds: ['tempest.api.compute.test_boot'] }),
  sig('104', 'message:"SSHTimeout"', { testIds: ['tempest.api.compute.test_other'] }),
  sig('105', 'message:"Kernel panic"', { scope: { projects: ['openstack/cinder'] } }),
  sig('106', 'message:"Kernel panic"', { allowNonvoting: true }),
  sig('107', 'message:"never seen anywhere"'),
]);

const PERCOLATOR_PREFIX = `${uniqueName('er-core-perc')}-`;
afterAll(async () => {
  forgetPercolatorIndex();
  await engineRequest('DELETE', `/${PERCOLATOR_PREFIX}*`).catch(() => undefined);
});

describe.each(['filters', 'percolator'] as const)('classifyBuild on the real engine (%s)', (strategy) => {
  const opts = (extra: Record<string, unknown> = {}) => ({
    index: logs.name,
    subunitIndex: subunit.name,
    strategy,
    percolatorPrefix: PERCOLATOR_PREFIX,
    ...extra,
  });
  it('matches signatures in one round trip, honouring mode, scope, suppression and test_ids', async () => {
    const result = await classifyBuild(logs.engine, signatures, { uuid: A.build_uuid }, opts());
    if (result.kind !== 'classified') throw new Error(`expected classified, got ${result.kind}`);
    expect(result.matches.map((m) => m.signatureId)).toEqual(['100', '101', '103', '106']);
    expect(result.explained).toBe(true);
    expect(result.signaturesChecked).toBe(8);
    expect(result.strategy).toBe(strategy);
    const kernel = result.matches[0];
    expect(kernel.hits).toBe(4);
    expect(kernel.lines).toHaveLength(3);
    expect(kernel.lines[0]).toEqual({
      file: 'job-output.txt',
      line: 'Traceback: Kernel panic - not syncing',
      timestamp: `${T}05:00Z`,
      link: `https://logs.example.org/${A.build_uuid}/job-output.txt#7`,
    });
    expect(result.matches[1].mode).toBe('track');
    expect(result.matches[2].failedTestIds).toEqual(['tempest.api.compute.test_boot']);
    expect(result.unconfirmed).toEqual([
      { signatureId: '104', hits: 1, reason: 'test_ids_not_failed', testIds: ['tempest.api.compute.test_other'] },
    ]);
    expect(result.suppressed.map((m) => m.signatureId)).toEqual(['102']);
    expect(result.build).toMatchObject({
      uuid: A.build_uuid,
      job: 'tempest-full',
      status: 'FAILURE',
      change: 501,
      patchset: '2',
      project: 'openstack/nova',
      logRoot: `https://logs.example.org/${A.build_uuid}/`,
    });
  });

  it('skips suppress-notification signatures entirely for notifications', async () => {
    const result = await classifyBuild(
      logs.engine,
      signatures,
      { uuid: A.build_uuid },
      opts({ purpose: 'notification' }),
    );
    if (result.kind !== 'classified') throw new Error(result.kind);
    expect(result.signaturesChecked).toBe(7);
    expect(result.suppressed).toEqual([]);
    expect(result.matches.map((m) => m.signatureId)).toEqual(['100', '101', '103', '106']);
  });

  it('applies the implied voting filter and the scope', async () => {
    const nv = await classifyBuild(logs.engine, signatures, { uuid: NV.build_uuid }, opts());
    if (nv.kind !== 'classified') throw new Error(nv.kind);
    expect(nv.matches.map((m) => m.signatureId)).toEqual(['106']);
    const cinder = await classifyBuild(logs.engine, signatures, { uuid: B.build_uuid }, opts());
    if (cinder.kind !== 'classified') throw new Error(cinder.kind);
    expect(cinder.matches.map((m) => m.signatureId)).toEqual(['100', '105', '106']);
  });

  it('reports test_ids signatures as unconfirmed when the build has no test results', async () => {
    const result = await classifyBuild(
      logs.engine,
      signatures,
      { uuid: A.build_uuid },
      opts({ subunitIndex: `${subunit.name}-absent*` }),
    );
    if (result.kind !== 'classified') throw new Error(result.kind);
    expect(result.matches.map((m) => m.signatureId)).toEqual(['100', '101', '106']);
    expect(result.unconfirmed.map((u) => [u.signatureId, u.reason])).toEqual([
      ['103', 'no_test_results'],
      ['104', 'no_test_results'],
    ]);
  });

  it('resolves change + patchset + job to the newest build, and says not_found for unknown builds', async () => {
    const result = await classifyBuild(
      logs.engine,
      signatures,
      { change: 501, patchset: '2', job: 'tempest-full' },
      opts(),
    );
    expect(result.kind === 'classified' && result.build.uuid).toBe(A.build_uuid);
    const missing = await classifyBuild(logs.engine, signatures, { uuid: 'ffff' }, opts());
    expect(missing).toEqual({ kind: 'not_found', ref: { uuid: 'ffff' } });
  });
});

describe('a change stands for its newest failed build', () => {
  const FAILED_OLD = build('eeee0000000000000000000000000005', { build_change: 777, build_patchset: '1' });
  const PASSED_1 = build('eeee0000000000000000000000000006', { build_change: 777, build_status: 'SUCCESS' });
  const PASSED_2 = build('eeee0000000000000000000000000007', { build_change: 777, build_status: 'SUCCESS' });
  const ONLY_PASSED = build('eeee0000000000000000000000000008', { build_change: 778, build_status: 'SUCCESS' });
  beforeAll(() =>
    logs.add([
      logDoc({ build: FAILED_OLD, message: 'Kernel panic on an old patchset', timestamp: `${T}01:00Z` }),
      logDoc({ build: PASSED_1, message: 'all tests passed', timestamp: `${T}02:00Z` }),
      logDoc({ build: PASSED_2, message: 'all tests passed again', timestamp: `${T}03:00Z` }),
      logDoc({ build: ONLY_PASSED, message: 'all tests passed', timestamp: `${T}03:00Z` }),
    ]),
  );
  const opts = () => ({ index: logs.name, subunitIndex: subunit.name, strategy: 'filters' as const });

  it('takes the newest failed build, not the newer passing ones, and says how many newer ones passed', async () => {
    const result = await classifyBuild(logs.engine, signatures, { change: 777 }, opts());
    if (result.kind !== 'classified') throw new Error(`expected classified, got ${result.kind}`);
    expect(result.build).toMatchObject({ uuid: FAILED_OLD.build_uuid, status: 'FAILURE' });
    expect(result.taken).toEqual({ uuid: FAILED_OLD.build_uuid, builds: 3, newerNotFailed: 2 });
    // its "Kernel panic" line (106 is the same query allowing non-voting jobs)
    expect(result.matches.map((m) => m.signatureId)).toEqual(['100', '106']);
  });

  it('answers no_failed_build (with the newest build) for a change whose builds all passed', async () => {
    const result = await classifyBuild(logs.engine, signatures, { change: 778 }, opts());
    expect(result).toMatchObject({
      kind: 'no_failed_build',
      ref: { change: 778 },
      builds: 1,
      newest: { uuid: ONLY_PASSED.build_uuid, status: 'SUCCESS' },
    });
    // with readiness (the route's way) too
    const onDemand = await classifyBuild(logs.engine, signatures, { change: 778 }, { ...opts(), readiness: {} });
    expect(onDemand.kind).toBe('no_failed_build');
    expect(await classifyBuild(logs.engine, signatures, { change: 779 }, opts())).toEqual({
      kind: 'not_found',
      ref: { change: 779 },
    });
  });
});

describe('readiness', () => {
  it('is ready when required files and the end marker are indexed', async () => {
    const report = await checkReadiness(
      logs.engine,
      { uuid: A.build_uuid },
      { index: logs.name, config: { requiredFilesByJob: [{ job: '^tempest', files: ['screen-n-cpu.txt'] }] } },
    );
    expect(report).toMatchObject({
      ready: true,
      files: ['job-output.txt', 'screen-n-cpu.txt'],
      missingFiles: [],
      markerFound: true,
    });
  });

  it('waits with a bounded timeout and reports not_ready distinctly', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const config = {
      requiredFilesByJob: [{ job: 'tempest', files: ['screen-n-cpu.txt', 'syslog.txt'] }],
      timeoutMs: 100,
      pollIntervalMs: 30,
    };
    const report = await waitForReadiness(
      logs.engine,
      { uuid: A.build_uuid },
      {
        index: logs.name,
        config,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      },
    );
    expect(report).toMatchObject({
      ready: false,
      missingFiles: ['syslog.txt'],
      markerFound: true,
      attempts: 4,
      waitedMs: 90,
    });
    expect(sleeps).toEqual([30, 30, 30]);
    const result = await classifyBuild(
      logs.engine,
      signatures,
      { uuid: A.build_uuid },
      {
        index: logs.name,
        readiness: config,
        percolatorPrefix: PERCOLATOR_PREFIX,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      },
    );
    expect(result.kind).toBe('not_ready');
  });

  it('becomes ready when the missing line arrives while waiting', async () => {
    const late = build('eeee0000000000000000000000000005');
    await logs.add([logDoc({ build: late, message: 'starting', timestamp: `${T}01:00Z` })]);
    let added = false;
    const result = await classifyBuild(
      logs.engine,
      signatures,
      { uuid: late.build_uuid },
      {
        index: logs.name,
        subunitIndex: subunit.name,
        readiness: { timeoutMs: 10_000, pollIntervalMs: 1 },
        percolatorPrefix: PERCOLATOR_PREFIX,
        sleep: async () => {
          if (!added) {
            added = true;
            await logs.add([
              logDoc({ build: late, message: 'Kernel panic', timestamp: `${T}01:59Z` }),
              logDoc({ build: late, message: LAST_BANNER, timestamp: `${T}02:00Z` }),
            ]);
          }
        },
      },
    );
    if (result.kind !== 'classified') throw new Error(result.kind);
    expect(result.matches.map((m) => m.signatureId)).toEqual(['100', '106']);
  });

  it('does not take the END of an earlier post-run playbook for the end of the log', async () => {
    const half = build('ffff0000000000000000000000000006');
    await logs.add([
      logDoc({ build: half, message: 'Kernel panic', timestamp: `${T}03:00Z` }),
      logDoc({
        build: half,
        message: POST_END.replace('base/post.yaml', 'multinode/post.yaml'),
        timestamp: `${T}03:01Z`,
      }),
      logDoc({ build: half, message: POST_END, timestamp: `${T}03:02Z` }),
    ]);
    const before = await checkReadiness(logs.engine, { uuid: half.build_uuid }, { index: logs.name });
    expect(before).toMatchObject({ ready: false, markerFound: false, missingFiles: [] });
    // an operator whose base job ends differently names its own last line
    const own = await checkReadiness(
      logs.engine,
      { uuid: half.build_uuid },
      {
        index: logs.name,
        config: {
          endMarker: { file: 'job-output.txt', phrase: 'POST-RUN END', playbook: 'base-jobs/playbooks/base/post.yaml' },
        },
      },
    );
    expect(own).toMatchObject({ ready: true, markerFound: true });
    await logs.add([logDoc({ build: half, message: LAST_BANNER, timestamp: `${T}03:03Z` })]);
    expect(await checkReadiness(logs.engine, { uuid: half.build_uuid }, { index: logs.name })).toMatchObject({
      ready: true,
      markerFound: true,
    });
  });

  it('on demand, classifies a half-indexed build on what is there and marks it incomplete', async () => {
    const half = build('abab0000000000000000000000000007');
    await logs.add([logDoc({ build: half, message: 'Kernel panic - not syncing', timestamp: `${T}03:10Z` })]);
    const config = { requiredFiles: ['job-output.txt', 'screen-n-cpu.txt'], timeoutMs: 60_000, pollIntervalMs: 1000 };
    const sleep = async () => {
      throw new Error('on demand never waits');
    };
    const result = await classifyBuild(
      logs.engine,
      signatures,
      { uuid: half.build_uuid },
      {
        index: logs.name,
        readiness: config,
        classifyIncomplete: true,
        percolatorPrefix: PERCOLATOR_PREFIX,
        sleep,
        now: () => 0,
      },
    );
    if (result.kind !== 'classified') throw new Error(result.kind);
    expect(result.matches.map((m) => m.signatureId)).toEqual(['100', '106']);
    expect(result.incomplete).toMatchObject({
      ready: false,
      missingFiles: ['screen-n-cpu.txt'],
      markerFound: false,
      attempts: 1,
    });
    // a complete build carries no mark; an unknown one is not found
    const complete = await classifyBuild(
      logs.engine,
      signatures,
      { uuid: A.build_uuid },
      { index: logs.name, readiness: {}, classifyIncomplete: true, percolatorPrefix: PERCOLATOR_PREFIX, sleep },
    );
    expect(complete.kind === 'classified' && complete.incomplete).toBe(undefined);
    expect(
      (
        await classifyBuild(
          logs.engine,
          signatures,
          { uuid: 'abab9999' },
          { index: logs.name, readiness: {}, classifyIncomplete: true, sleep },
        )
      ).kind,
    ).toBe('not_found');
  });

  it('classifies against no signatures without asking the engine for an empty filters aggregation', async () => {
    const result = await classifyBuild(
      logs.engine,
      [],
      { uuid: A.build_uuid },
      { index: logs.name, strategy: 'filters' },
    );
    expect(result).toMatchObject({ kind: 'classified', matches: [], explained: false, signaturesChecked: 0 });
  });

  it('reports a build with no documents as not ready, with nothing found', async () => {
    const report = await waitForReadiness(
      logs.engine,
      { uuid: 'nope' },
      { index: logs.name, config: { timeoutMs: 0, pollIntervalMs: 1 } },
    );
    expect(report.build).toBeUndefined();
    expect(report).toMatchObject({ ready: false, files: [], missingFiles: ['job-output.txt'], attempts: 1 });
  });
});

describe('auto: on demand reads the percolator index that background work wrote, and writes nothing', () => {
  const prefix = `${uniqueName('er-core-perc-auto')}-`;
  afterAll(async () => {
    forgetPercolatorIndex();
    await engineRequest('DELETE', `/${prefix}*`).catch(() => undefined);
  });
  const indices = () => engineRequest<unknown[]>('GET', `/_cat/indices/${prefix}*?format=json`);
  const same = (r: Awaited<ReturnType<typeof classifyBuild>>) => ({ ...r, took: 0, elapsedMs: 0, strategy: '' });

  it('uses the filters way until the index exists, then the percolator, with the same answer', async () => {
    const opts = { index: logs.name, subunitIndex: subunit.name, percolatorPrefix: prefix };
    const before = await classifyBuild(logs.engine, signatures, { uuid: A.build_uuid }, opts);
    expect(before).toMatchObject({ kind: 'classified', strategy: 'filters' });
    expect(await indices()).toEqual([]);
    const background = await classifyBuild(
      logs.engine,
      signatures,
      { uuid: A.build_uuid },
      { ...opts, purpose: 'notification', percolatorWrites: true },
    );
    expect(background).toMatchObject({ kind: 'classified', strategy: 'percolator' });
    // one index for the whole set: notification leaves the suppressed signatures out when assembling
    expect(background.kind === 'classified' && background.suppressed).toEqual([]);
    expect(await indices()).toHaveLength(1);
    const after = await classifyBuild(logs.engine, signatures, { uuid: A.build_uuid }, opts);
    expect(after).toMatchObject({ kind: 'classified', strategy: 'percolator' });
    expect(same(after)).toEqual(same(before));
    expect(before.kind === 'classified' && before.suppressed.length).toBeGreaterThan(0);
  });
});
