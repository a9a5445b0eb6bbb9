/*
 * Fake chat endpoints: a Slack-compatible incoming webhook (POST {text} -> "ok"), a generic JSON
 * webhook (POST any JSON -> 204; a repeated Idempotency-Key header is answered 204 and not delivered twice,
 * the contract docs/api.md sets for generic webhooks), and the Matrix client-server send API
 * (PUT /_matrix/client/v3/rooms/{room}/send/m.room.message/{txnId}, bearer token; a repeated txnId
 * is answered with the first event id and not delivered twice, as Matrix does).
 */
import { FakeReply, HttpFake, RecordedRequest } from './http_fake';

export interface ChatDelivery {
  kind: 'slack' | 'json' | 'matrix';
  path: string;
  text?: string;
  body: any;
}

export class FakeChat extends HttpFake {
  readonly delivered: ChatDelivery[] = [];
  private readonly txns = new Map<string, string>();
  private readonly idempotencyKeys = new Set<string>();
  constructor(private readonly matrixToken = 'matrix-access-token') {
    super();
  }

  /** The plugin's `webhooks` entry for this fake's Slack endpoint. */
  slackWebhook(name: string, projects: string[], events: string[]) {
    return { name, type: 'slack', url: `${this.url}/slack/T0/B0/secret`, projects, events };
  }

  /** The plugin's `webhooks` entry for the Matrix room `!<name>:example.org`, with this fake's token. */
  matrixWebhook(name: string, projects: string[], events: string[]) {
    return {
      name,
      type: 'matrix',
      url: this.url,
      roomId: `!${name}:example.org`,
      token: this.matrixToken,
      projects,
      events,
    };
  }

  protected handle(req: RecordedRequest): FakeReply {
    const matrix = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/m\.room\.message\/([^/]+)$/.exec(req.path);
    if (matrix) {
      if (req.method !== 'PUT') return { status: 405, body: { errcode: 'M_UNRECOGNIZED' } };
      if (req.headers.authorization !== `Bearer ${this.matrixToken}`)
        return { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token' } };
      const key = `${matrix[1]}/${matrix[2]}`;
      const existing = this.txns.get(key);
      if (existing) return { status: 200, body: { event_id: existing } };
      if (req.json?.msgtype !== 'm.text' || typeof req.json?.body !== 'string')
        return { status: 400, body: { errcode: 'M_BAD_JSON' } };
      const eventId = `$event${this.txns.size + 1}`;
      this.txns.set(key, eventId);
      this.delivered.push({ kind: 'matrix', path: req.path, text: req.json.body, body: req.json });
      return { status: 200, body: { event_id: eventId } };
    }
    if (req.method !== 'POST') return { status: 405, body: 'method not allowed' };
    if (req.path.startsWith('/slack/')) {
      if (typeof req.json?.text !== 'string') return { status: 400, body: 'invalid_payload' };
      this.delivered.push({ kind: 'slack', path: req.path, text: req.json.text, body: req.json });
      return { status: 200, body: 'ok' };
    }
    if (req.path.startsWith('/json/')) {
      if (req.json === undefined) return { status: 400, body: 'expected JSON' };
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string' && key) {
        if (this.idempotencyKeys.has(key)) return { status: 204 };
        this.idempotencyKeys.add(key);
      }
      this.delivered.push({ kind: 'json', path: req.path, text: req.json.text, body: req.json });
      return { status: 204 };
    }
    return { status: 404, body: 'no such hook' };
  }
}
