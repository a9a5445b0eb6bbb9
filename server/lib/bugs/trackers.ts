/*
 * Reading one bug from each tracker a signature can name, the documented subset only
 * (docs/api.md "Bug data"):
 *  - Launchpad web service 1.0: GET {base}/bugs/{id} (title, private) and the bug_tasks collection
 *    (bug_target_name, status, importance), paged by next_collection_link;
 *  - GitHub REST: GET {base}/repos/{owner}/{repo}/issues/{n} (title, state, state_reason);
 *  - Jira REST v2: GET {base}/rest/api/2/issue/{key}?fields=summary,status,resolution,project,components;
 *  - StoryBoard API v1: GET {base}/stories/{id} (title, status, private) and GET {base}/stories/{id}/tasks
 *    paged by offset/limit (X-Total header), with the task's project name from GET {base}/projects/{id}.
 * Every failure is a TrackerError saying whether it was the bug (private, missing) or the tracker
 * (unreachable); credentials are sent as headers only and never appear in an error.
 */
import { randomBytes } from 'crypto';
import type { BugInfo, BugStatus, BugTask } from '../../../common/api/bugs';
import type { BugRef } from '../../../common/signature/types';

export interface TrackerConfig {
  url?: string;
  /** GitHub / StoryBoard bearer token, Jira personal access token. Secret. */
  token?: string;
  /** Jira basic auth. Secret password. */
  username?: string;
  password?: string;
  /** Launchpad OAuth 1.0 (PLAINTEXT) credentials. Secret token and secret. */
  consumerKey?: string;
  oauthToken?: string;
  oauthTokenSecret?: string;
}

export interface TrackersConfig {
  launchpad: TrackerConfig;
  github: TrackerConfig;
  jira: TrackerConfig;
  storyboard: TrackerConfig;
  timeoutMs: number;
}

export type TrackerFailure = 'private' | 'missing' | 'unreachable';

export class TrackerError extends Error {
  constructor(
    message: string,
    readonly kind: TrackerFailure,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TrackerError';
  }
}

/** What a fetch gives: the bug's data (availability ok or private). */
export type FetchedBug = Pick<BugInfo, 'availability' | 'title' | 'status' | 'trackerStatus' | 'tasks' | 'fixedAt'>;

/** The latest of some ISO dates, or undefined. */
function latest(dates: Array<unknown>): string | undefined {
  const times = dates
    .filter((d): d is string => typeof d === 'string' && Number.isFinite(Date.parse(d)))
    .map((d) => Date.parse(d));
  return times.length ? new Date(Math.max(...times)).toISOString() : undefined;
}

const MAX_PAGES = 20;

