/** @jest-layer engine */
/*
 * GET /api/elastic_recheck/clusters through the host stand-in on generated data with exact ground truth:
 * the demo signatures are stored except three withheld ones, whose builds stay uncategorized; each
 * withheld bug's builds must come out as one cluster, the proposal's counts must be what the engine
 * and the ground truth say, saving the proposal must explain those builds, and bad input is a 400.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CLUSTERS_PATH, type ClustersResult } from '../../common/api/clusters';
import { SIGNATURES_PATH } from '../../common/api/signatures';
import { FAILED_BUILD_STATUSES } from '../../common/constants';
import { LOG_FIELDS } from '../../common/log_fields';
import { search } from '../../lib/engine_client';
import { compileSignatures } from '../../server/lib/signatures/compile';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { DEMO_SIGNATURES_DIR, indexGeneratedData, type GeneratedData } from '../fixtures/generated_data';
import { engineUrl } from '../setup/engine';
import { runCliAs } from '../cli/run_cli_as';

const cli = (...argv: string[]) => runCliAs('reader', 'changeme', ...argv);

jest.setTimeout(180000);

let data: GeneratedData;
let standIn: StandIn;
const indexPrefix = uniqueIndexPrefix('clusters-api');
let withheld: string[] = [];
/** Uncategorized failed builds of each withheld bug (voting, failed, no stored signature matched). */
const bugBuilds = new Map<string, Set<string>>();

const get = (query: string, user = 'reader') => standIn.request('GET', `${CLUSTERS_PATH}${query}`, { user });

beforeAll(async () => {
  data = await indexGeneratedData({ builds: 500, seed: 'clusters-api', days: 5 });
  const failed = new Set<string>(FAILED_BUILD_STATUSES);
  const counts = new Map<string, number>();
  for (const b of data.truth.builds)
    if (b.cause.signature && failed.has(b.status) && b.voting === 1)
      counts.set(b.cause.signature, (counts.get(b.cause.signature) ?? 0) + 1);
  // the three bugs with the most failed builds whose signature needs no test result (test_ids)
  withheld = [...counts.entries()]
    .filter(([id]) => !data.signatures.find((s) => s.id === id)!.testIds?.length)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([id]) => id);
  for (const b of data.truth.builds) {
    const bug = b.cause.signature;
    // a build another stored signature also matches is explained: not the withheld bug's to find
    if (
      !bug ||
      !withheld.includes(bug) ||
      !failed.has(b.status) ||
      b.voting !== 1 ||
      b.confirmedSignatures.some((s) => !withheld.includes(s))
    )
      continue;
    (bugBuilds.get(bug) ?? bugBuilds.set(bug, new Set()).get(bug)!).add(b.uuid);
  }
  standIn = await startSourceStandIn({
    engineUrl: engineUrl(),
    indexPrefix,
    config: { logs: { indexPattern: data.indexPattern }, windows: { uncategorizedDays: 6 } },
  });
  const files = data.signatures
    .filter((s) => !withheld.includes(s.id))
    .map((s) => ({
      name: `${s.id}.yaml`,
      content: fs.readFileSync(path.join(DEMO_SIGNATURES_DIR, `${s.id}.yaml`), 'utf8'),
    }));
  const imported = await standIn.request('POST', '/api/elastic_recheck/import', { body: { files, dryRun: false } });
  expect(imported.status).toBe(200);
  expect(imported.body.counts.created).toBe(files.length);
});

afterAll(async () => {
  await standIn?.stop();
  await deleteStandInIndices(engineUrl(), indexPrefix);
  await data?.cleanup();
});

function clusterOf(result: ClustersResult, uuid: string) {
  return result.clusters.find((c) => c.builds.includes(uuid));
}

