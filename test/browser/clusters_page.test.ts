/*
 * Issue 15 in Chromium on the Kibana stand-in with generated data: the demo signatures are stored except
 * the two bugs with the most failures, whose builds stay uncategorized. A signature author finds such a
 * bug's cluster on the Uncategorized page and turns it into a saved signature in two clicks ("Create
 * signature", then "Save", after typing the bug's number); the cluster's builds are then explained.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CLUSTERS_PATH, CLUSTERS_PER_PAGE, type ClustersResult } from '../../common/api/clusters';
import { FAILED_BUILD_STATUSES } from '../../common/constants';
import { engineUrl } from '../setup/engine';
import { indexGeneratedData, GeneratedData, DEMO_SIGNATURES_DIR } from '../fixtures/generated_data';
import { buildForTest, deleteStandInIndices, TestBuild, uniqueIndexPrefix } from '../../dev/host/testing';
import { startStandIn, StandIn } from '../../dev/host/stand_in';
import { artifactPath, launch, Browser } from './chromium';

jest.setTimeout(300000);

const sel = (subj: string) => `[data-test-subj="${subj}"]`;

describe('from a cluster of unexplained failures to a saved signature in Chromium', () => {
  let build: TestBuild;
  let standIn: StandIn;
  let data: GeneratedData;
  let writer: Browser;
  let withheld: string[] = [];
  const indexPrefix = uniqueIndexPrefix('e2e-clusters');

  beforeAll(async () => {
    [build, data] = await Promise.all([
      buildForTest('kibana'),
      indexGeneratedData({ builds: 300, seed: 'e2e-clusters', days: 5 }),
    ]);
    const failed = new Set<string>(FAILED_BUILD_STATUSES);
    const counts = new Map<string, number>();
    for (const b of data.truth.builds)
      if (b.cause.signature && failed.has(b.status) && b.voting === 1)
        counts.set(b.cause.signature, (counts.get(b.cause.signature) ?? 0) + 1);
    withheld = [...counts.entries()]
      .filter(([id]) => !data.signatures.find((s) => s.id === id)!.testIds?.length)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 2)
      .map(([id]) => id);
    standIn = await startStandIn({
      pluginDir: build.build.pluginDir,
      engineUrl: engineUrl(),
      indexPrefix,
      config: { logs: { indexPattern: data.indexPattern }, windows: { uncategorizedDays: 6 } },
      onLog: () => undefined,
      taskManager: false,
    });
    const files = data.signatures
      .filter((s) => !withheld.includes(s.id))
      .map((s) => ({
        name: `${s.id}.yaml`,
        content: fs.readFileSync(path.join(DEMO_SIGNATURES_DIR, `${s.id}.yaml`), 'utf8'),
      }));
    const imported = await standIn.request('POST', '/api/elastic_recheck/import', { body: { files, dryRun: false } });
    expect(imported.status).toBe(200);
    writer = await launch({ username: 'writer' });
  });

  afterAll(async () => {
    await writer?.close();
    await standIn?.stop();
    await deleteStandInIndices(engineUrl(), indexPrefix);
    await data?.cleanup();
    build?.cleanup();
  });

  it('Create signature on the cluster, type the bug, Save: the cluster is explained', async () => {
    const { page } = writer;
    const before = (await standIn.request('GET', `${CLUSTERS_PATH}?perPage=500`, { user: 'writer' }))
      .body as ClustersResult;
    // the withheld bug's cluster, and the page of clusters it is on (largest first)
    const bugBuilds = new Set(data.truth.builds.filter((b) => b.cause.signature === withheld[0]).map((b) => b.uuid));
    const index = before.clusters.findIndex((c) => c.builds.some((u) => bugBuilds.has(u)));
    expect(index).toBeGreaterThanOrEqual(0);
    const cluster = before.clusters[index];
    expect(cluster.builds.every((u) => bugBuilds.has(u))).toBe(true);
    const clusterPage = Math.floor(index / CLUSTERS_PER_PAGE) + 1;

    await page.goto(`${standIn.url}/app/elasticRecheck/uncategorized?from=now-6d&to=now&clusterPage=${clusterPage}`);
    const panel = page.locator(`${sel('clusterPanel')}[data-cluster-id="${cluster.id}"]`);
    await panel.waitFor({ timeout: 60000 });
    expect(await page.locator(sel('clusterPanel')).count()).toBeLessThanOrEqual(CLUSTERS_PER_PAGE);
    expect(await panel.locator(`${sel('clusterSampleLine')} mark`).count()).toBeGreaterThan(0);
    expect(await panel.locator(sel('clusterProposal')).textContent()).toBe(cluster.proposal.query);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifactPath('page_uncategorized_clusters.png'), fullPage: false });

    // click 1
    await panel.locator(sel('createSignatureFromCluster')).click();
    await page.locator(sel('clusterNote')).waitFor({ timeout: 30000 });
    expect(await page.inputValue(sel('queryInput'))).toBe(cluster.proposal.query);
    expect(await page.textContent(sel('clusterNote'))).toContain(
      `From cluster ${cluster.id} of ${cluster.size} unexplained builds`,
    );
    expect(page.url()).toContain('from=now-6d');
    await page.locator(sel('previewHits')).waitFor({ timeout: 60000 });
    await page.fill(sel('bugId'), '9990015');
    // click 2
    await page.click(sel('saveSignature'));
    await page.waitForURL(/\/app\/elasticRecheck\/signatures\/9990015$/, { timeout: 30000 });

    const after = (await standIn.request('GET', `${CLUSTERS_PATH}?perPage=500`, { user: 'writer' }))
      .body as ClustersResult;
    for (const uuid of cluster.builds) expect(after.clusters.some((c) => c.builds.includes(uuid))).toBe(false);
    expect(after.uncategorizedBuilds).toBeLessThanOrEqual(before.uncategorizedBuilds - cluster.size);
    expect(writer.errors.filter((e) => !/favicon|status of 40[34]/.test(e))).toEqual([]);
  });
});
