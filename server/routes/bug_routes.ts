/*
 * GET /api/elastic_recheck/bugs, /impact, /cleanup and /alarms: the tracker data of the signatures'
 * bugs (as cached by the background work), what each signature's failures cost, the signatures that
 * could be deleted, and the regression/spike alarms. All read only.
 */
import {
  ALARMS_PATH,
  BUGS_PATH,
  CLEANUP_PATH,
  IMPACT_PATH,
  bugKey,
  unknownBug,
  validateBugsQuery,
  validateCleanupQuery,
  validateImpactQuery,
} from '../../common/api/bugs';
import { listAlarms } from '../lib/bugs/alarms';
import { readBugCache } from '../lib/bugs/bug_cache';
import { cleanupFiles, cleanupReport } from '../lib/bugs/cleanup';
import { signatureImpact } from '../lib/bugs/impact';
import { noQuery } from '../../common/api/validation';
import { hostRoute } from '../lib/host_adapter';
import { DAY_MS } from '../lib/rates/rates';
import { handler, READ_SECURITY, RouteDeps, validation } from '../lib/route_handler';

export function registerBugRoutes({ router, host, config }: RouteDeps): void {
  router.get(
    hostRoute(host, {
      path: BUGS_PATH,
      validate: { query: validation(validateBugsQuery) },
      options: { access: 'public', summary: 'Tracker data (title, status, projects) of the bugs the signatures name' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const engine = await ctx.engine();
      const cache = await readBugCache(engine, config().state.index);
      const signatures = await ctx.signatures();
      const refs = new Map(signatures.map((s) => [bugKey(s.bug), s.bug]));
      const wanted = request.query.ids ?? [...new Set([...refs.keys(), ...cache.keys()])];
      const bugs = wanted
        .map((key) => cache.get(key) ?? (refs.get(key) ? unknownBug(refs.get(key)!) : null))
        .filter((b) => b !== null);
      return response.ok({ body: { bugs } });
    }),
  );

  router.get(
    hostRoute(host, {
      path: IMPACT_PATH,
      validate: { query: validation(validateImpactQuery) },
      options: { access: 'public', summary: "Node-hours and rechecks caused by each signature's failed builds" },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const end = Date.now();
      const start = end - (request.query.days ?? config().windows.ratesDays) * DAY_MS;
      return response.ok({ body: await signatureImpact(await ctx.engine(), config(), start, end) });
    }),
  );

  router.get(
    hostRoute(host, {
      path: CLEANUP_PATH,
      validate: { query: validation(validateCleanupQuery) },
      options: {
        access: 'public',
        summary: 'Signatures whose bug is closed and that are silent, and silent signatures',
      },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const engine = await ctx.engine();
      const signatures = await ctx.signatures();
      const bugs = await readBugCache(engine, config().state.index);
      const report = await cleanupReport(engine, config(), signatures, bugs, Date.now(), request.query);
      if (request.query.format === 'files') {
        return response.ok({
          body: cleanupFiles(report),
          headers: {
            'content-type': 'text/plain; charset=utf-8',
            'content-disposition': 'attachment; filename="elastic-recheck-cleanup.txt"',
          },
        });
      }
      return response.ok({ body: report });
    }),
  );

  router.get(
    hostRoute(host, {
      path: ALARMS_PATH,
      validate: { query: validation(noQuery) },
      options: { access: 'public', summary: 'Regression and spike alarms, newest first' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, _request, response) => {
      const hits = await listAlarms(await ctx.engine(), config().state.index, 200);
      return response.ok({
        body: { alarms: hits.map((h) => h.source).sort((a, b) => b.raisedAt.localeCompare(a.raisedAt)) },
      });
    }),
  );
}
