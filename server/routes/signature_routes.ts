/*
 * /api/elastic_recheck/signatures: list (search, filter by mode/tracker/stale), get, create, update,
 * delete, history. Reads need the read privilege, writes the write privilege; the saved-objects client
 * of the request applies the user's own permissions as well.
 */
import {
  SIGNATURE_HISTORY_PATH,
  SIGNATURE_PATH,
  SIGNATURES_PATH,
  signatureFromInput,
  SignatureInput,
  SignatureListResponse,
  validateListQuery,
  validateSignatureInput,
  noSignatureError,
} from '../../common/api/signatures';
import { bugKey, BugInfo } from '../../common/api/bugs';
import { idParams } from '../../common/api/validation';
import { readBugCache } from '../lib/bugs/bug_cache';
import { hostRoute } from '../lib/host_adapter';
import { DAY_MS } from '../lib/rates/rates';
import { handler, READ_SECURITY, RouteDeps, validation, WRITE_SECURITY } from '../lib/route_handler';
import { signatureHits } from '../lib/signature_hits';
import { sharedAnswer } from '../lib/answer_cache';
import type { RecheckRequestContext } from '../lib/request_context';
import type { Signature } from '../../common/signature/types';
import { ANSWER_WINDOW_STEP_MS } from '../../common/constants';
import { ceilTo } from '../../common/time_window';
import { compileSignatures } from '../lib/signatures/compile';

export function registerSignatureRoutes({ router, host, config, logger, answers }: RouteDeps): void {
  // hit counts over the rates window ending at the next minute, shared by identical lists (answer_cache.ts)
  const hitsOf = async (ctx: RecheckRequestContext, signatures: Signature[]) => {
    const end = ceilTo(answers?.now() ?? Date.now(), ANSWER_WINDOW_STEP_MS);
    const start = end - config().windows.ratesDays * DAY_MS;
    const [engine, user] = await Promise.all([ctx.engine(), ctx.user()]);
    const compiled = compileSignatures(signatures);
    const params = { index: config().logs.indexPattern, start, end };
    return sharedAnswer(answers, { kind: 'hits', user, compiled, params }, () =>
      signatureHits(engine, compiled, params.index, start, end),
    );
  };
  router.get(
    hostRoute(host, {
      path: SIGNATURES_PATH,
      validate: { query: validation(validateListQuery) },
      options: { access: 'public', summary: 'List signatures (search, filter by mode, tracker, stale)' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const store = await ctx.store();
      const q = request.query;
      let body: SignatureListResponse;
      const engine = await ctx.engine();
      // bug data (title, status) from the cache the background work fills; the list answers without it
      const bugs = await readBugCache(engine, config().state.index).catch((error) => {
        logger.debug(`signature list without bug data: ${error?.message ?? error}`);
        return new Map<string, BugInfo>();
      });
      const withBug = <S extends { bug: { tracker: string; id: string } }>(s: S) =>
        bugs.has(bugKey(s.bug)) ? { ...s, bugInfo: bugs.get(bugKey(s.bug)) } : s;
      const bugStatus = (s: { bug: { tracker: string; id: string } }) => bugs.get(bugKey(s.bug))?.status ?? 'unknown';
      if (q.stale === undefined && q.bugStatus === undefined) {
        const page = await store.list(q);
        // the counts are extra information: a user who may not read the log indices still gets the list
        const hits = await hitsOf(ctx, page.signatures).catch((error) => {
          logger.debug(`signature list without hit counts: ${error?.message ?? error}`);
          return {} as Record<string, { hits: number; lastHit?: string }>;
        });
        body = {
          ...page,
          signatures: page.signatures.map((s) =>
            withBug(
              hits[s.id]
                ? {
                    ...s,
                    hitsInWindow: hits[s.id].hits,
                    ...(hits[s.id].lastHit ? { lastHit: hits[s.id].lastHit } : {}),
                  }
                : s,
            ),
          ),
        };
      } else {
        // stale and bugStatus need every candidate: filter all matching signatures, then page
        const all = (await store.list({ ...q, page: 1, perPage: 10000 })).signatures.filter(
          (s) => q.bugStatus === undefined || bugStatus(s) === q.bugStatus,
        );
        const hits = await hitsOf(ctx, all);
        const kept = all.filter((s) => q.stale === undefined || ((hits[s.id]?.hits ?? 0) === 0) === q.stale);
        const page = q.page ?? 1;
        const perPage = q.perPage ?? 100;
        body = {
          page,
          perPage,
          total: kept.length,
          signatures: kept.slice((page - 1) * perPage, page * perPage).map((s) =>
            withBug({
              ...s,
              hitsInWindow: hits[s.id]?.hits ?? 0,
              ...(hits[s.id]?.lastHit ? { lastHit: hits[s.id].lastHit } : {}),
            }),
          ),
        };
      }
      return response.ok({ body });
    }),
  );

  router.get(
    hostRoute(host, {
      path: SIGNATURE_PATH,
      validate: { params: validation(idParams) },
      options: { access: 'public', summary: 'One signature' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      return response.ok({ body: await (await ctx.store()).get(request.params.id) });
    }),
  );

  router.post(
    hostRoute(host, {
      path: SIGNATURES_PATH,
      validate: { body: validation((b) => validateSignatureInput(b)) },
      options: { access: 'public', summary: 'Create a signature', body: { maxBytes: 256 * 1024 } },
      security: WRITE_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const store = await ctx.checkedStore(config().logs.indexPattern);
      const created = await store.create(signatureFromInput(request.body as SignatureInput, new Date().toISOString()));
      return response.ok({ body: created });
    }),
  );

  router.put(
    hostRoute(host, {
      path: SIGNATURE_PATH,
      validate: { params: validation(idParams), body: validation((b) => validateSignatureInput(b, { partial: true })) },
      options: {
        access: 'public',
        summary: 'Change a signature (send `version` to refuse lost updates)',
        body: { maxBytes: 256 * 1024 },
      },
      security: WRITE_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const store = await ctx.checkedStore(config().logs.indexPattern);
      return response.ok({
        body: await store.update(request.params.id, request.body as Partial<SignatureInput> & { version?: string }),
      });
    }),
  );

  router.delete(
    hostRoute(host, {
      path: SIGNATURE_PATH,
      validate: { params: validation(idParams) },
      options: { access: 'public', summary: 'Delete a signature (its history stays)' },
      security: WRITE_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      await (await ctx.store()).remove(request.params.id);
      return response.ok({ body: { deleted: request.params.id } });
    }),
  );

  router.get(
    hostRoute(host, {
      path: SIGNATURE_HISTORY_PATH,
      validate: { params: validation(idParams) },
      options: { access: 'public', summary: 'Change history of a signature, newest first' },
      security: READ_SECURITY,
    }),
    handler(async (ctx, request, response) => {
      const store = await ctx.store();
      const entries = await store.history(request.params.id);
      if (!entries.length)
        return response.notFound({
          body: noSignatureError([request.params.id], `no signature ${request.params.id} and no history for it`),
        });
      return response.ok({ body: { signatureId: request.params.id, entries } });
    }),
  );
}
