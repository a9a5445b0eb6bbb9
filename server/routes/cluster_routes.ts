/* GET /api/elastic_recheck/clusters: uncategorized failures clustered, each with a checked proposed signature. */
import { CLUSTERS_PATH, validateClustersQuery } from '../../common/api/clusters';
import { errorResponse, hostRoute } from '../lib/host_adapter';
import { clusterUncategorized } from '../lib/clusters/clusters';
import { DAY_MS } from '../lib/rates/rates';
import type { RouteDeps } from './index';
import { READ_SECURITY, validation } from './route_utils';
import { engineAndSignatures } from './signature_routes';

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
    async (context, request, response) => {
      try {
        const q = request.query;
        const { engine, compiled } = await engineAndSignatures(context);
        const result = await clusterUncategorized(engine, compiled, {
          index: config().logs.indexPattern,
          windowMs: (q.days ?? config().windows.uncategorizedDays) * DAY_MS,
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
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );
}
