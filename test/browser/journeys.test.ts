/*
 * Two users' journeys in real Chromium on the stand-in, over generated demo data that lies wholly in the past
 * (ten days ending five days ago), once per host flavour:
 *  - the developer: a failed build found from its change number alone shows the known bug that explains it
 *    (title, matching line, log and Discover links); an unexplained one says what to do next, and its
 *    "create a signature" step opens the editor pre-filled from the build;
 *  - the reader of the failure-rate page: an absolute range in the past is shown with its dates as label,
 *    its charts carry a legend of build results, and with the engine down the page names the cause and
 *    its Retry brings the data back once the engine answers again.
 * Bug titles come from the demo's tracker (a local Launchpad, as npm start runs it): no page says "no title". Each
 * page passes axe (with the label-in-name rule) and every button and link on it is reached with Tab.
 * The engine is reached through a small TCP forwarder of this test that can refuse connections, so "engine
 * down" is a real refused connection, not a mock. Screenshots go to test-artifacts/ (OSD ones prefixed osd_).
 */
import { storeClassifiedResult } from '../fixtures/stored_results';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { engineUrl, uniqueName } from '../setup/engine';
import { indexGeneratedData, GeneratedData, DEMO_SIGNATURES_DIR } from '../fixtures/generated_data';
import { buildForTest, deleteStandInIndices, TestBuild, uniqueIndexPrefix } from '../../dev/host/testing';
import { startStandIn, StandIn } from '../../dev/host/stand_in';
import { artifactPath, launch, Browser } from './chromium';
import { seriousViolations, unreachableByTab } from './axe';
import type { HostKind } from '../../dev/build/targets';
import { readDemoTitles, startDemoTracker, DemoTracker } from '../../dev/demo/demo_tracker';
import { parseConfig } from '../../server/config';
import { refreshBugs } from '../../server/lib/bugs/bug_cache';
import { httpEngineClient } from '../../lib/engine_client';

jest.setTimeout(300000);

const sel = (subj: string) => `[data-test-subj="${subj}"]`;
const DAY = 86400000;
/** The demo bugs' titles, as the demo tracker (a local Launchpad) serves them to the bug pass. */
const DEMO_TITLES = readDemoTitles(path.join(DEMO_SIGNATURES_DIR, '..', 'bugs.json'));
const titleOf = (id: string) => DEMO_TITLES.get(id.replace(/\.yaml$/, ''));
/** A page's text must name no bug without its title. */
const NO_TITLE = /\(no title\)|No title/;

/** A TCP forwarder to the engine that can be switched off (connections refused) and on again on its port. */
async function engineForwarder(
  target: URL,
): Promise<{ url: string; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const make = () =>
    net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      sockets.add(client);
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    down: stop,
    up: async () => {
      server = make();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close: async () => {
      if (server.listening) await stop();
    },
  };
}

