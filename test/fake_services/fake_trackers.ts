/*
 * Fake bug trackers on one HTTP server, each under its own prefix and speaking the subset of its API
 * that server/lib/bugs/trackers.ts reads (docs/api.md "Bug data"):
 *   /launchpad/1.0/bugs/{id}, /launchpad/1.0/bugs/{id}/bug_tasks?ws.start=&ws.size= (paged, next_collection_link)
 *   /github/repos/{owner}/{repo}/issues/{n}
 *   /jira/rest/api/2/issue/{key}
 *   /storyboard/api/v1/stories/{id}, /stories/{id}/tasks?offset=&limit= (X-Total), /projects/{id}
 * Private bugs answer as each service does to an anonymous client (Launchpad, Jira: 404; GitHub: 404;
 * StoryBoard: 404) and with their data to an authorized one; `hold()` keeps answers back (a slow tracker).
 */
import { FakeReply, HttpFake, RecordedRequest } from './http_fake';

export interface FakeLaunchpadBug {
  id: string;
  title: string;
  private?: boolean;
  tasks: Array<{ target: string; status: string; importance?: string; fixedAt?: string }>;
}

export interface FakeGithubIssue {
  repo: string;
  number: number;
  title: string;
  state: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened' | null;
  private?: boolean;
}

export interface FakeJiraIssue {
  key: string;
  summary: string;
  status: string;
  category: 'new' | 'indeterminate' | 'done';
  resolution?: string;
  components?: string[];
  private?: boolean;
}

export interface FakeStory {
  id: number;
  title: string;
  status: 'active' | 'merged' | 'invalid';
  private?: boolean;
  tasks: Array<{ project: string; status: string }>;
}

export class FakeTrackers extends HttpFake {
  readonly launchpad = new Map<string, FakeLaunchpadBug>();
  readonly github = new Map<string, FakeGithubIssue>();
  readonly jira = new Map<string, FakeJiraIssue>();
  readonly stories = new Map<number, FakeStory>();
  /** Launchpad / StoryBoard page size of task collections. */
  pageSize = 75;
  /** The credential that sees private bugs (Bearer token, or Launchpad's oauth_token). */
  token = 'tracker-token';
  /** Per prefix ('launchpad', 'github', ...): answer this status instead (e.g. 503, 429). */
  readonly failing = new Map<string, { status: number; headers?: Record<string, string> }>();
  private held: Array<() => void> | null = null;

  /** Base URLs for the client config. */
  get urls() {
    return {
      launchpad: `${this.url}/launchpad/1.0`,
      github: `${this.url}/github`,
      jira: `${this.url}/jira`,
      storyboard: `${this.url}/storyboard/api/v1`,
    };
  }

  /** Answers wait until release() (a tracker that does not answer in time). */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  private authorized(req: RecordedRequest): boolean {
    const auth = req.headers.authorization ?? '';
    return auth === `Bearer ${this.token}` || auth.includes(`oauth_token="${this.token}"`);
  }

  protected async handle(req: RecordedRequest): Promise<FakeReply> {
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    const prefix = req.path.split('/')[1];
    const failing = this.failing.get(prefix);
    if (failing) return { status: failing.status, body: 'unavailable', headers: failing.headers };
    if (req.method !== 'GET') return { status: 405, body: 'method not allowed' };
    if (prefix === 'launchpad') return this.lp(req);
    if (prefix === 'github') return this.gh(req);
    if (prefix === 'jira') return this.jr(req);
    if (prefix === 'storyboard') return this.sb(req);
    return { status: 404, body: 'no such service' };
  }