test('each withheld bug is one cluster with a proposal checked on the engine', async () => {
  expect(withheld).toHaveLength(3);
  const res = await get('?perPage=500');
  expect(res.status).toBe(200);
  const result = res.body as ClustersResult;
  expect(result.clusteredBuilds + result.withoutLines).toBe(Math.min(result.uncategorizedBuilds, 5000));
  expect(result.totalClusters).toBe(result.clusters.length);
  // largest first
  expect(result.clusters.map((c) => c.size)).toEqual([...result.clusters.map((c) => c.size)].sort((a, b) => b - a));
  const status = new Map(data.truth.builds.map((b) => [b.uuid, b.status]));
  for (const bug of withheld) {
    const builds = [...bugBuilds.get(bug)!];
    expect(builds.length).toBeGreaterThanOrEqual(3);
    const cluster = clusterOf(result, builds[0])!;
    expect(cluster).toBeDefined();
    // complete: all the bug's builds; pure: nothing else
    expect(new Set(cluster.builds)).toEqual(new Set(builds));
    expect(cluster.size).toBe(builds.length);
    expect(cluster.jobs.reduce((n, j) => n + j.builds, 0)).toBe(cluster.size);
    expect(cluster.trend.reduce((n, x) => n + x, 0)).toBe(cluster.size);
    expect(Date.parse(cluster.firstSeen)).toBeLessThanOrEqual(Date.parse(cluster.lastSeen));
    // the common part is marked in the samples, each links to its line's file in its build
    for (const s of cluster.samples) {
      expect(s.common.length).toBeGreaterThan(0);
      expect(cluster.builds).toContain(s.uuid);
      const line = await search(data.engine, data.indexPattern, {
        size: 1,
        query: {
          bool: {
            filter: [
              { term: { [LOG_FIELDS.buildUuid]: s.uuid } },
              { term: { [LOG_FIELDS.filename]: s.file } },
              { match_phrase: { [LOG_FIELDS.message]: s.line } },
            ],
          },
        },
      });
      expect(line.hits.hits).toHaveLength(1);
      expect(s.logUrl).toBe(line.hits.hits[0]._source.log_url);
    }
    // the proposal's counts are what the engine matches, by the ground truth's statuses
    const sig = compileSignatures([
      {
        id: 'p',
        bug: { tracker: 'launchpad', id: '1', url: '' },
        query: cluster.proposal.query,
        allowNonvoting: false,
        suppressGraph: false,
        suppressNotification: false,
        mode: 'explains',
      },
    ])[0];
    const found = await search(data.engine, data.indexPattern, {
      size: 0,
      query: sig.query,
      aggs: { b: { terms: { field: LOG_FIELDS.buildUuid, size: 10000 } } },
    });
    const matched: string[] = found.aggregations.b.buckets.map((b: any) => b.key);
    const check = cluster.proposal.check!;
    expect(check.clusterBuilds).toBe(matched.filter((u) => cluster.builds.includes(u)).length);
    expect(check.clusterBuilds).toBe(cluster.size);
    expect(check.successBuilds).toBe(matched.filter((u) => status.get(u) === 'SUCCESS').length);
    expect(check.otherFailedBuilds).toBe(
      matched.filter((u) => status.get(u) !== 'SUCCESS' && !cluster.builds.includes(u)).length,
    );
  }
  // the same data gives the same ids
  const again = (await get('?perPage=500')).body as ClustersResult;
  expect(again.clusters.map((c) => c.id)).toEqual(result.clusters.map((c) => c.id));
});

