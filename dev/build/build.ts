/*
 * Produces Kibana's (and OpenSearch Dashboards') plugin artifacts without the host's source tree
 * (host-contracts §6.6): what @kbn/plugin-helpers' build does (packages/kbn-plugin-helpers/src/tasks/*),
 * done with esbuild and npm.
 *
 *   build/<host>-<version>/<root>/elasticRecheck/   the build output (loadable by dev/host)
 *     kibana.json | opensearch_dashboards.json      exact host version; Kibana's has owner, OSD's no unknown keys
 *     package.json                                  name, version, production dependencies
 *     server/**.js, common/**.js                    CommonJS for Node 20/22, one file per source file
 *     node_modules/                                 production dependencies (npm ci --omit=dev)
 *     target/public/elasticRecheck.plugin.js(.gz,.br) the browser bundle, self-registering
 *   build/elasticRecheck-<version>.zip              the same tree, forward-slash entries
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as zlib from 'zlib';
import * as esbuild from 'esbuild';
import * as yazl from 'yazl';
import { HOST_LAYOUT, HostTarget, TARGETS, archiveName, targetKey } from './targets';
import { sharedDepsFor } from './shared_deps';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const BUILD_DIR = path.join(REPO_ROOT, 'build');

export class BuildError extends Error {}

interface SourceManifest {
  id: string;
  version: string;
  owner?: { name: string; githubTeam?: string };
  description?: string;
  server: boolean;
  ui: boolean;
  configPath?: string | string[];
  requiredPlugins?: string[];
  optionalPlugins?: string[];
  [k: string]: unknown;
}

export function readSourceManifest(): SourceManifest {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'kibana.json'), 'utf8'));
}

/**
 * Kibana's optional plugins that OSD does not have (OSD would fail on a missing required one; optional ones are simply absent).
 * `share` is not among them: OSD has a share plugin (src/plugins/share, setup `register({ id, getShareMenuItems })`) that
 * public/discover/save_as_signature.tsx uses for Discover's share menu.
 */
const KIBANA_ONLY_PLUGINS = new Set(['taskManager', 'features', 'security', 'spaces']);

/** The manifest for one target: exact host version; only keys the host's parser knows (plugin_manifest_parser.ts). */
export function manifestFor(target: HostTarget, source: SourceManifest = readSourceManifest()): Record<string, unknown> {
  if (target.host === 'kibana') {
    // write_server_files.ts: {...manifest, kibanaVersion}
    return { ...source, kibanaVersion: target.version };
  }
  return {
    id: source.id,
    version: source.version,
    opensearchDashboardsVersion: target.version,
    server: source.server,
    ui: source.ui,
    configPath: source.configPath ? (Array.isArray(source.configPath) ? source.configPath : [source.configPath]) : undefined,
    requiredPlugins: (source.requiredPlugins ?? []).filter((p) => !KIBANA_ONLY_PLUGINS.has(p)),
    optionalPlugins: (source.optionalPlugins ?? []).filter((p) => !KIBANA_ONLY_PLUGINS.has(p)),
  };
}

function rootPackage(): { name: string; version: string; license?: string; dependencies?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
}

const NODE_BUILTINS = new Set(builtinModules);

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Server and common code, transpiled file by file to CommonJS like plugin-helpers does. The file set is
 * the import closure of server/index.ts (so a helper outside server/ and common/ is included, and test
 * files are not); every bare import must be a Node built-in or a production dependency.
 */
export async function buildServer(pluginDir: string): Promise<{ files: number }> {
  const deps = new Set(Object.keys(rootPackage().dependencies ?? {}));
  const scan = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'server', 'index.ts')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    plugins: [
      {
        name: 'check-bare-imports',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            const name = packageName(args.path.replace(/^node:/, ''));
            if (args.path.startsWith('node:') || NODE_BUILTINS.has(name)) return { external: true };
            if (!deps.has(name)) {
              return { errors: [{ text: `server code imports "${args.path}" (from ${path.relative(REPO_ROOT, args.importer)}), which is not in package.json "dependencies"` }] };
            }
            return { external: true };
          });
        },
      },
    ],
  }).catch((e: any) => {
    throw new BuildError(`server build failed:\n${(e.errors ?? []).map((x: any) => `  ${x.text}`).join('\n') || e.message}`);
  });
  const inputs = Object.keys(scan.metafile!.inputs).map((p) => path.resolve(REPO_ROOT, p)).filter((p) => !p.includes(`${path.sep}node_modules${path.sep}`));
  await esbuild.build({
    entryPoints: inputs,
    outbase: REPO_ROOT,
    outdir: pluginDir,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: false,
    logLevel: 'silent',
    loader: { '.json': 'copy' },
  });
  return { files: inputs.length };
}

