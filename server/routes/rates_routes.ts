/* GET /api/elastic_recheck/rates and /uncategorized: the failure-rate graphs and the unexplained failures. */
import { RATES_PATH, UNCATEGORIZED_PATH } from '../../common/api/paths';
import { MAX_USER_REGEX_LENGTH } from '../../common/constants';
import type { Validated } from '../../common/api/signatures';
import { alignWindow, bucketForWindow, readWindow, TimeWindow } from '../../common/time_window';
import { errorResponse, hostRoute } from '../lib/host_adapter';
import { DAY_MS, failureRates, HOUR_MS } from '../lib/rates/rates';
import { bugKey, BugInfo } from '../../common/api/bugs';
import { readBugCache } from '../lib/bugs/bug_cache';
import { signatureImpact } from '../lib/bugs/impact';
import { uncategorizedFailures } from '../lib/uncategorized/uncategorized';
import type { RouteDeps } from './index';
import { fail, intParam, listParam, READ_SECURITY, unknownKeys, validation } from './route_utils';
import { engineAndSignatures } from './signature_routes';

export interface WindowQuery {
  days?: number;
  /** The window [from, to) in epoch ms (the browser's date-picker range); `days` ending now otherwise. */
  window?: TimeWindow;
  bucketHours?: number;
  queues?: string[];
  projects?: string[];
  branches?: string[];
  page?: number;
  perPage?: number;
  excludeJobs?: string;
}

function validateWindowQuery(allowed: string[]) {
  return (data: unknown): Validated<WindowQuery> => {
    const q = (data ?? {}) as Record<string, unknown>;
    const unknown = unknownKeys(q, allowed);
    if (unknown) return unknown;
    const out: WindowQuery = {};
    const window = readWindow(q);
    if (!window.ok) return fail(window.path, window.message.slice(window.path[0].length + 2));
    if (window.value) out.window = window.value;
    for (const [key, min, max] of [
      ['days', 1, 90],
      ['bucketHours', 1, 24],
      ['page', 1, 1000],
      ['perPage', 1, 1000],
    ] as const) {
      const v = intParam(q, key, min, max);
      if (!v.ok) return v;
      if (v.value !== undefined) out[key] = v.value;
    }
    for (const key of ['queues', 'projects', 'branches'] as const) {
      const v = listParam(q, key);
      if (!v.ok) return v;
      if (v.value) out[key] = v.value;
    }
    if (q.excludeJobs !== undefined) {
      if (typeof q.excludeJobs !== 'string' || q.excludeJobs.length > MAX_USER_REGEX_LENGTH)
        return fail(['excludeJobs'], 'expected a regular expression');
      try {
        new RegExp(q.excludeJobs);
      } catch (error) {
        return fail(['excludeJobs'], `invalid regular expression: ${(error as Error).message}`);
      }
      out.excludeJobs = q.excludeJobs;
    }
    if (out.window && out.bucketHours !== undefined && (out.window.to - out.window.from) / HOUR_MS < out.bucketHours)
      return fail(['bucketHours'], 'must not exceed the window');
    if (out.days !== undefined && out.bucketHours !== undefined && (out.days * 24) % out.bucketHours !== 0)
      return fail(['bucketHours'], 'the window (days * 24) must be a multiple of bucketHours');
    return { ok: true, value: out };
  };
}

export function registerRatesRoutes({ router, host, config }: RouteDeps): void {
  router.get(
    hostRoute(host, {
      path: RATES_PATH,
      validate: {
        query: validation(validateWindowQuery(['days', 'from', 'to', 'bucketHours', 'queues', 'projects', 'branches'])),
      },
      options: {
        access: 'public',
        summary: 'Failure rates of all graphed signatures (hits over time by build status)',
      },
      security: READ_SECURITY,
    }),
    async (context, request, response) => {
      try {
        const q = request.query;
        const { engine, compiled } = await engineAndSignatures(context);
        // a from/to window gets buckets wide enough to see (daily for long windows) unless bucketHours says otherwise
        const bucketMs = q.bucketHours
          ? q.bucketHours * HOUR_MS
          : q.window
            ? bucketForWindow(q.window.to - q.window.from)
            : HOUR_MS;
        const result = await failureRates(engine, compiled, {
          index: config().logs.indexPattern,
          ...(q.window
            ? alignWindow(q.window, bucketMs)
            : { windowMs: (q.days ?? config().windows.ratesDays) * DAY_MS }),
          bucketMs,
          queues: q.queues,
          projects: q.projects,
          branches: q.branches,
        });
        // bug data and impact are extra information: the rates answer without them
        const bugs = await readBugCache(engine, config().state.index).catch(() => new Map<string, BugInfo>());
        const impact = await signatureImpact(engine, config(), result.start, result.end).catch(() => null);
        const byId = new Map((impact?.signatures ?? []).map((i) => [i.signatureId, i]));
        const signatures = result.signatures.map((r) => ({
          ...r,
          ...(bugs.has(bugKey(r.bug)) ? { bugInfo: bugs.get(bugKey(r.bug)) } : {}),
          ...(impact
            ? {
                impact: byId.get(r.signatureId) ?? {
                  signatureId: r.signatureId,
                  failedBuilds: 0,
                  nodeHours: 0,
                  rechecks: 0,
                  withoutDuration: 0,
                },
              }
            : {}),
        }));
        return response.ok({ body: { ...result, signatures } });
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );

  router.get(
    hostRoute(host, {
      path: UNCATEGORIZED_PATH,
      validate: {
        query: validation(
          validateWindowQuery([
            'days',
            'from',
            'to',
            'queues',
            'projects',
            'branches',
            'page',
            'perPage',
            'excludeJobs',
          ]),
        ),
      },
      options: { access: 'public', summary: 'Failed builds no signature explains, and the categorization rate' },
      security: READ_SECURITY,
    }),
    async (context, request, response) => {
      try {
        const q = request.query;
        const { engine, compiled } = await engineAndSignatures(context);
        const result = await uncategorizedFailures(engine, compiled, {
          index: config().logs.indexPattern,
          ...(q.window
            ? { end: q.window.to, windowMs: q.window.to - q.window.from }
            : { windowMs: (q.days ?? config().windows.uncategorizedDays) * DAY_MS }),
          queues: q.queues,
          projects: q.projects,
          branches: q.branches,
          page: q.page,
          perPage: q.perPage,
          excludeJobs: q.excludeJobs,
        });
        return response.ok({ body: result });
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );
}
