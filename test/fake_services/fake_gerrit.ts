/*
 * A fake Gerrit REST API: POST /a/changes/{id}/revisions/{revision}/review with basic auth, and
 * GET /a/changes/{id}/messages; answers carry Gerrit's `)]}'` XSSI prefix. `{id}` may be the legacy
 * number or `project~number` (project URL-encoded).
 */
import { basicAuth, FakeReply, HttpFake, RecordedRequest } from './http_fake';

export interface FakeGerritReview {
  change: number;
  project?: string;
  revision: string;
  message: string;
  tag?: string;
  user: string;
}

export const XSSI_PREFIX = ")]}'\n";

export class FakeGerrit extends HttpFake {
  readonly reviews: FakeGerritReview[] = [];
  constructor(
    private readonly user = 'recheck-bot',
    private readonly password = 'gerrit-http-password',
  ) {
    super();
  }

  protected handle(req: RecordedRequest): FakeReply | Promise<FakeReply> {
    const auth = basicAuth(req.headers);
    if (!auth || auth.user !== this.user || auth.password !== this.password)
      return { status: 401, body: 'Unauthorized' };
    const review = /^\/a\/changes\/([^/]+)\/revisions\/([^/]+)\/review$/.exec(req.path);
    if (review && req.method === 'POST') {
      const id = parseChangeId(review[1]);
      if (!id) return { status: 404, body: `Not found: ${review[1]}` };
      if (!req.json || typeof req.json.message !== 'string') return { status: 400, body: 'message required' };
      this.reviews.push({
        ...id,
        revision: decodeURIComponent(review[2]),
        message: req.json.message,
        tag: req.json.tag,
        user: auth.user,
      });
      return {
        status: 200,
        body: XSSI_PREFIX + JSON.stringify({ labels: {} }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      };
    }
    const messages = /^\/a\/changes\/([^/]+)\/messages$/.exec(req.path);
    if (messages && req.method === 'GET') {
      const id = parseChangeId(messages[1]);
      if (!id) return { status: 404, body: `Not found: ${messages[1]}` };
      const list = this.reviews
        .filter((r) => r.change === id.change)
        .map((r, i) => ({
          id: `m${i}`,
          author: { username: r.user },
          message: `Patch Set ${r.revision}:\n\n${r.message}`,
          tag: r.tag,
          _revision_number: Number(r.revision),
        }));
      return {
        status: 200,
        body: XSSI_PREFIX + JSON.stringify(list),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      };
    }
    return { status: 404, body: 'Not found' };
  }
}

function parseChangeId(raw: string): { change: number; project?: string } | null {
  const decoded = decodeURIComponent(raw);
  const m = /^(?:(.+)~)?(\d+)$/.exec(decoded);
  return m ? { change: Number(m[2]), project: m[1] } : null;
}
