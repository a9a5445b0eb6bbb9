/*
 * One way for all our code to talk to the search engine, whatever the host hands us.
 *
 * Kibana's @elastic/elasticsearch client resolves to the response body; OpenSearch Dashboards'
 * @opensearch-project/opensearch client resolves to `{ body, statusCode, ... }`. Both expose
 * `transport.request({ method, path, body, bulkBody, querystring })`, so we speak raw REST through
 * that and normalize the answer, which also sidesteps their different request-parameter styles
 * (top-level keys in Kibana 9, `body` in OpenSearch). See host-contracts §2.4.
 */
import { ENGINE_SEARCH_TIMEOUT_MS } from '../common/constants';

export type EngineMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';

export interface EngineRequest {
  method: EngineMethod;
  path: string;
  body?: unknown;
  /** NDJSON lines (bulk, msearch): each entry becomes one line. */
  bulkBody?: unknown[];
  querystring?: Record<string, string | number | boolean | undefined>;
}

export interface EngineClient {
  request<T = any>(req: EngineRequest): Promise<T>;
}

/** An engine answer with a non-2xx status, or an engine that could not be reached (statusCode 0). */
export class EngineRequestError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly type?: string,
    readonly reason?: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'EngineRequestError';
  }

  /** True when retrying later can help: the engine was unreachable, overloaded or unavailable. */
  get retryable(): boolean {
    return (
      this.statusCode === 0 ||
      this.statusCode === 429 ||
      this.statusCode === 502 ||
      this.statusCode === 503 ||
      this.statusCode === 504
    );
  }
}

function describeError(statusCode: number, body: any, fallback: string): EngineRequestError {
  const root = body?.error?.root_cause?.[0] ?? body?.error;
  const type: string | undefined = typeof root === 'object' ? root?.type : undefined;
  const reason: string | undefined =
    typeof root === 'object' ? root?.reason : typeof body?.error === 'string' ? body.error : undefined;
  const text = reason ? `${type ? `${type}: ` : ''}${reason}` : fallback;
  return new EngineRequestError(`engine answered ${statusCode}: ${text}`, statusCode, type, reason, body);
}

/**
 * A host client's error as our one engine error: an answer keeps the engine's status, type and reason
 * (`meta.statusCode` / `meta.body` in both client libraries); no answer at all is "unreachable" (status 0).
 */
export function engineErrorFromHostClient(error: unknown): EngineRequestError {
  if (error instanceof EngineRequestError) return error;
  const e = error as {
    message?: string;
    statusCode?: number;
    body?: unknown;
    meta?: { statusCode?: number; body?: unknown };
  };
  const statusCode = e?.meta?.statusCode ?? e?.statusCode ?? 0;
  if (statusCode) return describeError(statusCode, e?.meta?.body ?? e?.body, e?.message ?? 'request failed');
  return new EngineRequestError(`engine unreachable: ${e?.message ?? String(error)}`, 0);
}

/** One failed search of an `_msearch` answer as an engine error: its own status, type and reason. */
export function msearchItemError(what: string, item: { status?: number; error?: unknown }): EngineRequestError {
  const error = item.error as {
    type?: string;
    reason?: string;
    root_cause?: Array<{ type?: string; reason?: string }>;
  };
  const root = error?.root_cause?.[0] ?? error;
  const type = root?.type ?? error?.type;
  const reason = root?.reason ?? error?.reason ?? JSON.stringify(item.error);
  const status = item.status ?? 500;
  return new EngineRequestError(
    `${what}: engine answered ${status}: ${type ? `${type}: ` : ''}${reason}`,
    status,
    type,
    reason,
    item,
  );
}

/** The part of either host client we rely on. */
export interface HostClientLike {
  transport: { request(params: any, options?: any): Promise<any> };
}

/**
 * Wraps a host-provided client (Kibana `elasticsearch.client.asCurrentUser` or OpenSearch Dashboards
 * `opensearch.client.asCurrentUser`) or a plain client instance of either library.
 */
export function engineFromHostClient(client: HostClientLike): EngineClient {
  return {
    async request<T>(req: EngineRequest): Promise<T> {
      const params: Record<string, unknown> = { method: req.method, path: req.path };
      if (req.body !== undefined) params.body = req.body;
      if (req.bulkBody !== undefined) params.bulkBody = req.bulkBody;
      if (req.querystring) params.querystring = stripUndefined(req.querystring);
      let result: any;
      try {
        result = await client.transport.request(params);
      } catch (error) {
        throw engineErrorFromHostClient(error);
      }
      // OpenSearch's client answers { body, statusCode, headers, meta }; Kibana's answers the body.
      if (result && typeof result === 'object' && 'body' in result && 'statusCode' in result) return result.body as T;
      return result as T;
    },
  };
}

