/*
 * TEST-ONLY loopback proxy between Kibana's own client (@elastic/elasticsearch 9) and OpenSearch.
 * The two disagree on two headers, and nothing else we use:
 *  - the client sends `Accept`/`Content-Type: application/vnd.elasticsearch+json; compatible-with=9`,
 *    which OpenSearch rejects (406/415): rewritten to plain application/json (x-ndjson for bulk bodies);
 *  - the client refuses answers without `X-Elastic-Product: Elasticsearch` (its product check),
 *    which OpenSearch never sends: added to every answer.
 * A real Kibana talks to Elasticsearch and needs neither; it exists so the stand-in can hand the plugin
 * the very client Kibana hands it, against the engine we can run. Bound to 127.0.0.1 only.
 *
 * How it forwards, and why (each point closes a way to answer 502 for a request the engine would serve):
 *  - the request body is read completely before anything goes upstream, and sent with an exact
 *    content-length: nothing is streamed half-way into a socket that may fail, and a request can be sent
 *    again as it was;
 *  - hop-by-hop headers (connection, keep-alive, transfer-encoding, te, upgrade, ...) are not forwarded in
 *    either direction: each side of the proxy frames its own connection;
 *  - upstream sockets come from the proxy's own keep-alive agent; a request that fails on a REUSED socket
 *    before any answer (the engine closed the idle socket as we picked it: ECONNRESET / EPIPE / "socket
 *    hang up") is sent again on a fresh socket, as Node's documentation advises for keep-alive agents;
 *  - an upstream answer that breaks after its head was sent destroys the client's response (the client
 *    sees a broken connection, never a truncated body with a JSON error glued to it);
 *  - a client that goes away aborts its upstream request.
 * close() destroys the listening socket, every client connection and every upstream socket (the agent's
 * keep-alive pool included), so nothing of the proxy outlives the stand-in's stop().
 */
import * as http from 'http';
import type { Socket, AddressInfo } from 'net';

export interface EngineProxy {
  url: string;
  close(): Promise<void>;
}

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the proxy ones. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** Errors of a reused keep-alive socket that the engine closed before reading our request. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const MAX_ATTEMPTS = 3;
/** The engine's own default http.max_content_length; a bigger body would be refused upstream anyway. */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

function plainMediaType(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.replace(/application\/vnd\.elasticsearch\+(x-ndjson|json)\s*;\s*compatible-with=\d+/gi, (_m, kind) =>
    kind.toLowerCase() === 'x-ndjson' ? 'application/x-ndjson' : 'application/json',
  );
}

/** Names listed in a Connection header are hop-by-hop too. */
function connectionTokens(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const drop = new Set([...HOP_BY_HOP, ...connectionTokens(headers.connection)]);
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !drop.has(name)) out[name] = value;
  return out;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        reject(Object.assign(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`), { status: 413 }));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('client aborted the request')));
  });
}

/** `intercept` may answer a request itself (true) instead of forwarding it (osd_security.ts). */
export async function startEngineProxy(
  engineUrl: string,
  options: { intercept?(req: http.IncomingMessage, res: http.ServerResponse): boolean } = {},
): Promise<EngineProxy> {
  const target = new URL(engineUrl);
  const basePath = target.pathname.replace(/\/$/, '');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const clientSockets = new Set<Socket>();
  const upstreamRequests = new Set<http.ClientRequest>();
  let closing = false;

  const fail = (res: http.ServerResponse, status: number, reason: string) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: { type: 'proxy_error', reason }, status });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-elastic-product': 'Elasticsearch',
    });
    res.end(body);
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, attempt: number) => {
    const headers = endToEnd(req.headers);
    headers.host = target.host;
    for (const key of ['accept', 'content-type'] as const) {
      const fixed = plainMediaType(req.headers[key]);
      if (fixed !== undefined) headers[key] = fixed;
    }
    // The body as read, with its exact length (GET/HEAD/DELETE without a body send none).
    if (body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method ?? 'GET'))
      headers['content-length'] = body.length;
    else delete headers['content-length'];

    let answered = false;
    const upstream = http.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: `${basePath}${req.url}`,
        headers,
        agent,
      },
      (answer) => {
        answered = true;
        const out = endToEnd(answer.headers);
        out['x-elastic-product'] = 'Elasticsearch';
        res.writeHead(answer.statusCode ?? 502, out);
        answer.on('aborted', () => res.destroy());
        answer.on('error', () => res.destroy());
        answer.pipe(res);
      },
    );
    upstreamRequests.add(upstream);
    upstream.on('close', () => upstreamRequests.delete(upstream));
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) {
        res.destroy();
        return;
      }
      const stale =
        upstream.reusedSocket && (STALE_SOCKET_CODES.has(error.code ?? '') || error.message === 'socket hang up');
      if (stale && attempt < MAX_ATTEMPTS && !closing && !res.destroyed) {
        forward(req, res, body, attempt + 1);
        return;
      }
      fail(res, 502, `engine unreachable at ${target.origin}: ${error.message}`);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body.length ? body : undefined);
  };

  const server = http.createServer((req, res) => {
    if (options.intercept?.(req, res)) return;
    readBody(req).then(
      (body) => {
        if (closing) return fail(res, 503, 'the stand-in is stopping');
        forward(req, res, body, 1);
      },
      (error: Error & { status?: number }) => {
        if (error.status) fail(res, error.status, error.message);
        else res.destroy();
      },
    );
  });
  server.keepAliveTimeout = 30000;
  server.on('connection', (socket: Socket) => {
    clientSockets.add(socket);
    socket.on('close', () => clientSockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const r of upstreamRequests) r.destroy();
      for (const s of clientSockets) s.destroy();
      agent.destroy();
      await closed;
    },
  };
}
