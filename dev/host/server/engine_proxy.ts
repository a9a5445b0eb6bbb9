/*
 * TEST-ONLY loopback proxy between Kibana's own client (@elastic/elasticsearch 9) and OpenSearch.
 * The two disagree on two headers, and nothing else we use:
 *  - the client sends `Accept`/`Content-Type: application/vnd.elasticsearch+json; compatible-with=9`,
 *    which OpenSearch rejects (406/415): rewritten to plain application/json (x-ndjson for bulk bodies);
 *  - the client refuses answers without `X-Elastic-Product: Elasticsearch` (its product check),
 *    which OpenSearch never sends: added to every answer.
 * A real Kibana talks to Elasticsearch and needs neither; it exists so the stand-in can hand the plugin
 * the very client Kibana hands it, against the engine we can run. Bound to 127.0.0.1 only.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface EngineProxy {
  url: string;
  close(): Promise<void>;
}

function plainMediaType(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.replace(/application\/vnd\.elasticsearch\+(x-ndjson|json)\s*;\s*compatible-with=\d+/gi, (_m, kind) => (kind.toLowerCase() === 'x-ndjson' ? 'application/x-ndjson' : 'application/json'));
}

export async function startEngineProxy(engineUrl: string): Promise<EngineProxy> {
  const target = new URL(engineUrl);
  const server = http.createServer((req, res) => {
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
    for (const key of ['accept', 'content-type'] as const) {
      const fixed = plainMediaType(req.headers[key]);
      if (fixed !== undefined) headers[key] = fixed;
    }
    const upstream = http.request(
      { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: `${target.pathname.replace(/\/$/, '')}${req.url}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-elastic-product': 'Elasticsearch' });
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      }
      res.end(JSON.stringify({ error: { type: 'proxy_error', reason: `engine unreachable at ${target.origin}: ${error.message}` }, status: 502 }));
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