async function getJson(
  what: string,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ body: any; headers: Headers }> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error: any) {
    const code =
      error?.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (error?.cause?.code ?? error?.name ?? 'error');
    throw new TrackerError(`${what}: unreachable (${code})`, 'unreachable');
  }
  const text = await res.text().catch(() => '');
  if (res.status === 404 || res.status === 410) throw new TrackerError(`${what}: not found (${res.status})`, 'missing');
  const retryAfter = Number(res.headers.get('retry-after'));
  const limited = res.status === 429 || (res.status === 403 && res.headers.get('x-ratelimit-remaining') === '0');
  if (limited)
    throw new TrackerError(
      `${what}: rate limited (${res.status})`,
      'unreachable',
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  if (res.status === 401 || res.status === 403)
    throw new TrackerError(`${what}: not allowed to read it (${res.status})`, 'private');
  if (!res.ok) throw new TrackerError(`${what}: answered ${res.status}`, 'unreachable');
  try {
    return { body: JSON.parse(text), headers: res.headers };
  } catch {
    throw new TrackerError(`${what}: the answer is not JSON`, 'unreachable');
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

// --- Launchpad ---------------------------------------------------------------------------------

const LP_OPEN = new Set([
  'New',
  'Incomplete',
  'Confirmed',
  'Triaged',
  'In Progress',
  'Deferred',
  'Incomplete (with response)',
  'Incomplete (without response)',
]);
const LP_FIXED = new Set(['Fix Committed', 'Fix Released']);

/** A bug is open while any task is open; else fixed if any task was fixed; else closed without a fix. */
export function launchpadStatus(tasks: BugTask[]): BugStatus {
  if (!tasks.length) return 'unknown';
  if (tasks.some((t) => LP_OPEN.has(t.status))) return 'open';
  if (tasks.some((t) => LP_FIXED.has(t.status))) return 'fixed';
  return 'invalid';
}

function launchpadAuth(c: TrackerConfig): Record<string, string> {
  if (!c.consumerKey || !c.oauthToken || !c.oauthTokenSecret) return {};
  const params = [
    'realm="https://api.launchpad.net/"',
    `oauth_consumer_key="${encodeURIComponent(c.consumerKey)}"`,
    `oauth_token="${encodeURIComponent(c.oauthToken)}"`,
    'oauth_signature_method="PLAINTEXT"',
    `oauth_signature="${encodeURIComponent(`&${c.oauthTokenSecret}`)}"`,
    `oauth_timestamp="${Math.floor(Date.now() / 1000)}"`,
    `oauth_nonce="${randomBytes(8).toString('hex')}"`,
    'oauth_version="1.0"',
  ];
  return { authorization: `OAuth ${params.join(', ')}` };
}

async function launchpad(ref: BugRef, c: TrackerConfig, timeoutMs: number): Promise<FetchedBug> {
  const base = c.url!.replace(/\/+$/, '');
  if (!/^\d+$/.test(ref.id))
    throw new TrackerError(`Launchpad bug ids are numbers, got ${JSON.stringify(ref.id)}`, 'missing');
  const headers = launchpadAuth(c);
  const what = `Launchpad bug ${ref.id}`;
  const { body: bug } = await getJson(what, `${base}/bugs/${ref.id}`, headers, timeoutMs);
  if (bug?.private === true && !str(bug?.title)) return { availability: 'private', status: 'unknown', tasks: [] };
  const tasks: BugTask[] = [];
  const fixDates: unknown[] = [];
  let next: string | undefined = str(bug?.bug_tasks_collection_link) ?? `${base}/bugs/${ref.id}/bug_tasks`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    // follow the service's own links only on the configured origin (a link elsewhere is not followed)
    if (new URL(next).origin !== new URL(base).origin) next = `${base}${new URL(next).pathname}${new URL(next).search}`;
    const { body } = await getJson(`${what} tasks`, next, headers, timeoutMs);
    for (const e of Array.isArray(body?.entries) ? body.entries : []) {
      const target = str(e?.bug_target_name);
      if (target)
        tasks.push({
          target,
          status: str(e?.status) ?? 'Unknown',
          ...(str(e?.importance) ? { importance: e.importance } : {}),
        });
      if (LP_FIXED.has(e?.status)) fixDates.push(e?.date_fix_released, e?.date_fix_committed, e?.date_closed);
    }
    next = str(body?.next_collection_link);
  }
  const status = launchpadStatus(tasks);
  return {
    availability: bug?.private === true ? 'private' : 'ok',
    title: str(bug?.title),
    status,
    tasks,
    ...(status === 'fixed' && latest(fixDates) ? { fixedAt: latest(fixDates) } : {}),
  };
}

// --- GitHub ------------------------------------------------------------------------------------

async function github(ref: BugRef, c: TrackerConfig, timeoutMs: number): Promise<FetchedBug> {
  const m = /^([\w.-]+)\/([\w.-]+)#(\d+)$/.exec(ref.id);
  if (!m) throw new TrackerError(`GitHub issue ids look like owner/repo#12, got ${JSON.stringify(ref.id)}`, 'missing');
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'elastic-recheck',
  };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  const { body } = await getJson(
    `GitHub issue ${ref.id}`,
    `${c.url!.replace(/\/+$/, '')}/repos/${m[1]}/${m[2]}/issues/${m[3]}`,
    headers,
    timeoutMs,
  );
  const state = str(body?.state) ?? 'unknown';
  const reason = str(body?.state_reason);
  const status: BugStatus =
    state === 'open'
      ? 'open'
      : state === 'closed'
        ? reason === 'not_planned' || reason === 'duplicate'
          ? 'invalid'
          : 'fixed'
        : 'unknown';
  return {
    availability: 'ok',
    title: str(body?.title),
    status,
    trackerStatus: reason && state === 'closed' ? `${state} (${reason})` : state,
    tasks: [{ target: `${m[1]}/${m[2]}`, status: state }],
    ...(status === 'fixed' && latest([body?.closed_at]) ? { fixedAt: latest([body?.closed_at]) } : {}),
  };
}

// --- Jira --------------------------------------------------------------------------------------

const JIRA_NO_FIX = /won'?t (fix|do)|duplicate|invalid|cannot reproduce|incomplete|not a bug|rejected|obsolete/i;