describe.each<HostKind>(['kibana', 'osd'])('users journeys in Chromium (%s)', (host) => {
  const shot = (name: string) => artifactPath(host === 'kibana' ? name : `osd_${name}`);
  let build: TestBuild;
  let standIn: StandIn;
  let data: GeneratedData;
  let writer: Browser;
  let forwarder: Awaited<ReturnType<typeof engineForwarder>>;
  const indexPrefix = uniqueIndexPrefix(`e2e-journeys-${host}`);
  const resultsIndex = uniqueName('er-results');
  const stateIndex = uniqueName('er-state');
  let tracker: DemoTracker;
  const dataEnd = Date.now() - 5 * DAY;
  let known: { uuid: string; change: number };
  let unknownUuid: string;

  beforeAll(async () => {
    forwarder = await engineForwarder(new URL(engineUrl()));
    // the demo's bug tracker, as npm start runs it: titles come from the tracker, as in the product
    tracker = await startDemoTracker(
      DEMO_SIGNATURES_DIR,
      '/nonexistent/demo_bugs.json',
      '/nonexistent/demo_builds.json',
    );
    [build, data] = await Promise.all([
      buildForTest(host),
      indexGeneratedData({ builds: 120, seed: `journeys-${host}`, now: dataEnd, days: 10 }),
    ]);
    standIn = await startStandIn({
      host,
      pluginDir: build.build.pluginDir,
      engineUrl: forwarder.url,
      indexPrefix,
      config: {
        logs: { indexPattern: data.indexPattern },
        results: { index: resultsIndex },
        state: { index: stateIndex },
        bugs: { launchpad: { url: tracker.launchpadUrl } },
      },
      onLog: () => undefined,
      taskManager: false,
    });
    const files = fs
      .readdirSync(DEMO_SIGNATURES_DIR)
      .filter((f) => f.endsWith('.yaml') && data.signatures.some((s) => `${s.id}.yaml` === f))
      // as the demo ships them: no title in the files (elastic-recheck's never had one)
      .map((name) => ({ name, content: fs.readFileSync(path.join(DEMO_SIGNATURES_DIR, name), 'utf8') }));
    const imported = await standIn.request('POST', '/api/elastic_recheck/import', { body: { files, dryRun: false } });
    expect(imported.status).toBe(200);
    // the background pass's bug step (the stand-in runs here without its task manager), once
    const refreshed = await refreshBugs(
      httpEngineClient(engineUrl()),
      stateIndex,
      parseConfig({ bugs: { launchpad: { url: tracker.launchpadUrl } } }).bugs,
      data.signatures.map((s) => s.bug),
      () => dataEnd + 5 * DAY,
    );
    expect([refreshed.fetched, refreshed.failed]).toEqual([new Set(data.signatures.map((s) => s.id)).size, 0]);
    // a failed build a known bug explains, alone on its change (so the change names it), and an unknown failure
    const failed = data.truth.builds.filter((b) => b.status !== 'SUCCESS' && b.change !== undefined);
    const onlyOnChange = (uuid: string, change: number) =>
      data.truth.builds.filter((b) => b.change === change).every((b) => b.uuid === uuid);
    const k = failed.find((b) => b.cause.kind === 'known' && onlyOnChange(b.uuid, Number(b.change)))!;
    known = { uuid: k.uuid, change: Number(k.change) };
    unknownUuid = failed.find((b) => b.cause.kind === 'unknown')!.uuid;
    await storeClassifiedResult(standIn, resultsIndex, known.uuid);
    writer = await launch({ username: 'writer' });
  });

  afterAll(async () => {
    await writer?.close();
    await standIn?.stop();
    await forwarder?.close();
    await deleteStandInIndices(engineUrl(), indexPrefix);
    await fetch(`${engineUrl()}/${resultsIndex}?ignore_unavailable=true`, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${engineUrl()}/${stateIndex}?ignore_unavailable=true`, { method: 'DELETE' }).catch(() => undefined);
    await tracker?.stop();
    await data?.cleanup();
    build?.cleanup();
  });

  const pageErrors = (b: Browser) => b.errors.filter((e) => !/favicon|status of 40[34]|status of 50[234]/.test(e));

  it('developer: a failed build found from its change number shows the known bug with its line and links', async () => {
    const { page } = writer;
    await page.goto(`${standIn.url}/app/elasticRecheck/builds?change=${known.change}`);
    await page.locator(sel('classifyVerdict')).waitFor({ timeout: 60000 });
    expect(await page.textContent(sel('classifyVerdict'))).toContain('Explained by a known bug');
    expect(await page.textContent(sel('classifyBuild'))).toContain(known.uuid);
    const match = page.locator('[data-test-subj^="match-"]').first();
    const sigId = (await match.getAttribute('data-test-subj'))!.slice('match-'.length);
    // the bug's title from the tracker's data, once the page has read it
    await match.locator(sel('matchTitle')).filter({ hasNotText: 'Loading' }).waitFor({ timeout: 30000 });
    expect((await match.locator(sel('matchTitle')).textContent())!.trim()).toBe(titleOf(sigId));
    expect(await page.textContent('body')).not.toMatch(NO_TITLE);
    expect(await match.locator(sel('matchLine')).count()).toBeGreaterThan(0);
    expect(await match.locator(sel('matchBugLink')).getAttribute('href')).toMatch(/^https?:\/\//);
    const discover = decodeURIComponent((await match.locator(sel('discoverLink')).getAttribute('href'))!);
    expect(discover).toContain(`build_uuid:"${known.uuid}"`);
    expect(discover).toMatch(host === 'kibana' ? /^\/app\/discover#\/\?_g=/ : /^\/app\/data-explorer\/discover#\?_a=/);
    expect(await page.textContent(sel('nextSteps'))).toContain('recheck');
    // the list is searched by the same change: the stored result of that build
    const rows = page.locator(`${sel('resultsTable')} tbody tr`);
    await rows.first().waitFor({ timeout: 30000 });
    expect(await rows.count()).toBe(1);
    expect(await page.inputValue(sel('classifyChange'))).toBe(String(known.change));
    await page.screenshot({ path: shot('journey_build_explained.png'), fullPage: false });
    // names match labels (axe, with label-content-name-mismatch on), and every button and link takes the focus
    expect(await seriousViolations(page, 'build explained')).toEqual([]);
    expect(await unreachableByTab(page)).toEqual([]);
    expect(pageErrors(writer)).toEqual([]);
  });

  it('developer: an unexplained build says what to do next, and "create a signature" opens the editor pre-filled', async () => {
    const { page } = writer;
    await page.goto(`${standIn.url}/app/elasticRecheck/builds?uuid=${unknownUuid}`);
    const next = page.locator(sel('nextSteps'));
    await next.waitFor({ timeout: 60000 });
    expect(await page.textContent(sel('classifyVerdict'))).toContain('No signature matched');
    expect(await next.locator(sel('nextLogs')).getAttribute('href')).toMatch(/^https?:\/\//);
    expect(decodeURIComponent((await next.locator(sel('nextDiscover')).getAttribute('href'))!)).toContain(
      `build_uuid:"${unknownUuid}"`,
    );
    expect(await next.textContent()).toContain('recheck');
    await page.screenshot({ path: shot('journey_build_unexplained.png'), fullPage: false });
    expect(await seriousViolations(page, 'build unexplained')).toEqual([]);
    expect(await unreachableByTab(page)).toEqual([]);
    await next.locator(sel('nextNewSignature')).click();
    await page.waitForURL(new RegExp(`/app/elasticRecheck/signatures/new\\?build=${unknownUuid}&`), { timeout: 30000 });
    await page.locator(sel('buildNote')).filter({ hasNotText: 'Looking for' }).waitFor({ timeout: 60000 });
    expect(await page.textContent(sel('buildNote'))).toContain(`Pre-filled from build ${unknownUuid}`);
    expect(await page.inputValue(sel('queryInput'))).toMatch(/^message:"/);
    await page.screenshot({ path: shot('journey_editor_prefilled.png'), fullPage: false });
    expect(await seriousViolations(page, 'editor pre-filled')).toEqual([]);
    expect(await unreachableByTab(page)).toEqual([]);
    expect(pageErrors(writer)).toEqual([]);
  });

  it('reader: an absolute range in the past, labelled with its dates, charts with a legend; engine down names the cause and Retry recovers', async () => {
    const { page } = writer;
    const from = new Date(dataEnd - 10 * DAY).toISOString().slice(0, 10) + 'T00:00:00.000Z';
    const to = new Date(dataEnd + DAY).toISOString().slice(0, 10) + 'T00:00:00.000Z';
    await page.goto(`${standIn.url}/app/elasticRecheck?from=${from}&to=${to}&stale=hide`);
    await page.locator(sel('ratesSummary')).waitFor({ timeout: 60000 });
    expect(await page.textContent(sel('rangeLabel'))).toBe(`Showing: ${from.slice(0, 10)} to ${to.slice(0, 10)} UTC`);
    const card = page.locator('[data-test-subj^="rate-"]').first();
    expect(Number((await card.locator(sel('failsWindow')).textContent())!.split(' ')[0])).toBeGreaterThan(0);
    await card
      .locator(`${sel('statusChart')} canvas`)
      .first()
      .waitFor({ timeout: 30000 });
    expect(await card.locator(sel('statusLegend')).textContent()).toMatch(/FAILURE|TIMED_OUT|POST_FAILURE/);
    const cardId = (await card.getAttribute('data-test-subj'))!.slice('rate-'.length);
    expect(await card.locator(sel('signatureTitle')).textContent()).toBe(titleOf(cardId));
    // every card, not only the first: the demo's bugs all have their titles
    expect(await page.textContent('body')).not.toMatch(NO_TITLE);
    // the data ends five days ago, and the range shown ends after it: the header does not cry "behind"
    expect(await page.textContent(sel('indexingLag'))).toMatch(/^Logs (cover the range shown|in the range shown stop)/);
    await page.waitForTimeout(300); // let the charts paint before the picture
    await page.screenshot({ path: shot('journey_rates_past_range.png'), fullPage: false });
    expect(await seriousViolations(page, 'failure rates, past range')).toEqual([]);
    expect(await unreachableByTab(page)).toEqual([]);

    await forwarder.down();
    try {
      await page.reload();
      await page.locator(sel('errorState')).waitFor({ timeout: 60000 });
      expect(await page.getAttribute(sel('errorState'), 'data-cause')).toBe('unreachable');
      expect(await page.textContent(sel('errorState'))).toContain('engine unreachable');
      expect(await page.textContent('body')).not.toMatch(/ECONNREFUSED|proxy_error|An internal server error/);
      await page.locator(sel('engineUnreachable')).waitFor({ timeout: 30000 });
      await page.screenshot({ path: shot('journey_rates_engine_down.png'), fullPage: false });
    } finally {
      await forwarder.up();
    }
    await page.click(sel('retryButton'));
    await page.locator('[data-test-subj^="rate-"]').first().waitFor({ timeout: 60000 });
    await page.locator(sel('engineHealth')).waitFor({ timeout: 30000 });
    expect(await page.locator(sel('errorState')).count()).toBe(0);
  });
});
