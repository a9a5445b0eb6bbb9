/* POST /api/elastic_recheck/classify: which signatures match a build's logs, on demand, as the user. */
import type { BuildRef } from '../../common/api/classify';
import { CLASSIFY_PATH } from '../../common/api/paths';
import type { Validated } from '../../common/api/signatures';
import { BUILD_UUID_RE } from '../../common/signature/types';
import { classifyBuild } from '../lib/classify/classify';
import { errorResponse, hostRoute } from '../lib/host_adapter';
import type { RouteDeps } from './index';
import { fail, READ_SECURITY, validation } from './route_utils';
import { engineAndSignatures } from './signature_routes';

/** `{ uuid }` or `{ change }` with optional `patchset` and `job`. */
export function validateClassifyBody(body: unknown): Validated<BuildRef> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return fail(['body'], 'expected { uuid } or { change, patchset, job }');
  const b = body as Record<string, unknown>;
  if ('uuid' in b) {
    const extra = Object.keys(b).filter((k) => k !== 'uuid');
    if (extra.length) return fail([extra[0]], 'unknown field next to uuid');
    if (typeof b.uuid !== 'string' || !BUILD_UUID_RE.test(b.uuid))
      return fail(['uuid'], 'expected a Zuul build uuid (hex)');
    return { ok: true, value: { uuid: b.uuid } };
  }
  for (const key of Object.keys(b))
    if (!['change', 'patchset', 'job'].includes(key))
      return fail([key], 'unknown field (allowed: uuid, or change, patchset, job)');
  if (b.change === undefined) return fail(['change'], 'required when no uuid is given');
  const change = Number(b.change);
  if (!Number.isInteger(change) || change < 1) return fail(['change'], 'expected a change number');
  const ref: { change: number; patchset?: string; job?: string } = { change };
  // patchset and job narrow the choice; without them the change's newest build is taken (its latest patchset)
  if (b.patchset !== undefined) {
    if ((typeof b.patchset !== 'string' && typeof b.patchset !== 'number') || !/^\d+$/.test(String(b.patchset)))
      return fail(['patchset'], 'expected a patchset number');
    ref.patchset = String(b.patchset);
  }
  if (b.job !== undefined) {
    if (typeof b.job !== 'string' || b.job.trim() === '' || b.job.length > 200)
      return fail(['job'], 'expected a job name');
    ref.job = b.job;
  }
  return { ok: true, value: ref };
}

export function registerClassifyRoutes({ router, host, config }: RouteDeps): void {
  router.post(
    hostRoute(host, {
      path: CLASSIFY_PATH,
      validate: { body: validation(validateClassifyBody) },
      options: { access: 'public', summary: 'Classify a build on demand', body: { maxBytes: 4096 } },
      security: READ_SECURITY,
    }),
    async (context, request, response) => {
      try {
        const { engine, compiled } = await engineAndSignatures(context);
        const { timeoutMs: _t, ...readiness } = config().readiness;
        // one look at readiness: a half-indexed build is classified on what is there and marked incomplete
        const result = await classifyBuild(engine, compiled, request.body, {
          index: config().logs.indexPattern,
          purpose: 'on-demand',
          readiness,
          classifyIncomplete: true,
        });
        if (result.kind === 'not_found')
          return response.notFound({ body: { message: `no indexed logs for build ${JSON.stringify(request.body)}` } });
        return response.ok({ body: result });
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );
}
