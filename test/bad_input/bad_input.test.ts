/*
 * @jest-layer engine
 *
 * Hostile and malformed requests (issue 11) through the host stand-in on the real engine: each class is
 * answered with a 4xx whose message names the problem (and its position for queries), never a 5xx, within
 * a few seconds, and changes nothing (signature count, a stored signature, its history). The host keeps
 * answering other requests while a refused one is being checked.
 */
import { engineUrl } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { QUERY_PREVIEW_PATH, QUERY_STATS_PATH, QUERY_VALIDATE_PATH } from '../../common/api/query';
import { UNCATEGORIZED_PATH } from '../../common/api/uncategorized';
import {
  SIGNATURES_IMPORT_PATH,
  SIGNATURES_PATH,
  signatureHistoryPath,
  signaturePath,
} from '../../common/api/signatures';
import { API_BASE_PATH } from '../../common/constants';
import { build, createLogIndex, logDoc, TestIndex } from '../fixtures/log_index';

/** Upper bound for any answer here: the refusals are decided before the engine is asked anything costly. */
const FAST_MS = 5000;

let standIn: StandIn;
let logs: TestIndex;
const indexPrefix = uniqueIndexPrefix('badinput');
const KEPT = '7100001';
const QUERY = 'message:"Timed out waiting for a reply to message ID"';
const BUG = { tracker: 'launchpad', id: '7100002' };

const snapshot = async () => ({
  total: (await standIn.request('GET', `${SIGNATURES_PATH}?perPage=1`, { user: 'reader' })).body.total as number,
  kept: (await standIn.request('GET', signaturePath(KEPT), { user: 'reader' })).body,
  history: (await standIn.request('GET', signatureHistoryPath(KEPT), { user: 'reader' })).body.entries.length as number,
});

/** The request, its answer time, and the checks every bad request must pass. */
async function refused(method: string, path: string, body: unknown, expected: { status?: number; message: RegExp }) {
  const before = await snapshot();
  const t0 = Date.now();
  const res = await standIn.request(method, path, { user: 'writer', body });
  const ms = Date.now() - t0;
  expect({ status: res.status, message: res.body?.message }).toEqual({
    status: expected.status ?? 400,
    message: expect.stringMatching(expected.message),
  });
  expect(ms).toBeLessThan(FAST_MS);
  expect(await snapshot()).toEqual(before);
  return res;
}

const deep = (n: number) => '('.repeat(n) + 'message:a' + ')'.repeat(n);
const terms = (n: number) => Array.from({ length: n }, (_, i) => `message:t${i}`).join(' OR ');

/** Query classes that must never run: [name, query, what the message says]. */
const BAD_QUERIES: Array<[string, string, RegExp]> = [
  ['2,000-deep parentheses', deep(2000), /nested more than 64 deep \(line 1, column 65\)/],
  ['unbalanced quote', 'message:"Connection refused AND tags:console', /unbalanced quote.*column 9/],
  ['dangling AND', 'message:foo AND', /AND at the end of the query has no right-hand clause.*column 13/],
  ['NOT NOT NOT', 'NOT NOT NOT message:foo', /two modifiers in a row.*column 5/],
  ['300 terms', terms(300), /too many clauses: 300/],
  ['1,200 terms', terms(1200), /longer than 10000 characters|too long/],
  ['a regex repeated 10,000 times', 'message:/[a-z]{1,10000}/', /costly.*column 1/],
  ['a 5,000-character fuzzy term', `message:${'a'.repeat(5000)}~2`, /fuzzy term of 5000 characters/],
  ['match-all wildcard', 'message:*', /matches \(nearly\) every log line/],
  ['match-all complement regex', 'message:/~(a|b)*/', /complement operator/],
  ['NUL', 'message:"a\u0000b"', /control character \\u0000.*column 11/],
  ['lone surrogate', 'message:"a\ud800b"', /lone UTF-16 surrogate.*column 11/],
];

beforeAll(async () => {
  logs = await createLogIndex(`${indexPrefix}-logs`);
  // failed builds with long job names: what a catastrophic job regex backtracks on
  const now = Date.now();
  await logs.add(
    Array.from({ length: 5 }, (_, i) =>
      logDoc({
        build: build(`bad-input-${i}`, { build_name: `tempest-full-${'x'.repeat(28 + i)}` }),
        message: 'AssertionError: 1 != 2',
        timestamp: new Date(now - 3600000 + i * 1000).toISOString(),
      }),
    ),
  );
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
  await logs?.drop();
  await deleteStandInIndices(engineUrl(), indexPrefix);
});

