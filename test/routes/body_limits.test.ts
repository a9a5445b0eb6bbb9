/** @jest-layer engine */
/*
 * Request body limits, as Kibana applies them (a route's `options.body.maxBytes`, else the host's
 * server.maxPayload of 1,048,576 bytes; hapi answers 413 "Payload content length greater than maximum
 * allowed: N"), through the host stand-in on the real engine:
 *  - every route of the API that takes a body answers a body one byte over its limit with 413 and that
 *    message, and nothing changes (signature count, a stored signature, its history);
 *  - a body of exactly the limit is taken (import: a full 5 MB request, the CLI's limit too);
 *  - the CLI refuses locally, before sending anything, an import whose applying request would not fit.
 */
import { engineUrl } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import { DEFAULT_BODY_MAX_BYTES, StandIn } from '../../dev/host/stand_in';
import { API_BASE_PATH } from '../../common/constants';
import { CLASSIFY_PATH } from '../../common/api/classify';
import { QUERY_PREVIEW_PATH, QUERY_STATS_PATH, QUERY_VALIDATE_PATH } from '../../common/api/query';
import {
  MAX_IMPORT_BYTES,
  SIGNATURE_PATH,
  SIGNATURES_IMPORT_CHECK_PATH,
  SIGNATURES_IMPORT_PATH,
  SIGNATURES_PATH,
  signatureHistoryPath,
  signaturePath,
} from '../../common/api/signatures';
import { HostClient } from '../../cli/host_client';
import { importToHost, LocalFile, LocalInputError } from '../../cli/host_commands';

let standIn: StandIn;
const indexPrefix = uniqueIndexPrefix('bodylimits');
const KEPT = '7000001';
const QUERY = 'message:"Timed out waiting for a reply to message ID"';

const total = async () =>
  (await standIn.request('GET', `${SIGNATURES_PATH}?perPage=1`, { user: 'reader' })).body.total as number;
const snapshot = async () => ({
  total: await total(),
  kept: (await standIn.request('GET', signaturePath(KEPT), { user: 'reader' })).body,
  history: (await standIn.request('GET', signatureHistoryPath(KEPT), { user: 'reader' })).body.entries.length as number,
});

/** A JSON body (one the route would take and act on) padded with trailing whitespace to exactly `bytes`. */
function padded(body: unknown, bytes: number): string {
  const text = JSON.stringify(body);
  const size = Buffer.byteLength(text);
  if (size > bytes) throw new Error(`the body alone takes ${size} bytes, more than ${bytes}`);
  return text + ' '.repeat(bytes - size);
}

/** Per route that takes a body: the concrete path and a body it would act on (and change things with). */
const CALLS: Record<string, { method: string; path: string; body: unknown }> = {
  [`POST ${SIGNATURES_PATH}`]: {
    method: 'POST',
    path: SIGNATURES_PATH,
    body: { bug: { tracker: 'launchpad', id: '7000002' }, query: QUERY },
  },
  [`PUT ${SIGNATURE_PATH}`]: {
    method: 'PUT',
    path: signaturePath(KEPT),
    body: { title: 'changed by an oversized request' },
  },
  [`DELETE ${SIGNATURE_PATH}`]: { method: 'DELETE', path: signaturePath(KEPT), body: {} },
  [`POST ${SIGNATURES_IMPORT_PATH}`]: {
    method: 'POST',
    path: SIGNATURES_IMPORT_PATH,
    body: { files: [{ name: '7000003.yaml', content: `query: ${QUERY}\n` }], dryRun: false },
  },
  [`POST ${SIGNATURES_IMPORT_CHECK_PATH}`]: {
    method: 'POST',
    path: SIGNATURES_IMPORT_CHECK_PATH,
    body: { files: [{ name: '7000004.yaml', content: `query: ${QUERY}\n` }] },
  },
  [`POST ${CLASSIFY_PATH}`]: { method: 'POST', path: CLASSIFY_PATH, body: { uuid: 'a'.repeat(32) } },
  [`POST ${QUERY_VALIDATE_PATH}`]: { method: 'POST', path: QUERY_VALIDATE_PATH, body: { query: QUERY } },
  [`POST ${QUERY_PREVIEW_PATH}`]: { method: 'POST', path: QUERY_PREVIEW_PATH, body: { query: QUERY, days: 1 } },
  [`POST ${QUERY_STATS_PATH}`]: { method: 'POST', path: QUERY_STATS_PATH, body: { query: QUERY } },
};

const limitOf = (key: string): number => {
  const route = standIn.routes.find((r) => `${r.method.toUpperCase()} ${r.path}` === key);
  if (!route) throw new Error(`no route ${key}`);
  return route.config.options?.body?.maxBytes ?? DEFAULT_BODY_MAX_BYTES;
};