/** An esbuild plugin that maps shared deps to the host's global (webpack `externalsType: 'var'`). */
export function externalsPlugin(globalName: string, map: Record<string, string>): esbuild.Plugin {
  return {
    name: 'host-shared-deps',
    setup(b) {
      const names = Object.keys(map).map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
      b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'host-shared-dep' }));
      b.onLoad({ filter: /.*/, namespace: 'host-shared-dep' }, (args) => ({
        contents: `var deps = window.${globalName}; if (!deps || !(${JSON.stringify(map[args.path])} in deps)) throw new Error('shared dependency ${args.path} (${globalName}.${map[args.path]}) is not provided by the host'); module.exports = deps[${JSON.stringify(map[args.path])}];`,
        loader: 'js',
      }));
    },
  };
}

/** CSS imported by browser code is injected as a <style> element when the bundle runs (Kibana uses style-loader). */
const injectCssPlugin: esbuild.Plugin = {
  name: 'inject-css',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const css = await fs.promises.readFile(args.path, 'utf8');
      return {
        contents: `var s = document.createElement('style'); s.setAttribute('data-plugin', 'elasticRecheck'); s.textContent = ${JSON.stringify(css)}; document.head.appendChild(s);`,
        loader: 'js',
      };
    });
    b.onLoad({ filter: /\.s[ac]ss$/ }, (args) => ({ errors: [{ text: `${path.relative(REPO_ROOT, args.path)}: Sass is not supported by this build; use plain CSS` }] }));
  },
};

export interface BrowserBundleResult {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * The browser bundle in the optimizer's format (packages/kbn-optimizer/src/worker/entry_point_creator.ts):
 * an IIFE that sets the public path from `__kbnPublicPath__[id]` first, then registers the plugin module
 * with `__kbnBundles__.define('plugin/<id>/public', ...)`. Shared deps come from `__kbnSharedDeps__`.
 * esbuild emits chunks only for ES-module output, which a classic <script> cannot load, so the lazily
 * imported application code is inlined into this one file.
 */
export async function buildBrowser(target: HostTarget, pluginDir: string, pluginId: string): Promise<BrowserBundleResult> {
  const layout = HOST_LAYOUT[target.host];
  const outDir = path.join(pluginDir, 'target', 'public');
  fs.mkdirSync(outDir, { recursive: true });
  const publicIndex = path.join(REPO_ROOT, 'public', 'index.ts').split(path.sep).join('/');
  const entry = [
    `var publicPaths = window.${layout.publicPathGlobal};`,
    `if (!publicPaths || typeof publicPaths[${JSON.stringify(pluginId)}] !== 'string') throw new Error('${layout.publicPathGlobal}[${pluginId}] is not set by the host');`,
    `window.__elasticRecheckPublicPath__ = publicPaths[${JSON.stringify(pluginId)}];`,
    `var pluginModule = require(${JSON.stringify(publicIndex)});`,
    `window.${layout.bundlesGlobal}.define('plugin/${pluginId}/public', function () { return pluginModule; });`,
  ].join('\n');
  const file = path.join(outDir, `${pluginId}.plugin.js`);
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: REPO_ROOT, sourcefile: `${pluginId}.entry.js`, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    outfile: file,
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [externalsPlugin(layout.sharedDepsGlobal, sharedDepsFor(target.host)), injectCssPlugin],
    logLevel: 'silent',
    metafile: true,
  }).catch((e: any) => {
    throw new BuildError(`browser build (${targetKey(target)}) failed:\n${(e.errors ?? []).map((x: any) => `  ${x.text}${x.location ? ` (${x.location.file}:${x.location.line})` : ''}`).join('\n') || e.message}`);
  });
  void result;
  const code = fs.readFileSync(file);
  // brotliCompressBundles: the host serves precompressed files when present.
  const gz = zlib.gzipSync(code, { level: 9 });
  fs.writeFileSync(`${file}.gz`, gz);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(code));
  return { file, bytes: code.length, gzipBytes: gz.length };
}

/**
 * Production dependencies, installed with `npm install --omit=dev` into build/.deps (once per set of
 * versions) and copied into each archive. Direct dependencies are pinned to the versions the root
 * lockfile resolved, so the archive runs the code the tests ran.
 */