describe.each(BAD_QUERIES)('query: %s', (_name, query, message) => {
  test('create: 400, nothing stored', async () => {
    await refused('POST', SIGNATURES_PATH, { bug: BUG, query }, { message });
  });
  test('update: 400, nothing changed', async () => {
    await refused('PUT', signaturePath(KEPT), { query }, { message });
  });
  test('preview: 400', async () => {
    await refused('POST', QUERY_PREVIEW_PATH, { query, days: 1 }, { message });
  });
  test('query_stats: 400', async () => {
    await refused('POST', QUERY_STATS_PATH, { query }, { message });
  });
  test('validate: the verdict names the problem (200, ok false)', async () => {
    const t0 = Date.now();
    const res = await standIn.request('POST', QUERY_VALIDATE_PATH, { user: 'reader', body: { query } });
    expect(Date.now() - t0).toBeLessThan(FAST_MS);
    if (res.status === 400)
      expect(res.body.message).toMatch(message); // over the route's length limit
    else {
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(false);
      expect(
        res.body.errors
          .map(
            (e: { message: string; line?: number; column?: number }) =>
              `${e.message} (line ${e.line}, column ${e.column})`,
          )
          .join('\n'),
      ).toMatch(message);
    }
  });
  test('import: that file is invalid, the good one is applied', async () => {
    if (query.length > 10000) return; // the body check refuses it before (covered by create)
    const before = await snapshot();
    const res = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: {
        dryRun: true,
        files: [
          { name: '7100003.yaml', content: `query: ${JSON.stringify(query)}\n` },
          { name: '7100004.yaml', content: `query: '${QUERY}'\n` },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { outcome: string }) => i.outcome)).toEqual(['invalid', 'created']);
    expect(res.body.items[0].errors[0].message.replace('(query line', '(line')).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });
});

describe('requests', () => {
  test('a catastrophic excludeJobs regex: 400 within a few seconds while the host keeps answering', async () => {
    const slow = standIn.request(
      'GET',
      `${UNCATEGORIZED_PATH}?days=1&excludeJobs=${encodeURIComponent('^([a-z0-9-]+)*X$')}`,
      { user: 'reader' },
    );
    const t0 = Date.now();
    const other = await standIn.request('GET', `${SIGNATURES_PATH}?perPage=1`, { user: 'reader' });
    const otherMs = Date.now() - t0;
    const res = await slow;
    const ms = Date.now() - t0;
    expect(other.status).toBe(200);
    expect(otherMs).toBeLessThan(FAST_MS);
    expect({ status: res.status, message: res.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(/^excludeJobs: the regular expression ran longer than 1000 ms/),
    });
    expect(ms).toBeLessThan(FAST_MS);
    // the same filter as a simple pattern works on the same builds
    const fine = await standIn.request(
      'GET',
      `${UNCATEGORIZED_PATH}?days=1&excludeJobs=${encodeURIComponent('^tempest-full-x{30}')}`,
      { user: 'reader' },
    );
    expect(fine.status).toBe(200);
  });

  test('a 50,000-deep JSON body: 400 naming the field, not 500', async () => {
    const nested = '['.repeat(50000) + ']'.repeat(50000);
    const body = `{"bug":{"tracker":"launchpad","id":"7100005"},"query":${JSON.stringify(QUERY)},"scope":{"projects":${nested}}}`;
    const before = await snapshot();
    const res = await standIn.request('POST', SIGNATURES_PATH, {
      user: 'writer',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect({ status: res.status, message: res.body.message }).toEqual({
      status: 400,
      message: expect.stringContaining('scope.projects'),
    });
    expect(await snapshot()).toEqual(before);
  });

  test('create with a version: 400 naming version, nothing stored', async () => {
    await refused(
      'POST',
      SIGNATURES_PATH,
      { bug: BUG, query: QUERY, version: 'WzEyLDFd' },
      { message: /version: only an update takes/ },
    );
  });

  test.each([
    [`${SIGNATURES_PATH}?__proto__=x`, /__proto__/],
    [`${SIGNATURES_PATH}?constructor=x`, /constructor/],
    [`${UNCATEGORIZED_PATH}?__proto__[polluted]=1`, /__proto__/],
    [`${API_BASE_PATH}/health?__proto__=x`, /__proto__/],
  ])('unknown query parameter %s: 400', async (path, message) => {
    const res = await standIn.request('GET', path, { user: 'reader' });
    expect({ status: res.status, message: res.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(message),
    });
    expect(({} as any).polluted).toBeUndefined();
  });
});
