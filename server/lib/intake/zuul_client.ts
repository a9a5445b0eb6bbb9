/*
 * Zuul's REST API, the subset the intake needs: GET /api/tenant/{tenant}/builds.
 * Filters used: result (repeatable), pipeline, project, job_name, voting, complete, idx_min, idx_max,
 * skip, limit. zuul-web answers newest first by the build's database id (`_id`). Older Zuul versions
 * give the change fields at the top level; newer ones may nest them under a `ref` object: both read.
 */

import type { StoredBuild } from '../../../common/api/results';

/** A build as zuul-web lists it: what the results index stores, with Zuul's own id and a result that may be pending. */
export type ZuulBuild = Omit<StoredBuild, 'zuulId' | 'result'> & {
  /** zuul-web's database id: increases as builds are created (not as they finish). */
  id: number;
  /** null while the build runs. */
  result: string | null;
};

export interface BuildQuery {
  result?: string[];
  pipeline?: string;
  project?: string;
  jobName?: string;
  voting?: boolean;
  complete?: boolean;
  idxMin?: number;
  idxMax?: number;
  skip?: number;
  limit?: number;
}

export class ZuulError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'ZuulError';
  }
  /** Unreachable, overloaded or failing server side: try again later. */
  get retryable(): boolean {
    return this.statusCode === 0 || this.statusCode === 429 || this.statusCode >= 500;
  }
}

export class ZuulClient {
  private readonly base: string;
  constructor(
    url: string,
    private readonly timeoutMs = 30000,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  async builds(tenant: string, query: BuildQuery): Promise<ZuulBuild[]> {
    const params = new URLSearchParams();
    for (const r of query.result ?? []) params.append('result', r);
    if (query.pipeline) params.set('pipeline', query.pipeline);
    if (query.project) params.set('project', query.project);
    if (query.jobName) params.set('job_name', query.jobName);
    if (query.voting !== undefined) params.set('voting', query.voting ? '1' : '0');
    if (query.complete !== undefined) params.set('complete', String(query.complete));
    if (query.idxMin !== undefined) params.set('idx_min', String(query.idxMin));
    if (query.idxMax !== undefined) params.set('idx_max', String(query.idxMax));
    if (query.skip) params.set('skip', String(query.skip));
    params.set('limit', String(query.limit ?? 50));
    const target = `${this.base}/api/tenant/${encodeURIComponent(tenant)}/builds?${params}`;
    let res: Response;
    try {
      res = await fetch(target, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error: any) {
      throw new ZuulError(`Zuul unreachable at ${this.base}: ${error?.cause?.code ?? error?.message ?? error}`, 0);
    }
    const text = await res.text();
    if (!res.ok)
      throw new ZuulError(`Zuul answered ${res.status} for tenant ${tenant}: ${text.slice(0, 200)}`, res.status);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ZuulError(`Zuul answered something that is not JSON for tenant ${tenant}: ${text.slice(0, 100)}`, 502);
    }
    if (!Array.isArray(body)) throw new ZuulError(`Zuul answered ${typeof body} instead of a list of builds`, 502);
    return body.map((b) => normalizeBuild(tenant, b));
  }

  /** Every build of the query, page by page (the caller bounds the set with idx_min/idx_max). */
  async allBuilds(tenant: string, query: BuildQuery, pageSize: number): Promise<ZuulBuild[]> {
    const out: ZuulBuild[] = [];
    for (let skip = 0; ; skip += pageSize) {
      const page = await this.builds(tenant, { ...query, skip, limit: pageSize });
      out.push(...page);
      if (page.length < pageSize) return out;
    }
  }
}

export function normalizeBuild(tenant: string, raw: any): ZuulBuild {
  if (!raw || typeof raw !== 'object' || typeof raw.uuid !== 'string' || typeof raw._id !== 'number') {
    throw new ZuulError(`Zuul build without uuid or _id: ${JSON.stringify(raw).slice(0, 200)}`, 502);
  }
  const ref = raw.ref && typeof raw.ref === 'object' ? raw.ref : raw;
  const change = ref.change === null || ref.change === undefined || ref.change === '' ? undefined : Number(ref.change);
  return {
    id: raw._id,
    uuid: raw.uuid,
    tenant,
    job: raw.job_name,
    result: raw.result ?? null,
    voting: raw.voting !== false,
    pipeline: raw.pipeline ?? raw.buildset?.pipeline,
    project: ref.project,
    branch: ref.branch ?? undefined,
    change: Number.isFinite(change) ? change : undefined,
    patchset: ref.patchset === null || ref.patchset === undefined ? undefined : String(ref.patchset),
    ref: typeof ref.ref === 'string' ? ref.ref : undefined,
    refUrl: ref.ref_url || undefined,
    logUrl: raw.log_url || undefined,
    startTime: raw.start_time ?? undefined,
    endTime: raw.end_time ?? undefined,
    buildset: raw.buildset?.uuid,
    nodeset: typeof raw.nodeset === 'string' && raw.nodeset ? raw.nodeset : undefined,
  };
}
