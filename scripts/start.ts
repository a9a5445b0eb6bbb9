/*
 * npm start: the product on one machine, in the host stand-in.
 *  1. builds the plugin (npm run build's code, for the chosen host);
 *  2. starts the embedded engine with its data in .data/engine (or uses --engine-url);
 *  3. on the first start, indexes generated demo CI logs (generator/, demo/signatures), and serves their
 *     builds from a demo Zuul feed (dev/demo/demo_zuul.ts) so the background loop has work;
 *  4. starts the stand-in on 127.0.0.1:5601 with the built plugin, imports the demo signatures when
 *     none are stored yet, prints the URL and the users;
 *  5. Ctrl-C stops everything it started. A second start reuses the engine data.
 * Plugin config (`elastic_recheck.*`, e.g. zuul.url for the background loop) comes from --config <json>.
 * --no-demo: engine and stand-in only (no demo logs, feed or signatures); --signatures DIR imports a
 * signature directory (`<bug>.yaml` files and/or bundles) through the import route; --logs-index PATTERN
 * sets elastic_recheck.logs.indexPattern.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, runMain, usage, UsageError } from '../lib/cli_args';
import { buildAll, REPO_ROOT } from '../dev/build/build';
import { HostKind, TARGETS } from '../dev/build/targets';
import { startStandIn, StandIn } from '../dev/host/stand_in';
import { startEngine, RunningEngine } from '../engine/node/engine_process';
import { httpEngineClient, EngineClient } from '../lib/engine_client';
import { LOG_INDEX_PREFIX } from '../common/constants';
import { saveDemoBuilds, startDemoZuul } from '../dev/demo/demo_zuul';
import { saveDemoBugs, startDemoTracker } from '../dev/demo/demo_tracker';

const SPECS = {
  'engine-url': { type: 'string' as const, description: 'use this engine instead of starting the embedded one' },
  port: { type: 'int' as const, description: 'stand-in HTTP port on 127.0.0.1', default: 5601 },
  'engine-port': { type: 'int' as const, description: 'embedded engine HTTP port (default: a free one)' },
  data: { type: 'string' as const, description: 'directory for the embedded engine data', default: '.data' },
  host: { type: 'string' as const, description: 'kibana or osd', default: 'kibana' },
  builds: { type: 'int' as const, description: 'demo builds generated on the first start', default: 400 },
  config: { type: 'string' as const, description: 'JSON file with the plugin config (elastic_recheck.*)' },
  'skip-build': { type: 'boolean' as const, description: 'use the existing build/ output' },
  'no-demo': {
    type: 'boolean' as const,
    description: 'engine and stand-in only: no demo logs, demo Zuul feed or demo signatures',
  },
  signatures: {
    type: 'string' as const,
    description: 'import this directory of <bug>.yaml files / bundles (instead of the demo signatures)',
  },
  'logs-index': {
    type: 'string' as const,
    description: 'index pattern of the CI logs (elastic_recheck.logs.indexPattern)',
  },
  help: { type: 'boolean' as const, description: 'show this help' },
};

const say = (line: string) => process.stdout.write(`${line}\n`);

async function countLogs(engine: EngineClient): Promise<number> {
  const r = await engine.request<{ count: number }>({
    method: 'GET',
    path: `/${LOG_INDEX_PREFIX}*/_count`,
    querystring: { allow_no_indices: true, ignore_unavailable: true },
  });
  return r.count;
}

/**
 * Generated CI logs over the last 10 days, with the demo signatures' errors in the failed builds; the
 * build list is kept in `buildsFile` for the demo Zuul feed.
 */
async function loadDemoData(engine: EngineClient, builds: number, buildsFile: string): Promise<void> {
  const existing = await countLogs(engine);
  if (existing > 0) {
    say(`demo data: reusing ${existing.toLocaleString('en-US')} log lines already in ${LOG_INDEX_PREFIX}*`);
    return;
  }
  const { DataGenerator, indexGeneratedData, loadSignatureDirectory } = await import('../generator');
  const { signatures, rejected } = loadSignatureDirectory(path.join(REPO_ROOT, 'demo', 'signatures'));
  for (const r of rejected) say(`demo signature skipped: ${r.file}: ${r.reason}`);
  const generator = new DataGenerator({ signatures, builds, seed: 'demo', days: 10 });
  say(`demo data: generating ${builds} builds over 10 days from ${generator.usable.length} demo signatures...`);
  const result = await indexGeneratedData(engine, generator, { prefix: LOG_INDEX_PREFIX });
  say(
    `demo data: ${result.truth.counts.lines.toLocaleString('en-US')} log lines indexed in ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );
  saveDemoBuilds(buildsFile, result.truth.builds);
  saveDemoBugs(path.join(path.dirname(buildsFile), 'demo_bugs.json'), generator);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** `over` wins, recursively for objects. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over))
    out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** The `.yaml` / `.yml` / `.json` files of a signature directory, for the import route. */