test('scope and caps bound the work', async () => {
  const all = (await get('?perPage=500')).body as ClustersResult;
  const capped = (await get('?maxBuilds=3')).body as ClustersResult;
  expect(capped.clusteredBuilds + capped.withoutLines).toBe(3);
  const job = all.clusters[0].jobs[0].job;
  const scoped = (await get(`?jobs=${encodeURIComponent(job)}&perPage=500`)).body as ClustersResult;
  expect(scoped.clusters.length).toBeGreaterThan(0);
  for (const c of scoped.clusters) expect(c.jobs.map((j) => j.job)).toEqual([job]);
  const paged = (await get('?perPage=1&page=2')).body as ClustersResult;
  expect(paged.clusters.map((c) => c.id)).toEqual([all.clusters[1].id]);
  // a from/to window: the same clusters over a window holding the data, none over one long before it
  const day = 86400000;
  const windowed = (await get(`?from=${Date.now() - 11 * day}&to=${Date.now() + 60000}&perPage=500`))
    .body as ClustersResult;
  expect(windowed.clusters.map((c) => c.id).sort()).toEqual(all.clusters.map((c) => c.id).sort());
  const before = (await get(`?from=${Date.now() - 80 * day}&to=${Date.now() - 70 * day}`)).body as ClustersResult;
  expect(before.clusters).toEqual([]);
  // search: over every cluster, not only a page; the pages divide the matching ones
  const word = (all.clusters[1].samples[0].line.match(/[A-Za-z]{4,}/g) ?? []).sort((a, b) => b.length - a.length)[0]!;
  expect(word).toBeDefined();
  const matching = all.clusters.filter((c) =>
    [c.id, c.template, c.proposal.query, ...c.samples.map((x) => x.line), ...c.jobs.map((j) => j.job)]
      .concat(c.projects.map((p) => p.project))
      .some((t) => t.toLowerCase().includes(word.toLowerCase())),
  );
  const searched = (await get(`?search=${encodeURIComponent(word.toUpperCase())}&perPage=500`)).body as ClustersResult;
  expect(searched.matchingClusters).toBe(matching.length);
  expect(searched.totalClusters).toBe(all.totalClusters);
  expect(searched.clusters.map((c) => c.id)).toEqual(matching.map((c) => c.id));
  expect(((await get('?search=zzzzqqqqxxxx')).body as ClustersResult).clusters).toEqual([]);
  const growth = (await get('?sort=growth&perPage=500')).body as ClustersResult;
  expect(growth.clusters.map((c) => c.growth)).toEqual([...growth.clusters.map((c) => c.growth)].sort((a, b) => b - a));
});

test('a past absolute window (from/to) gives only the builds of that window', async () => {
  const all = (await get('?perPage=500')).body as ClustersResult;
  const starts = data.truth.builds.map((b) => Date.parse(b.start));
  const ends = data.truth.builds.map((b) => Date.parse(b.end));
  const first = Math.min(...starts);
  const last = Math.max(...ends);
  // the middle third of the data, well in the past
  const from = Math.round(first + (last - first) / 3);
  const to = Math.round(first + ((last - first) * 2) / 3);
  const res = await get(`?from=${new Date(from).toISOString()}&to=${to}&perPage=500`);
  expect(res.status).toBe(200);
  const result = res.body as ClustersResult;
  expect([result.start, result.end]).toEqual([from, to]);
  const truth = new Map(data.truth.builds.map((b) => [b.uuid, b]));
  const inWindow = (uuid: string) => {
    const b = truth.get(uuid)!;
    return Date.parse(b.start) < to && Date.parse(b.end) >= from;
  };
  const clustered = result.clusters.flatMap((c) => c.builds);
  expect(clustered.length).toBeGreaterThan(0);
  for (const uuid of clustered) expect(inWindow(uuid)).toBe(true);
  // builds the default window clusters outside this one are left out
  const outside = all.clusters.flatMap((c) => c.builds).filter((u) => !inWindow(u));
  expect(outside.length).toBeGreaterThan(0);
  expect(result.uncategorizedBuilds).toBeLessThan(all.uncategorizedBuilds);
  for (const uuid of outside) expect(clustered).not.toContain(uuid);
  // the CLI sends the same window
  const json = await cli(
    'clusters',
    '--host',
    standIn.url,
    '--from',
    new Date(from).toISOString(),
    '--to',
    String(to),
    '--per-page',
    '500',
    '--json',
  );
  expect(json.err).toBe('');
  const parsed = JSON.parse(json.out) as ClustersResult;
  expect([parsed.start, parsed.end]).toEqual([from, to]);
  expect(parsed.clusters.map((c) => c.id)).toEqual(result.clusters.map((c) => c.id));
});

