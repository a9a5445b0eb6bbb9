/*
 * A fake Zuul web API: GET /api/tenant/{tenant}/builds with the documented filters (project,
 * pipeline, job_name, result (repeatable), voting, complete, idx_min, idx_max, skip, limit),
 * newest first by the database id `_id`, like zuul-web. Builds are added by the test; a build may be
 * added running (result null) and finished later, as real builds finish out of id order.
 */
import { FakeReply, HttpFake, RecordedRequest } from './http_fake';

export interface FakeZuulBuild {
  _id: number;
  uuid: string;
  job_name: string;
  result: string | null;
  voting: boolean;
  pipeline: string;
  project: string;
  branch: string;
  change: number | null;
  patchset: string | null;
  ref: string;
  ref_url: string;
  log_url: string | null;
  start_time: string;
  end_time: string | null;
  duration: number | null;
  final: boolean;
  buildset: { uuid: string };
}

let uuidCounter = 0;
export function fakeUuid(): string {
  uuidCounter++;
  return (
    Date.now().toString(16) +
    uuidCounter.toString(16).padStart(8, '0') +
    Math.floor(Math.random() * 1e16).toString(16)
  )
    .padEnd(32, '0')
    .slice(0, 32);
}

export class FakeZuul extends HttpFake {
  private readonly tenants = new Map<string, FakeZuulBuild[]>();
  private nextId = 1;

  /** `now`: the clock default start/end times are read from (a test gives the loop's injected clock). */
  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  /** Adds a build (finished unless result is null) and returns it. */
  addBuild(tenant: string, fields: Partial<FakeZuulBuild> = {}): FakeZuulBuild {
    const id = this.nextId++;
    const change = fields.change === undefined ? 1000 + id : fields.change;
    const patchset = fields.patchset === undefined ? '1' : fields.patchset;
    const uuid = fields.uuid ?? fakeUuid();
    const finished = fields.result !== null;
    const build: FakeZuulBuild = {
      uuid,
      job_name: 'tempest-full',
      result: 'FAILURE',
      voting: true,
      pipeline: 'gate',
      project: 'openstack/nova',
      branch: 'master',
      change,
      patchset,
      ref:
        change === null
          ? 'refs/heads/master'
          : `refs/changes/${String(change).slice(-2).padStart(2, '0')}/${change}/${patchset}`,
      ref_url: change === null ? '' : `https://review.example.org/${change}`,
      log_url: `https://logs.example.org/${uuid.slice(0, 3)}/${uuid}/`,
      start_time: new Date(this.now() - 3600000).toISOString().slice(0, 19),
      end_time: finished ? new Date(this.now()).toISOString().slice(0, 19) : null,
      duration: finished ? 3600 : null,
      final: true,
      buildset: { uuid: fakeUuid() },
      ...fields,
      _id: id,
    } as FakeZuulBuild;
    if (!this.tenants.has(tenant)) this.tenants.set(tenant, []);
    this.tenants.get(tenant)!.push(build);
    return build;
  }

  /** Leaves a gap in the ids (builds of other tenants, deleted rows). */
  skipIds(count: number): void {
    this.nextId += count;
  }

  /** A running build finishes now with this result. */
  finish(build: FakeZuulBuild, result: string): void {
    build.result = result;
    build.end_time = new Date(this.now()).toISOString().slice(0, 19);
    build.duration = 60;
  }

  buildRequests(): RecordedRequest[] {
    return this.requests.filter((r) => /\/builds$/.test(r.path));
  }

  protected handle(req: RecordedRequest): FakeReply {
    const m = /^\/api\/tenant\/([^/]+)\/builds$/.exec(req.path);
    if (req.method !== 'GET' || !m) return { status: 404, body: { error: 'not found' } };
    const builds = this.tenants.get(decodeURIComponent(m[1]));
    if (!builds)
      return { status: 404, body: { description: `Tenant ${m[1]} does not exist.`, error: 'Not Found', code: 404 } };
    const q = req.query;
    const results = q.getAll('result');
    const int = (name: string): number | undefined => (q.has(name) ? Number(q.get(name)) : undefined);
    for (const name of ['idx_min', 'idx_max', 'skip', 'limit']) {
      if (q.has(name) && !/^\d+$/.test(q.get(name)!))
        return { status: 400, body: { description: `invalid ${name}`, error: 'Bad Request', code: 400 } };
    }
    const idxMin = int('idx_min');
    const idxMax = int('idx_max');
    const complete = q.get('complete');
    const voting = q.get('voting');
    let selected = builds.filter((b) => {
      if (idxMin !== undefined && b._id < idxMin) return false;
      if (idxMax !== undefined && b._id > idxMax) return false;
      if (q.getAll('project').length && !q.getAll('project').includes(b.project)) return false;
      if (q.getAll('pipeline').length && !q.getAll('pipeline').includes(b.pipeline)) return false;
      if (q.getAll('job_name').length && !q.getAll('job_name').includes(b.job_name)) return false;
      if (results.length && (b.result === null || !results.includes(b.result))) return false;
      if (complete === 'true' && b.result === null) return false;
      if (complete === 'false' && b.result !== null) return false;
      if (voting === '1' && !b.voting) return false;
      if (voting === '0' && b.voting) return false;
      return true;
    });
    selected = selected.sort((a, b) => b._id - a._id);
    const skip = int('skip') ?? 0;
    const limit = Math.min(int('limit') ?? 50, 1000);
    return { status: 200, body: selected.slice(skip, skip + limit) };
  }
}

/**
 * How a stored job-output.txt of a job on OpenDev's base job ends (server/lib/classify/readiness.ts): the END of
 * the base post playbook, then the START of the log-upload playbook, which readiness waits for.
 */
export const BEFORE_END_OF_LOG =
  'POST-RUN END RESULT_NORMAL: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post.yaml@master]';
export const END_OF_LOG_MARKER =
  'POST-RUN START: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post-logs.yaml@master]';

/**
 * The log documents logsender would index for a fake Zuul build: one per line, per file, in the
 * ci-log-processing schema, one second apart from `start`. job-output.txt gets the end-of-log
 * marker unless `marker` is false.
 */
export function zuulBuildLogLines(
  build: FakeZuulBuild,
  files: Record<string, string[]>,
  options: { marker?: boolean; start?: number } = {},
): unknown[] {
  const all = {
    ...files,
    'job-output.txt': [
      ...(files['job-output.txt'] ?? ['TASK [run tests]']),
      ...(options.marker === false ? [BEFORE_END_OF_LOG] : [BEFORE_END_OF_LOG, END_OF_LOG_MARKER]),
    ],
  };
  let t = options.start ?? Date.now() - 600000;
  const lines: unknown[] = [];
  for (const [filename, messages] of Object.entries(all)) {
    messages.forEach((message, i) => {
      lines.push({ index: {} });
      lines.push({
        '@timestamp': new Date((t += 1000)).toISOString(),
        message,
        filename,
        tags: [filename],
        log_url: `${build.log_url}${filename}`,
        build_name: build.job_name,
        build_status: build.result,
        build_uuid: build.uuid,
        build_queue: build.pipeline,
        build_branch: build.branch,
        build_change: build.change,
        build_patchset: build.patchset,
        project: build.project,
        voting: build.voting ? 1 : 0,
        line: i + 1,
      });
    });
  }
  return lines;
}
