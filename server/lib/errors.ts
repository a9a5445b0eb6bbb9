/*
 * The one mapping from a thrown error to a response (used by the route handler wrapper and the OSD
 * access guard). Three kinds of errors carry a status:
 *  - EngineRequestError (lib/engine_client.ts): the engine's status, error type and reason; an engine
 *    that could not be reached (status 0) is a 502 that says so;
 *  - RequestError: a request our own code refuses (400, 404, 409), e.g. the signature store's StoreError;
 *  - the host's saved-objects errors: Boom errors whose status is `output.statusCode` (Kibana
 *    src/core/packages/saved-objects/server/src/saved_objects_error_helpers.ts, OSD
 *    src/core/server/saved_objects/service/lib/errors.ts).
 * Anything else is rethrown, so the host answers 500 and logs it.
 */
import { EngineRequestError } from '../../lib/engine_client';
import type { KibanaResponse, KibanaResponseFactory } from '../types/host';

/**
 * A request our own code refuses, with the status it stands for: the signature store's refusals
 * (StoreError), a user regular expression that is invalid or runs too long, counts that would not be exact.
 */
export class RequestError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Status of a host saved-objects (Boom) error, or undefined. */
function savedObjectsErrorStatus(error: unknown): number | undefined {
  const output = (error as { isBoom?: boolean; output?: { statusCode?: unknown } } | null)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

/** The HTTP status an error stands for, or undefined when it is not one of ours to answer. */
export function errorStatus(error: unknown): number | undefined {
  if (error instanceof EngineRequestError) return error.statusCode || 502;
  if (error instanceof RequestError) return error.statusCode;
  return savedObjectsErrorStatus(error);
}

/** Answers an error with its status and message (engine errors add their type and reason); rethrows the rest. */
export function errorResponse(response: KibanaResponseFactory, error: unknown): KibanaResponse {
  const status = errorStatus(error);
  if (status === undefined || status < 400 || status > 599) throw error;
  const message = error instanceof Error ? error.message : String(error);
  return response.customError({
    statusCode: status,
    body: {
      message,
      attributes: error instanceof EngineRequestError ? { type: error.type, reason: error.reason } : undefined,
    },
  });
}