export function installProductionDeps(log: (line: string) => void, depsDir = path.join(BUILD_DIR, '.deps')): string {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  const pinned: Record<string, string> = {};
  for (const [name, range] of Object.entries(rootPackage().dependencies ?? {})) {
    pinned[name] = lock.packages?.[`node_modules/${name}`]?.version ?? range;
  }
  const manifest = JSON.stringify({ name: 'elastic-recheck-production-deps', private: true, dependencies: pinned }, null, 2);
  const hash = crypto.createHash('sha256').update(manifest).digest('hex');
  const stamp = path.join(depsDir, '.stamp');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return path.join(depsDir, 'node_modules');
  // Install into a private folder, then move it in place: parallel builds (test workers) never see half a tree.
  const work = `${depsDir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(path.join(work, 'package.json'), manifest);
  log(`installing production dependencies (npm install --omit=dev): ${Object.entries(pinned).map(([n, v]) => `${n}@${v}`).join(', ')}`);
  const npm = spawnSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', '--loglevel=error'], { cwd: work, encoding: 'utf8' });
  if (npm.status !== 0) {
    fs.rmSync(work, { recursive: true, force: true });
    throw new BuildError(`npm install --omit=dev failed:\n${npm.stderr || npm.stdout}`);
  }
  fs.mkdirSync(path.join(work, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(work, '.stamp'), hash);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) {
    fs.rmSync(work, { recursive: true, force: true }); // another build finished first
  } else {
    fs.rmSync(depsDir, { recursive: true, force: true });
    fs.renameSync(work, depsDir);
  }
  return path.join(depsDir, 'node_modules');
}

export function zipDirectory(baseDir: string, entries: string[], zipFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const walk = (rel: string) => {
      const abs = path.join(baseDir, rel);
      const stat = fs.statSync(abs);
      if (stat.isDirectory()) {
        for (const child of fs.readdirSync(abs).sort()) walk(path.join(rel, child));
      } else {
        zip.addFile(abs, rel.split(path.sep).join('/'), { mtime: new Date(0), mode: stat.mode });
      }
    };
    for (const e of entries) walk(e);
    zip.end();
    const out = fs.createWriteStream(zipFile);
    zip.outputStream.pipe(out).on('close', () => resolve()).on('error', reject);
  });
}

export interface TargetBuild {
  target: HostTarget;
  /** The plugin folder, e.g. build/kibana-9.5.4/kibana/elasticRecheck. */
  pluginDir: string;
  archive: string;
  bundle: BrowserBundleResult;
}

export interface BuildOptions {
  targets?: readonly HostTarget[];
  log?: (line: string) => void;
  /** Skip node_modules (faster; the archive is then incomplete). */
  skipDependencies?: boolean;
  /** Where staging folders and zips go; default build/ (tests use a temporary folder). */
  outDir?: string;
}

export const BUILT_TARGETS_FILE = 'targets.json';

export async function buildAll(options: BuildOptions = {}): Promise<TargetBuild[]> {
  const log = options.log ?? (() => undefined);
  const targets = options.targets ?? TARGETS;
  const source = readSourceManifest();
  const pkg = rootPackage();
  if (source.version !== pkg.version) throw new BuildError(`kibana.json version ${source.version} differs from package.json version ${pkg.version}`);
  const depsModules = options.skipDependencies ? undefined : installProductionDeps(log);
  const builds: TargetBuild[] = [];
  for (const target of targets) {
    const layout = HOST_LAYOUT[target.host];
    const outDir = options.outDir ?? BUILD_DIR;
    const stage = path.join(outDir, targetKey(target));
    fs.rmSync(stage, { recursive: true, force: true });
    const pluginDir = path.join(stage, layout.rootFolder, source.id);
    fs.mkdirSync(pluginDir, { recursive: true });
    fs.writeFileSync(path.join(pluginDir, layout.manifestFile), JSON.stringify(stripUndefined(manifestFor(target, source)), null, 2) + '\n');
    fs.writeFileSync(
      path.join(pluginDir, 'package.json'),
      JSON.stringify({ name: pkg.name, version: pkg.version, private: true, license: pkg.license, main: 'server/index.js', dependencies: pkg.dependencies ?? {} }, null, 2) + '\n',
    );
    const server = await buildServer(pluginDir);
    const bundle = await buildBrowser(target, pluginDir, source.id);
    if (depsModules) fs.cpSync(depsModules, path.join(pluginDir, 'node_modules'), { recursive: true });
    const archive = path.join(outDir, archiveName(source.id, target));
    fs.rmSync(archive, { force: true });
    await zipDirectory(stage, [layout.rootFolder], archive);
    log(
      `${targetKey(target)}: ${server.files} server/common files, browser bundle ${kb(bundle.bytes)} (${kb(bundle.gzipBytes)} gzip), archive ${path.relative(process.cwd(), archive)} ${kb(fs.statSync(archive).size)}`,
    );
    builds.push({ target, pluginDir, archive, bundle });
  }
  // What this build produced, for `npm run verify-archive` without arguments.
  fs.writeFileSync(path.join(options.outDir ?? BUILD_DIR, BUILT_TARGETS_FILE), JSON.stringify(builds.map((b) => b.target), null, 2) + '\n');
  return builds;
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
