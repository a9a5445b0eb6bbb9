/*
 * HTTP access of the `elastic-recheck` CLI to a running Kibana or OpenSearch Dashboards with the plugin.
 *
 * Sends `kbn-xsrf` and `osd-xsrf` on every request (each host ignores the other's header), basic auth
 * (user and password) or an API key (`Authorization: ApiKey …`, Kibana), and turns every failure into a
 * HostError whose message is ONE line naming the host and what to do: unreachable, timeout, 401, 403,
 * 404 (plugin missing, wrong base path), 413, other 4xx/5xx, an answer that is not the plugin's API.
 */
import { NO_SIGNATURE_CODE } from '../common/api/signatures';
import { API_BASE_PATH } from '../common/constants';

export class HostError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

/** A wrong --host URL or missing credentials: a usage problem, found before anything is sent. */
export class HostConfigError extends Error {}

export interface HostAuth {
  user?: string;
  password?: string;
  /** Kibana API key (the encoded form), sent as `Authorization: ApiKey <key>`. */
  apiKey?: string;
}

export interface HostClientOptions {
  url: string;
  auth?: HostAuth;
  timeoutMs?: number;
}

export interface HostAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** What the caller was doing, for the 403 line ("may not import signatures"). */
export interface CallPurpose {
  action: string;
  /** The privilege the action needs, named in the 403 line. */
  privilege: string;
}

/** What a write or a read needs, on each host (docs/api.md, Access). */
export const WRITE_PRIVILEGE =
  "the 'all' privilege of the elasticRecheck feature (elasticRecheck-write) on Kibana, or a writer role (elastic_recheck.access.writers) on OpenSearch Dashboards";
export const READ_PRIVILEGE =
  "the 'read' privilege of the elasticRecheck feature (elasticRecheck-read) on Kibana, or a reader role (elastic_recheck.access.readers, when set) on OpenSearch Dashboards";

