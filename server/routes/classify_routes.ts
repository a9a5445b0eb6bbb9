/* POST /api/elastic_recheck/classify: which signatures match a build's logs, on demand, as the user. */
import { CLASSIFY_PATH, validateClassifyBody } from '../../common/api/classify';
import { classifyBuild } from '../lib/classify/classify';
import { hostRoute } from '../lib/host_adapter';
import { handler, READ_SECURITY, RouteDeps, validation } from '../lib/route_handler';

export function registerClassifyRoutes({ router, host, config }: RouteDeps): void {
  router.post(
    hostRoute(host, {
      path: CLASSIFY_PATH,
      validate: { body: validation(validateClassifyBody) },
      options: { access: 'public', summary: 'Classify a build on demand', body: { maxBytes: 4096 } },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const { timeoutMs: _t, ...readiness } = config().readiness;
      // one look at readiness: a half-indexed build is classified on what is there and marked incomplete
      const result = await classifyBuild(await ctx.engine(), await ctx.compiled(), request.body, {
        index: config().logs.indexPattern,
        purpose: 'on-demand',
        readiness,
        classifyIncomplete: true,
      });
      if (result.kind === 'not_found')
        return response.notFound({ body: { message: `no indexed logs for build ${JSON.stringify(request.body)}` } });
      return response.ok({ body: result });
    }),
  );
}
