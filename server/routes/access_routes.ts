/*
 * GET /api/elastic_recheck/access: what the current user may do (read, write), the one answer the
 * browser bases its read-only views on, on both hosts. Open to every authenticated user: a user
 * without read access learns that from the answer instead of a 403.
 */
import { ACCESS_PATH } from '../../common/api/access';
import { errorResponse, hostRoute } from '../lib/host_adapter';
import type { RouteDeps } from './index';
import { noQuery, validation } from './route_utils';

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
    async (context, request, response) => {
      try {
        return response.ok({ body: await access.describe(context, request) });
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );
}
