/* GET /api/elastic_recheck/health (style: Kibana examples/routing_example/server/routes/message_routes.ts). */
import { HEALTH_PATH } from '../../common/api/health';
import { API_PRIVILEGE_READ } from '../../common/privileges';
import { readHealth } from '../lib/health/health';
import { engineAsCurrentUser, errorResponse, hostRoute } from '../lib/host_adapter';
import type { RouteDeps } from './index';
import { noQuery, validation } from './route_utils';

export function registerHealthRoutes({ router, host, config }: RouteDeps): void {
  router.get(
    hostRoute(host, {
      path: HEALTH_PATH,
      validate: { query: validation(noQuery) },
      options: { access: 'public', summary: 'Engine health and log indexing lag' },
      security: { authz: { requiredPrivileges: [API_PRIVILEGE_READ] } },
    }),
    async (context, _request, response) => {
      try {
        const engine = await engineAsCurrentUser(context);
        const health = await readHealth(engine, config().logs.indexPattern);
        const schedule = config().schedule;
        return response.ok({
          body: { ...health, ...(schedule.enabled ? { intakeIntervalSeconds: schedule.intervalMs / 1000 } : {}) },
        });
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );
}