function stripUndefined(query: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = String(v);
  return out;
}

export interface HttpEngineOptions {
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
}

/** A dependency-free client over fetch, for the CLI, scripts and background work outside a host. */
export function httpEngineClient(url: string, options: HttpEngineOptions = {}): EngineClient {
  const base = url.replace(/\/+$/, '');
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  }
  return {
    async request<T>(req: EngineRequest): Promise<T> {
      const qs = req.querystring ? new URLSearchParams(stripUndefined(req.querystring)).toString() : '';
      const target = `${base}${req.path.startsWith('/') ? '' : '/'}${req.path}${qs ? `?${qs}` : ''}`;
      let payload: string | undefined;
      const requestHeaders = { ...headers };
      if (req.bulkBody !== undefined) {
        payload =
          req.bulkBody.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';
        requestHeaders['content-type'] = 'application/x-ndjson';
      } else if (req.body !== undefined) {
        payload = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        requestHeaders['content-type'] = 'application/json';
      }
      let res: Response;
      try {
        res = await fetch(target, {
          method: req.method,
          headers: requestHeaders,
          body: payload,
          signal: AbortSignal.timeout(options.timeoutMs ?? 120000),
        });
      } catch (error: any) {
        throw new EngineRequestError(
          `engine unreachable at ${base}: ${error?.cause?.code ?? error?.message ?? String(error)}`,
          0,
        );
      }
      const text = await res.text();
      let body: any = undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      if (req.method === 'HEAD') return res.ok as unknown as T;
      if (!res.ok)
        throw describeError(res.status, body, typeof body === 'string' ? body.slice(0, 300) : res.statusText);
      return body as T;
    },
  };
}

/* ---- thin typed helpers over request(); the core functions use these ---- */

export interface SearchResponse<S = any> {
  took: number;
  timed_out: boolean;
  hits: {
    total: { value: number; relation: 'eq' | 'gte' };
    hits: Array<{ _index: string; _id: string; _source: S; highlight?: Record<string, string[]>; sort?: unknown[] }>;
  };
  aggregations?: any;
}

/** The body with the engine-side time limit (ENGINE_SEARCH_TIMEOUT_MS) unless it sets its own. */
function timeLimited(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body) || 'timeout' in body) return body;
  return { ...body, timeout: `${ENGINE_SEARCH_TIMEOUT_MS}ms` };
}

function checkTimedOut(res: { timed_out?: boolean } | undefined): void {
  if (res?.timed_out)
    throw new EngineRequestError(
      `engine answered 504: the search ran longer than ${ENGINE_SEARCH_TIMEOUT_MS} ms and was stopped; narrow the query or the time range`,
      504,
      'search_timeout',
    );
}

export async function search<S = any>(
  engine: EngineClient,
  index: string,
  body: unknown,
  querystring?: EngineRequest['querystring'],
): Promise<SearchResponse<S>> {
  const res = await engine.request<SearchResponse<S>>({
    method: 'POST',
    path: `/${encodeURIComponent(index)}/_search`,
    body: timeLimited(body),
    querystring,
  });
  checkTimedOut(res);
  return res;
}

export interface MsearchResponse {
  took: number;
  responses: Array<SearchResponse & { error?: any; status?: number }>;
}

/** One round trip for many searches; each entry may target its own index. */
export async function msearch(
  engine: EngineClient,
  searches: Array<{ index: string; body: unknown }>,
): Promise<MsearchResponse> {
  const lines: unknown[] = [];
  for (const s of searches) {
    lines.push({ index: s.index });
    lines.push(timeLimited(s.body));
  }
  const res = await engine.request<MsearchResponse>({ method: 'POST', path: '/_msearch', bulkBody: lines });
  res?.responses?.forEach(checkTimedOut);
  return res;
}

export interface BulkResult {
  took: number;
  errors: boolean;
  items: Array<Record<string, { _id: string; status: number; error?: { type: string; reason: string } }>>;
}

/** Sends bulk lines and throws when any item failed, naming the first failure. */
export async function bulk(
  engine: EngineClient,
  lines: unknown[],
  refresh?: boolean | 'wait_for',
): Promise<BulkResult> {
  const result = await engine.request<BulkResult>({
    method: 'POST',
    path: '/_bulk',
    bulkBody: lines,
    querystring: refresh === undefined ? undefined : { refresh: String(refresh) },
  });
  if (result.errors) {
    const failed = result.items.map((item) => Object.values(item)[0]).filter((op) => op.error);
    const first = failed[0];
    throw new EngineRequestError(
      `bulk request had ${failed.length} failed item(s); first: ${first?.error?.type}: ${first?.error?.reason}`,
      first?.status ?? 400,
      first?.error?.type,
      first?.error?.reason,
      result,
    );
  }
  return result;
}
