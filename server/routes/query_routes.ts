/*
 * Queries before they become signatures:
 *  POST /api/elastic_recheck/query/validate  syntax, fields of the log indices, the engine's own check;
 *  POST /api/elastic_recheck/query/preview   hits over time by status, sample lines, success hits, overlap;
 *  POST /api/elastic_recheck/query_stats     field breakdown of the hits (elastic-recheck's `query`).
 * The answer of validate is the verdict (200 with ok false and positioned errors); malformed bodies are 400.
 */
import { QUERY_PREVIEW_PATH, QUERY_STATS_PATH, QUERY_VALIDATE_PATH } from '../../common/api/paths';
import type { PreviewRequest } from '../../common/api/preview';
import { MAX_QUERY_LENGTH, Validated } from '../../common/api/signatures';
import { signatureQuery } from '../../common/query/build';
import { describeProblem, queryRefusal } from '../../common/query/refusal';
import { SIGNATURE_ID_RE } from '../../common/signature/types';
import type { SignatureScope } from '../../common/signature/types';
import { engineAsCurrentUser, errorResponse, hostRoute } from '../lib/host_adapter';
import { previewSignature } from '../lib/preview';
import { queryStats } from '../lib/query_stats/query_stats';
import { DAY_MS } from '../lib/rates/rates';
import { validateSignatureOnEngine } from '../lib/signatures/engine_validation';
import type { RouteDeps } from './index';
import { fail, READ_SECURITY, validation } from './route_utils';
import { signatureStoreFor } from './signature_routes';

