/*
 * Builds (once, cached under build/standin/) the stand-in's browser files, per host: the shared-deps bundle
 * (Kibana: React 18, EUI, charts 73 as window.__kbnSharedDeps__; OSD: React 18, OUI, charts 31.1.0 as
 * window.__osdSharedDeps__), its CSS (the theme the host loads globally) and the browser core built against
 * that host's shared deps. Renders the HTML page in the order of Kibana's bootstrap
 * (get_js_dependency_paths.ts): shared deps, core, plugin bundles, then the core boots.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { externalsPlugin, REPO_ROOT, BUILD_DIR } from '../../build/build';
import { sharedDepsFor } from '../../build/shared_deps';
import { HOST_LAYOUT } from '../../build/targets';
import { BUNDLE_REGISTRY_SOURCE } from './bundle_registry';
import type { HostKind } from '../manifest';

export interface BrowserAssets {
  dir: string;
  /** URL name under /<buildNum>/bundles/ -> file. */
  files: Record<string, string>;
}

const SOURCES = ['shared_deps_kibana.js', 'shared_deps_osd.js', 'core.tsx', 'bundle_registry.ts', 'assets.ts'].map(
  (f) => path.join(__dirname, f),
);
const HOSTS: HostKind[] = ['kibana', 'osd'];
const nm = (...p: string[]) => path.join(REPO_ROOT, 'node_modules', ...p);
/** The CSS each host loads globally: Kibana the charts theme (EUI is Emotion); OSD OUI's theme and its charts'. */
const HOST_CSS: Record<HostKind, string[]> = {
  kibana: [nm('@elastic', 'charts', 'dist', 'theme_only_light.css')],
  osd: [
    nm('@opensearch-project', 'oui', 'dist', 'eui_theme_next_light.css'),
    nm('osd-elastic-charts', 'dist', 'theme_only_light.css'),
  ],
};
/** `@opensearch/datemath` is an OSD workspace package (not on npm), forked from @elastic/datemath 5.0.3. */
const OSD_ALIASES = { '@opensearch/datemath': '@elastic/datemath' };

export async function prepareBrowserAssets(o: { log?: (line: string) => void } = {}): Promise<BrowserAssets> {
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json')));
  for (const f of SOURCES) hash.update(fs.readFileSync(f));
  const dir = path.join(BUILD_DIR, 'standin', hash.digest('hex').slice(0, 16));
  const files: Record<string, string> = {};
  for (const host of HOSTS)
    for (const f of [`shared-deps-${host}.js`, `shared-deps-${host}.css`, `core-${host}.js`])
      files[f] = path.join(dir, f);
  if (Object.values(files).every((f) => fs.existsSync(f))) return { dir, files };
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  o.log?.(
    'building the stand-in browser files (per host: shared deps with React, EUI or OUI, charts; browser core)...',
  );
  const common: esbuild.BuildOptions = {
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    logLevel: 'silent',
  };
  for (const host of HOSTS) {
    await esbuild.build({
      ...common,
      alias: host === 'osd' ? OSD_ALIASES : {},
      entryPoints: [path.join(__dirname, `shared_deps_${host}.js`)],
      outfile: path.join(tmp, `shared-deps-${host}.js`),
    });
    fs.writeFileSync(
      path.join(tmp, `shared-deps-${host}.css`),
      HOST_CSS[host].map((f) => fs.readFileSync(f, 'utf8')).join('\n'),
    );
    await esbuild.build({
      ...common,
      entryPoints: [path.join(__dirname, 'core.tsx')],
      outfile: path.join(tmp, `core-${host}.js`),
      jsx: 'automatic',
      plugins: [externalsPlugin(HOST_LAYOUT[host].sharedDepsGlobal, sharedDepsFor(host))],
    });
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process built it first
  }
  return { dir, files };
}

export interface PageOptions {
  host: HostKind;
  hostVersion: string;
  basePath: string;
  buildNum: number;
  pluginId: string;
  pluginVersion: string;
  pluginBundleExists: boolean;
  user: { username: string; roles: string[] };
  assets: BrowserAssets;
}

const escapeScript = (json: string) => json.replace(/</g, '\\u003c');

export function renderPage(o: PageOptions): string {
  const layout = HOST_LAYOUT[o.host];
  const bundles = `${o.basePath}/${o.buildNum}/bundles`;
  // Kibana: /{buildNum}/bundles/plugin/{id}/{version}/ ; OSD has no version segment, kept the same here.
  const pluginPublicPath = `${bundles}/plugin/${o.pluginId}/${o.pluginVersion}/`;
  const config = {
    host: o.host,
    hostVersion: o.hostVersion,
    basePath: o.basePath,
    bundlesGlobal: layout.bundlesGlobal,
    pluginIds: [o.pluginId],
    user: o.user,
  };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>Elastic</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${bundles}/shared-deps-${o.host}.css">
<style>body{margin:0;font-family:Inter,-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}#app-container{padding:16px}#fatal-error{display:none;white-space:pre-wrap;margin:16px;padding:16px;border:2px solid #bd271e;color:#bd271e;font-family:monospace}</style>
<script>
window.__standinConfig__ = ${escapeScript(JSON.stringify(config))};
(${BUNDLE_REGISTRY_SOURCE})(window, ${JSON.stringify(layout.bundlesGlobal)});
window.${layout.publicPathGlobal} = ${escapeScript(JSON.stringify({ [o.pluginId]: pluginPublicPath }))};
</script>
</head>
<body>
<div id="chrome"></div>
<div id="fatal-error" data-test-subj="fatalError"></div>
<div id="app-container"></div>
<script src="${bundles}/shared-deps-${o.host}.js"></script>
<script src="${bundles}/core-${o.host}.js"></script>
<script src="${pluginPublicPath}${o.pluginId}.plugin.js"></script>
<script>${layout.bundlesGlobal}.get('entry/core/public').__kbnBootstrap__();</script>
</body>
</html>
`;
}
