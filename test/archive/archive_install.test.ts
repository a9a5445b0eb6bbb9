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
    installDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kibana-plugins-'));
  });

  afterAll(async () => {
    await standIn?.stop();
    await deleteStandInIndices(engineUrl(), indexPrefix);
    await engineRequest('DELETE', `/${logIndex}?ignore_unavailable=true`);
    build?.cleanup();
    fs.rmSync(installDir, { recursive: true, force: true });
  });

  it('passes the validator, installs into a fresh folder and serves the health route from there', async () => {
    const verified = await verifyArchive(build.build.archive, { host: 'kibana', hostVersion: kibana.version });
    const pluginDir = path.join(installDir, verified.id);
    expect(await extract(build.build.archive, verified.pluginFolder, pluginDir)).toBeGreaterThan(10);
    expect(fs.existsSync(path.join(pluginDir, 'node_modules', 'js-yaml', 'package.json'))).toBe(true);

    // a log document 90 s old: the route must report that lag
    const timestamp = new Date(Date.now() - 90_000).toISOString();
    await engineRequest('PUT', `/${logIndex}`, { mappings: { properties: { '@timestamp': { type: 'date' }, message: { type: 'text' } } } });
    await engineRequest('POST', `/${logIndex}/_doc?refresh=true`, { '@timestamp': timestamp, message: 'ERROR something broke' });

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
    expect(Object.keys(require.cache).some((f) => f.startsWith(path.join(pluginDir, 'server')))).toBe(true);
    // Kibana's rules hold for the real plugin too
    expect((await standIn.request('GET', '/api/elastic_recheck/health', { user: null })).status).toBe(401);
    expect(standIn.routes.every((r) => r.security !== undefined)).toBe(true);
  });
});