/** Checks and normalizes a host URL (no trailing slash); throws HostConfigError with the reason. */
export function parseHostUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HostConfigError(`--host must be a URL such as http://127.0.0.1:5601, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HostConfigError(`--host must be an http:// or https:// URL, got "${raw}"`);
  if (url.username || url.password)
    throw new HostConfigError(
      '--host must not contain credentials: use --user with ELASTIC_RECHECK_PASSWORD (or --password)',
    );
  if (url.search || url.hash)
    throw new HostConfigError(
      `--host must be the base URL of Kibana / OpenSearch Dashboards without a query or fragment, got "${raw}"`,
    );
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** The host's own message from an error body (`{ statusCode, error, message }`), on one line. */
function messageOf(answer: HostAnswer): string {
  const text = answer.body.toString('utf8');
  let message = text;
  if (/json/i.test(answer.contentType)) {
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed.message === 'string') message = parsed.message;
      else if (parsed && typeof parsed.error === 'string') message = parsed.error;
    } catch {
      // not JSON after all: the text itself
    }
  } else if (/html/i.test(answer.contentType)) {
    message = (/<title>([^<]*)<\/title>/i.exec(text)?.[1] ?? 'an HTML page').trim();
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

/** `attributes.code` of a JSON error answer (the plugin's structured error kinds), or undefined. */
function errorCodeOf(answer: HostAnswer): string | undefined {
  if (!/json/i.test(answer.contentType)) return undefined;
  try {
    const code = JSON.parse(answer.body.toString('utf8'))?.attributes?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code && cause.message)
    return cause.message.includes(cause.code) ? cause.message : `${cause.code}: ${cause.message}`;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export class HostClient {
  readonly url: URL;
  /** The host as shown in messages (no trailing slash). */
  readonly label: string;
  private readonly auth: HostAuth;
  private readonly timeoutMs: number;

  constructor(options: HostClientOptions) {
    this.url = parseHostUrl(options.url);
    this.label = this.url.toString().replace(/\/$/, '');
    this.auth = options.auth ?? {};
    this.timeoutMs = options.timeoutMs ?? 120_000;
    if (!(this.timeoutMs > 0)) throw new HostConfigError('--timeout must be at least 1 second');
    if (this.auth.user !== undefined && this.auth.password === undefined)
      throw new HostConfigError(
        `no password for user '${this.auth.user}': set ELASTIC_RECHECK_PASSWORD (or give --password)`,
      );
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const h: Record<string, string> = {
      'kbn-xsrf': 'true',
      'osd-xsrf': 'true',
      'user-agent': 'elastic-recheck-cli',
      ...extra,
    };
    if (this.auth.apiKey) h.authorization = `ApiKey ${this.auth.apiKey}`;
    else if (this.auth.user !== undefined)
      h.authorization = `Basic ${Buffer.from(`${this.auth.user}:${this.auth.password ?? ''}`).toString('base64')}`;
    return h;
  }

  /** One request; any answer other than 2xx becomes a HostError with one line. */
  async request(method: 'GET' | 'POST', apiPath: string, purpose: CallPurpose, body?: unknown): Promise<HostAnswer> {
    const target = `${this.label}${apiPath}`;
    let res: Response;
    try {
      res = await fetch(target, {
        method,
        headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError')
        throw new HostError(`no answer from ${this.label} within ${Math.round(this.timeoutMs / 1000)} s`);
      throw new HostError(`cannot reach ${this.label}: ${networkReason(error)}`);
    }
    const answer: HostAnswer = {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: Buffer.from(await res.arrayBuffer()),
    };
    if (res.status >= 200 && res.status < 300) return answer;
    const message = messageOf(answer);
    const who = this.auth.apiKey
      ? 'the API key'
      : this.auth.user !== undefined
        ? `user '${this.auth.user}'`
        : undefined;
    switch (true) {
      case res.status >= 300 && res.status < 400:
        throw new HostError(
          `${this.label} redirects ${method} ${apiPath} to ${res.headers.get('location') ?? '?'} (${res.status}): give the URL Kibana / OpenSearch Dashboards serves the API under (with its base path)`,
          res.status,
        );
      case res.status === 401:
        throw new HostError(
          who
            ? `${this.label} did not accept the credentials of ${who} (401: ${message})`
            : `${this.label} requires a login (401): give --user and set ELASTIC_RECHECK_PASSWORD (or ELASTIC_RECHECK_USER / ELASTIC_RECHECK_PASSWORD, or ELASTIC_RECHECK_API_KEY)`,
          401,
        );
      case res.status === 403:
        throw new HostError(
          `${who ?? 'the anonymous user'} may not ${purpose.action} on ${this.label}: it needs ${purpose.privilege} (403: ${message})`,
          403,
        );
      case res.status === 404 && errorCodeOf(answer) === NO_SIGNATURE_CODE:
        throw new HostError(`${this.label}: ${message} (404)`, 404);
      case res.status === 404:
        throw new HostError(
          `${this.label} has no ${apiPath} (404: ${message}): is the elastic-recheck plugin installed, and is the URL right (base path, space)?`,
          404,
        );
      case res.status === 413:
        throw new HostError(`${this.label} refused the request as too large (413: ${message})`, 413);
      default:
        throw new HostError(
          `${this.label} answered ${method} ${apiPath} with ${res.status}${res.statusText ? ` ${res.statusText}` : ''}: ${message}`,
          res.status,
        );
    }
  }

  /** A JSON answer of the plugin's API; anything else is a HostError. */
  async json<T>(method: 'GET' | 'POST', apiPath: string, purpose: CallPurpose, body?: unknown): Promise<T> {
    const answer = await this.request(method, apiPath, purpose, body);
    if (!/json/i.test(answer.contentType)) throw notTheApi(this.label, apiPath, answer);
    try {
      return JSON.parse(answer.body.toString('utf8')) as T;
    } catch (error) {
      throw new HostError(`${this.label} answered ${apiPath} with broken JSON: ${(error as Error).message}`);
    }
  }
}

export function notTheApi(label: string, apiPath: string, answer: HostAnswer): HostError {
  return new HostError(
    `${label} answered ${apiPath} with ${answer.contentType || 'no content type'} (${messageOf(answer).slice(0, 80) || 'empty'}), not the elastic-recheck API under ${API_BASE_PATH}: is the URL that of Kibana / OpenSearch Dashboards?`,
  );
}
