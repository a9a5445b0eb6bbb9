/* GET /api/elastic_recheck/results: stored classification results, by build, change, signature, job, project, status, time. */
import { RESULTS_PATH } from '../../common/api/paths';
import type { BuildResult } from '../../common/api/results';
import type { Validated } from '../../common/api/signatures';
import { SIGNATURE_ID_RE } from '../../common/signature/types';
import { ALL_BUILD_STATUSES } from '../../common/constants';
import { readWindow, TimeWindow } from '../../common/time_window';
import { search } from '../../lib/engine_client';
import { engineAsCurrentUser, errorResponse, hostRoute } from '../lib/host_adapter';
import type { RouteDeps } from './index';
import { fail, intParam, listParam, READ_SECURITY, unknownKeys, validation } from './route_utils';

export interface ResultsQuery {
  build?: string;
  change?: number;
  signature?: string;
  job?: string;
  project?: string;
  /** Zuul results of the build (FAILURE, TIMED_OUT, ...). */
  status?: string[];
  /** Only builds a known bug explains (true) or that none explains (false). */
  explained?: boolean;
  /** When the intake took the build in (`takenAt`), [from, to) in epoch ms. */
  window?: TimeWindow;
  page: number;
  perPage: number;
}

const RESULTS_PARAMS = [
  'build',
  'change',
  'signature',
  'job',
  'project',
  'status',
  'explained',
  'from',
  'to',
  'page',
  'perPage',
];

export interface ResultsResponse {
  total: number;
  page: number;
  perPage: number;
  results: BuildResult[];
}

export function validateResultsQuery(data: unknown): Validated<ResultsQuery> {
  const q = (data ?? {}) as Record<string, unknown>;
  const unknown = unknownKeys(q, RESULTS_PARAMS);
  if (unknown) return unknown;
  for (const key of ['job', 'project'] as const)
    if (q[key] !== undefined && (typeof q[key] !== 'string' || !q[key].trim() || q[key].length > 200))
      return fail([key], `expected a ${key} name`);
  const status = listParam(q, 'status');
  if (!status.ok) return status;
  const unknownStatus = status.value?.find((s) => !(ALL_BUILD_STATUSES as readonly string[]).includes(s));
  if (unknownStatus)
    return fail(['status'], `unknown build status ${unknownStatus} (known: ${ALL_BUILD_STATUSES.join(', ')})`);
  if (
    q.explained !== undefined &&
    q.explained !== 'true' &&
    q.explained !== 'false' &&
    typeof q.explained !== 'boolean'
  )
    return fail(['explained'], 'expected true or false');
  const window = readWindow(q);
  if (!window.ok) return fail(window.path, window.message.slice(window.path[0].length + 2));
  if (q.build !== undefined && (typeof q.build !== 'string' || !/^[0-9a-fA-F-]{7,64}$/.test(q.build)))
    return fail(['build'], 'expected a build uuid');
  if (q.signature !== undefined && (typeof q.signature !== 'string' || !SIGNATURE_ID_RE.test(q.signature)))
    return fail(['signature'], 'expected a signature id');
  const change = intParam(q, 'change', 1, Number.MAX_SAFE_INTEGER);
  if (!change.ok) return change;
  const page = intParam(q, 'page', 1, 1000);
  if (!page.ok) return page;
  const perPage = intParam(q, 'perPage', 1, 500);
  if (!perPage.ok) return perPage;
  if ((page.value ?? 1) * (perPage.value ?? 50) > 10000) return fail(['page'], 'page * perPage must not exceed 10000');
  return {
    ok: true,
    value: {
      build: q.build as string | undefined,
      change: change.value,
      signature: q.signature as string | undefined,
      job: (q.job as string | undefined)?.trim(),
      project: (q.project as string | undefined)?.trim(),
      status: status.value,
      explained: q.explained === undefined ? undefined : String(q.explained) === 'true',
      window: window.value,
      page: page.value ?? 1,
      perPage: perPage.value ?? 50,
    },
  };
}

export function registerResultsRoutes({ router, host, config }: RouteDeps): void {
  router.get(
    hostRoute(host, {
      path: RESULTS_PATH,
      validate: { query: validation(validateResultsQuery) },
      options: { access: 'public', summary: 'Past classification results of the background intake, newest first' },
      security: READ_SECURITY,
    }),
    async (context, request, response) => {
      try {
        const { build, change, signature, job, project, status, explained, window, page, perPage } = request.query;
        const filter: object[] = [];
        if (build) filter.push({ term: { 'build.uuid': build } });
        if (change !== undefined) filter.push({ term: { 'build.change': change } });
        if (signature) filter.push({ term: { 'matches.signatureId': signature } });
        if (job) filter.push({ term: { 'build.job': job } });
        if (project) filter.push({ term: { 'build.project': project } });
        if (status) filter.push({ terms: { 'build.result': status } });
        if (explained !== undefined) filter.push({ term: { explained } });
        if (window) filter.push({ range: { takenAt: { gte: window.from, lt: window.to, format: 'epoch_millis' } } });
        const engine = await engineAsCurrentUser(context);
        const res = await search<BuildResult>(
          engine,
          config().results.index,
          {
            from: (page - 1) * perPage,
            size: perPage,
            track_total_hits: true,
            query: { bool: { filter } },
            sort: [{ takenAt: 'desc' }],
          },
          { ignore_unavailable: true, allow_no_indices: true },
        );
        const body: ResultsResponse = {
          total: res.hits.total.value,
          page,
          perPage,
          results: res.hits.hits.map((h) => h._source),
        };
        return response.ok({ body });
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );
}
