/** @jest-layer engine */
/*
 * `elastic-recheck clusters --search TEXT` against the host stand-in running the plugin from source on the
 * real engine: generated builds with no signature stored (every failed build is uncategorized), so there are
 * many clusters to search. The CLI must give what the route gives for the same search, as JSON and as text.
 */
import { CLUSTERS_PATH, MAX_CLUSTER_SEARCH, type ClustersResult } from '../../common/api/clusters';
import { runCliAs } from './run_cli_as';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { indexGeneratedData, type GeneratedData } from '../fixtures/generated_data';
import { engineUrl } from '../setup/engine';

jest.setTimeout(180000);

let data: GeneratedData;
let standIn: StandIn;
const indexPrefix = uniqueIndexPrefix('clusters-cli');

const cli = (...argv: string[]) => runCliAs('reader', 'changeme', ...argv);

const route = async (query: string) =>
  (await standIn.request('GET', `${CLUSTERS_PATH}${query}`, { user: 'reader' })).body as ClustersResult;

beforeAll(async () => {
  data = await indexGeneratedData({ builds: 300, seed: 'clusters-cli', days: 5 });
  standIn = await startSourceStandIn({
    engineUrl: engineUrl(),
    indexPrefix,
    config: { logs: { indexPattern: data.indexPattern }, windows: { uncategorizedDays: 6 } },
  });
});

afterAll(async () => {
  await standIn?.stop();
  await deleteStandInIndices(engineUrl(), indexPrefix);
  await data?.cleanup();
});

test('--search gives the clusters the route gives for the same search, over all pages, as JSON and as text', async () => {
  const all = await route('?perPage=500');
  expect(all.totalClusters).toBeGreaterThan(3);
  // a word of one cluster's sample line that not every cluster has: the search must narrow the list
  const words = all.clusters.flatMap((c) => c.samples[0].line.match(/[A-Za-z]{5,}/g) ?? []);
  const has = (c: ClustersResult['clusters'][number], w: string) =>
    [c.id, c.template, c.proposal.query, ...c.samples.map((s) => s.line), ...c.jobs.map((j) => j.job)]
      .concat(c.projects.map((p) => p.project))
      .some((t) => t.toLowerCase().includes(w.toLowerCase()));
  const word = words.find((w) => {
    const n = all.clusters.filter((c) => has(c, w)).length;
    return n >= 2 && n < all.clusters.length;
  })!;
  expect(word).toBeDefined();
  const expected = all.clusters.filter((c) => has(c, word)).map((c) => c.id);

  // any case, surrounding spaces ignored, as the route does
  const json = await cli(
    'clusters',
    '--host',
    standIn.url,
    '--search',
    `  ${word.toUpperCase()} `,
    '--per-page',
    '500',
    '--json',
  );
  expect(json).toMatchObject({ code: 0, err: '' });
  const parsed = JSON.parse(json.out) as ClustersResult;
  expect(parsed.matchingClusters).toBe(expected.length);
  expect(parsed.totalClusters).toBe(all.totalClusters);
  expect(parsed.clusters.map((c) => c.id)).toEqual(expected);
  const api = await route(`?search=${encodeURIComponent(word)}&perPage=500`);
  expect(parsed.clusters.map((c) => c.id)).toEqual(api.clusters.map((c) => c.id));

  // the pages divide the matching clusters: the second page of one holds the second match
  const second = JSON.parse(
    (await cli('clusters', '--host', standIn.url, '--search', word, '--per-page', '1', '--page', '2', '--json')).out,
  ) as ClustersResult;
  expect(second.clusters.map((c) => c.id)).toEqual([expected[1]]);

  const text = await cli('clusters', '--host', standIn.url, '--search', word, '--per-page', '500');
  expect(text).toMatchObject({ code: 0, err: '' });
  expect(text.out).toContain(
    `uncategorized builds in ${all.totalClusters} clusters, ${expected.length} of them matching the search`,
  );
  for (const c of all.clusters) {
    if (expected.includes(c.id)) expect(text.out).toContain(`cluster ${c.id}: ${c.size} builds`);
    else expect(text.out).not.toContain(`cluster ${c.id}:`);
  }

  const none = await cli('clusters', '--host', standIn.url, '--search', 'zzzzqqqqxxxx', '--json');
  expect(JSON.parse(none.out)).toMatchObject({ matchingClusters: 0, clusters: [] });
});

test('a too long --search is refused naming the option before anything is sent', async () => {
  const bad = await cli('clusters', '--host', 'http://127.0.0.1:1', '--search', 'x'.repeat(MAX_CLUSTER_SEARCH + 1));
  expect(bad).toEqual({
    code: 2,
    out: '',
    err: `error: --search: expected text of at most ${MAX_CLUSTER_SEARCH} characters\n`,
  });
});
