/** @jest-layer engine */
/*
 * The test-only engine proxy: what it forwards, the failures it must not turn into a 502 (a keep-alive
 * socket the engine closed), the failures it must not hide (an answer broken half-way), and that close()
 * leaves no socket behind. The upstream here is a small real HTTP server on 127.0.0.1 that can misbehave
 * on purpose; the real engine is used for the happy path with Kibana's own client.
 */
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { Client } from '@elastic/elasticsearch';
import { engineUrl, uniqueName } from '../../../test/setup/engine';
import { EngineProxy, startEngineProxy } from './engine_proxy';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  connection: number;
}

/** An upstream that records what it receives; `behave` may answer or break the connection. */
async function fakeUpstream(
  behave: (req: http.IncomingMessage, res: http.ServerResponse, nthOnConnection: number) => void,
) {
  const seen: Seen[] = [];
  const sockets: Socket[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const socket = req.socket as Socket & { _n?: number };
      socket._n = (socket._n ?? 0) + 1;
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        connection: sockets.indexOf(socket),
      });
      behave(req, res, socket._n);
    });
  });
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    sockets,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
};

/** One request through the proxy with a raw client (so nothing is hidden by a client library). */
function call(
  url: string,
  options: http.RequestOptions & { body?: string[] },
  agent?: http.Agent,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${options.path ?? '/'}`, { ...options, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        res.complete
          ? resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })
          : reject(new Error('incomplete answer')),
      );
    });
    req.on('error', reject);
    const parts = options.body ?? [];
    // written in separate chunks (chunked transfer encoding when no content-length is given)
    (async () => {
      for (const p of parts) {
        req.write(p);
        await new Promise((r) => setTimeout(r, 20));
      }
      req.end();
    })();
  });
}

async function until(what: string, probe: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const proxies: EngineProxy[] = [];
const upstreams: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
  for (const u of upstreams.splice(0)) await u.stop();
});

async function setUp(behave: Parameters<typeof fakeUpstream>[0]) {
  const upstream = await fakeUpstream(behave);
  upstreams.push(upstream);
  const proxy = await startEngineProxy(upstream.url);
  proxies.push(proxy);
  return { upstream, proxy };
}

test("Kibana's client works through the proxy against the real engine (media types and product header fixed)", async () => {
  const proxy = await startEngineProxy(engineUrl());
  proxies.push(proxy);
  const client = new Client({ node: proxy.url, maxRetries: 0 });
  try {
    const health = await client.cluster.health();
    expect(['green', 'yellow']).toContain(health.status);
    expect(await client.indices.exists({ index: uniqueName('er-proxy-absent') })).toBe(false); // HEAD: no body
  } finally {
    await client.close();
  }
});

test('forwards a streamed body complete, with its exact content-length, and no hop-by-hop headers either way', async () => {
  const { upstream, proxy } = await setUp((_req, res) => {
    res.setHeader('x-hop', 'secret');
    res.setHeader('connection', 'keep-alive, x-hop');
    json(res, 200, { ok: true });
  });
  const answer = await call(proxy.url, {
    method: 'POST',
    path: '/idx/_search?size=1',
    headers: {
      'content-type': 'application/vnd.elasticsearch+json; compatible-with=9',
      accept: 'application/vnd.elasticsearch+json; compatible-with=9',
      connection: 'keep-alive, x-client-hop',
      'x-client-hop': '1',
      'x-opaque-id': 'abc',
    },
    body: ['{"query":', '{"match_all":{}}', '}'],
  });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body)).toEqual({ ok: true });
  expect(answer.headers['x-elastic-product']).toBe('Elasticsearch');
  expect(answer.headers['x-hop']).toBeUndefined();
  const [got] = upstream.seen;
  expect(got).toMatchObject({ method: 'POST', url: '/idx/_search?size=1', body: '{"query":{"match_all":{}}}' });
  expect(got.headers['content-length']).toBe(String(Buffer.byteLength(got.body)));
  expect(got.headers['transfer-encoding']).toBeUndefined();
  expect(got.headers['x-client-hop']).toBeUndefined();
  expect(got.headers['content-type']).toBe('application/json');
  expect(got.headers.accept).toBe('application/json');
  expect(got.headers['x-opaque-id']).toBe('abc');
});

test('a keep-alive socket the engine closed as it was reused: the request is sent again on a fresh socket, no 502', async () => {
  // The upstream serves the first request of each connection and drops the connection on the second one,
  // which is what a server closing an idle keep-alive socket looks like to the client that reuses it.
  const { upstream, proxy } = await setUp((req, res, n) => {
    if (n > 1) req.socket.destroy();
    else json(res, 200, { n: upstream.seen.length });
  });
  const first = await call(proxy.url, { method: 'GET', path: '/_cluster/health' });
  const second = await call(proxy.url, {
    method: 'POST',
    path: '/idx/_validate/query',
    headers: { 'content-type': 'application/json' },
    body: ['{"query":{"match_all":{}}}'],
  });
  expect([first.status, second.status]).toEqual([200, 200]);
  // the second request went out twice: on the reused socket (dropped), then on a new one
  expect(upstream.seen.map((s) => [s.url, s.connection])).toEqual([
    ['/_cluster/health', 0],
    ['/idx/_validate/query', 0],
    ['/idx/_validate/query', 1],
  ]);
  expect(upstream.seen[2].body).toBe('{"query":{"match_all":{}}}');
});

test('an engine that drops a fresh connection is a 502 with the reason (not retried)', async () => {
  const { upstream, proxy } = await setUp((req) => req.socket.destroy());
  const answer = await call(proxy.url, { method: 'GET', path: '/' });
  expect(answer.status).toBe(502);
  expect(JSON.parse(answer.body).error).toMatchObject({
    type: 'proxy_error',
    reason: expect.stringContaining('engine unreachable'),
  });
  expect(upstream.seen).toHaveLength(1);
});

test('an answer that breaks half-way reaches the client as a broken answer, not a complete one', async () => {
  const { proxy } = await setUp((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
    res.write('{"hits":');
    setTimeout(() => req.socket.destroy(), 20);
  });
  await expect(call(proxy.url, { method: 'GET', path: '/_search' })).rejects.toThrow();
});

test('close() ends every connection on both sides, keep-alive ones included', async () => {
  const { upstream, proxy } = await setUp((_req, res) => json(res, 200, {}));
  const clientAgent = new http.Agent({ keepAlive: true });
  try {
    for (let i = 0; i < 3; i++)
      expect((await call(proxy.url, { method: 'GET', path: `/${i}` }, clientAgent)).status).toBe(200);
    const clientSockets = Object.values(clientAgent.freeSockets).flat() as Socket[];
    expect(clientSockets.length).toBeGreaterThan(0);
    expect(upstream.sockets.some((s) => !s.destroyed)).toBe(true);
    await proxies.pop()!.close();
    await until('the proxy to close its upstream sockets', () => upstream.sockets.every((s) => s.destroyed));
    await until('the proxy to close client connections', () => clientSockets.every((s) => s.destroyed));
    await expect(call(proxy.url, { method: 'GET', path: '/' })).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    clientAgent.destroy();
  }
});
