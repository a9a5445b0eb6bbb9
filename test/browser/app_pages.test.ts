/*
 * The browser app in real Chromium on the stand-in with generated demo data (demo signatures, CI logs with
 * exact ground truth), once per host with that host's own shared deps: Kibana (React 18, EUI, charts 73)
 * and OpenSearch Dashboards (React 18, OUI, charts 31.1.0; dev/host/browser/shared_deps_osd.js). Every page
 * renders real data from the real routes; a writer creates a signature from an uncategorized build, sees it
 * on the failure-rate page, and the build's on-demand classification changes; on Kibana a reader cannot
 * save. Screenshots go to test-artifacts/ (OSD ones prefixed osd_).
 * The signature author's journey is walked end to end: from an unexplained build to a new signature with its
 * success share and warnings, an unsaved-changes question on leaving (in-app, through the host's onAppLeave,
 * and on the browser's Back through the host's history block), the save, and the build explained; the reader tries a query and checks import files. Its
 * Kibana screenshots are the README's (docs/screenshots/). Every page passes axe-core without serious or
 * critical violations.
 */
import { storeClassifiedResult } from '../fixtures/stored_results';
import * as fs from 'fs';
import * as path from 'path';
import { engineUrl, uniqueName } from '../setup/engine';
import { indexGeneratedData, GeneratedData, DEMO_SIGNATURES_DIR } from '../fixtures/generated_data';
import { buildForTest, deleteStandInIndices, TestBuild, uniqueIndexPrefix } from '../../dev/host/testing';
import { startStandIn, StandIn } from '../../dev/host/stand_in';
import { artifactPath, launch, Browser } from './chromium';
import { seriousViolations } from './axe';
import type { HostKind } from '../../dev/build/targets';
import { startDemoTracker, DemoTracker } from '../../dev/demo/demo_tracker';
import { parseConfig } from '../../server/config';
import { refreshBugs } from '../../server/lib/bugs/bug_cache';
import { httpEngineClient } from '../../lib/engine_client';

jest.setTimeout(240000);

const sel = (subj: string) => `[data-test-subj="${subj}"]`;
const DOCS_SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
/** Closing the tab, as the browser asks the page: true when a beforeunload handler cancels it. */
const unloadCancelled = (page: Browser['page']) =>
  page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  });

