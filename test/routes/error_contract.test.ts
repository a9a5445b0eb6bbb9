/** @jest-layer engine */
/*
 * The error contract of the routes (server/lib/errors.ts): an engine error keeps the engine's status and
 * reason, also when it comes inside an `_msearch` answer; an engine that cannot be reached is a 502 that
 * says so; a permission refusal stays a 403. Through the host stand-in on the real engine where the engine
 * can produce the error, and through the registered routes with the host's own client where it cannot.
 */
import * as net from 'net';
import { Client } from '@elastic/elasticsearch';
import { engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { RegisteredRoute, responseFactory, Router } from '../../dev/host/server/router';
import { QUERY_PREVIEW_PATH, QUERY_STATS_PATH } from '../../common/api/query';
import { RESULTS_PATH } from '../../common/api/results';
import { SIGNATURES_PATH } from '../../common/api/signatures';
import { EngineRequestError, httpEngineClient, msearchItemError } from '../../lib/engine_client';
import { failureRates } from '../../server/lib/rates/rates';
import { compileSignatures } from '../../server/lib/signatures/compile';
import { sig } from '../fixtures/signatures';
import { parseConfig } from '../../server/config';
import { AccessService } from '../../server/lib/access/access_service';
import { errorResponse, RequestError } from '../../server/lib/errors';
import { registerRoutes } from '../../server/routes';
import type { Logger } from '../../server/types/host';

const prefix = uniqueName('er-errors');
const logsIndex = `${prefix}-logs-1`;
const indexPrefix = uniqueIndexPrefix('errors');
let standIn: StandIn;

beforeAll(async () => {
  // a per-index limit makes the engine refuse a query our own checks let through: a regex longer than 5
  await engineRequest('PUT', `/${logsIndex}`, { settings: { 'index.max_regex_length': 5 } });
  await engineRequest('POST', `/${logsIndex}/_doc?refresh=true`, {
    '@timestamp': new Date().toISOString(),
    message: 'abcdefghij',
    build_uuid: 'a1b2c3d4e5f6',
    build_name: 'tempest-full',
    build_status: 'FAILURE',
    build_change: 4242,
    build_patchset: '1',
    build_queue: 'check',
    project: 'openstack/nova',
    filename: 'job-output.txt',
    voting: 1,
  });
  standIn = await startSourceStandIn({
    engineUrl: engineUrl(),
    indexPrefix,
    config: { logs: { indexPattern: `${prefix}-logs-*` }, results: { index: `${prefix}-results` } },
  });
});

afterAll(async () => {
  await standIn?.stop();
  await deleteStandInIndices(engineUrl(), indexPrefix);
  await engineRequest('DELETE', `/${prefix}-*?ignore_unavailable=true`);
});

test("a query the engine refuses in the preview is a 400 naming the engine's reason", async () => {
  const res = await standIn.request('POST', QUERY_PREVIEW_PATH, {
    user: 'reader',
    body: { query: 'message:/abcdefghij/', days: 1 },
  });
  // the preview's searches run at the same time: whichever the engine refuses first names the reason
  expect({ status: res.status, message: res.body.message }).toEqual({
    status: 400,
    message: expect.stringMatching(/engine answered 400: .*The length of regex \[10\]/),
  });
  expect(res.body.attributes).toMatchObject({ reason: expect.stringContaining('The length of regex [10]') });
});

test("the failure-rate _msearch turns an item's refusal into the engine's 400 and reason", async () => {
  const engine = httpEngineClient(engineUrl());
  const error = await failureRates(engine, compileSignatures([sig('regex', 'message:/abcdefghij/')]), {
    index: logsIndex,
    windowMs: 24 * 3600_000,
    skipAbsent: false,
  }).catch((e) => e);
  expect(error).toBeInstanceOf(EngineRequestError);
  expect({ status: error.statusCode, message: error.message }).toEqual({
    status: 400,
    message: expect.stringMatching(
      /^failure-rate aggregation failed: engine answered 400: .*The length of regex \[10\]/,
    ),
  });
});

test('the same query in a plain search is the same 400', async () => {
  const res = await standIn.request('POST', QUERY_STATS_PATH, {
    user: 'reader',
    body: { query: 'message:/abcdefghij/' },
  });
  expect({ status: res.status, message: res.body.message }).toEqual({
    status: 400,
    message: expect.stringContaining('The length of regex [10]'),
  });
});

test('a user without the privilege gets the host 403, and nothing is written', async () => {
  const res = await standIn.request('POST', SIGNATURES_PATH, {
    user: 'reader',
    body: { bug: { tracker: 'launchpad', id: '4242' }, query: 'message:"x"' },
  });
  expect(res.status).toBe(403);
  const list = await standIn.request('GET', SIGNATURES_PATH, { user: 'reader' });
  expect(list.body.signatures.map((s: { id: string }) => s.id)).not.toContain('4242');
});

describe('without an engine', () => {
  const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, get: () => silent };
  let client: Client;

  beforeAll(async () => {
    // a port nothing listens on: the host's own client gets no answer at all
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    client = new Client({ node: `http://127.0.0.1:${port}`, maxRetries: 0 });
  });
  afterAll(async () => client?.close());

  test('a route whose engine cannot be reached answers 502 and says so', async () => {
    const routes: RegisteredRoute[] = [];
    const config = () => parseConfig({});
    registerRoutes({
      router: new Router(routes, 'kibana', 'elasticRecheck'),
      host: 'kibana',
      logger: silent,
      config,
      access: new AccessService('kibana', config, silent),
    });
    const results = routes.find((r) => r.path === RESULTS_PATH && r.method === 'get')!;
    const context = {
      core: Promise.resolve({ elasticsearch: { client: { asCurrentUser: client, asInternalUser: client } } }),
    };
    const res = await results.handler(context as any, { query: { page: 1, perPage: 10 } } as any, responseFactory);
    expect({ status: res.status, message: (res.payload as { message: string }).message }).toEqual({
      status: 502,
      message: expect.stringMatching(/^engine unreachable/),
    });
  });
});

describe('errorResponse', () => {
  test("an engine permission error inside an _msearch answer keeps its 403 and the engine's reason", () => {
    const reason = 'no permissions for [indices:data/read/search] and User [name=reader, backend_roles=[]]';
    const res = errorResponse(
      responseFactory,
      msearchItemError('failure-rate aggregation failed', {
        status: 403,
        error: { root_cause: [{ type: 'security_exception', reason }], type: 'security_exception', reason },
      }),
    );
    expect(res).toMatchObject({
      status: 403,
      payload: { message: expect.stringContaining(reason), attributes: { type: 'security_exception', reason } },
    });
  });

  test('our own refusals keep their status; anything else is left to the host (500)', () => {
    expect(errorResponse(responseFactory, new RequestError(409, 'changed meanwhile'))).toMatchObject({
      status: 409,
      payload: { message: 'changed meanwhile' },
    });
    const bug = new Error('a bug');
    expect(() => errorResponse(responseFactory, bug)).toThrow(bug);
  });
});