async function jira(ref: BugRef, c: TrackerConfig, timeoutMs: number): Promise<FetchedBug> {
  if (!/^[A-Z][A-Z0-9_]*-\d+$/.test(ref.id))
    throw new TrackerError(`Jira issue keys look like PROJ-12, got ${JSON.stringify(ref.id)}`, 'missing');
  const headers: Record<string, string> = {};
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  else if (c.username && c.password)
    headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  const url = `${c.url!.replace(/\/+$/, '')}/rest/api/2/issue/${ref.id}?fields=summary,status,resolution,resolutiondate,project,components`;
  const { body } = await getJson(`Jira issue ${ref.id}`, url, headers, timeoutMs);
  const f = body?.fields ?? {};
  const statusName = str(f.status?.name) ?? 'Unknown';
  const category = str(f.status?.statusCategory?.key);
  const resolution = str(f.resolution?.name);
  const status: BugStatus =
    category === 'done'
      ? resolution && JIRA_NO_FIX.test(resolution)
        ? 'invalid'
        : 'fixed'
      : category === 'new' || category === 'indeterminate'
        ? 'open'
        : 'unknown';
  const components: string[] = Array.isArray(f.components)
    ? f.components.map((x: any) => str(x?.name)).filter(Boolean)
    : [];
  const targets = components.length ? components : [str(f.project?.key) ?? ref.id.split('-')[0]];
  return {
    availability: 'ok',
    title: str(f.summary),
    status,
    trackerStatus: resolution ? `${statusName} (${resolution})` : statusName,
    tasks: targets.map((target) => ({ target, status: statusName })),
    ...(status === 'fixed' && latest([f.resolutiondate]) ? { fixedAt: latest([f.resolutiondate]) } : {}),
  };
}

// --- StoryBoard --------------------------------------------------------------------------------

async function storyboard(ref: BugRef, c: TrackerConfig, timeoutMs: number): Promise<FetchedBug> {
  if (!/^\d+$/.test(ref.id))
    throw new TrackerError(`StoryBoard story ids are numbers, got ${JSON.stringify(ref.id)}`, 'missing');
  const base = c.url!.replace(/\/+$/, '');
  const headers: Record<string, string> = c.token ? { authorization: `Bearer ${c.token}` } : {};
  const what = `StoryBoard story ${ref.id}`;
  const { body: story } = await getJson(what, `${base}/stories/${ref.id}`, headers, timeoutMs);
  const raw: any[] = [];
  const limit = 100;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { body, headers: h } = await getJson(
      `${what} tasks`,
      `${base}/stories/${ref.id}/tasks?limit=${limit}&offset=${raw.length}`,
      headers,
      timeoutMs,
    );
    const list = Array.isArray(body) ? body : [];
    raw.push(...list);
    // the server may cap the page below our limit: X-Total says when we have everything
    const total = h.get('x-total') === null ? NaN : Number(h.get('x-total'));
    if (!list.length || (Number.isFinite(total) ? raw.length >= total : list.length < limit)) break;
  }
  const names = new Map<number, string>();
  for (const id of new Set(raw.map((t) => t?.project_id).filter((x) => typeof x === 'number'))) {
    const { body } = await getJson(`StoryBoard project ${id}`, `${base}/projects/${id}`, headers, timeoutMs).catch(
      () => ({ body: null }),
    );
    names.set(id, str(body?.name) ?? `project ${id}`);
  }
  const tasks: BugTask[] = raw.map((t) => ({
    target: names.get(t?.project_id) ?? 'unknown project',
    status: str(t?.status) ?? 'unknown',
  }));
  const s = str(story?.status);
  const status: BugStatus =
    s === 'active' ? 'open' : s === 'merged' ? 'fixed' : s === 'invalid' ? 'invalid' : 'unknown';
  return {
    availability: story?.private === true ? 'private' : 'ok',
    title: str(story?.title),
    status,
    trackerStatus: s,
    tasks,
    ...(status === 'fixed' && latest([story?.updated_at]) ? { fixedAt: latest([story?.updated_at]) } : {}),
  };
}

const FETCHERS = { launchpad, github, jira, storyboard };

/** The tracker's data for one bug; throws TrackerError. Null when no URL is configured for that tracker. */
export function fetchBug(ref: BugRef, config: TrackersConfig): Promise<FetchedBug> | null {
  const c = config[ref.tracker];
  if (!c?.url) return null;
  return FETCHERS[ref.tracker](ref, c, config.timeoutMs);
}
