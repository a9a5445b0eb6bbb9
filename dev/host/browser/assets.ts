/*
 * Builds (once, cached under build/standin/) the stand-in's browser files: the shared-deps bundle
 * (real React 18, EUI, charts ... as window.__kbnSharedDeps__), its CSS (charts theme, as Kibana loads
 * it globally), and the browser core. Renders the HTML page in the order of Kibana's bootstrap
 * (get_js_dependency_paths.ts): shared deps, core, plugin bundles, then the core boots.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { externalsPlugin, REPO_ROOT, BUILD_DIR } from '../../build/build';
import { KIBANA_SHARED_DEPS } from '../../build/shared_deps';
import { HOST_LAYOUT } from '../../build/targets';
import { BUNDLE_REGISTRY_SOURCE } from './bundle_registry';
import type { HostKind } from '../manifest';

export interface BrowserAssets {
  dir: string;
  /** URL name under /<buildNum>/bundles/ -> file. */
  files: Record<string, string>;
}

const SOURCES = ['shared_deps_entry.js', 'core.tsx', 'bundle_registry.ts', 'assets.ts'].map((f) => path.join(__dirname, f));

export async function prepareBrowserAssets(o: { log?: (line: string) => void } = {}): Promise<BrowserAssets> {
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json')));
  for (const f of SOURCES) hash.update(fs.readFileSync(f));
  const dir = path.join(BUILD_DIR, 'standin', hash.digest('hex').slice(0, 16));
  const files = { 'shared-deps.js': path.join(dir, 'shared-deps.js'), 'shared-deps.css': path.join(dir, 'shared-deps.css'), 'core.js': path.join(dir, 'core.js') };
  if (Object.values(files).every((f) => fs.existsSync(f))) return { dir, files };
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  o.log?.('building the stand-in browser files (shared deps with React, EUI, charts; browser core)...');
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
  await esbuild.build({ ...common, entryPoints: [path.join(__dirname, 'shared_deps_entry.js')], outfile: path.join(tmp, 'shared-deps.js') });
  fs.copyFileSync(path.join(REPO_ROOT, 'node_modules', '@elastic', 'charts', 'dist', 'theme_only_light.css'), path.join(tmp, 'shared-deps.css'));
  await esbuild.build({
    ...common,
    entryPoints: [path.join(__dirname, 'core.tsx')],
    outfile: path.join(tmp, 'core.js'),
    jsx: 'automatic',
    plugins: [externalsPlugin('__kbnSharedDeps__', KIBANA_SHARED_DEPS)],
  });
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
  const config = { host: o.host, hostVersion: o.hostVersion, basePath: o.basePath, bundlesGlobal: layout.bundlesGlobal, pluginIds: [o.pluginId], user: o.user };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>Elastic</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${bundles}/shared-deps.css">
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
<script src="${bundles}/shared-deps.js"></script>
<script src="${bundles}/core.js"></script>
<script src="${pluginPublicPath}${o.pluginId}.plugin.js"></script>
<script>${layout.bundlesGlobal}.get('entry/core/public').__kbnBootstrap__();</script>
</body>
</html>
`;
}