  private lp(req: RecordedRequest): FakeReply {
    const m = /^\/launchpad\/1\.0\/bugs\/(\d+)(\/bug_tasks)?$/.exec(req.path);
    const bug = m ? this.launchpad.get(m[1]) : undefined;
    // anonymous clients cannot tell a private bug from a missing one
    if (!bug || (bug.private && !this.authorized(req)))
      return { status: 404, body: `Object: <lp.bugs.model.bug.BugSet>, name: '${m?.[1]}'` };
    const self = `${this.url}/launchpad/1.0/bugs/${bug.id}`;
    if (!m![2]) {
      return {
        status: 200,
        body: {
          self_link: self,
          resource_type_link: `${this.url}/launchpad/1.0/#bug`,
          id: Number(bug.id),
          title: bug.title,
          private: bug.private === true,
          information_type: bug.private ? 'Private' : 'Public',
          bug_tasks_collection_link: `${self}/bug_tasks`,
          web_link: `https://bugs.launchpad.net/bugs/${bug.id}`,
        },
      };
    }
    const start = Number(req.query.get('ws.start') ?? 0);
    const size = Math.min(Number(req.query.get('ws.size') ?? this.pageSize), this.pageSize);
    const entries = bug.tasks.slice(start, start + size).map((t) => ({
      bug_target_name: t.target,
      bug_target_display_name: t.target,
      status: t.status,
      importance: t.importance ?? 'Undecided',
      bug_link: self,
      date_fix_committed: t.status.startsWith('Fix') ? (t.fixedAt ?? null) : null,
      date_fix_released: t.status === 'Fix Released' ? (t.fixedAt ?? null) : null,
      date_closed: t.status.startsWith('Fix') ? (t.fixedAt ?? null) : null,
    }));
    const body: any = { total_size: bug.tasks.length, start, entries };
    if (start + size < bug.tasks.length)
      body.next_collection_link = `${self}/bug_tasks?ws.size=${size}&memo=${start + size}&ws.start=${start + size}`;
    return { status: 200, body };
  }

  private gh(req: RecordedRequest): FakeReply {
    const m = /^\/github\/repos\/([\w.-]+\/[\w.-]+)\/issues\/(\d+)$/.exec(req.path);
    const issue = m ? this.github.get(`${m[1]}#${m[2]}`) : undefined;
    if (!issue || (issue.private && !this.authorized(req)))
      return {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/issues/issues#get-an-issue' },
      };
    return {
      status: 200,
      body: {
        number: issue.number,
        title: issue.title,
        state: issue.state,
        state_reason: issue.stateReason ?? null,
        html_url: `https://github.com/${issue.repo}/issues/${issue.number}`,
        labels: [],
      },
    };
  }

  private jr(req: RecordedRequest): FakeReply {
    const m = /^\/jira\/rest\/api\/2\/issue\/([A-Z][A-Z0-9_]*-\d+)$/.exec(req.path);
    const issue = m ? this.jira.get(m[1]) : undefined;
    if (!issue || (issue.private && !this.authorized(req)))
      return {
        status: 404,
        body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} },
      };
    const project = issue.key.split('-')[0];
    return {
      status: 200,
      body: {
        key: issue.key,
        fields: {
          summary: issue.summary,
          status: { name: issue.status, statusCategory: { key: issue.category } },
          resolution: issue.resolution ? { name: issue.resolution } : null,
          project: { key: project, name: project },
          components: (issue.components ?? []).map((name) => ({ name })),
        },
      },
    };
  }

  private sb(req: RecordedRequest): FakeReply {
    const project = /^\/storyboard\/api\/v1\/projects\/(\d+)$/.exec(req.path);
    const names = [...new Set([...this.stories.values()].flatMap((s) => s.tasks.map((t) => t.project)))];
    if (project) {
      const name = names[Number(project[1]) - 1];
      return name
        ? { status: 200, body: { id: Number(project[1]), name } }
        : { status: 404, body: { faultstring: 'Project not found' } };
    }
    const m = /^\/storyboard\/api\/v1\/stories\/(\d+)(\/tasks)?$/.exec(req.path);
    const story = m ? this.stories.get(Number(m[1])) : undefined;
    if (!story || (story.private && !this.authorized(req)))
      return { status: 404, body: { faultstring: 'Story not found' } };
    if (!m![2])
      return {
        status: 200,
        body: { id: story.id, title: story.title, status: story.status, private: story.private === true, is_bug: true },
      };
    const offset = Number(req.query.get('offset') ?? 0);
    const limit = Math.min(Number(req.query.get('limit') ?? this.pageSize), this.pageSize);
    const tasks = story.tasks.slice(offset, offset + limit).map((t, i) => ({
      id: offset + i + 1,
      story_id: story.id,
      status: t.status,
      project_id: names.indexOf(t.project) + 1,
      title: `task ${offset + i + 1}`,
    }));
    return {
      status: 200,
      body: tasks,
      headers: { 'x-total': String(story.tasks.length), 'x-limit': String(limit), 'x-offset': String(offset) },
    };
  }
}
