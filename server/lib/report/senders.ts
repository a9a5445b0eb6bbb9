/*
 * Delivery to the outside: Gerrit review comments (REST, basic auth, `)]}'`-prefixed answers) and chat
 * webhooks (Slack-compatible incoming webhooks, Matrix client-server send, generic JSON).
 * Every failure is a DeliveryError that says whether retrying can help; secrets never appear in it.
 */
import { createHash } from 'crypto';
import type { WebhookConfig } from '../../config';

export class DeliveryError extends Error {
  constructor(message: string, readonly statusCode: number) {
    super(message);
    this.name = 'DeliveryError';
  }
  /** Unreachable, timed out, rate limited or a server error: worth another attempt later. */
  get retryable(): boolean {
    return this.statusCode === 0 || this.statusCode === 408 || this.statusCode === 429 || this.statusCode >= 500;
  }
}

async function send(what: string, url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error: any) {
    const code = error?.cause?.code ?? error?.name ?? 'error';
    throw new DeliveryError(`${what}: unreachable (${code})`, 0);
  }
  const text = await res.text();
  if (!res.ok) throw new DeliveryError(`${what}: answered ${res.status} ${text.slice(0, 200).replace(/\s+/g, ' ')}`, res.status);
  return { status: res.status, text };
}

export const GERRIT_XSSI_PREFIX = ")]}'";

/** Gerrit prefixes JSON answers with `)]}'` and a newline against XSSI. */
export function parseGerritJson(text: string): any {
  const body = text.startsWith(GERRIT_XSSI_PREFIX) ? text.slice(GERRIT_XSSI_PREFIX.length) : text;
  return body.trim() ? JSON.parse(body) : undefined;
}

export interface GerritTarget {
  project: string;
  change: number;
  patchset: string;
}

export class GerritClient {
  private readonly base: string;
  private readonly auth: string;
  constructor(url: string, username: string, password: string, private readonly tag: string, private readonly timeoutMs = 30000) {
    this.base = url.replace(/\/+$/, '');
    this.auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private changeId(t: GerritTarget): string {
    return `${encodeURIComponent(t.project)}~${t.change}`;
  }

  /** POST /a/changes/{project~change}/revisions/{patchset}/review with { message, tag }. */
  async review(target: GerritTarget, message: string): Promise<void> {
    const url = `${this.base}/a/changes/${this.changeId(target)}/revisions/${encodeURIComponent(target.patchset)}/review`;
    const res = await send(`Gerrit review on ${target.change},${target.patchset}`, url, {
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'application/json; charset=UTF-8', accept: 'application/json' },
      body: JSON.stringify({ message, tag: this.tag }),
    }, this.timeoutMs);
    try {
      parseGerritJson(res.text);
    } catch {
      throw new DeliveryError(`Gerrit review on ${target.change},${target.patchset}: answer is not Gerrit JSON`, 502);
    }
  }

  /** Whether a message with our tag and this text is already on the change (to settle an interrupted delivery). */
  async hasMessage(target: GerritTarget, message: string): Promise<boolean> {
    const url = `${this.base}/a/changes/${this.changeId(target)}/messages`;
    const res = await send(`Gerrit messages of ${target.change}`, url, { method: 'GET', headers: { authorization: this.auth, accept: 'application/json' } }, this.timeoutMs);
    const list = parseGerritJson(res.text);
    return Array.isArray(list) && list.some((m: any) => m?.tag === this.tag && typeof m?.message === 'string' && m.message.includes(message));
  }
}

export interface ChatPayload {
  event: 'positive' | 'negative';
  text: string;
  build: { uuid: string; job: string; project: string; pipeline: string; change?: number; patchset?: string; result: string; logUrl?: string };
  changeUrl?: string;
  bugs: Array<{ signatureId: string; url: string }>;
}

/** A stable Matrix transaction id per build and channel: Matrix drops a repeated send with the same id. */
export function matrixTxnId(buildUuid: string, channel: string): string {
  return `er-${createHash('sha256').update(`${buildUuid}\n${channel}`).digest('hex').slice(0, 32)}`;
}

export async function sendWebhook(hook: WebhookConfig, payload: ChatPayload, timeoutMs: number): Promise<void> {
  const what = `webhook ${hook.name} (${hook.type})`;
  if (hook.type === 'slack') {
    await send(what, hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: payload.text }) }, timeoutMs);
    return;
  }
  if (hook.type === 'matrix') {
    const url = `${hook.url.replace(/\/+$/, '')}/_matrix/client/v3/rooms/${encodeURIComponent(hook.roomId!)}/send/m.room.message/${matrixTxnId(payload.build.uuid, `chat:${hook.name}`)}`;
    await send(what, url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hook.token}` },
      body: JSON.stringify({ msgtype: 'm.text', body: payload.text }),
    }, timeoutMs);
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (hook.token) headers.authorization = `Bearer ${hook.token}`;
  await send(what, hook.url, { method: 'POST', headers, body: JSON.stringify(payload) }, timeoutMs);
}