describe.each<HostKind>(['kibana', 'osd'])('the app pages in Chromium with demo data (%s)', (host) => {
  const shot = (name: string) => artifactPath(host === 'kibana' ? name : `osd_${name}`);
  /** The journey's screenshots: the README's on Kibana (viewport only, to keep them small), artifacts on OSD. */
  const docShot = (name: string) => (host === 'kibana' ? path.join(DOCS_SCREENSHOTS, name) : shot(name));
  let build: TestBuild;
  let standIn: StandIn;
  let data: GeneratedData;
  let writer: Browser;
  let reader: Browser;
  const indexPrefix = uniqueIndexPrefix(`e2e-pages-${host}`);
  const resultsIndex = uniqueName('er-results');
  const stateIndex = uniqueName('er-state');
  let tracker: DemoTracker;

  beforeAll(async () => {
    // the demo's bug tracker, as npm start runs it: the pages show the bugs' titles
    tracker = await startDemoTracker(
      DEMO_SIGNATURES_DIR,
      '/nonexistent/demo_bugs.json',
      '/nonexistent/demo_builds.json',
    );
    [build, data] = await Promise.all([
      buildForTest(host),
      indexGeneratedData({ builds: 160, seed: `app-pages-${host}` }),
    ]);
    standIn = await startStandIn({
      host,
      pluginDir: build.build.pluginDir,
      engineUrl: engineUrl(),
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
      .map((name) => ({ name, content: fs.readFileSync(path.join(DEMO_SIGNATURES_DIR, name), 'utf8') }));
    const imported = await standIn.request('POST', '/api/elastic_recheck/import', { body: { files, dryRun: false } });
    expect(imported.status).toBe(200);
    expect(imported.body.counts.created).toBe(files.length);
    // the background pass's bug step, once (the stand-in runs here without its task manager)
    await refreshBugs(
      httpEngineClient(engineUrl()),
      stateIndex,
      parseConfig({ bugs: { launchpad: { url: tracker.launchpadUrl } } }).bugs,
      data.signatures.map((s) => s.bug),
      () => Date.parse('2026-11-30T00:00:00Z'),
    );
    await seedResults();
    [writer, reader] = await Promise.all([launch({ username: 'writer' }), launch({ username: 'reader' })]);
  });

  /** What the background intake stores: classify three failed builds on demand and store their results. */
  async function seedResults(): Promise<void> {
    const failed = data.truth.builds.filter((b) => b.cause.kind === 'known' && b.status !== 'SUCCESS').slice(0, 3);
    for (const [i, b] of failed.entries())
      await storeClassifiedResult(standIn, resultsIndex, b.uuid, {
        zuulId: 1000 + i,
        at: new Date(Date.now() - i * 60000),
        extra: (c, at) => ({
          reports: {
            gerrit: {
              channel: 'gerrit',
              kind: 'gerrit',
              event: c.explained ? 'positive' : 'negative',
              status: i === 2 ? 'pending' : 'sent',
              attempts: 1,
              ...(i === 2 ? {} : { sentAt: at }),
            },
          },
          reportPending: i === 2,
        }),
      });
  }

  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await standIn?.stop();
    await deleteStandInIndices(engineUrl(), indexPrefix);
    await fetch(`${engineUrl()}/${resultsIndex}?ignore_unavailable=true`, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${engineUrl()}/${stateIndex}?ignore_unavailable=true`, { method: 'DELETE' }).catch(() => undefined);
    await tracker?.stop();
    await data?.cleanup();
    build?.cleanup();
  });

  const pageErrors = (b: Browser) => b.errors.filter((e) => !/favicon|status of 40[34]/.test(e));

  it('failure rates: one card per graphed signature with counts, chart and links; indexing lag in the header', async () => {
    const { page } = writer;
    await page.goto(`${standIn.url}/app/elasticRecheck`);
    await page.locator(sel('ratesSummary')).waitFor({ timeout: 30000 });
    const cards = page.locator('[data-test-subj^="rate-"]');
    expect(await cards.count()).toBeGreaterThan(0);
    const first = cards.first();
    expect(
      Number((await first.locator(sel('failsWindow')).textContent())!.split(' ')[0].replace(/,/g, '')),
    ).toBeGreaterThan(0);
    expect(await first.locator(sel('discoverLink')).getAttribute('href')).toMatch(
      host === 'kibana' ? /^\/app\/discover#\/\?_g=/ : /^\/app\/data-explorer\/discover#\?_a=/,
    );
    await first.locator(`${sel('statusChart')} canvas`).waitFor({ timeout: 20000 });
    // the freshness of the logs for the range shown (public/services/freshness.ts)
    expect(await page.textContent(sel('indexingLag'))).toMatch(/^(Logs up to date|Newest log|Logs cover)/);
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot('page_failure_rates.png'), fullPage: false });
    expect(await page.textContent('body')).not.toMatch(/\(no title\)|No title/);
    expect(await seriousViolations(page, 'failure rates')).toEqual([]);
    expect(pageErrors(writer)).toEqual([]);
  });

  let buildUuid: string;

  it('uncategorized: rate, per-job table and unexplained builds from the engine', async () => {
    const { page } = writer;
    await page.click(sel('tab-uncategorized'));
    await page.locator(sel('unexplainedTable')).waitFor({ timeout: 30000 });
    const unknown = data.truth.builds.filter((b) => b.cause.kind === 'unknown' && b.status !== 'SUCCESS');
    expect(unknown.length).toBeGreaterThan(0);
    const rows = page.locator(`${sel('unexplainedTable')} tbody tr`);
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await page.textContent(sel('categorizationRate'))).toMatch(/%$/);
    await page.screenshot({ path: shot('page_uncategorized.png'), fullPage: false });
    await page.screenshot({ path: docShot('journey_1_unexplained_build.png'), fullPage: false });
    expect(await seriousViolations(page, 'uncategorized')).toEqual([]);
    // The newest unexplained build that the ground truth calls an unknown error.
    const link = (await rows.first().locator(sel('buildDiscoverLink')).getAttribute('href'))!;
    buildUuid = /build_uuid:"([^"]+)"/.exec(decodeURIComponent(link))![1];
    expect(data.truth.builds.find((b) => b.uuid === buildUuid)).toBeDefined();
  });

  it('builds: on-demand classification of an unexplained build says uncategorized', async () => {
    const { page } = writer;
    await page.goto(`${standIn.url}/app/elasticRecheck/builds?uuid=${buildUuid}`);
    await page.locator(sel('classifyVerdict')).waitFor({ timeout: 30000 });
    expect(await page.textContent(sel('classifyVerdict'))).not.toContain('Explained by a known bug');
    // the stored results of the intake, with what they matched and where they were reported
    const rows = page.locator(`${sel('resultsTable')} tbody tr`);
    await rows.first().waitFor({ timeout: 30000 });
    expect(await rows.count()).toBe(3);
    expect(await rows.first().locator(sel('matchBadge')).count()).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toContain('gerrit: sent');
    await page.screenshot({ path: shot('page_builds.png'), fullPage: false });
    expect(await seriousViolations(page, 'builds')).toEqual([]);
  });

  let newId: string;

  it("the author's journey: a signature from that build, with its success share, asked before leaving unsaved, saved", async () => {
    const { page } = writer;
    await page.goto(`${standIn.url}/app/elasticRecheck/signatures/new?build=${buildUuid}`);
    await page.locator(sel('buildNote')).filter({ hasNotText: 'Looking for' }).waitFor({ timeout: 30000 });
    expect(await page.textContent(sel('buildNote'))).toContain(`Pre-filled from build ${buildUuid}`);
    const query = await page.inputValue(sel('queryInput'));
    expect(query).toMatch(/^message:"/);
    await page.locator(sel('previewHits')).waitFor({ timeout: 30000 });
    expect(Number((await page.textContent(sel('previewHits')))!.split(' ')[0].replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await page.locator(`${sel('previewSample')} mark`).count()).toBeGreaterThan(0);
    // the guardrails: the share of successful builds among the matched ones, elastic-recheck's 10 % rule
    expect(await page.textContent(sel('previewSuccessShare'))).toMatch(/^\d+(\.\d)? % on successful builds$/);
    expect((await page.inputValue(sel('sigTitle'))).length).toBeLessThanOrEqual(80);
    newId = `e2e-${Date.now().toString(36)}`;
    await page.selectOption(sel('bugTracker'), 'jira');
    await page.fill(sel('bugId'), newId);
    await page.fill(sel('bugUrl'), `https://jira.example.org/browse/${newId}`);
    await page.fill(sel('sigTitle'), 'Found from an uncategorized build');
    // the build may come from a non-voting job
    await page.click(sel('allowNonvoting'));
    await page.screenshot({ path: shot('page_signature_editor.png'), fullPage: false });
    await page.screenshot({ path: docShot('journey_2_new_signature.png'), fullPage: false });
    expect(await seriousViolations(page, 'signature editor')).toEqual([]);

    // leaving with unsaved edits asks: in the app (a tab) ...
    await page.click(sel('tab-signatures'));
    const modal = page.locator(sel('unsavedChangesModal'));
    await modal.waitFor({ timeout: 10000 });
    expect(await modal.textContent()).toContain('Your changes to the new signature are not saved');
    await page.screenshot({ path: docShot('journey_3_unsaved_changes.png'), fullPage: false });
    expect(await seriousViolations(page, 'unsaved-changes question', sel('unsavedChangesModal'))).toEqual([]);
    await modal.getByText('Keep editing').click();
    await modal.waitFor({ state: 'detached' });
    expect(page.url()).toContain('/signatures/new');
    // ... and when the host leaves for another app: its onAppLeave confirm, cancelled here
    await page.click(sel('standinDiscoverLink'));
    const hostModal = page.locator(sel('appLeaveConfirmModal'));
    await hostModal.waitFor({ timeout: 10000 });
    expect(await hostModal.textContent()).toContain('Your changes to the new signature are not saved');
    await hostModal.getByText('Cancel').click();
    await hostModal.waitFor({ state: 'detached' });
    expect(page.url()).toContain('/app/elasticRecheck/signatures/new');
    expect(await page.inputValue(sel('bugId'))).toBe(newId);
    // ... and closing the tab: the host's beforeunload handler cancels the unload
    expect(await unloadCancelled(page)).toBe(true);

    await page.click(sel('saveSignature'));
    await page.waitForURL(new RegExp(`/app/elasticRecheck/signatures/${newId}$`), { timeout: 30000 });
    // saved: nothing to lose, Save waits for a change, and leaving asks nothing
    await page.locator(sel('saveSignature')).and(page.locator(':disabled')).waitFor({ timeout: 10000 });
    await page.click(sel('tabYaml'));
    expect(await page.textContent(sel('yamlView'))).toContain(`# queries/${newId}.yaml`);
    expect(await unloadCancelled(page)).toBe(false);
  });

  it("the browser's Back with unsaved edits asks through the host's history block: cancel keeps the edits and the URL, confirm leaves", async () => {
    const { page } = writer;
    await page.goto(`${standIn.url}/app/elasticRecheck/signatures?search=${newId}`);
    // into the editor inside the app, so Back stays in this document (a popstate the host's history sees)
    await page.locator(`${sel(`signatureRow-${newId}`)} ${sel('signatureLink')}`).click();
    await page.waitForURL(new RegExp(`/app/elasticRecheck/signatures/${newId}$`), { timeout: 30000 });
    await page.locator(sel('sigTitle')).waitFor({ timeout: 30000 });
    await page.fill(sel('sigTitle'), 'Edited, then Back');
    const asked: string[] = [];
    /** Back, answered as each host asks: Kibana its overlay confirm, OSD the browser's window.confirm. */
    const back = async (leave: boolean) => {
      if (host === 'osd')
        page.once('dialog', (d) => {
          asked.push(`${d.type()}: ${d.message()}`);
          void (leave ? d.accept() : d.dismiss());
        });
      await page.evaluate(() => window.history.back());
      if (host === 'kibana') {
        const modal = page.locator(sel('navigationBlockConfirmModal'));
        await modal.waitFor({ timeout: 10000 });
        asked.push(`modal: ${await modal.textContent()}`);
        await modal.getByText(leave ? 'Confirm' : 'Cancel').click();
        await modal.waitFor({ state: 'detached' });
      }
    };
    await back(false);
    await page.waitForFunction((id) => window.location.pathname.endsWith(`/signatures/${id}`), newId, {
      timeout: 10000,
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(host === 'kibana' ? /^modal: / : /^confirm: /);
    expect(asked[0]).toContain(`Your changes to signature ${newId} are not saved`);
    expect(await page.inputValue(sel('sigTitle'))).toBe('Edited, then Back');
    expect(page.url()).toMatch(new RegExp(`/app/elasticRecheck/signatures/${newId}$`));

    await back(true);
    await page.waitForURL(/\/app\/elasticRecheck\/signatures\?search=/, { timeout: 10000 });
    await page.locator(sel(`signatureRow-${newId}`)).waitFor({ timeout: 30000 });
    expect(asked).toHaveLength(2);
    const stored = await standIn.request('GET', `/api/elastic_recheck/signatures/${newId}`);
    expect(stored.body.title).toBe('Found from an uncategorized build');
    // left: nothing is guarded any more, so closing the tab asks nothing
    expect(await unloadCancelled(page)).toBe(false);
    expect(pageErrors(writer)).toEqual([]);
  });

  it('the new signature is on the failure-rate page and in the signatures table, and the build is now explained', async () => {
    const { page } = writer;
    await page.goto(`${standIn.url}/app/elasticRecheck?stale=hide`);
    const card = page.locator(sel(`rate-${newId}`));
    await card.waitFor({ timeout: 30000 });
    expect(Number((await card.locator(sel('failsWindow')).textContent())!.split(' ')[0])).toBeGreaterThan(0);

    await page.goto(`${standIn.url}/app/elasticRecheck/signatures?search=${newId}`);
    await page.locator(sel(`signatureRow-${newId}`)).waitFor({ timeout: 30000 });
    await page.goto(`${standIn.url}/app/elasticRecheck/signatures`);
    await page.locator(sel('signaturesTable')).waitFor({ timeout: 30000 });
    await page.screenshot({ path: shot('page_signatures.png'), fullPage: false });
    expect(await seriousViolations(page, 'signatures')).toEqual([]);

    await page.goto(`${standIn.url}/app/elasticRecheck/builds?uuid=${buildUuid}`);
    await page.locator(sel('classifyVerdict')).waitFor({ timeout: 30000 });
    expect(await page.textContent(sel('classifyVerdict'))).toContain('Explained by a known bug');
    expect(await page.locator(sel(`match-${newId}`)).count()).toBe(1);
    await page.screenshot({ path: docShot('journey_4_build_explained.png'), fullPage: false });
    expect(pageErrors(writer)).toEqual([]);
  });

  it("the page runs on the host's own shared deps (OSD: OUI, charts 31.1.0; Kibana: EUI, charts 73) and React 18's createRoot", async () => {
    const { page } = writer;
    await page.goto(`${standIn.url}/app/elasticRecheck`);
    await page.locator(sel('ratesSummary')).waitFor({ timeout: 30000 });
    const seen = await page.evaluate(() => {
      const w = window as any;
      const deps = w.__osdSharedDeps__ ?? w.__kbnSharedDeps__;
      return {
        kbn: w.__kbnSharedDeps__ !== undefined,
        osd: w.__osdSharedDeps__ !== undefined,
        euiProvider: typeof deps.ElasticEui.EuiProvider,
        ouiCss: [...document.querySelectorAll('style,link')].some(
          (n) =>
            /euiBody|\.euiButton/.test(n.textContent ?? '') ||
            /shared-deps-osd\.css/.test((n as HTMLLinkElement).href ?? ''),
        ),
        react: deps.React.version,
        createRoot: typeof deps.ReactDom.createRoot,
        chartsDefault: typeof deps.ElasticCharts.LIGHT_THEME,
        chartsTooltip: typeof deps.ElasticCharts.Tooltip,
      };
    });
    expect(seen.react).toMatch(/^18\./);
    expect(seen.createRoot).toBe('function');
    expect(seen.chartsDefault).toBe('object');
    if (host === 'osd') {
      // OUI has no EuiProvider; charts 31 has no <Tooltip> spec (added in later majors)
      expect(seen).toMatchObject({
        kbn: false,
        osd: true,
        euiProvider: 'undefined',
        ouiCss: true,
        chartsTooltip: 'undefined',
      });
    } else {
      expect(seen).toMatchObject({ kbn: true, osd: false, euiProvider: 'function', chartsTooltip: 'function' });
    }
    expect(pageErrors(writer)).toEqual([]);
  });

  // Kibana's feature privileges; an OSD reader (security plugin roles) is tested in stand_in_app.test.ts.
  (host === 'kibana' ? it : it.skip)(
    'a reader tries a query and checks import files, cannot save, and the server refuses a save',
    async () => {
      const { page } = reader;
      await page.goto(`${standIn.url}/app/elasticRecheck/signatures`);
      await page.locator(sel('signaturesTable')).waitFor({ timeout: 30000 });
      expect(await page.locator(sel('newSignature')).count()).toBe(0);
      await page.click(sel('importButton'));
      await page.locator(sel('importReadOnly')).waitFor({ timeout: 10000 });
      await page.setInputFiles(`${sel('importFlyout')} input[type=file]`, {
        name: '4790001.yaml',
        mimeType: 'application/yaml',
        buffer: Buffer.from('query: message:"tried by a reader"\n'),
      });
      await page.click(sel('importDryRun'));
      await page.locator(sel('importCounts')).waitFor({ timeout: 10000 });
      expect(await page.textContent(sel('importCounts'))).toBe('Dry run (nothing changed): 1 created');
      expect(await page.isDisabled(sel('importConfirm'))).toBe(true);
      await page.screenshot({ path: docShot('journey_5_reader_import_check.png'), fullPage: false });
      expect(await seriousViolations(page, 'import flyout (reader)', sel('importFlyout'))).toEqual([]);

      await page.goto(`${standIn.url}/app/elasticRecheck/signatures/${newId}`);
      await page.locator(sel('readOnlyNotice')).waitFor({ timeout: 30000 });
      expect(await page.isDisabled(sel('saveSignature'))).toBe(true);
      expect(await page.getAttribute(sel('bugId'), 'readonly')).not.toBeNull();
      await page.fill(sel('queryInput'), 'message:"tried by a reader"');
      await page.locator(sel('preview')).waitFor({ timeout: 30000 });
      await page
        .locator(sel('previewHits'))
        .filter({ hasText: /^0 matching lines$/ })
        .waitFor({ timeout: 30000 });
      expect(await page.isDisabled(sel('saveSignature'))).toBe(true);
      await page.screenshot({ path: docShot('journey_6_reader_tries_query.png'), fullPage: false });
      expect(await seriousViolations(page, 'signature editor (reader)')).toEqual([]);
      const status = await page.evaluate(async (id) => {
        const r = await fetch(`/api/elastic_recheck/signatures/${id}`, {
          method: 'PUT',
          headers: { 'kbn-xsrf': 'x', 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'reader edit' }),
        });
        return r.status;
      }, newId);
      expect(status).toBe(403);
      await page.screenshot({ path: shot('page_signature_reader.png'), fullPage: false });
    },
  );
});
