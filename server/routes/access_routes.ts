/*
 * GET /api/elastic_recheck/access: what the current user may do (read, write), the one answer the
 * browser bases its read-only views on, on both hosts. Open to every authenticated user: a user
 * without read access learns that from the answer instead of a 403.
 */
import { ACCESS_PATH } from '../../common/api/access';
import { noQuery } from '../../common/api/validation';
import { hostRoute } from '../lib/host_adapter';
import { handler, RouteDeps, validation } from '../lib/route_handler';

export function registerAccessRoutes({ router, host, access }: RouteDeps): void {
  router.get(
    hostRoute(host, {
      path: ACCESS_PATH,
      validate: { query: validation(noQuery) },
      options: { access: 'public', summary: 'What the current user may do' },
      security: {
        authz: {
          enabled: false,
          reason: 'Answers every authenticated user what they may do; it reveals only their own roles',
        },
      },
    }),
    handler(async (_ctx, request, response, context) => response.ok({ body: await access.describe(context, request) })),
  );
}
