/** @jest-layer engine */
/*
 * The Kibana archive as an admin gets it: built, verified, unzipped into a fresh folder the way
 * `bin/kibana-plugin install` extracts it (plugins/<id>/ from kibana/<id>/), and run there by the
 * stand-in, which must find everything it needs inside that folder (server code, production
 * node_modules, the browser bundle). The health route answers through the real @elastic/elasticsearch
 * client (via the test-only proxy) from the real engine.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yauzl from 'yauzl';
import { execFileSync } from 'child_process';
import { engineUrl, engineRequest, uniqueName } from '../setup/engine';
import { buildForTest, deleteStandInIndices, TestBuild, uniqueIndexPrefix } from '../../dev/host/testing';
import { verifyArchive } from '../../dev/build/verify_archive';
import { startStandIn, StandIn } from '../../dev/host/stand_in';
import { TARGETS } from '../../dev/build/targets';

/** Extracts entries under `prefix` into `dest` (the install CLI's extract step, stripPrefix = kibana/<id>). */
function extract(zipFile: string, prefix: string, dest: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    yauzl.open(zipFile, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      zip.on('end', () => resolve(count));
      zip.on('error', reject);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.startsWith(`${prefix}/`) || entry.fileName.endsWith('/')) return zip.readEntry();
        const target = path.join(dest, entry.fileName.slice(prefix.length + 1));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          stream.pipe(fs.createWriteStream(target)).on('close', () => {
            count++;
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

describe('the installable Kibana archive', () => {
  let build: TestBuild;
  let standIn: StandIn;
  let installDir: string;
  const indexPrefix = uniqueIndexPrefix('archive');
  const logIndex = uniqueName('logstash-logs-archive');
  const kibana = TARGETS.find((t) => t.host === 'kibana')!;

  beforeAll(async () => {
    build = await buildForTest('kibana');
    // <home>/plugins/<id>, as bin/kibana-plugin installs it; the host's packages live in <home>/node_modules
    installDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kibana-home-')), 'plugins');
  });

  afterAll(async () => {
    await standIn?.stop();
    await deleteStandInIndices(engineUrl(), indexPrefix);
    await engineRequest('DELETE', `/${logIndex}?ignore_unavailable=true`);
    build?.cleanup();
    fs.rmSync(path.dirname(installDir), { recursive: true, force: true });
  });

  it('passes the validator, installs into a fresh folder and serves the health route from there', async () => {
    const verified = await verifyArchive(build.build.archive, { host: 'kibana', hostVersion: kibana.version });
    const pluginDir = path.join(installDir, verified.id);
    expect(await extract(build.build.archive, verified.pluginFolder, pluginDir)).toBeGreaterThan(10);
    expect(fs.existsSync(path.join(pluginDir, 'node_modules', 'js-yaml', 'package.json'))).toBe(true);

    // a log document 90 s old: the route must report that lag
    const timestamp = new Date(Date.now() - 90_000).toISOString();
    await engineRequest('PUT', `/${logIndex}`, {
      mappings: { properties: { '@timestamp': { type: 'date' }, message: { type: 'text' } } },
    });
    await engineRequest('POST', `/${logIndex}/_doc?refresh=true`, {
      '@timestamp': timestamp,
      message: 'ERROR something broke',
    });

    standIn = await startStandIn({
      pluginDir,
      engineUrl: engineUrl(),
      hostVersion: kibana.version,
      indexPrefix,
      browser: false,
      onLog: () => undefined,
      config: { logs: { indexPattern: logIndex } },
    });
    const health = await standIn.request('GET', '/api/elastic_recheck/health', { user: 'reader' });
    expect(health.status).toBe(200);
    expect(health.body.engine).toMatchObject({ reachable: true });
    expect(['green', 'yellow']).toContain(health.body.engine.status);
    expect(health.body.logs.newestTimestamp).toBe(timestamp);
    expect(health.body.logs.lagSeconds).toBeGreaterThanOrEqual(90);
    expect(health.body.logs.lagSeconds).toBeLessThan(600);
    // the code that answered is the installed copy, not the source tree
    expect(standIn.serverEntry).toBe(path.join(pluginDir, 'server', 'index.js'));
    // Kibana's rules hold for the real plugin too
    expect((await standIn.request('GET', '/api/elastic_recheck/health', { user: null })).status).toBe(401);
    expect(standIn.routes.every((r) => r.security !== undefined)).toBe(true);
  });

  it('src/core/packages/plugins/server-internal/src/plugin.ts getConfigDescriptor: plain Node finds @kbn/config-schema from the installed folder and the `config` export is its type', () => {
    const pluginDir = path.join(installDir, 'elasticRecheck');
    const script = [
      `const entry = ${JSON.stringify(path.join(pluginDir, 'server', 'index.js'))};`,
      `const resolved = require.resolve('@kbn/config-schema', { paths: [require('path').dirname(entry)] });`,
      `const { config } = require(entry);`,
      `process.stdout.write(JSON.stringify({ resolved, marker: config && config.schema && config.schema.__isKbnConfigSchemaType === true, value: config.schema.validate({ zuul: { url: 'https://zuul.example.org' } }) }));`,
    ].join('\n');
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: os.tmpdir(), encoding: 'utf8' }));
    expect(out.resolved).toBe(path.join(path.dirname(installDir), 'node_modules', '@kbn', 'config-schema', 'index.js'));
    expect(out.marker).toBe(true);
    expect(out.value).toEqual({ zuul: { url: 'https://zuul.example.org' } });
  });
});
