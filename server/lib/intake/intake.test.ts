/** @jest-layer engine */
import { engineRequest, engineUrl, uniqueName } from '../../../test/setup/engine';
import { FakeZuul } from '../../../test/fake_services/fake_zuul';
import { parseConfig, RecheckConfig } from '../../config';
import { EngineClient, EngineRequest, EngineRequestError, httpEngineClient } from '../../../lib/engine_client';
import { checkpointId, pollTenant } from './intake';
import { ZuulClient, ZuulError } from './zuul_client';

const TENANT = 'openstack';
let zuul: FakeZuul;
let engine: EngineClient;
const indices: string[] = [];

function configFor(overrides: Record<string, unknown> = {}): RecheckConfig {
  const prefix = uniqueName('er-intake');
  indices.push(`${prefix}-results`, `${prefix}-state`);
  return parseConfig({
    results: { index: `${prefix}-results` },
    state: { index: `${prefix}-state` },
    zuul: { url: zuul.url, tenants: [TENANT], startFrom: 'beginning', pageSize: 2, ...overrides },
  });
}

async function takenUuids(config: RecheckConfig): Promise<string[]> {
  await engineRequest('POST', `/${config.results.index}/_refresh`);
  const res = await engineRequest('POST', `/${config.results.index}/_search`, { size: 1000, _source: ['build.uuid'] });
  return res.hits.hits.map((h: any) => h._source.build.uuid).sort();
}

beforeAll(async () => {
  zuul = await new FakeZuul().start();
  engine = httpEngineClient(engineUrl());
});

afterAll(async () => {
  await zuul.stop();
  for (const index of indices) await engineRequest('DELETE', `/${index}?ignore_unavailable=true`);
});