beforeAll(async () => {
  standIn = await startSourceStandIn({
    engineUrl: engineUrl(),
    indexPrefix,
    config: { logs: { indexPattern: `${indexPrefix}-logs-*` } },
  });
  const created = await standIn.request('POST', SIGNATURES_PATH, {
    user: 'writer',
    body: { bug: { tracker: 'launchpad', id: KEPT }, query: QUERY, title: 'kept' },
  });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await standIn?.stop();
  await deleteStandInIndices(engineUrl(), indexPrefix);
});

test('the table below covers every route of the API that takes a body', () => {
  const withBody = standIn.routes
    .filter((r) => r.method !== 'get' && r.path.startsWith(API_BASE_PATH))
    .map((r) => `${r.method.toUpperCase()} ${r.path}`);
  expect(withBody.sort()).toEqual(Object.keys(CALLS).sort());
  // the import takes what the CLI sends at most (cli/host_commands.ts checks MAX_IMPORT_BYTES)
  expect(limitOf(`POST ${SIGNATURES_IMPORT_PATH}`)).toBe(MAX_IMPORT_BYTES);
});

describe('a body one byte over the route limit: 413 with a message, nothing changed', () => {
  test.each(Object.keys(CALLS))('%s', async (key) => {
    const { method, path, body } = CALLS[key];
    const limit = limitOf(key);
    const before = await snapshot();
    const res = await standIn.request(method, path, {
      user: 'writer',
      body: padded(body, limit + 1),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      statusCode: 413,
      error: 'Request Entity Too Large',
      message: `Payload content length greater than maximum allowed: ${limit}`,
    });
    expect(await snapshot()).toEqual(before);
  });

  test('the same body within the limit is taken (so the 413 above was the size alone)', async () => {
    const { method, path, body } = CALLS[`PUT ${SIGNATURE_PATH}`];
    const res = await standIn.request(method, path, {
      user: 'writer',
      body: padded(body, limitOf(`PUT ${SIGNATURE_PATH}`)),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('changed by an oversized request');
  });
});

/** One import file whose YAML comment pads the request `{ files, dryRun, overwrite }` to `bytes`. */
function importFileOfRequestSize(id: string, bytes: number, dryRun: boolean): LocalFile {
  const file = (pad: number): LocalFile => ({
    name: `${id}.yaml`,
    path: `${id}.yaml`,
    content: `query: ${QUERY}\n# ${'p'.repeat(pad)}\n`,
  });
  const size = (f: LocalFile) =>
    Buffer.byteLength(JSON.stringify({ files: [{ name: f.name, content: f.content }], dryRun, overwrite: false }));
  const pad = bytes - size(file(0));
  const f = file(pad);
  expect(size(f)).toBe(bytes);
  return f;
}

describe('import at the 5 MB limit, through the route and through the CLI', () => {
  test('a request of exactly MAX_IMPORT_BYTES is imported; one byte more is 413 and imports nothing', async () => {
    const before = await total();
    const exact = importFileOfRequestSize('7000004', MAX_IMPORT_BYTES, false);
    const ok = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files: [{ name: exact.name, content: exact.content }], dryRun: false, overwrite: false },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.counts.created).toBe(1);
    const over = importFileOfRequestSize('7000005', MAX_IMPORT_BYTES + 1, false);
    const refused = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files: [{ name: over.name, content: over.content }], dryRun: false, overwrite: false },
    });
    expect([refused.status, refused.body.message]).toEqual([
      413,
      `Payload content length greater than maximum allowed: ${MAX_IMPORT_BYTES}`,
    ]);
    expect(await total()).toBe(before + 1);
  });

  test('the CLI imports files whose applying request is exactly the limit, and refuses one byte more before sending anything', async () => {
    const client = new HostClient({ url: standIn.url, auth: { user: 'writer', password: 'changeme' } });
    const before = await total();
    const fits = await importToHost(client, [importFileOfRequestSize('7000006', MAX_IMPORT_BYTES, false)]);
    expect(fits.applied?.counts.created).toBe(1);
    // its dry run is a byte smaller and would fit: the CLI must still measure the applying request
    const over = importFileOfRequestSize('7000007', MAX_IMPORT_BYTES + 1, false);
    const err = await importToHost(client, [over]).then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeInstanceOf(LocalInputError);
    expect(err.message).toBe(
      `the files take ${MAX_IMPORT_BYTES + 1} bytes as a request; the host takes at most ${MAX_IMPORT_BYTES}: import them in parts`,
    );
    expect(await total()).toBe(before + 1);
    expect((await standIn.request('GET', signaturePath('7000007'), { user: 'reader' })).status).toBe(404);
  });
});
