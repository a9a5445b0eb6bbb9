/* GET /api/elastic_recheck/results: stored classification results, by build, change, signature, job, project, status, time. */
import { BuildResult, RESULTS_PATH, ResultsResponse, validateResultsQuery } from '../../common/api/results';
import { search } from '../../lib/engine_client';
import { hostRoute } from '../lib/host_adapter';
import { handler, READ_SECURITY, RouteDeps, validation } from '../lib/route_handler';

export function registerResultsRoutes({ router, host, config }: RouteDeps): void {
  router.get(
    hostRoute(host, {
      path: RESULTS_PATH,
      validate: { query: validation(validateResultsQuery) },
      options: { access: 'public', summary: 'Past classification results of the background intake, newest first' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
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
      const engine = await ctx.engine();
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
    }),
  );
}
