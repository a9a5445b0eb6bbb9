/*
 * The archive validator applies the install CLI's checks: the real archive from the build passes, and
 * each kind of broken archive fails with the CLI's reason. Broken archives are the built tree with one
 * thing changed, zipped again.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { BUNDLE_REGISTRY_SOURCE } from '../host/browser/bundle_registry';
import { zipDirectory } from './build';
import { ArchiveError, verifyArchive } from './verify_archive';
import { buildForTest, TestBuild } from '../host/testing';
import { TARGETS } from './targets';

const KIBANA = TARGETS.find((t) => t.host === 'kibana')!;
const OSD = TARGETS.find((t) => t.host === 'osd')!;

let kibana: TestBuild;
let osd: TestBuild;

beforeAll(async () => {
  [kibana, osd] = await Promise.all([buildForTest('kibana'), buildForTest('osd')]);
});
afterAll(() => {
  kibana?.cleanup();
  osd?.cleanup();
});

/** Copies the Kibana build's tree (without node_modules), lets `change` edit it, zips it. */
async function brokenArchive(name: string, change: (root: string, pluginDir: string) => void): Promise<string> {
  const root = path.join(kibana.dir, `broken-${name}`);
  fs.cpSync(path.join(kibana.dir, 'kibana-' + KIBANA.version), root, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  const pluginDir = path.join(root, 'kibana', 'elasticRecheck');
  change(root, pluginDir);
  const zip = path.join(kibana.dir, `broken-${name}.zip`);
  await zipDirectory(root, fs.readdirSync(root), zip);
  return zip;
}

function editManifest(pluginDir: string, edit: (m: any) => void): void {
  const file = path.join(pluginDir, 'kibana.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(m);
  fs.writeFileSync(file, JSON.stringify(m));
}

async function problems(zip: string, hostVersion = KIBANA.version): Promise<string[]> {
  try {
    await verifyArchive(zip, { host: 'kibana', hostVersion });
  } catch (error) {
    if (error instanceof ArchiveError) return error.problems;
    throw error;
  }
  return [];
}

describe('verifyArchive', () => {
  it('passes the built archives for both hosts', async () => {
    const k = await verifyArchive(kibana.build.archive, { host: 'kibana', hostVersion: KIBANA.version });
    expect(k).toMatchObject({ id: 'elasticRecheck', pluginFolder: 'kibana/elasticRecheck', hostVersion: KIBANA.version });
    const o = await verifyArchive(osd.build.archive, { host: 'osd', hostVersion: OSD.version });
    expect(o).toMatchObject({ id: 'elasticRecheck', pluginFolder: 'opensearch-dashboards/elasticRecheck', hostVersion: OSD.version });
    expect(path.basename(kibana.build.archive)).toBe(`elasticRecheck-${KIBANA.version}.zip`);
  });

  it('fails an archive for another Kibana version (strict x.y.z equality)', async () => {
    expect(await problems(kibana.build.archive, '9.5.3')).toEqual([
      `Plugin elasticRecheck [${KIBANA.version}] is incompatible with Kibana [9.5.3]`,
      expect.stringContaining('is only compatible with Kibana version'),
    ]);
  });

  it('fails the OSD archive on Kibana and vice versa (manifest not found by its path)', async () => {
    await expect(verifyArchive(osd.build.archive, { host: 'kibana', hostVersion: KIBANA.version })).rejects.toThrow('No kibana plugins found in archive');
    await expect(verifyArchive(kibana.build.archive, { host: 'osd', hostVersion: OSD.version })).rejects.toThrow('No opensearch-dashboards plugins found in archive');
    // OSD's newer policy: major-only when asked
    expect((await verifyArchive(osd.build.archive, { host: 'osd', hostVersion: '3.1.0', osdVersionMode: 'major' })).id).toBe('elasticRecheck');
    await expect(verifyArchive(osd.build.archive, { host: 'osd', hostVersion: '3.1.0' })).rejects.toThrow('incompatible with OpenSearch Dashboards [3.1.0]');
  });

  it.each([
    ['an unknown manifest key', (m: any) => (m.extra = 1), 'contains the following unrecognized properties: extra'],
    ['a non-camelCase id', (m: any) => (m.id = 'elastic_recheck'), 'Invalid plugin name [elastic_recheck] in kibana.json, expected it to be valid camelCase'],
    ['no owner', (m: any) => delete m.owner, 'must contain an "owner" property'],
    ['the "kibana" wildcard', (m: any) => (m.kibanaVersion = 'kibana'), `Plugin elasticRecheck [kibana] is incompatible with Kibana [${KIBANA.version}]`],
    ['no version at all', (m: any) => (delete m.version, delete m.kibanaVersion), 'is missing both a version property (required) and a kibanaVersion property (optional)'],
  ])('fails a manifest with %s', async (_name, edit, message) => {
    const zip = await brokenArchive(String(_name).replace(/\W+/g, '-'), (_root, dir) => editManifest(dir, edit));
    expect((await problems(zip)).join('\n')).toContain(message);
  });

  it('fails an archive without the browser bundle or the server entry it declares', async () => {
    const zip = await brokenArchive('no-bundle', (_root, dir) => {
      fs.rmSync(path.join(dir, 'target'), { recursive: true });
      fs.rmSync(path.join(dir, 'server', 'index.js'));
    });
    expect(await problems(zip)).toEqual([
      'server: true but kibana/elasticRecheck/server/index.js is missing',
      'ui: true but kibana/elasticRecheck/target/public/elasticRecheck.plugin.js is missing',
    ]);
  });

  it('fails an archive with files outside the plugin folder', async () => {
    const zip = await brokenArchive('stray', (root) => fs.writeFileSync(path.join(root, 'README.txt'), 'stray'));
    expect(await problems(zip)).toEqual(['entry "README.txt" lies outside the plugin folder kibana/elasticRecheck/ and would be dropped at install']);
  });
});

/** Runs a built plugin bundle in a bare script context with only the globals a host page defines. */
function runBundle(file: string, globals: { bundles: string; publicPath: string; sharedDeps: string }, withPublicPath = true) {
  const window: Record<string, any> = {};
  window.window = window;
  vm.createContext(window);
  vm.runInContext(`(${BUNDLE_REGISTRY_SOURCE})(window, ${JSON.stringify(globals.bundles)});`, window);
  if (withPublicPath) window[globals.publicPath] = { elasticRecheck: '/1/bundles/plugin/elasticRecheck/0.1.0/' };
  const shared = new Proxy({}, { has: () => true, get: (_t, name) => ({ sharedDep: String(name) }) });
  window[globals.sharedDeps] = shared;
  vm.runInContext(fs.readFileSync(file, 'utf8'), window, { filename: path.basename(file) });
  return window;
}

describe('the browser bundle format (kbn-optimizer entry_point_creator.ts)', () => {
  it('registers plugin/elasticRecheck/public with __kbnBundles__ and exports plugin()', () => {
    const file = path.join(kibana.build.pluginDir, 'target', 'public', 'elasticRecheck.plugin.js');
    const window = runBundle(file, { bundles: '__kbnBundles__', publicPath: '__kbnPublicPath__', sharedDeps: '__kbnSharedDeps__' });
    expect(window.__kbnBundles__.has('plugin/elasticRecheck/public')).toBe(true);
    expect(typeof window.__kbnBundles__.get('plugin/elasticRecheck/public').plugin).toBe('function');
    // React and EUI are not inside: the bundle is small and names the shared-deps global
    const code = fs.readFileSync(file, 'utf8');
    expect(code).toContain('__kbnSharedDeps__');
    expect(code).not.toContain('__osdSharedDeps__');
    expect(code).not.toMatch(/react\.production\.min|ReactCurrentDispatcher/);
    expect(fs.existsSync(`${file}.gz`) && fs.existsSync(`${file}.br`)).toBe(true);
  });

  it('refuses to run without the public path, and registers twice only with an error', () => {
    const file = path.join(kibana.build.pluginDir, 'target', 'public', 'elasticRecheck.plugin.js');
    expect(() => runBundle(file, { bundles: '__kbnBundles__', publicPath: '__kbnPublicPath__', sharedDeps: '__kbnSharedDeps__' }, false)).toThrow('__kbnPublicPath__[elasticRecheck] is not set by the host');
    const window = runBundle(file, { bundles: '__kbnBundles__', publicPath: '__kbnPublicPath__', sharedDeps: '__kbnSharedDeps__' });
    expect(() => vm.runInContext(fs.readFileSync(file, 'utf8'), window)).toThrow('__kbnBundles__ already has a module defined for "plugin/elasticRecheck/public"');
  });

  it('uses __osdBundles__ and __osdSharedDeps__ in the OpenSearch Dashboards bundle', () => {
    const file = path.join(osd.build.pluginDir, 'target', 'public', 'elasticRecheck.plugin.js');
    const window = runBundle(file, { bundles: '__osdBundles__', publicPath: '__osdPublicPath__', sharedDeps: '__osdSharedDeps__' });
    expect(typeof window.__osdBundles__.get('plugin/elasticRecheck/public').plugin).toBe('function');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('__kbnSharedDeps__');
  });
});
