/** @jest-layer engine */
/*
 * The signatures REST API through the host stand-in (Kibana mode: route security, kbn-xsrf, users with
 * read and write roles, saved objects in a real engine index), on the real engine.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS_DIR, describeWithCorpus, engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import {
  NO_SIGNATURE_CODE,
  SIGNATURES_EXPORT_PATH,
  SIGNATURES_IMPORT_PATH,
  SIGNATURES_PATH,
  signatureHistoryPath,
  signaturePath,
} from '../../common/api/signatures';
import { parseSignatureBundle } from '../../common/signature/bundle';
import { parseSignatureYaml } from '../../common/signature/yaml_codec';
import { unzipToText } from '../fixtures/unzip';

let standIn: StandIn;
const indexPrefix = uniqueIndexPrefix('sigapi');
const logsPrefix = uniqueName('er-sigapi');

const create = (body: unknown, user = 'writer') => standIn.request('POST', SIGNATURES_PATH, { user, body });
const total = async () =>
  (await standIn.request('GET', `${SIGNATURES_PATH}?perPage=1`, { user: 'reader' })).body.total as number;

const SIG = {
  bug: { tracker: 'launchpad', id: '1708704' },
  query: 'message:"Timed out waiting for a reply to message ID" AND tags:"screen-n-cpu.txt"',
  title: 'RPC timeout in nova-compute',
};

beforeAll(async () => {
  standIn = await startSourceStandIn({
    engineUrl: engineUrl(),
    indexPrefix,
    config: { logs: { indexPattern: `${logsPrefix}-*` } },
  });
});

afterAll(async () => {
  await standIn?.stop();
  await deleteStandInIndices(engineUrl(), indexPrefix);
});

describe('signatures CRUD and history', () => {
  test('create, read, list, update with version, delete; history records who, when, before/after', async () => {
    const created = await create(SIG);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: '1708704',
      bug: { tracker: 'launchpad', id: '1708704', url: 'https://bugs.launchpad.net/bugs/1708704' },
      allowNonvoting: false,
      mode: 'explains',
      updatedBy: 'writer',
    });
    const version = created.body.version;
    expect(typeof version).toBe('string');

    const got = await standIn.request('GET', signaturePath('1708704'), { user: 'reader' });
    expect(got.status).toBe(200);
    expect(got.body.query).toBe(SIG.query);

    const list = await standIn.request('GET', `${SIGNATURES_PATH}?search=nova-compute`, { user: 'reader' });
    expect(list.status).toBe(200);
    expect(list.body.signatures.map((s: any) => s.id)).toContain('1708704');
    expect(list.body.signatures[0].hitsInWindow).toBe(0);

    const updated = await standIn.request('PUT', signaturePath('1708704'), {
      user: 'writer',
      body: { suppressGraph: true, version },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.suppressGraph).toBe(true);
    const stale = await standIn.request('PUT', signaturePath('1708704'), {
      user: 'writer',
      body: { title: 'lost update', version },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('changed by someone else');
    expect((await standIn.request('GET', signaturePath('1708704'), { user: 'reader' })).body.title).toBe(SIG.title);

    const deleted = await standIn.request('DELETE', signaturePath('1708704'), { user: 'elastic' });
    expect(deleted.status).toBe(200);
    expect((await standIn.request('GET', signaturePath('1708704'), { user: 'reader' })).status).toBe(404);

    const history = await standIn.request('GET', signatureHistoryPath('1708704'), { user: 'reader' });
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: any) => [e.action, e.user])).toEqual([
      ['delete', 'elastic'],
      ['update', 'writer'],
      ['create', 'writer'],
    ]);
    const [del, upd, crt] = history.body.entries;
    expect(crt.before).toBeNull();
    expect(crt.after.query).toBe(SIG.query);
    expect(upd.before.suppressGraph).toBe(false);
    expect(upd.after.suppressGraph).toBe(true);
    expect(del.after).toBeNull();
    expect(Date.parse(del.at)).toBeGreaterThanOrEqual(Date.parse(crt.at));
  });

  test('filters: mode and tracker', async () => {
    await create({ bug: { tracker: 'github', id: 'openstack/nova#12' }, query: 'message:"disk full"', mode: 'track' });
    await create({ bug: { tracker: 'launchpad', id: '2000001' }, query: 'message:"kernel panic"' });
    const track = await standIn.request('GET', `${SIGNATURES_PATH}?mode=track`, { user: 'reader' });
    expect(track.body.signatures.map((s: any) => s.id)).toEqual(['openstack-nova-12']);
    const github = await standIn.request('GET', `${SIGNATURES_PATH}?tracker=github`, { user: 'reader' });
    expect(github.body.signatures.map((s: any) => s.bug.url)).toEqual(['https://github.com/openstack/nova/issues/12']);
  });

  test('stale filter: signatures without a hit in the window', async () => {
    const index = `${logsPrefix}-2026.11.22`;
    await engineRequest('POST', `/${index}/_doc?refresh=true`, {
      '@timestamp': new Date().toISOString(),
      message: 'kernel panic - not syncing',
      build_uuid: 'a'.repeat(32),
      voting: 1,
      filename: 'job-output.txt',
    });
    const stale = await standIn.request('GET', `${SIGNATURES_PATH}?stale=true`, { user: 'reader' });
    const fresh = await standIn.request('GET', `${SIGNATURES_PATH}?stale=false`, { user: 'reader' });
    expect(fresh.body.signatures.map((s: any) => [s.id, s.hitsInWindow])).toEqual([['2000001', 1]]);
    expect(stale.body.signatures.map((s: any) => s.id)).toContain('openstack-nova-12');
    expect(stale.body.signatures.map((s: any) => s.id)).not.toContain('2000001');
    await engineRequest('DELETE', `/${index}`);
  });
});

describe('authorization', () => {
  test('a reader reads but gets 403 on every write, and nothing changes', async () => {
    const before = await total();
    expect((await create({ ...SIG, bug: { tracker: 'launchpad', id: '3000001' } }, 'reader')).status).toBe(403);
    expect(
      (await standIn.request('PUT', signaturePath('2000001'), { user: 'reader', body: { title: 'x' } })).status,
    ).toBe(403);
    expect((await standIn.request('DELETE', signaturePath('2000001'), { user: 'reader' })).status).toBe(403);
    expect(
      (
        await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
          user: 'reader',
          body: { files: [{ name: '1.yaml', content: 'query: x' }], dryRun: false },
        })
      ).status,
    ).toBe(403);
    expect(await total()).toBe(before);
    expect((await standIn.request('GET', signaturePath('2000001'), { user: 'reader' })).body.title).toBeUndefined();
    expect((await standIn.request('GET', SIGNATURES_PATH, { user: null })).status).toBe(401);
  });
});

describe('bad input is answered with a status and a message, and changes nothing', () => {
  const cases: Array<[string, () => Promise<any>, number, string]> = [
    ['missing query', () => create({ bug: { tracker: 'launchpad', id: '4000001' } }), 400, 'query: required'],
    [
      'query of the wrong type',
      () => create({ ...SIG, bug: { tracker: 'launchpad', id: '4000001' }, query: 42 }),
      400,
      'query: expected a non-empty string',
    ],
    [
      'flag of the wrong type',
      () => create({ ...SIG, bug: { tracker: 'launchpad', id: '4000001' }, suppressGraph: 'yes' }),
      400,
      'suppressGraph: expected true or false',
    ],
    [
      'unknown field',
      () => create({ ...SIG, bug: { tracker: 'launchpad', id: '4000001' }, supress_graph: true }),
      400,
      'supress_graph: unknown field',
    ],
    [
      'unknown tracker',
      () => create({ ...SIG, bug: { tracker: 'bugzilla', id: '1' } }),
      400,
      'bug.tracker: expected one of',
    ],
    ['jira without url', () => create({ ...SIG, bug: { tracker: 'jira', id: 'PROJ-1' } }), 400, 'bug.url: required'],
    [
      'Lucene syntax error',
      () => create({ ...SIG, bug: { tracker: 'launchpad', id: '4000001' }, query: 'message:"unclosed AND tags:x' }),
      400,
      'query: ',
    ],
    [
      'not JSON',
      () =>
        standIn.request('POST', SIGNATURES_PATH, {
          user: 'writer',
          body: '{nope',
          headers: { 'content-type': 'application/json' },
        }),
      400,
      '',
    ],
    [
      'bad id in the path',
      () => standIn.request('GET', signaturePath('bad id!'), { user: 'reader' }),
      400,
      'id: expected',
    ],
    ['unknown id', () => standIn.request('GET', signaturePath('9999999'), { user: 'reader' }), 404, 'not found'],
    [
      'update of an unknown id',
      () => standIn.request('PUT', signaturePath('9999999'), { user: 'writer', body: { title: 'x' } }),
      404,
      'not found',
    ],
    [
      'delete of an unknown id',
      () => standIn.request('DELETE', signaturePath('9999999'), { user: 'writer' }),
      404,
      'not found',
    ],
    [
      'history of an unknown id',
      () => standIn.request('GET', signatureHistoryPath('9999999'), { user: 'reader' }),
      404,
      'no signature 9999999',
    ],
    [
      'an existing id',
      () => create({ bug: { tracker: 'launchpad', id: '2000001' }, query: 'message:"x"' }),
      409,
      'conflict',
    ],
    [
      'changing the id',
      () => standIn.request('PUT', signaturePath('2000001'), { user: 'writer', body: { id: 'other' } }),
      400,
      'id: cannot be changed',
    ],
    [
      'an unknown list parameter',
      () => standIn.request('GET', `${SIGNATURES_PATH}?sort=up`, { user: 'reader' }),
      400,
      'sort: unknown parameter',
    ],
    [
      'perPage out of range',
      () => standIn.request('GET', `${SIGNATURES_PATH}?perPage=0`, { user: 'reader' }),
      400,
      'perPage: expected an integer',
    ],
    [
      'a title too long',
      () => create({ ...SIG, bug: { tracker: 'launchpad', id: '4000001' }, title: 'x'.repeat(1001) }),
      400,
      'title: longer than 1000 characters',
    ],
    [
      'a query too long',
      () =>
        create({
          ...SIG,
          bug: { tracker: 'launchpad', id: '4000001' },
          query: 'message:x OR '.repeat(1000) + 'message:y',
        }),
      400,
      'query: longer than',
    ],
    [
      'import without files',
      () => standIn.request('POST', SIGNATURES_IMPORT_PATH, { user: 'writer', body: { files: [] } }),
      400,
      'files: expected a non-empty array',
    ],
    [
      'export in an unknown format',
      () => standIn.request('GET', `${SIGNATURES_EXPORT_PATH}?format=tar`, { user: 'reader' }),
      400,
      'format: expected bundle or zip',
    ],
    [
      'export of an unknown id',
      () => standIn.request('GET', `${SIGNATURES_EXPORT_PATH}?ids=9999999`, { user: 'reader' }),
      404,
      'no signature 9999999',
    ],
  ];
  test.each(cases)('%s', async (_name, call, status, message) => {
    const before = await total();
    const stored = (await standIn.request('GET', signaturePath('2000001'), { user: 'reader' })).body;
    const res = await call();
    expect(res.status).toBe(status);
    expect(typeof res.body.message).toBe('string');
    expect(res.body.message.toLowerCase()).toContain(message.toLowerCase());
    // the ids the host does not have are named in the attributes, which clients read (not the message)
    if (message.startsWith('no signature'))
      expect(res.body.attributes).toEqual({ code: NO_SIGNATURE_CODE, ids: ['9999999'] });
    expect(await total()).toBe(before);
    expect((await standIn.request('GET', signaturePath('2000001'), { user: 'reader' })).body).toEqual(stored);
  });
});

describe('import and export', () => {
  const file = (name: string, content: string) => ({ name, content });

  test('dry run first: a per-file report and nothing written; then applied; then unchanged / conflict / overwrite', async () => {
    const files = [
      file(
        '5000001.yaml',
        'query: >-\n  message:"Connection reset by peer" AND\n  tags:"console"\nsuppress-graph: true\n',
      ),
      file('5000002.yaml', 'query: message:"broken\n'),
      file('5000003.yaml', 'query: message:"x"\nunknown-key: 1\n'),
      file('5000004.yaml', 'query: message:"no space left on device"\nallow-nonvoting: true\n'),
    ];
    const before = await total();
    const dry = await standIn.request('POST', SIGNATURES_IMPORT_PATH, { user: 'writer', body: { files } });
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    expect(dry.body.items.map((i: any) => [i.file, i.outcome])).toEqual([
      ['5000001.yaml', 'created'],
      ['5000002.yaml', 'invalid'],
      ['5000003.yaml', 'invalid'],
      ['5000004.yaml', 'created'],
    ]);
    expect(dry.body.items[1].errors[0].message).toMatch(/YAML|syntax/i);
    expect(dry.body.items[2].errors[0]).toMatchObject({ key: 'unknown-key' });
    expect(await total()).toBe(before);

    const applied = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files, dryRun: false },
    });
    expect(applied.body.counts).toEqual({ created: 2, updated: 0, unchanged: 0, conflict: 0, invalid: 2 });
    expect(await total()).toBe(before + 2);
    const imported = (await standIn.request('GET', signaturePath('5000001'), { user: 'reader' })).body;
    expect(imported).toMatchObject({ suppressGraph: true, bug: { url: 'https://bugs.launchpad.net/bugs/5000001' } });
    const history = (await standIn.request('GET', signatureHistoryPath('5000001'), { user: 'reader' })).body.entries;
    expect(history.map((e: any) => e.action)).toEqual(['import']);

    const again = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files: [files[0], files[3]], dryRun: false },
    });
    expect(again.body.counts.unchanged).toBe(2);
    const changed = [file('5000001.yaml', 'query: message:"Connection reset by peer"\n')];
    const conflict = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files: changed, dryRun: false },
    });
    expect(conflict.body.items[0]).toMatchObject({ outcome: 'conflict' });
    expect((await standIn.request('GET', signaturePath('5000001'), { user: 'reader' })).body.suppressGraph).toBe(true);
    const overwrite = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files: changed, dryRun: false, overwrite: true },
    });
    expect(overwrite.body.items[0]).toMatchObject({ outcome: 'updated' });
    const after = (await standIn.request('GET', signaturePath('5000001'), { user: 'reader' })).body;
    expect(after).toMatchObject({ query: 'message:"Connection reset by peer"', suppressGraph: false });
  });

  test('export as a bundle and as a zip of <bug>.yaml files; both import back unchanged', async () => {
    const bundle = await standIn.request('GET', `${SIGNATURES_EXPORT_PATH}?format=bundle&ids=5000001,5000004`, {
      user: 'reader',
    });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toContain('yaml');
    const parsed = parseSignatureBundle(bundle.body, 'export.yaml');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.signatures.map((s) => s.id)).toEqual(['5000001', '5000004']);
    const reimport = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files: [{ name: 'export.yaml', content: bundle.body }] },
    });
    expect(reimport.body.items.map((i: any) => i.outcome)).toEqual(['unchanged', 'unchanged']);

    const res = await fetch(`${standIn.url}${SIGNATURES_EXPORT_PATH}?format=zip`, {
      headers: { authorization: `Basic ${Buffer.from('reader:changeme').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const entries = await unzipToText(Buffer.from(await res.arrayBuffer()));
    expect(Object.keys(entries)).toContain('5000004.yaml');
    const one = parseSignatureYaml(entries['5000004.yaml'], '5000004.yaml');
    expect(one.ok && one.signature).toMatchObject({
      id: '5000004',
      allowNonvoting: true,
      query: 'message:"no space left on device"',
    });
    const files = Object.entries(entries).map(([name, content]) => ({ name, content }));
    const back = await standIn.request('POST', SIGNATURES_IMPORT_PATH, { user: 'writer', body: { files } });
    expect(back.body.counts.unchanged).toBe(files.length);
  });
});

describeWithCorpus('import of the real elastic-recheck queries', () => {
  test('all 91 current signature files, dry run then applied', async () => {
    const dir = path.join(CORPUS_DIR, 'queries');
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((name) => ({ name, content: fs.readFileSync(path.join(dir, name), 'utf8') }));
    expect(files).toHaveLength(91);
    const dry = await standIn.request('POST', SIGNATURES_IMPORT_PATH, { user: 'writer', body: { files } });
    expect(dry.status).toBe(200);
    const invalid = dry.body.items.filter((i: any) => i.outcome === 'invalid');
    console.log(
      `elastic-recheck queries: ${JSON.stringify(dry.body.counts)}${invalid.length ? `; invalid: ${invalid.map((i: any) => `${i.file} (${i.errors[0]?.message})`).join('; ')}` : ''}`,
    );
    expect(dry.body.counts).toEqual({ created: 91, updated: 0, unchanged: 0, conflict: 0, invalid: 0 });
    // a query on a field the current schema lacks is kept as written, with a warning
    const module = dry.body.items.find((i: any) => i.file === '1739482.yaml');
    expect(module.warnings.map((w: any) => w.message).join()).toContain(
      "field 'module' belongs to the old logstash schema",
    );
    const applied = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files, dryRun: false },
    });
    expect(applied.body.counts.created).toBe(dry.body.counts.created);
    const suppressed = (await standIn.request('GET', signaturePath('1410969'), { user: 'reader' })).body;
    expect(suppressed).toMatchObject({ suppressGraph: true, suppressNotification: true });
  });
});
