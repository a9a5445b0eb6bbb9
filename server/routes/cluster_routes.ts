/* GET /api/elastic_recheck/clusters: uncategorized failures clustered, each with a checked proposed signature. */
import { CLUSTERS_PATH, validateClustersQuery } from '../../common/api/clusters';
import { clusterUncategorized } from '../lib/clusters/clusters';
import { hostRoute } from '../lib/host_adapter';
import { queryWindow } from '../../common/time_window';
import { handler, READ_SECURITY, RouteDeps, validation } from '../lib/route_handler';

export function registerClusterRoutes({ router, host, config }: RouteDeps): void {
  router.get(
    hostRoute(host, {
      path: CLUSTERS_PATH,
      validate: { query: validation(validateClustersQuery) },
      options: {
        access: 'public',
        summary: 'Uncategorized failed builds clustered by their telling lines, with a proposed signature per cluster',
      },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const q = request.query;
      const result = await clusterUncategorized(await ctx.engine(), await ctx.compiled(), {
        index: config().logs.indexPattern,
        ...queryWindow(q, config().windows.uncategorizedDays),
        queues: q.queues,
        projects: q.projects,
        branches: q.branches,
        jobs: q.jobs,
        maxBuilds: q.maxBuilds,
        sort: q.sort,
        search: q.search,
        page: q.page,
        perPage: q.perPage,
      });
      return response.ok({ body: result });
    }),
  );
}
