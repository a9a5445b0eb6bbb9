/* GET /api/elastic_recheck/rates and /uncategorized: the failure-rate graphs and the unexplained failures. */
import { bugKey, BugInfo } from '../../common/api/bugs';
import { RATES_PATH, validateRatesQuery } from '../../common/api/rates';
import { UNCATEGORIZED_PATH, validateUncategorizedQuery } from '../../common/api/uncategorized';
import { readBugCache } from '../lib/bugs/bug_cache';
import { signatureImpact } from '../lib/bugs/impact';
import { hostRoute } from '../lib/host_adapter';
import { DAY_MS, failureRates, HOUR_MS } from '../lib/rates/rates';
import { handler, READ_SECURITY, RouteDeps, validation } from '../lib/route_handler';
import { uncategorizedFailures } from '../lib/uncategorized/uncategorized';
import { alignWindow, bucketForWindow, ceilTo, queryWindow } from '../../common/time_window';
import { sharedAnswer } from '../lib/answer_cache';
import { ANSWER_WINDOW_STEP_MS } from '../../common/constants';

export function registerRatesRoutes({ router, host, config, answers }: RouteDeps): void {
  const now = () => answers?.now() ?? Date.now();

  router.get(
    hostRoute(host, {
      path: RATES_PATH,
      validate: { query: validation(validateRatesQuery) },
      options: {
        access: 'public',
        summary: 'Failure rates of all graphed signatures (hits over time by build status)',
      },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const q = request.query;
      const [engine, compiled, user] = await Promise.all([ctx.engine(), ctx.compiled(), ctx.user()]);
      // a from/to window gets buckets wide enough to see (daily for long windows) unless bucketHours says otherwise
      const bucketMs = q.bucketHours
        ? q.bucketHours * HOUR_MS
        : q.window
          ? bucketForWindow(q.window.to - q.window.from)
          : HOUR_MS;
      const params = {
        index: config().logs.indexPattern,
        ...(q.window
          ? alignWindow(q.window, bucketMs)
          : {
              windowMs: (q.days ?? config().windows.ratesDays) * DAY_MS,
              end: ceilTo(now(), bucketMs),
            }),
        bucketMs,
        queues: q.queues,
        projects: q.projects,
        branches: q.branches,
      };
      const body = await sharedAnswer(answers, { kind: 'rates', user, compiled, params }, async () => {
        const result = await failureRates(engine, compiled, params);
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
        return { ...result, signatures };
      });
      return response.ok({ body });
    }),
  );

  router.get(
    hostRoute(host, {
      path: UNCATEGORIZED_PATH,
      validate: {
        query: validation(validateUncategorizedQuery),
      },
      options: { access: 'public', summary: 'Failed builds no signature explains, and the categorization rate' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const q = request.query;
      const [engine, compiled, user] = await Promise.all([ctx.engine(), ctx.compiled(), ctx.user()]);
      const window = queryWindow(q, config().windows.uncategorizedDays);
      const params = {
        index: config().logs.indexPattern,
        ...window,
        end: window.end ?? ceilTo(now(), ANSWER_WINDOW_STEP_MS),
        queues: q.queues,
        projects: q.projects,
        branches: q.branches,
        page: q.page,
        perPage: q.perPage,
        excludeJobs: q.excludeJobs,
      };
      const body = await sharedAnswer(answers, { kind: 'uncategorized', user, compiled, params }, () =>
        uncategorizedFailures(engine, compiled, params),
      );
      return response.ok({ body });
    }),
  );
}