describe('Zuul intake', () => {
  test('takes finished failed voting builds once, waits for running builds with lower ids', async () => {
    const tenant = `${TENANT}-a`;
    const config = configFor({ tenants: [tenant], pipelines: ['gate', 'check'], jobs: { exclude: '^docs-' } });
    const client = new ZuulClient(config.zuul.url!);
    const deps = { engine, zuul: client, config };
    const b1 = zuul.addBuild(tenant, { result: 'FAILURE' });
    zuul.addBuild(tenant, { result: 'SUCCESS' });
    const b3 = zuul.addBuild(tenant, { result: null }); // still running
    zuul.addBuild(tenant, { result: 'FAILURE', voting: false }); // non-voting: not taken
    const b5 = zuul.addBuild(tenant, { result: 'TIMED_OUT', pipeline: 'check' });
    zuul.addBuild(tenant, { result: 'FAILURE', job_name: 'docs-build' }); // excluded job
    zuul.addBuild(tenant, { result: 'FAILURE', pipeline: 'periodic' }); // pipeline not configured

    const first = await pollTenant(deps, tenant);
    expect(first).toMatchObject({ from: 0, to: b3._id, taken: 1, duplicates: 0 });
    expect(await takenUuids(config)).toEqual([b1.uuid]);

    zuul.finish(b3, 'POST_FAILURE');
    const second = await pollTenant(deps, tenant);
    expect(second).toMatchObject({ from: b3._id, to: 8, taken: 2, duplicates: 0 });
    expect(second.filtered).toBe(2); // docs job, periodic pipeline (non-voting filtered by Zuul itself)
    expect(await takenUuids(config)).toEqual([b1.uuid, b3.uuid, b5.uuid].sort());

    // nothing new: a third poll asks Zuul from the checkpoint on and takes nothing
    const before = zuul.buildRequests().length;
    const third = await pollTenant(deps, tenant);
    expect(third).toMatchObject({ from: 8, to: 8, taken: 0 });
    const asked = zuul.buildRequests().slice(before);
    expect(asked.every((r) => !r.query.has('idx_min') || r.query.get('idx_min') === '8')).toBe(true);
    const doc = await engineRequest('GET', `/${config.state.index}/_doc/${encodeURIComponent(checkpointId(tenant))}`);
    expect(doc._source.idxMin).toBe(8);
  });

  test('startFrom "now" ignores builds that finished before the first poll', async () => {
    const tenant = `${TENANT}-b`;
    const config = configFor({ tenants: [tenant], startFrom: 'now' });
    const deps = { engine, zuul: new ZuulClient(config.zuul.url!), config };
    zuul.addBuild(tenant, { result: 'FAILURE' });
    expect((await pollTenant(deps, tenant)).taken).toBe(0);
    const fresh = zuul.addBuild(tenant, { result: 'FAILURE' });
    expect((await pollTenant(deps, tenant)).taken).toBe(1);
    expect(await takenUuids(config)).toEqual([fresh.uuid]);
  });

  test('a restart after a poll died half way takes the rest, nothing twice, nothing skipped', async () => {
    const tenant = `${TENANT}-c`;
    const config = configFor({ tenants: [tenant] });
    const builds = Array.from({ length: 7 }, () => zuul.addBuild(tenant, { result: 'FAILURE' }));

    // The engine goes away after three result documents were written (a crash mid-poll).
    let writes = 0;
    const real = httpEngineClient(engineUrl());
    const dying: EngineClient = {
      request<T>(req: EngineRequest): Promise<T> {
        if (req.path.includes('/_create/') && req.path.startsWith(`/${config.results.index}`) && ++writes > 3) {
          return Promise.reject(new EngineRequestError('engine unreachable: connection refused', 0));
        }
        return real.request<T>(req);
      },
    };
    await expect(pollTenant({ engine: dying, zuul: new ZuulClient(config.zuul.url!), config }, tenant)).rejects.toThrow(
      'engine unreachable',
    );
    expect(await takenUuids(config)).toHaveLength(3);
    const cp = await engineRequest('GET', `/${config.state.index}/_doc/${encodeURIComponent(checkpointId(tenant))}`);
    expect(cp._source.idxMin).toBe(0); // not moved: the first poll never completed

    // "restart": new clients, same engine state
    const again = await pollTenant(
      { engine: httpEngineClient(engineUrl()), zuul: new ZuulClient(config.zuul.url!), config },
      tenant,
    );
    expect(again).toMatchObject({ taken: 4, duplicates: 3 });
    expect(await takenUuids(config)).toEqual(builds.map((b) => b.uuid).sort());
  });

  test('Zuul down: the poll fails with a retryable error and the checkpoint stays', async () => {
    const tenant = `${TENANT}-d`;
    const config = configFor({ tenants: [tenant] });
    const deps = { engine, zuul: new ZuulClient(config.zuul.url!), config };
    const b = zuul.addBuild(tenant, { result: 'FAILURE' });
    zuul.failWith = 503;
    try {
      const error = await pollTenant(deps, tenant).catch((e) => e);
      expect(error).toBeInstanceOf(ZuulError);
      expect(error.retryable).toBe(true);
    } finally {
      zuul.failWith = null;
    }
    expect((await pollTenant(deps, tenant)).taken).toBe(1);
    expect(await takenUuids(config)).toEqual([b.uuid]);
  });

  test('one poll looks at a bounded id range; empty gaps are crossed quickly', async () => {
    const tenant = `${TENANT}-e`;
    const config = configFor({ tenants: [tenant], maxIdsPerPoll: 3 });
    const deps = { engine, zuul: new ZuulClient(config.zuul.url!), config };
    zuul.skipIds(1000); // ids of this tenant start far above 0
    const builds = Array.from({ length: 5 }, () => zuul.addBuild(tenant, { result: 'FAILURE' }));
    zuul.skipIds(100000);
    const late = zuul.addBuild(tenant, { result: 'FAILURE' });
    const taken: number[] = [];
    let polls = 0;
    do {
      const s = await pollTenant(deps, tenant);
      polls++;
      taken.push(s.taken);
    } while ((await takenUuids(config)).length < 6 && polls < 40);
    expect(await takenUuids(config)).toEqual([...builds, late].map((b) => b.uuid).sort());
    expect(Math.max(...taken)).toBeLessThanOrEqual(3);
    // every poll lands on builds (the empty gaps are skipped by bisection, not walked), windows of 3 ids:
    // the 5 neighbours need 2 or 3 windows depending on alignment, the late build one more
    expect(taken.every((n) => n >= 1)).toBe(true);
    expect(polls).toBeLessThanOrEqual(4);
  });

  test('an unknown tenant is a clear, non-retryable error', async () => {
    const config = configFor();
    const error = await pollTenant({ engine, zuul: new ZuulClient(config.zuul.url!), config }, 'no-such-tenant').catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ZuulError);
    expect(error.message).toContain('Zuul answered 404 for tenant no-such-tenant');
    expect(error.retryable).toBe(false);
  });
});