test('bad parameters are a 400 naming the parameter', async () => {
  for (const [q, field] of [
    ['?from=yesterdayish&to=1700000000000', 'from'],
    ['?from=1700000000000', 'to'],
    ['?from=1700000000000&to=1600000000000', 'to'],
    ['?from=1700000000000&to=1700000001000&days=3', 'days'],
    ['?maxBuilds=0', 'maxBuilds'],
    ['?maxBuilds=10001', 'maxBuilds'],
    ['?sort=newest', 'sort'],
    ['?perPage=501', 'perPage'],
    ['?days=91', 'days'],
    ['?from=yesterdayish&to=1', 'from: expected epoch ms or an ISO-8601 date'],
    ['?from=5&to=1', 'to: must be after from'],
    ['?color=red', 'color'],
    [`?search=${'x'.repeat(201)}`, 'search'],
  ]) {
    const res = await get(q);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(field);
  }
});

test('elastic-recheck clusters prints the same clusters as JSON and as text, and refuses bad options before asking', async () => {
  const api = (await get('?perPage=5&sort=growth')).body as ClustersResult;
  const json = await cli('clusters', '--host', standIn.url, '--per-page', '5', '--sort', 'growth', '--json');
  expect(json.err).toBe('');
  expect(json.code).toBe(0);
  const parsed = JSON.parse(json.out) as ClustersResult;
  expect(parsed.clusters.map((c) => [c.id, c.size, c.proposal.query])).toEqual(
    api.clusters.map((c) => [c.id, c.size, c.proposal.query]),
  );
  const text = await cli('clusters', '--host', standIn.url, '--per-page', '5', '--sort', 'growth');
  expect(text.code).toBe(0);
  expect(text.out).toContain(
    `${api.clusteredBuilds} of ${api.uncategorizedBuilds} uncategorized builds in ${api.totalClusters} clusters`,
  );
  for (const c of api.clusters) {
    expect(text.out).toContain(`cluster ${c.id}: ${c.size} builds`);
    expect(text.out).toContain(`proposed signature: ${c.proposal.query}`);
  }
  // the common part of the first sample is between [[ ]]
  const s = api.clusters[0].samples[0];
  expect(text.out).toContain(`[[${s.line.slice(s.common[0][0], s.common[0][1])}]]`);
  for (const [argv, message] of [
    [['--max-builds', '0'], '--max-builds: expected an integer from 1 to 10000'],
    [['--sort', 'newest'], '--sort: expected "size" or "growth"'],
    [['--per-page', '501'], '--per-page: expected an integer from 1 to 500'],
    [
      ['--from', 'yesterdayish', '--to', '1700000000000'],
      '--from: expected epoch ms or an ISO-8601 date, got "yesterdayish"',
    ],
  ]) {
    const bad = await cli('clusters', '--host', standIn.url, ...argv);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(`error: ${message}\n`);
    expect(bad.out).toBe('');
  }
});

test('saving a proposal explains its cluster', async () => {
  const before = (await get('?perPage=500')).body as ClustersResult;
  const bug = withheld[0];
  const cluster = clusterOf(before, [...bugBuilds.get(bug)!][0])!;
  const saved = await standIn.request('POST', SIGNATURES_PATH, {
    user: 'writer',
    body: {
      bug: { tracker: 'launchpad', id: '9990001' },
      query: cluster.proposal.query,
      title: cluster.proposal.title,
    },
  });
  expect(saved.status).toBe(200);
  const after = (await get('?perPage=500')).body as ClustersResult;
  // the cluster's builds, and at most the other failed builds the proposal matched, are explained now
  expect(after.uncategorizedBuilds).toBeLessThanOrEqual(before.uncategorizedBuilds - cluster.size);
  expect(after.uncategorizedBuilds).toBeGreaterThanOrEqual(
    before.uncategorizedBuilds - cluster.size - cluster.proposal.check!.otherFailedBuilds,
  );
  for (const uuid of cluster.builds) expect(clusterOf(after, uuid)).toBeUndefined();
});