export function signatureFiles(dir: string): Array<{ name: string; content: string }> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`--signatures ${dir}: not a directory`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((name) => ({ name, content: fs.readFileSync(path.join(dir, name), 'utf8') }));
  if (!files.length) throw new UsageError(`--signatures ${dir}: no .yaml, .yml or .json files`);
  return files;
}

/**
 * Imports a signature directory through the plugin's own import route: a dry run first, its per-file
 * problems printed, then the files that can be imported (new ones; existing signatures are left as they are).
 */
async function importSignatures(
  standIn: StandIn,
  label: string,
  files: Array<{ name: string; content: string }>,
): Promise<void> {
  const dry = await standIn.request('POST', '/api/elastic_recheck/import', { body: { dryRun: true, files } });
  if (dry.status !== 200) throw new Error(`importing ${label} failed: ${dry.status} ${JSON.stringify(dry.body)}`);
  for (const item of dry.body.items) {
    for (const e of item.errors) say(`${label}: ${item.file}: ${item.outcome}: ${e.message}`);
    for (const r of item.rewrites ?? []) say(`${label}: ${item.file}: runs as ${r.to} (written ${r.from})`);
  }
  const importable = new Set(dry.body.items.filter((i: any) => i.outcome === 'created').map((i: any) => i.file));
  const r = importable.size
    ? await standIn.request('POST', '/api/elastic_recheck/import', {
        body: { dryRun: false, files: files.filter((f) => importable.has(f.name)) },
      })
    : { status: 200, body: { counts: { created: 0 } } };
  if (r.status !== 200) throw new Error(`importing ${label} failed: ${r.status} ${JSON.stringify(r.body)}`);
  const c = dry.body.counts;
  say(
    `${label}: ${r.body.counts.created} created, ${c.unchanged} unchanged, ${c.conflict} differ from the stored ones (kept), ${c.invalid} invalid`,
  );
}

/** Imports demo/signatures when no signature is stored yet. */
async function loadDemoSignatures(standIn: StandIn): Promise<void> {
  const list = await standIn.request('GET', '/api/elastic_recheck/signatures?perPage=1');
  if (list.status !== 200) throw new Error(`listing signatures failed: ${list.status} ${JSON.stringify(list.body)}`);
  if (list.body.total > 0) {
    say(`demo signatures: reusing ${list.body.total} stored signatures`);
    return;
  }
  await importSignatures(standIn, 'demo signatures', signatureFiles(path.join(REPO_ROOT, 'demo', 'signatures')));
}

/**
 * Waits (at most two minutes) for the background pass to fetch the demo bugs from the demo tracker, so the first
 * page opened shows their titles: on Kibana the task manager runs the first pass at once, OSD's interval loop
 * after one interval (a minute).
 */
