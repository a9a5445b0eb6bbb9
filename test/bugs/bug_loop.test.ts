/** @jest-layer engine */
/*
 * The bug steps inside the real background loop (RecheckLoop extraSteps), with Zuul, Launchpad and a
 * chat webhook as real HTTP servers and an injected clock: the pass fetches the signatures' bugs, and a
 * build failing again on a fixed bug raises one regression alarm, sent once to the routed channel.
 */
import { engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { FakeZuul, zuulBuildLogLines } from '../fake_services/fake_zuul';
import { FakeTrackers } from '../fake_services/fake_trackers';
import { FakeChat } from '../fake_services/fake_chat';
import { parseConfig } from '../../server/config';
import { httpEngineClient } from '../../lib/engine_client';
import { RecheckLoop } from '../../server/lib/background/recheck_loop';
import { bugSteps } from '../../server/lib/bugs/bug_work';
import { readBugCache } from '../../server/lib/bugs/bug_cache';
import { listAlarms } from '../../server/lib/bugs/alarms';
import type { Signature } from '../../common/signature/types';
import { MESSAGING_TIMEOUT_LINE, MESSAGING_TIMEOUT_SIGNATURE } from '../fixtures/signatures';

const SIGNATURE: Signature = MESSAGING_TIMEOUT_SIGNATURE;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const prefix = uniqueName('er-bugloop');

let zuul: FakeZuul;
let trackers: FakeTrackers;
let chat: FakeChat;

beforeAll(async () => {
  zuul = await new FakeZuul().start();
  trackers = await new FakeTrackers().start();
  chat = await new FakeChat().start();
});

afterAll(async () => {
  await Promise.all([zuul.stop(), trackers.stop(), chat.stop()]);
  for (const index of [`${prefix}-results`, `${prefix}-state`, `${prefix}-logs-2026.11.22`])
    await engineRequest('DELETE', `/${index}?ignore_unavailable=true`);
});

test('a fixed bug that fails again raises one alarm, sent once; bug data is fetched by the pass', async () => {
  trackers.launchpad.set('1708704', {
    id: '1708704',
    title: 'RPC timeout in nova-compute',
    tasks: [{ target: 'nova', status: 'Fix Released', fixedAt: '2026-11-21T00:00:00.000Z' }],
  });
  const config = parseConfig({
    schedule: { enabled: true },
    logs: { indexPattern: `${prefix}-logs-*` },
    results: { index: `${prefix}-results` },
    state: { index: `${prefix}-state` },
    zuul: { url: zuul.url, tenants: ['openstack'], startFrom: 'beginning' },
    readiness: { timeout: '1h' },
    webhooks: [
      { name: 'nova', type: 'slack', url: `${chat.url}/slack/nova`, projects: ['nova'], events: ['positive'] },
      {
        name: 'infra',
        type: 'slack',
        url: `${chat.url}/slack/infra`,
        projects: ['zuul'],
        events: ['positive', 'negative'],
      },
    ],
    bugs: { launchpad: { url: trackers.urls.launchpad }, alarms: { spikeMinFailures: 100 } },
  });
  let clock = Date.parse('2026-11-22T02:00:00Z');
  const now = () => clock;
  const engine = httpEngineClient(engineUrl());
  const loadSignatures = async () => [SIGNATURE];
  const loop = new RecheckLoop({
    engine,
    config,
    loadSignatures,
    logger: quiet,
    now,
    extraSteps: bugSteps({ engine, config, loadSignatures, logger: quiet, now }),
  });

  // first pass: nothing failed yet; the bug is fetched and seen fixed
  zuul.addBuild('openstack', { result: 'SUCCESS' });
  expect((await loop.runOnce()).errors).toEqual([]);
  expect((await readBugCache(engine, config.state.index)).get('launchpad:1708704')).toMatchObject({
    status: 'fixed',
    title: 'RPC timeout in nova-compute',
    statusSince: new Date(clock).toISOString(),
  });

  // the bug comes back
  const build = zuul.addBuild('openstack', {
    project: 'openstack/nova',
    job_name: 'tempest-full',
    nodeset: 'multinode-3',
  } as any);
  const lines = zuulBuildLogLines(
    build,
    {
      'screen-n-cpu.txt': [MESSAGING_TIMEOUT_LINE],
    },
    { start: Date.parse('2026-11-22T01:00:00Z') },
  );
  await engineRequest(
    'POST',
    `/${prefix}-logs-2026.11.22/_bulk?refresh=true`,
    lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    'application/x-ndjson',
  );
  clock += 60000;
  const second = await loop.runOnce();
  expect(second.errors).toEqual([]);
  expect(second.classified).toBe(1);
  const alarms = await listAlarms(engine, config.state.index);
  expect(alarms).toHaveLength(1);
  expect(alarms[0].id).toBe('alarm:regression:1708704:2026-11-21T00:00:00.000Z'); // keyed by the tracker's fix date
  expect(alarms[0].source).toMatchObject({
    kind: 'regression',
    signatureId: '1708704',
    bugStatus: 'fixed',
    evidence: [{ uuid: build.uuid, job: 'tempest-full', project: 'openstack/nova' }],
  });
  expect(alarms[0].source.evidence[0].line).toContain('MessagingTimeout');
  expect(Object.keys(alarms[0].source.reports)).toEqual(['chat:nova']);
  const stored = await engineRequest('GET', `/${prefix}-results/_doc/${build.uuid}`);
  expect(stored._source.build.nodeset).toBe('multinode-3');

  // later passes raise and send nothing more
  clock += 60000;
  await loop.runOnce();
  clock += 60000;
  await loop.runOnce();
  const regressions = chat.delivered.filter((d) => d.text?.startsWith('Regression:'));
  expect(regressions).toHaveLength(1);
  expect(regressions[0].path).toBe('/slack/nova');
  expect(regressions[0].text).toContain('RPC timeout in nova-compute');
  expect(regressions[0].text).toContain(build.log_url);
  // the build report itself keeps elastic-recheck's wording (no title)
  const report = chat.delivered.find((d) => d.text?.includes('failed because of'))!;
  expect(report.text).toBe(
    `openstack/nova change: ${build.ref_url} failed because of: tempest-full: https://bugs.launchpad.net/bugs/1708704`,
  );
  expect(await listAlarms(engine, config.state.index)).toHaveLength(1);
});
