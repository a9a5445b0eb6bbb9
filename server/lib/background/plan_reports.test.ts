import type { BuildResult } from '../../../common/api/results';
import { parseConfig } from '../../config';
import { backoffMs, planReports, projectRouted, withOutbox } from './recheck_loop';

const NOW = Date.parse('2026-11-22T04:00:00Z');
const config = parseConfig({
  gerrit: { url: 'https://review.example.org', username: 'bot', password: 'secret-pass' },
  webhooks: [
    {
      name: 'qa',
      url: 'https://hooks.example.org/qa',
      projects: ['all'],
      events: ['positive', 'negative'],
      pipelines: ['gate'],
    },
    { name: 'nova', url: 'https://hooks.example.org/nova', projects: ['nova'], events: ['positive'] },
    { name: 'neutron', type: 'json', url: 'https://hooks.example.org/neutron', projects: ['openstack/neutron'] },
  ],
});

function result(
  fields: Partial<BuildResult['build']> = {},
  matches: BuildResult['matches'] = [],
  stage: BuildResult['stage'] = 'classified',
): BuildResult {
  return {
    build: {
      uuid: 'abc123',
      tenant: 'openstack',
      zuulId: 1,
      job: 'tempest-full',
      result: 'FAILURE',
      voting: true,
      pipeline: 'gate',
      project: 'openstack/nova',
      change: 64750,
      patchset: '6',
      ...fields,
    },
    stage,
    takenAt: new Date(NOW).toISOString(),
    updatedAt: new Date(NOW).toISOString(),
    matches,
    explained: matches.some((m) => m.mode === 'explains'),
    reports: {},
    reportPending: false,
  };
}

const match = (id: string, mode: 'explains' | 'track' = 'explains') => ({
  signatureId: id,
  bug: { tracker: 'launchpad' as const, id, url: `https://bugs.launchpad.net/bugs/${id}` },
  mode,
  hits: 1,
  lines: [],
});

describe('planReports', () => {
  test('a recognized gate failure of nova: Gerrit, qa and nova', () => {
    const reports = planReports(result({}, [match('123456')]), config, NOW);
    expect(Object.keys(reports).sort()).toEqual(['chat:nova', 'chat:qa', 'gerrit']);
    expect(reports.gerrit).toMatchObject({ status: 'pending', event: 'positive', attempts: 0 });
    expect(reports.gerrit.text).toContain('- tempest-full: https://bugs.launchpad.net/bugs/123456');
    expect(reports['chat:qa'].text).toBe(
      'openstack/nova change: https://review.example.org/64750 failed because of: tempest-full: https://bugs.launchpad.net/bugs/123456',
    );
  });

  test('unrecognized: no Gerrit comment (skipped with a reason), negative channels only', () => {
    const reports = planReports(result({ project: 'openstack/neutron' }), config, NOW);
    expect(reports.gerrit).toMatchObject({ status: 'skipped' });
    expect(reports.gerrit.reason).toContain('no known bug matched');
    expect(Object.keys(reports).sort()).toEqual(['chat:neutron', 'chat:qa', 'gerrit']);
    expect(reports['chat:qa'].text).toBe(
      'openstack/neutron change: https://review.example.org/64750 failed tempest-full in the gate queue with an unrecognized error',
    );
  });

  test('track-mode matches are not reported as the cause', () => {
    const reports = planReports(result({}, [match('777', 'track')]), config, NOW);
    expect(reports.gerrit.status).toBe('skipped');
    expect(reports['chat:nova']).toBeUndefined();
  });

  test('pipelines filter, and builds without a change (periodic)', () => {
    const check = planReports(result({ pipeline: 'check' }, [match('1')]), config, NOW);
    expect(check['chat:qa']).toBeUndefined(); // qa listens to gate only, like elastic-recheck's IRC
    expect(check['chat:nova'].status).toBe('pending');
    const periodic = planReports(
      result({ change: undefined, patchset: undefined, pipeline: 'periodic', ref: 'refs/heads/master' }, [match('1')]),
      config,
      NOW,
    );
    expect(periodic.gerrit).toMatchObject({ status: 'skipped', reason: 'the build is not for a Gerrit change' });
  });

  test('logs not ready: the timeout text to negative channels', () => {
    const reports = planReports(result({}, [], 'not_ready'), config, NOW);
    expect(reports.gerrit.status).toBe('skipped');
    expect(reports['chat:qa'].text).toBe('Required files not ready after 1200.0s for tempest-full 64750,6,abc123');
  });

  test('project routing: all, full name, last segment', () => {
    expect(projectRouted(['all'], 'x/y')).toBe(true);
    expect(projectRouted(['nova'], 'openstack/nova')).toBe(true);
    expect(projectRouted(['openstack/nova'], 'openstack/nova')).toBe(true);
    expect(projectRouted(['nova'], 'openstack/nova-specs')).toBe(false);
  });
});

test('outbox bookkeeping and backoff', () => {
  const r = result();
  r.reports = {
    a: {
      channel: 'a',
      kind: 'slack',
      event: 'positive',
      status: 'pending',
      attempts: 1,
      nextAttemptAt: '2026-11-22T04:05:00.000Z',
    },
    b: {
      channel: 'b',
      kind: 'slack',
      event: 'positive',
      status: 'sending',
      attempts: 1,
      claimedAt: '2026-11-22T04:00:00.000Z',
    },
    c: { channel: 'c', kind: 'slack', event: 'positive', status: 'sent', attempts: 1 },
  };
  expect(withOutbox(r, 60000)).toMatchObject({ reportPending: true, nextReportAt: '2026-11-22T04:01:00.000Z' });
  r.reports.a.status = 'failed';
  r.reports.b.status = 'sent';
  expect(withOutbox(r, 60000)).toMatchObject({ reportPending: false, nextReportAt: undefined });
  expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
});
