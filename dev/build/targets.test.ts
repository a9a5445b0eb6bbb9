/** @jest-layer engine */
/*
 * Building for the exact host versions an admin names (npm run build -- --kibana x.y.z --osd x.y.z), and
 * OSD's strict version check at start (OpenSearch-Dashboards src/core/server/plugins/discovery/plugin_manifest_parser.ts)
 * against such an archive in the stand-in.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OSD_RELEASES, TARGETS, TargetError, parseTargets } from './targets';
import { buildAll } from './build';
import { startStandIn } from '../host/stand_in';
import { engineUrl } from '../../test/setup/engine';
import { deleteStandInIndices, uniqueIndexPrefix } from '../host/testing';

describe('parseTargets', () => {
  test('several exact versions per host, comma-separated or repeated, without duplicates', () => {
    expect(parseTargets({ kibana: ['9.5.4,9.5.3', '9.5.4'], osd: ['3.7.0', '3.9.0'] })).toEqual([
      { host: 'kibana', version: '9.5.4' },
      { host: 'kibana', version: '9.5.3' },
      { host: 'osd', version: '3.7.0' },
      { host: 'osd', version: '3.9.0' },
    ]);
    expect(parseTargets({ osd: ['3.7.0'] })).toEqual([{ host: 'osd', version: '3.7.0' }]);
    expect(parseTargets({})).toEqual(TARGETS);
  });

  test('refuses what no host would accept: not x.y.z, another major, an OSD version that was never released', () => {
    expect(() => parseTargets({ kibana: ['9.5'] })).toThrow(TargetError);
    expect(() => parseTargets({ kibana: ['8.19.0'] })).toThrow('supports Kibana 9.x only');
    expect(() => parseTargets({ osd: ['2.19.1'] })).toThrow('supports OpenSearch Dashboards 3.x only');
    expect(() => parseTargets({ osd: ['3.7.1'] })).toThrow('not an OpenSearch Dashboards release known here');
    expect(parseTargets({ osd: ['3.10.0'], allowUnreleased: true })).toEqual([{ host: 'osd', version: '3.10.0' }]);
  });

  test('OpenSearch-Dashboards release-notes/: ten 3.x releases, 3.0.0 to 3.9.0, the default the newest', () => {
    expect(OSD_RELEASES).toHaveLength(10);
    expect(TARGETS.find((t) => t.host === 'osd')!.version).toBe(OSD_RELEASES[OSD_RELEASES.length - 1]);
  });
});

describe('an archive for OSD 3.7.0', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-targets-'));
  const prefix = uniqueIndexPrefix('targets');
  afterAll(async () => {
    fs.rmSync(outDir, { recursive: true, force: true });
    await deleteStandInIndices(engineUrl(), prefix);
  });

  test('OpenSearch-Dashboards src/core/server/plugins/discovery/plugin_manifest_parser.ts: names 3.7.0, starts on 3.7.0 and not on 3.9.0', async () => {
    const [build] = await buildAll({ targets: parseTargets({ osd: ['3.7.0'] }), outDir });
    expect(path.basename(build.archive)).toBe('elasticRecheck-3.7.0.zip');
    const manifest = JSON.parse(fs.readFileSync(path.join(build.pluginDir, 'opensearch_dashboards.json'), 'utf8'));
    expect(manifest.opensearchDashboardsVersion).toBe('3.7.0');
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'targets.json'), 'utf8'))).toEqual([{ host: 'osd', version: '3.7.0' }]);
    const common = { pluginDir: build.pluginDir, host: 'osd' as const, engineUrl: engineUrl(), indexPrefix: prefix, browser: false, onLog: () => undefined };
    await expect(startStandIn({ ...common, hostVersion: '3.9.0' })).rejects.toThrow(
      'Plugin "elasticRecheck" is only compatible with OpenSearch Dashboards version "3.7.0", but used OpenSearch Dashboards version is "3.9.0".',
    );
    const s = await startStandIn({ ...common, hostVersion: '3.7.0' });
    try {
      expect((await s.request('GET', '/api/elastic_recheck/health', { user: 'reader' })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});
