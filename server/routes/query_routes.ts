/*
 * Queries before they become signatures (paths, body and validators: common/api/query.ts):
 *  POST /api/elastic_recheck/query/validate  syntax, fields of the log indices, the engine's own check;
 *  POST /api/elastic_recheck/query/preview   hits over time by status, sample lines, success hits, overlap;
 *  POST /api/elastic_recheck/query_stats     field breakdown of the hits (elastic-recheck's `query`).
 * The answer of validate is the verdict (200 with ok false and positioned errors); malformed bodies are 400.
 */
import {
  QUERY_PREVIEW_PATH,
  QUERY_STATS_PATH,
  QUERY_VALIDATE_PATH,
  validatePreviewBody,
  validateQueryStatsBody,
  validateQueryValidateBody,
} from '../../common/api/query';
import { signatureQuery } from '../../common/query/build';
import { hostRoute } from '../lib/host_adapter';
import { previewSignature } from '../lib/preview';
import { queryStats } from '../lib/query_stats/query_stats';
import { DAY_MS } from '../lib/rates/rates';
import { handler, READ_SECURITY, RouteDeps, validation } from '../lib/route_handler';
import { validateSignatureOnEngine } from '../lib/signatures/engine_validation';

export function registerQueryRoutes({ router, host, config }: RouteDeps): void {
  router.post(
    hostRoute(host, {
      path: QUERY_VALIDATE_PATH,
      validate: { body: validation(validateQueryValidateBody) },
      options: {
        access: 'public',
        summary: 'Validate a query: syntax, fields, the engine itself',
        body: { maxBytes: 64 * 1024 },
      },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const engine = await ctx.engine();
      const { query, allowNonvoting, scope } = request.body;
      const v = await validateSignatureOnEngine(engine, config().logs.indexPattern, {
        query,
        allowNonvoting: allowNonvoting ?? false,
        scope,
      });
      const { ast: _ast, indexFields: _fields, ...verdict } = v;
      return response.ok({ body: verdict });
    }),
  );

  router.post(
    hostRoute(host, {
      path: QUERY_PREVIEW_PATH,
      validate: {
        body: validation(validatePreviewBody),
      },
      options: {
        access: 'public',
        summary: 'Preview an unsaved signature: hits over time, samples, success hits, overlap',
        body: { maxBytes: 64 * 1024 },
      },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const saved = await ctx.signatures();
      const engine = await ctx.engine();
      const body = await previewSignature(engine, request.body, saved, {
        index: config().logs.indexPattern,
        defaultDays: config().windows.ratesDays,
      });
      return response.ok({ body });
    }),
  );

  router.post(
    hostRoute(host, {
      path: QUERY_STATS_PATH,
      validate: {
        body: validation(validateQueryStatsBody),
      },
      options: { access: 'public', summary: "Field breakdown of a query's hits", body: { maxBytes: 64 * 1024 } },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const engine = await ctx.engine();
      const { query, allowNonvoting, scope, days, window, quantity, verbose } = request.body;
      const end = Date.now();
      const body = await queryStats(engine, signatureQuery({ query, allowNonvoting: allowNonvoting ?? true, scope }), {
        index: config().logs.indexPattern,
        quantity,
        verbose,
        ...(window ? { start: window.from, end: window.to } : days ? { start: end - days * DAY_MS, end } : {}),
      });
      return response.ok({ body });
    }),
  );
}
