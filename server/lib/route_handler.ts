/*
 * What every route file is built from: the dependencies it is registered with, the two security blocks,
 * the host validation function made from a pure validator (common/api/validation.ts), and `handler`, the
 * one place where a request gets its context and a thrown error becomes a response (server/lib/errors.ts).
 */
import type { AnswerCache } from './answer_cache';
import type { Validated } from '../../common/api/validation';
import { API_PRIVILEGE_READ, API_PRIVILEGE_WRITE } from '../../common/privileges';
import type { RecheckConfig } from '../config';
import type {
  IRouter,
  KibanaRequest,
  KibanaResponse,
  KibanaResponseFactory,
  Logger,
  RequestHandler,
  RequestHandlerContext,
  RouteSecurity,
  RouteValidationFunction,
} from '../types/host';
import type { AccessService } from './access/access_service';
import { errorResponse } from './errors';
import type { HostKind } from './host_adapter';
import { RecheckRequestContext, requestContext } from './request_context';

export interface RouteDeps {
  router: IRouter;
  host: HostKind;
  logger: Logger;
  /** Current plugin config (read per request, so tests and hosts may change it). */
  config: () => RecheckConfig;
  /** Who may do what (OSD: checked on every route by the router of server/routes/index.ts). */
  access: AccessService;
  /** Answers shared by identical requests for a short time (answer_cache.ts); none: always computed. */
  answers?: AnswerCache;
}

export const READ_SECURITY: RouteSecurity = { authz: { requiredPrivileges: [API_PRIVILEGE_READ] } };
export const WRITE_SECURITY: RouteSecurity = { authz: { requiredPrivileges: [API_PRIVILEGE_WRITE] } };

/** A host validation function from one of our pure validators (host-contracts §2.3). */
export function validation<T>(validate: (data: unknown) => Validated<T>): RouteValidationFunction<T> {
  return (data, { ok, badRequest }) => {
    const result = validate(data);
    return result.ok ? ok(result.value) : badRequest(result.message, result.path);
  };
}

export type RecheckHandler<P, Q, B> = (
  ctx: RecheckRequestContext,
  request: KibanaRequest<P, Q, B>,
  response: KibanaResponseFactory,
  hostContext: RequestHandlerContext,
) => Promise<KibanaResponse>;

/** A host handler: builds the request context, runs `work`, and answers any error it throws once, the same way. */
export function handler<P, Q, B>(work: RecheckHandler<P, Q, B>): RequestHandler<P, Q, B> {
  return async (context, request, response) => {
    try {
      return await work(requestContext(context), request, response, context);
    } catch (error) {
      return errorResponse(response, error);
    }
  };
}