interface QueryBody extends PreviewRequest {
  quantity?: number;
  verbose?: boolean;
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/** The body shared by the three routes; `allowed` lists the optional fields each accepts. */
export function queryBody(allowed: string[], opts: { refuse?: boolean } = {}) {
  return (body: unknown): Validated<QueryBody> => {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return fail(['body'], `expected a JSON object with a query, got ${kind(body)}`);
    const b = body as Record<string, unknown>;
    const fields = ['query', ...allowed];
    for (const key of Object.keys(b))
      if (!fields.includes(key)) return fail([key], `unknown field (allowed: ${fields.join(', ')})`);
    if (typeof b.query !== 'string' || b.query.trim() === '')
      return fail(['query'], b.query === undefined ? 'required' : `expected a non-empty string, got ${kind(b.query)}`);
    if (b.query.length > MAX_QUERY_LENGTH) return fail(['query'], `longer than ${MAX_QUERY_LENGTH} characters`);
    const out: QueryBody = { query: b.query };
    for (const flag of ['allowNonvoting', 'verbose'] as const) {
      if (b[flag] !== undefined) {
        if (typeof b[flag] !== 'boolean') return fail([flag], `expected true or false, got ${kind(b[flag])}`);
        out[flag] = b[flag] as boolean;
      }
    }
    for (const [key, min, max] of [
      ['days', 1, 90],
      ['bucketHours', 1, 24],
      ['samples', 0, 100],
      ['quantity', 1, 50],
    ] as const) {
      if (b[key] !== undefined) {
        if (
          typeof b[key] !== 'number' ||
          !Number.isInteger(b[key]) ||
          (b[key] as number) < min ||
          (b[key] as number) > max
        )
          return fail([key], `expected an integer from ${min} to ${max}`);
        out[key] = b[key] as number;
      }
    }
    if (b.signatureId !== undefined) {
      if (typeof b.signatureId !== 'string' || !SIGNATURE_ID_RE.test(b.signatureId))
        return fail(['signatureId'], 'expected a signature id');
      out.signatureId = b.signatureId;
    }
    if (b.testIds !== undefined) {
      if (!Array.isArray(b.testIds) || b.testIds.some((t) => typeof t !== 'string' || t === ''))
        return fail(['testIds'], 'expected an array of test ids');
      out.testIds = b.testIds as string[];
    }
    if (b.scope !== undefined) {
      const s = b.scope as Record<string, unknown>;
      if (!s || typeof s !== 'object' || Array.isArray(s)) return fail(['scope'], `expected an object, got ${kind(s)}`);
      for (const key of Object.keys(s)) {
        if (!['projects', 'branches', 'queues'].includes(key))
          return fail(['scope', key], 'unknown field (allowed: projects, branches, queues)');
        if (!Array.isArray(s[key]) || (s[key] as unknown[]).some((v) => typeof v !== 'string' || v === ''))
          return fail(['scope', key], 'expected an array of names');
      }
      out.scope = s as SignatureScope;
    }
    if (out.days !== undefined && out.bucketHours !== undefined && (out.days * 24) % out.bucketHours !== 0)
      return fail(['bucketHours'], 'the window (days * 24) must be a multiple of bucketHours');
    if (opts.refuse) {
      const refused = queryRefusal(out.query);
      if (refused) return fail(['query'], describeProblem(refused));
    }
    return { ok: true, value: out };
  };
}

export function registerQueryRoutes({ router, host, config }: RouteDeps): void {
  router.post(
    hostRoute(host, {
      path: QUERY_VALIDATE_PATH,
      validate: { body: validation(queryBody(['allowNonvoting', 'scope'])) },
      options: {
        access: 'public',
        summary: 'Validate a query: syntax, fields, the engine itself',
        body: { maxBytes: 64 * 1024 },
      },
      security: READ_SECURITY,
    }),
    async (context, request, response) => {
      try {
        const engine = await engineAsCurrentUser(context);
        const { query, allowNonvoting, scope } = request.body;
        const v = await validateSignatureOnEngine(engine, config().logs.indexPattern, {
          query,
          allowNonvoting: allowNonvoting ?? false,
          scope,
        });
        const { ast: _ast, indexFields: _fields, ...verdict } = v as any;
        return response.ok({ body: verdict });
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );

  router.post(
    hostRoute(host, {
      path: QUERY_PREVIEW_PATH,
      validate: {
        body: validation(
          queryBody(['allowNonvoting', 'scope', 'testIds', 'signatureId', 'days', 'bucketHours', 'samples'], {
            refuse: true,
          }),
        ),
      },
      options: {
        access: 'public',
        summary: 'Preview an unsaved signature: hits over time, samples, success hits, overlap',
        body: { maxBytes: 64 * 1024 },
      },
      security: READ_SECURITY,
    }),
    async (context, request, response) => {
      try {
        const saved = await (await signatureStoreFor(context)).all();
        const engine = await engineAsCurrentUser(context);
        const body = await previewSignature(engine, request.body, saved, {
          index: config().logs.indexPattern,
          defaultDays: config().windows.ratesDays,
        });
        return response.ok({ body });
      } catch (error) {
        if (error instanceof Error && /query_string|parse_exception|Failed to parse/i.test(error.message))
          return response.badRequest({ body: { message: `query: ${error.message}` } });
        return errorResponse(response, error);
      }
    },
  );

  router.post(
    hostRoute(host, {
      path: QUERY_STATS_PATH,
      validate: {
        body: validation(queryBody(['allowNonvoting', 'scope', 'days', 'quantity', 'verbose'], { refuse: true })),
      },
      options: { access: 'public', summary: "Field breakdown of a query's hits", body: { maxBytes: 64 * 1024 } },
      security: READ_SECURITY,
    }),
    async (context, request, response) => {
      try {
        const engine = await engineAsCurrentUser(context);
        const { query, allowNonvoting, scope, days, quantity, verbose } = request.body;
        const end = Date.now();
        const body = await queryStats(
          engine,
          signatureQuery({ query, allowNonvoting: allowNonvoting ?? true, scope }),
          {
            index: config().logs.indexPattern,
            quantity,
            verbose,
            ...(days ? { start: end - days * DAY_MS, end } : {}),
          },
        );
        return response.ok({ body });
      } catch (error) {
        return errorResponse(response, error);
      }
    },
  );
}
