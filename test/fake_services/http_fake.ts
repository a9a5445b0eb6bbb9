/*
 * Base of the fake external services (Zuul, Gerrit, chat webhooks): a real HTTP server on 127.0.0.1
 * that records every request it receives and can be switched "down" (answers 503) or stopped and
 * restarted on the same port (connection refused in between).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  json?: any;
  status?: number;
}

export interface FakeReply {
  status: number;
  body?: string | object;
  headers?: Record<string, string>;
}

export abstract class HttpFake {
  readonly requests: RecordedRequest[] = [];
  /** When set, every request is answered with this status (a service that is up but failing). */
  failWith: number | null = null;
  private server: http.Server | null = null;
  private port = 0;

  get url(): string {
    if (!this.port) throw new Error(`${this.constructor.name} is not started`);
    return `http://127.0.0.1:${this.port}`;
  }

  protected abstract handle(req: RecordedRequest): FakeReply | Promise<FakeReply>;

  async start(port = this.port): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: decodeURIComponentSafe(url.pathname),
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        if (recorded.body) {
          try {
            recorded.json = JSON.parse(recorded.body);
          } catch {
            /* not JSON */
          }
        }
        this.requests.push(recorded);
        let reply: FakeReply;
        try {
          reply = this.failWith ? { status: this.failWith, body: 'service unavailable' } : await this.handle(recorded);
        } catch (error: any) {
          reply = { status: 500, body: String(error?.message ?? error) };
        }
        recorded.status = reply.status;
        const payload =
          reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type': typeof reply.body === 'object' ? 'application/json' : 'text/plain',
          ...(reply.headers ?? {}),
        });
        res.end(payload);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening (connections are refused) but keeps the port for a later start(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get running(): boolean {
    return this.server !== null;
  }
}

function decodeURIComponentSafe(path: string): string {
  // Keep %2F inside path segments visible as-is for handlers that need the raw segment.
  return path;
}

/** Basic-auth user:password from a request, or null. */
export function basicAuth(headers: http.IncomingHttpHeaders): { user: string; password: string } | null {
  const value = headers.authorization;
  if (!value || !value.startsWith('Basic ')) return null;
  const decoded = Buffer.from(value.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}