async function waitForDemoBugTitles(standIn: StandIn, expected: number): Promise<void> {
  const deadline = Date.now() + 120000;
  let titled = 0;
  for (;;) {
    const r = await standIn.request('GET', '/api/elastic_recheck/bugs');
    titled = r.status === 200 ? (r.body.bugs ?? []).filter((b: any) => typeof b.title === 'string').length : 0;
    if (titled >= expected || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  say(
    titled >= expected
      ? `demo bug tracker: titles of ${titled} bugs fetched`
      : `demo bug tracker: ${titled} of ${expected} bug titles fetched so far (the background pass fetches the rest)`,
  );
}

runMain(async () => {
  const { options, positionals } = parseArgs(process.argv.slice(2), SPECS);
  if (options.help) {
    say(usage('npm start --', SPECS));
    return;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const host = options.host as HostKind;
  if (host !== 'kibana' && host !== 'osd') throw new UsageError(`--host must be kibana or osd, got "${host}"`);
  let config: Record<string, unknown> = {};
  if (options.config) {
    try {
      config = JSON.parse(fs.readFileSync(options.config as string, 'utf8'));
    } catch (error: any) {
      throw new UsageError(`--config ${options.config}: ${error.message}`);
    }
  }
  const target = TARGETS.find((t) => t.host === host)!;
  const demo = !options['no-demo'];
  const signatureDir = options.signatures as string | undefined;
  const ownSignatures = signatureDir ? signatureFiles(path.resolve(signatureDir)) : undefined;
  if (options['logs-index'] !== undefined) {
    const pattern = String(options['logs-index']).trim();
    if (!pattern || /[\s"\\/]/.test(pattern))
      throw new UsageError(`--logs-index: "${pattern}" is not an index pattern`);
    config = merge(config, { logs: { indexPattern: pattern } });
  }

  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nstopping...');
    for (const c of cleanups.reverse()) await c().catch((e) => process.stderr.write(`${e?.message ?? e}\n`));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  // One npm start per data directory and port: say so plainly instead of letting the engine fail on its lock.
  const net = await import('net');
  const portFree = await new Promise<boolean>((resolve) => {
    const probe = net
      .createServer()
      .once('error', () => resolve(false))
      .listen(options.port as number, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (!portFree)
    throw new UsageError(`port ${options.port} on 127.0.0.1 is in use (another npm start?); choose one with --port`);
  const pidFile = path.resolve(options.data as string, 'start.pid');
  if (!options['engine-url'] && fs.existsSync(pidFile)) {
    const other = Number(fs.readFileSync(pidFile, 'utf8'));
    let alive = false;
    try {
      process.kill(other, 0);
      alive = other !== process.pid;
    } catch {
      alive = false;
    }
    if (alive)
      throw new UsageError(
        `another npm start (pid ${other}) is using ${path.relative(process.cwd(), path.dirname(pidFile))}/; stop it first or pass --data`,
      );
  }
  if (!options['engine-url']) {
    fs.mkdirSync(path.dirname(pidFile), { recursive: true });
    fs.writeFileSync(pidFile, String(process.pid));
    cleanups.push(async () => fs.rmSync(pidFile, { force: true }));
  }

  try {
    let pluginDir: string;
    if (options['skip-build']) {
      pluginDir = path.join(
        REPO_ROOT,
        'build',
        `${host}-${target.version}`,
        host === 'kibana' ? 'kibana' : 'opensearch-dashboards',
        'elasticRecheck',
      );
      if (!fs.existsSync(pluginDir))
        throw new UsageError(
          `--skip-build: ${path.relative(process.cwd(), pluginDir)} does not exist; run npm run build`,
        );
    } else {
      say(`building the plugin for ${host} ${target.version}...`);
      const [built] = await buildAll({ targets: [target], log: say });
      pluginDir = built.pluginDir;
    }

    let engineUrl = options['engine-url'] as string | undefined;
    if (!engineUrl) {
      const home = path.resolve(options.data as string, 'engine');
      fs.mkdirSync(home, { recursive: true });
      say(`starting the embedded engine (data in ${path.relative(process.cwd(), home)})...`);
      const engine: RunningEngine = await startEngine({
        home,
        port: options['engine-port'] as number | undefined,
        heap: process.env.ENGINE_HEAP ?? '1g',
      });
      cleanups.push(() => engine.stop());
      engineUrl = engine.url;
      say(`engine: ${engineUrl}`);
    }
    const engine = httpEngineClient(engineUrl);
    await engine.request({
      method: 'GET',
      path: '/_cluster/health',
      querystring: { wait_for_status: 'yellow', timeout: '60s' },
    });
    const dataDir = path.resolve(options.data as string);
    fs.mkdirSync(dataDir, { recursive: true });
    const buildsFile = path.join(dataDir, 'demo_builds.json');
    if (demo) await loadDemoData(engine, options.builds as number, buildsFile);
    else say('demo: off (--no-demo): no demo logs, feed or signatures');

    // The demo Zuul feed, unless the config names a Zuul: the background loop then takes in the demo's
    // failed builds, classifies them and records results (no Gerrit, no chat).
    const userZuul = isObject(config.zuul) && config.zuul.url !== undefined;
    if (!demo) {
      // nothing to add: the background loop runs only when the config names a Zuul
    } else if (!userZuul && fs.existsSync(buildsFile)) {
      const zuul = await startDemoZuul(buildsFile);
      cleanups.push(() => zuul.stop());
      // The generated logs carry no end-of-log marker line in every build, so readiness relies on the files.
      config = merge(
        {
          schedule: { enabled: true },
          engine: { url: engineUrl },
          zuul: { url: zuul.url, tenants: zuul.tenants, startFrom: 'beginning' },
          readiness: { endMarker: false },
        },
        config,
      );
      say(`demo Zuul feed: ${zuul.builds} builds at ${zuul.url} (the background loop takes the failed ones in)`);
    } else if (!userZuul) {
      say(
        `demo Zuul feed: off (${path.relative(process.cwd(), buildsFile)} is missing; delete ${path.relative(process.cwd(), dataDir)} for fresh demo data)`,
      );
    }

    // The demo bug tracker (a local Launchpad), unless the config names one: titles (demo/bugs.json) and
    // statuses on every page, fixed-and-silent bugs in the cleanup report, and a fixed bug that keeps failing.
    const bugsConfig = isObject(config.bugs) ? config.bugs : {};
    let demoBugs = 0;
    if (!(isObject(bugsConfig.launchpad) && bugsConfig.launchpad.url !== undefined)) {
      const tracker = await startDemoTracker(
        path.join(REPO_ROOT, 'demo', 'signatures'),
        path.join(dataDir, 'demo_bugs.json'),
        buildsFile,
      );
      cleanups.push(() => tracker.stop());
      config = merge(
        {
          bugs: { launchpad: { url: tracker.launchpadUrl }, maxAge: '10m', cleanup: { closedDays: 2, silentDays: 9 } },
        },
        config,
      );
      say(`demo bug tracker: ${tracker.bugs} Launchpad bugs at ${tracker.launchpadUrl}`);
      demoBugs = tracker.bugs;
    }

    const standIn = await startStandIn({
      pluginDir,
      host,
      engineUrl,
      port: options.port as number,
      indexPrefix: '.kibana_standin',
      config,
      logLevel: 'info',
    });
    cleanups.push(() => standIn.stop());
    if (ownSignatures) await importSignatures(standIn, `signatures from ${signatureDir}`, ownSignatures);
    else if (demo) await loadDemoSignatures(standIn);
    if (demo && !ownSignatures && demoBugs) await waitForDemoBugTitles(standIn, demoBugs);
    say('');
    say(
      `elastic-recheck is running in the ${host === 'kibana' ? 'Kibana' : 'OpenSearch Dashboards'} ${target.version} stand-in:`,
    );
    say(`  ${standIn.url}/app/elasticRecheck`);
    say('  users (password "changeme"): writer (can edit signatures), reader (read only), elastic (superuser)');
    if (host === 'osd')
      say(
        "  and nobody (no role); OSD access follows the security plugin's roles and elastic_recheck.access (docs/api.md)",
      );
    say('Ctrl-C stops the stand-in and the engine; the data stays in .data/ for the next start.');
  } catch (error) {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw error;
  }
});
