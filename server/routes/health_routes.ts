/* GET /api/elastic_recheck/health (style: Kibana examples/routing_example/server/routes/message_routes.ts). */
import { HEALTH_PATH } from '../../common/api/health';
import { noQuery } from '../../common/api/validation';
import { readHealth } from '../lib/health/health';
import { hostRoute } from '../lib/host_adapter';
import { handler, READ_SECURITY, RouteDeps, validation } from '../lib/route_handler';

export function registerHealthRoutes({ router, host, config }: RouteDeps): void {
  router.get(
    hostRoute(host, {
      path: HEALTH_PATH,
      validate: { query: validation(noQuery) },
      options: { access: 'public', summary: 'Engine health and log indexing lag' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, _request, response) => {
      const health = await readHealth(await ctx.engine(), config().logs.indexPattern);
      const schedule = config().schedule;
      return response.ok({
        body: { ...health, ...(schedule.enabled ? { intakeIntervalSeconds: schedule.intervalMs / 1000 } : {}) },
      });
    }),
  );
}
