/*
 * The built plugin in real Chromium: the stand-in serves the page (shared deps, browser core, the
 * plugin bundle from `npm run build`), the plugin registers itself and mounts at /app/elasticRecheck,
 * and its page calls GET /api/elastic_recheck/health through the browser core's http.fetch, which
 * reaches the real engine through Kibana's own client.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as rison from 'rison-node';
import { engineUrl } from '../setup/engine';
import { buildForTest, deleteStandInIndices, TestBuild, uniqueIndexPrefix } from '../../dev/host/testing';
import { startStandIn, StandIn } from '../../dev/host/stand_in';
import { artifactPath, launch, Browser } from './chromium';

jest.setTimeout(120000);

describe('the plugin in Chromium on the Kibana stand-in', () => {
  let build: TestBuild;
  let standIn: StandIn;
  let browser: Browser;
  const indexPrefix = uniqueIndexPrefix('e2e');

  beforeAll(async () => {
    build = await buildForTest('kibana');
    standIn = await startStandIn({
      pluginDir: build.build.pluginDir,
      engineUrl: engineUrl(),
      indexPrefix,
      onLog: () => undefined,
    });
    browser = await launch({ username: 'reader' });
  });

  afterAll(async () => {
    await browser?.close();
    await standIn?.stop();
    await deleteStandInIndices(engineUrl(), indexPrefix);
    build?.cleanup();
  });

  it('mounts the app and shows engine health read through core.http', async () => {
    const { page } = browser;
    await page.goto(`${standIn.url}/app/elasticRecheck`);
    const status = page.locator('[data-test-subj="engineStatus"]');
    await status.waitFor({ timeout: 30000 });
    expect(['green', 'yellow']).toContain((await status.textContent())?.trim());
    await page.screenshot({ path: artifactPath('stand_in_app_health.png'), fullPage: true });

    const recorded = await page.evaluate(() => (window as any).__standin__);
    expect(recorded.mounted).toEqual(['elasticRecheck']);
    expect(recorded.errors).toEqual([]);
    expect(recorded.fetches).toContainEqual({ method: 'GET', url: '/api/elastic_recheck/health', status: 200 });
    expect(recorded.breadcrumbs.map((b: { text: string }) => b.text)).toEqual(['Elastic Recheck']);
    expect(await page.title()).toBe('Elastic Recheck - Elastic');
    // The bundle took React and EUI from the shared deps: one React in the page.
    expect(await page.evaluate(() => typeof (window as any).__kbnSharedDeps__.React.createElement)).toBe('function');
    // No uncaught error in the page (the app's own requests are the browser-app tests' business).
    expect(browser.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });

  it('says plainly that Discover is not part of the stand-in', async () => {
    const { page } = browser;
    await page.click('[data-test-subj="standinDiscoverLink"]');
    await page.locator('[data-test-subj="discoverPlaceholder"]').waitFor({ timeout: 10000 });
    expect(await page.textContent('[data-test-subj="discoverPlaceholder"]')).toContain(
      'Discover is not part of the host stand-in',
    );
    expect(page.url()).toBe(`${standIn.url}/app/discover`);
  });

  it('Discover\'s export menu offers "Save as signature", which opens the editor with the KQL query converted to Lucene', async () => {
    const { page } = browser;
    const g = rison.encode({ time: { from: 'now-7d', to: 'now' } });
    const a = rison.encode({
      dataSource: { dataViewId: 'logstash-logs-*', type: 'dataView' },
      query: { language: 'kuery', query: 'message:"No valid host was found" and not build_status:SUCCESS' },
    });
    await page.goto(`${standIn.url}/app/discover#/?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(a)}`);
    await page.click('[data-test-subj="standinShareButton"]');
    await page.click('[data-test-subj="standinShareEntry-Save as signature"]');
    expect(await page.textContent('[data-test-subj="saveAsSignatureQuery"]')).toBe(
      'message:"No valid host was found" AND NOT build_status:SUCCESS',
    );
    await page.screenshot({ path: artifactPath('discover_save_as_signature.png'), fullPage: true });
    await page.click('[data-test-subj="standinShareGenerate"]');
    const input = page.locator('[data-test-subj="queryInput"]');
    await input.waitFor({ timeout: 20000 });
    expect(await input.inputValue()).toBe('message:"No valid host was found" AND NOT build_status:SUCCESS');
    expect(await page.textContent('[data-test-subj="discoverQueryNote"]')).toContain(
      'Converted from Discover’s KQL query',
    );
    const url = new URL(page.url());
    expect(url.pathname).toBe('/app/elasticRecheck/signatures/new');
    expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual(['now-7d', 'now']);
  });

  it('reports a bundle that does not register itself, as Kibana does', async () => {
    const broken = path.join(build.dir, 'broken', 'elasticRecheck');
    fs.cpSync(build.build.pluginDir, broken, { recursive: true });
    fs.writeFileSync(
      path.join(broken, 'target', 'public', 'elasticRecheck.plugin.js'),
      'window.__loadedButNotRegistered = true;\n',
    );
    const other = await startStandIn({
      pluginDir: broken,
      engineUrl: engineUrl(),
      indexPrefix,
      onLog: () => undefined,
      taskManager: false,
    });
    try {
      const { page } = browser;
      await page.goto(`${other.url}/app/elasticRecheck`);
      const fatal = page.locator('[data-test-subj="fatalError"]');
      await fatal.waitFor({ state: 'visible', timeout: 20000 });
      expect(await fatal.textContent()).toContain(
        'Definition of plugin "elasticRecheck" not found and may have failed to load.',
      );
      expect(await page.evaluate(() => (window as any).__loadedButNotRegistered)).toBe(true);
    } finally {
      await other.stop();
    }
  });
});

describe('the plugin in Chromium on the OpenSearch Dashboards stand-in', () => {
  let build: TestBuild;
  let standIn: StandIn;
  let browser: Browser;
  const indexPrefix = uniqueIndexPrefix('e2e-osd');

  beforeAll(async () => {
    build = await buildForTest('osd');
    standIn = await startStandIn({
      host: 'osd',
      pluginDir: build.build.pluginDir,
      engineUrl: engineUrl(),
      indexPrefix,
      onLog: () => undefined,
    });
    browser = await launch({ username: 'reader' });
  });

  afterAll(async () => {
    await browser?.close();
    await standIn?.stop();
    await deleteStandInIndices(engineUrl(), indexPrefix);
    build?.cleanup();
  });

  it('loads the OSD bundle through __osdBundles__ and calls the health route with osd-version', async () => {
    const { page } = browser;
    await page.goto(`${standIn.url}/app/elasticRecheck`);
    await page.locator('[data-test-subj="engineStatus"]').waitFor({ timeout: 30000 });
    const recorded = await page.evaluate(() => (window as any).__standin__);
    expect(recorded.mounted).toEqual(['elasticRecheck']);
    expect(recorded.fetches).toContainEqual({ method: 'GET', url: '/api/elastic_recheck/health', status: 200 });
    expect(
      await page.evaluate(() => typeof (window as any).__osdBundles__.get('plugin/elasticRecheck/public').plugin),
    ).toBe('function');
    expect(await page.evaluate(() => (window as any).__kbnBundles__)).toBeUndefined();
    expect(browser.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await page.screenshot({ path: artifactPath('stand_in_app_osd.png'), fullPage: true });
  });

  it('an OSD reader (authinfo: backend role ci-observer) gets the read-only editor, and the server refuses a write', async () => {
    const { page } = browser;
    await page.goto(`${standIn.url}/app/elasticRecheck/signatures/new?query=message%3A%22boom%22`);
    await page.locator('[data-test-subj="readOnlyNotice"]').waitFor({ timeout: 30000 });
    expect(await page.textContent('[data-test-subj="readOnlyNotice"]')).toContain(
      'one of the roles all_access, elastic_recheck_writer',
    );
    expect(await page.isDisabled('[data-test-subj="saveSignature"]')).toBe(true);
    const answer = await page.evaluate(async () => {
      const r = await fetch('/api/elastic_recheck/signatures', {
        method: 'POST',
        headers: { 'osd-xsrf': 'true', 'content-type': 'application/json' },
        body: JSON.stringify({ bug: { tracker: 'launchpad', id: '4700001' }, query: 'message:"boom"' }),
      });
      return { status: r.status, body: await r.json() };
    });
    expect(answer.status).toBe(403);
    expect(answer.body.message).toContain("user 'reader' may not change signatures");
  });
});
