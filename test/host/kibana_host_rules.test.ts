/** @jest-layer engine */
/*
 * Kibana's rules the plugin meets, through the stand-in with the plugin's own server code on the real
 * engine. Each test names the Kibana source its rule comes from (docs/host_compatibility.md).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineUrl } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import { REPO_ROOT } from '../../dev/build/build';
import type { StandIn } from '../../dev/host/stand_in';
import { SIGNATURES_PATH, signatureHistoryPath } from '../../common/api/signatures';

const SO_PRIVILEGES =
  'x-pack/platform/packages/private/security/authorization_core/src/privileges/feature_privilege_builder/saved_object.ts';
const FEATURE_SCHEMA = 'x-pack/platform/plugins/shared/features/server/feature_schema.ts';
const CONFIG = 'src/core/packages/plugins/server-internal/src/plugin.ts + src/core/packages/config/server-internal';

const started: StandIn[] = [];
const prefixes: string[] = [];
const tmpDirs: string[] = [];

async function start(options: Parameters<typeof startSourceStandIn>[0] = { engineUrl: '' }): Promise<StandIn> {
  const indexPrefix = uniqueIndexPrefix('hostrules');
  prefixes.push(indexPrefix);
  const s = await startSourceStandIn({ ...options, engineUrl: engineUrl(), indexPrefix });
  started.push(s);
  return s;
}

/**
 * The plugin from the source tree behind an entry that changes it first (`change` runs in the plugin's
 * own module registry, with the plugin's modules as `feature` and `index`).
 */
function changedPlugin(change: string): { pluginDir: string; serverEntry: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-changed-'));
  tmpDirs.push(dir);
  fs.copyFileSync(path.join(REPO_ROOT, 'kibana.json'), path.join(dir, 'kibana.json'));
  fs.mkdirSync(path.join(dir, 'server'));
  const serverEntry = path.join(dir, 'server', 'index.js');
  fs.writeFileSync(
    serverEntry,
    [
      `const feature = require(${JSON.stringify(path.join(REPO_ROOT, 'server', 'lib', 'feature.ts'))});`,
      `const index = require(${JSON.stringify(path.join(REPO_ROOT, 'server', 'index.ts'))});`,
      `module.exports = index;`,
      change,
    ].join('\n'),
  );
  return { pluginDir: dir, serverEntry };
}

afterAll(async () => {
  for (const s of started) await s.stop();
  for (const p of prefixes) await deleteStandInIndices(engineUrl(), p);
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

const SIG = (id: string) => ({
  bug: { tracker: 'launchpad', id },
  query: 'message:"Timed out waiting for a reply" AND tags:console',
  title: 'RPC timeout',
});

describe('saved-object privileges per type', () => {
  test(`${SO_PRIVILEGES}: a writer who is not a superuser saves a signature and reads its history`, async () => {
    const s = await start();
    const created = await s.request('POST', SIGNATURES_PATH, { user: 'writer', body: SIG('7000001') });
    expect(created.status).toBe(200);
    const history = await s.request('GET', signatureHistoryPath('7000001'), { user: 'writer' });
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: any) => [e.action, e.user])).toEqual([['create', 'writer']]);
    const asReader = await s.request('GET', signatureHistoryPath('7000001'), { user: 'reader' });
    expect(asReader.body.entries).toHaveLength(1);
  });

  test(`${SO_PRIVILEGES}: a reader gets 403 on save and nothing is stored`, async () => {
    const s = await start();
    const refused = await s.request('POST', SIGNATURES_PATH, { user: 'reader', body: SIG('7000002') });
    expect(refused.status).toBe(403);
    expect((await s.request('GET', `${SIGNATURES_PATH}/7000002`, { user: 'reader' })).status).toBe(404);
  });

  test(`${SO_PRIVILEGES}: with the old privileges (the signature type only) the writer's save is refused for the history type`, async () => {
    const s = await start(
      changedPlugin(
        `const p = feature.elasticRecheckFeature.privileges; p.all.savedObject.all = ['elastic_recheck_signature']; p.read.savedObject.read = ['elastic_recheck_signature'];`,
      ) as any,
    );
    const refused = await s.request('POST', SIGNATURES_PATH, { user: 'writer', body: SIG('7000003') });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('Unable to create elastic_recheck_signature_history');
    // the superuser is not subject to feature privileges
    expect((await s.request('POST', SIGNATURES_PATH, { user: 'elastic', body: SIG('7000004') })).status).toBe(200);
  });
});

describe('feature registration', () => {
  test(`${FEATURE_SCHEMA}: the old feature definition (with \`scope\`) fails to register and the host does not start`, async () => {
    await expect(
      start(changedPlugin(`feature.elasticRecheckFeature.scope = ['spaces', 'security'];`) as any),
    ).rejects.toThrow('[scope]: definition for this key is missing');
  });
});

describe('the config descriptor', () => {
  test(`${CONFIG}: settings without a schema stop the host with "No validation schema has been defined"`, async () => {
    await expect(
      start({
        ...changedPlugin(`module.exports = { plugin: index.plugin };`),
        config: { logs: { indexPattern: 'x-*' } },
      } as any),
    ).rejects.toThrow('No validation schema has been defined for [elastic_recheck]');
  });

  test(`${CONFIG}: a \`config\` export that is not a config-schema type is refused`, async () => {
    await expect(
      start(
        changedPlugin(`module.exports = { plugin: index.plugin, config: { schema: { validate: (v) => v } } };`) as any,
      ),
    ).rejects.toThrow('Configuration schema expected to be an instance of Type');
  });

  test(`${CONFIG}: the settings reach the plugin through the schema, which reports the full key`, async () => {
    const strict = changedPlugin(
      `const { schema } = require('@kbn/config-schema'); module.exports = { plugin: index.plugin, config: { schema: schema.object({ logs: schema.object({ indexPattern: schema.string() }) }) } };`,
    );
    await expect(start({ ...strict, config: { zuul: { url: 'https://zuul.example.org' } } } as any)).rejects.toThrow(
      '[config validation of [elastic_recheck].zuul]: definition for this key is missing',
    );
    const s = await start({ ...strict, config: { logs: { indexPattern: 'from-schema-*' } } } as any);
    expect(s.logs.some((l) => l.level === 'error')).toBe(false);
  });
});
