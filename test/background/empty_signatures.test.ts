/** @jest-layer engine */
/*
 * The background loop with no signature stored (npm start -- --no-demo, or before an import): builds whose logs are
 * ready wait and the log says why, instead of being classified against nothing (every build "unexplained", and
 * the engine's `[filters] cannot be empty`); once signatures exist the next pass classifies them.
 */
import { engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { FakeZuul, zuulBuildLogLines } from '../fake_services/fake_zuul';
import { parseConfig } from '../../server/config';
import { httpEngineClient } from '../../lib/engine_client';
import { LoopLogger, RecheckLoop } from '../../server/lib/background/recheck_loop';
import { sig } from '../fixtures/signatures';
import type { Signature } from '../../common/signature/types';

let zuul: FakeZuul;
const prefix = uniqueName('er-loop-empty');

beforeAll(async () => {
  zuul = await new FakeZuul().start();
});
afterAll(async () => {
  await zuul.stop();
  await engineRequest('DELETE', `/${prefix}-*?ignore_unavailable=true`);
});

test('no signature: ready builds wait and the log says so; the first signature gets them classified', async () => {
  const tenant = `openstack-${prefix.slice(-6)}`;
  const config = parseConfig({
    schedule: { enabled: true },
    logs: { indexPattern: `${prefix}-logs-*` },
    results: { index: `${prefix}-results` },
    state: { index: `${prefix}-state` },
    zuul: { url: zuul.url, tenants: [tenant], startFrom: 'beginning' },
    readiness: { timeout: '1h' },
  });
  const build = zuul.addBuild(tenant, { project: 'openstack/nova', job_name: 'tempest-full', pipeline: 'gate' });
  const lines = zuulBuildLogLines(
    build,
    { 'job-output.txt': ['Kernel panic - not syncing'] },
    { start: Date.parse('2026-11-22T01:00:00Z') },
  );
  await engineRequest(
    'POST',
    `/${prefix}-logs-2026.11.22/_bulk?refresh=true`,
    lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    'application/x-ndjson',
  );

  const said: string[] = [];
  const logger: LoopLogger = {
    debug() {},
    info: (m: string) => said.push(m),
    warn: (m: string) => said.push(`warn: ${m}`),
    error: (m: string) => said.push(`error: ${m}`),
  };
  let stored: Signature[] = [];
  const loop = new RecheckLoop({
    engine: httpEngineClient(engineUrl()),
    config,
    loadSignatures: async () => stored,
    logger,
  });

  const first = await loop.runOnce();
  expect(first.errors).toEqual([]);
  expect(first).toMatchObject({ classified: 0, waiting: 1 });
  expect(said).toContain(
    'no signatures stored: builds whose logs are ready wait unclassified until signatures are imported',
  );
  await engineRequest('POST', `/${prefix}-results/_refresh`);
  expect((await engineRequest('GET', `/${prefix}-results/_doc/${build.uuid}`))._source.stage).toBe('waiting');

  stored = [sig('1', 'message:"Kernel panic"')];
  const second = await loop.runOnce();
  expect(second).toMatchObject({ classified: 1, errors: [] });
  await engineRequest('POST', `/${prefix}-results/_refresh`);
  expect((await engineRequest('GET', `/${prefix}-results/_doc/${build.uuid}`))._source).toMatchObject({
    stage: 'classified',
    explained: true,
  });
});
