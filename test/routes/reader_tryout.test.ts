/** @jest-layer engine */
/*
 * Readers try before they may write: on both host flavours of the stand-in, a reader gets the
 * editor's preview and the import check (a dry run with read privilege), and 403 on the real import,
 * with nothing stored.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineUrl, uniqueName } from '../setup/engine';
import { manifestFor } from '../../dev/build/build';
import { TARGETS } from '../../dev/build/targets';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { QUERY_PREVIEW_PATH } from '../../common/api/query';
import {
  SIGNATURES_IMPORT_CHECK_PATH,
  SIGNATURES_IMPORT_PATH,
  SIGNATURES_PATH,
  signaturePath,
} from '../../common/api/signatures';

const logsPrefix = uniqueName('er-readertry');
const prefixes: string[] = [];
const standIns: Record<string, StandIn> = {};
// The source tree has kibana.json only: the OSD flavour reads its manifest from a folder of its own.
const osdDir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-readertry-'));
fs.writeFileSync(
  path.join(osdDir, 'opensearch_dashboards.json'),
  JSON.stringify(manifestFor(TARGETS.find((t) => t.host === 'osd')!)),
);

beforeAll(async () => {
  for (const host of ['kibana', 'osd'] as const) {
    const indexPrefix = uniqueIndexPrefix(`readertry${host}`);
    prefixes.push(indexPrefix);
    standIns[host] = await startSourceStandIn({
      ...(host === 'osd' ? { host, pluginDir: osdDir } : {}),
      engineUrl: engineUrl(),
      indexPrefix,
      config: { logs: { indexPattern: `${logsPrefix}-*` } },
    });
  }
});

afterAll(async () => {
  for (const s of Object.values(standIns)) await s.stop();
  for (const p of prefixes) await deleteStandInIndices(engineUrl(), p);
  fs.rmSync(osdDir, { recursive: true, force: true });
});

const files = [
  { name: '4700001.yaml', content: 'query: message:"tried by a reader"\n' },
  { name: '4700002.yaml', content: 'query: message:"unclosed\n' },
];

describe.each(['kibana', 'osd'])('%s: a reader', (host) => {
  test('gets the preview of a query', async () => {
    const r = await standIns[host].request('POST', QUERY_PREVIEW_PATH, {
      user: 'reader',
      body: { query: 'message:"tried by a reader"', days: 1 },
    });
    expect([r.status, r.body.hits]).toEqual([200, 0]);
  });

  test('gets the import check (a dry run), 403 on the import itself, and nothing is stored', async () => {
    const s = standIns[host];
    const total = async () => (await s.request('GET', `${SIGNATURES_PATH}?perPage=1`, { user: 'reader' })).body.total;
    const before = await total();
    const check = await s.request('POST', SIGNATURES_IMPORT_CHECK_PATH, { user: 'reader', body: { files } });
    expect(check.status).toBe(200);
    expect(check.body.dryRun).toBe(true);
    expect(check.body.items.map((i: any) => [i.file, i.outcome])).toEqual([
      ['4700001.yaml', 'created'],
      ['4700002.yaml', 'invalid'],
    ]);
    // the check never imports, even when asked to
    const asked = await s.request('POST', SIGNATURES_IMPORT_CHECK_PATH, {
      user: 'writer',
      body: { files, dryRun: false },
    });
    expect(asked.status).toBe(400);
    expect(asked.body.message).toContain('dryRun: the check is always a dry run');

    const refused = await s.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'reader',
      body: { files: files.slice(0, 1), dryRun: false },
    });
    expect(refused.status).toBe(403);
    expect((await s.request('GET', signaturePath('4700001'), { user: 'reader' })).status).toBe(404);
    expect(await total()).toBe(before);
  });
});
