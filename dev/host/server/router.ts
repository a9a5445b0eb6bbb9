/*
 * Kibana's router semantics (src/core/packages/http/router-server-internal/src/{router.ts,route.ts,
 * validator/validator.ts}, response factory): routes declared with validation functions (or any object
 * with a config-schema-like `validate`), `security` required and shape-checked at registration in Kibana
 * 9 mode, ignored in OSD mode; undefined validation rules yield `{}`; prototype-pollution keys rejected.
 */
import type {
  ErrorHttpResponseOptions,
  HttpResponseOptions,
  IRouter,
  KibanaResponse,
  KibanaResponseFactory,
  RequestHandler,
  RouteConfig,
  RouteMethod,
  RouteSecurity,
  RouteValidationResultFactory,
} from '../../../server/types/host';
import type { HostKind } from '../manifest';
import { validateRouteSecurity } from './security';

export class RouteConfigError extends Error {}

export interface RegisteredRoute {
  method: RouteMethod;
  path: string;
  pattern: RegExp;
  paramNames: string[];
  config: RouteConfig<any, any, any>;
  security?: RouteSecurity;
  handler: RequestHandler<any, any, any, any>;
  pluginId: string;
}

function compilePath(path: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)(\?|\*)?\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(m[1]);
      if (m[2] === '*') return '(.*)';
      if (m[2] === '?') return '?([^/]*)';
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), paramNames };
}

export class Router implements IRouter {
  constructor(
    private readonly routes: RegisteredRoute[],
    private readonly host: HostKind,
    private readonly pluginId: string,
  ) {}

  get = this.registrar('get');
  post = this.registrar('post');
  put = this.registrar('put');
  patch = this.registrar('patch');
  delete = this.registrar('delete');

  private registrar(method: RouteMethod) {
    return <P, Q, B>(route: RouteConfig<P, Q, B>, handler: RequestHandler<P, Q, B, any>): void => {
      const name = `[${method.toUpperCase()} ${route?.path}]`;
      if (!route || typeof route.path !== 'string' || !route.path.startsWith('/'))
        throw new RouteConfigError(`Route path ${name} must start with a slash`);
      if (route.path.length > 1 && route.path.endsWith('/'))
        throw new RouteConfigError(`The route path ${name} must not end with a slash`);
      if (route.validate === undefined)
        throw new RouteConfigError(
          `The [${method}] at [${route.path}] does not have a 'validate' specified. Use 'false' as the value if you want to bypass validation.`,
        );
      if (route.validate !== false) {
        if (typeof route.validate !== 'object' || route.validate === null)
          throw new RouteConfigError(`${name}: validate must be false or an object`);
        for (const [key, rule] of Object.entries(route.validate)) {
          if (!['params', 'query', 'body'].includes(key))
            throw new RouteConfigError(`${name}: unknown validate key "${key}"`);
          const ok =
            rule === undefined ||
            typeof rule === 'function' ||
            (typeof rule === 'object' && rule !== null && typeof (rule as any).validate === 'function');
          if (!ok)
            throw new RouteConfigError(
              `The [${key}] validation for ${name} must be a config-schema type or a validation function`,
            );
        }
        if ((method === 'get' || method === 'delete') && (route.validate as any).body && method === 'get')
          throw new RouteConfigError(`${name}: "validate.body" must be empty for GET routes`);
      }
      if (method === 'get' && route.options?.body)
        throw new RouteConfigError(`${name}: "options.body" must be empty for GET routes`);
      if (typeof handler !== 'function') throw new RouteConfigError(`${name}: the handler must be a function`);
      let security: RouteSecurity | undefined;
      if (this.host === 'kibana') security = validateRouteSecurity(route.security, name);
      if (this.routes.some((r) => r.method === method && r.path === route.path))
        throw new RouteConfigError(`${name} is already registered`);
      const { pattern, paramNames } = compilePath(route.path);
      this.routes.push({
        method,
        path: route.path,
        pattern,
        paramNames,
        config: route,
        security,
        handler,
        pluginId: this.pluginId,
      });
    };
  }
}

/* ------------------------------------------------------------------ validation */

export class RequestValidationError extends Error {
  constructor(
    message: string,
    readonly path?: string[],
  ) {
    super(message);
  }
}

const validationResult: RouteValidationResultFactory = {
  ok: (value) => ({ value }),
  badRequest: (error, path) => {
    const e = (typeof error === 'string' ? new Error(error) : error) as Error & { path?: string[] };
    e.path = path;
    return { error: e };
  },
};

/** Kibana's prototype-pollution check, walked with an explicit stack so that deeply nested JSON cannot overflow it. */
function safetyPrechecks(data: unknown, namespace: string): void {
  const stack: Array<{ value: unknown; trail: string[] }> = [{ value: data, trail: [] }];
  while (stack.length) {
    const { value: node, trail } = stack.pop()!;
    if (!node || typeof node !== 'object' || Buffer.isBuffer(node)) continue;
    for (const key of Object.keys(node)) {
      if (key === '__proto__')
        throw new RequestValidationError(`[${namespace}.${[...trail, key].join('.')}]: '__proto__' is an invalid key`);
      const value = (node as any)[key];
      if (key === 'constructor' && value && typeof value === 'object' && 'prototype' in value) {
        throw new RequestValidationError(
          `[${namespace}.${[...trail, key, 'prototype'].join('.')}]: 'constructor.prototype' is an invalid key`,
        );
      }
      if (value && typeof value === 'object') stack.push({ value, trail: trail.length < 32 ? [...trail, key] : trail });
    }
  }
}

export function runValidation(rule: unknown, data: unknown, namespace: string): unknown {
  if (rule === undefined) return {};
  safetyPrechecks(data, namespace);
  if (typeof rule === 'function') {
    let result: any;
    try {
      result = rule(data, validationResult);
    } catch (error: any) {
      throw new RequestValidationError(`[${namespace}]: ${error?.message ?? error}`);
    }
    if (!result || typeof result !== 'object' || (!('value' in result) && !('error' in result))) {
      throw new Error(`The validation function for [${namespace}] must return ok(value) or badRequest(message)`);
    }
    if (result.error) {
      const path: string[] | undefined = result.error.path;
      throw new RequestValidationError(`[${[namespace, ...(path ?? [])].join('.')}]: ${result.error.message}`, path);
    }
    return result.value;
  }
  try {
    return (rule as { validate(d: unknown, ctx: unknown, ns: string): unknown }).validate(data, {}, namespace);
  } catch (error: any) {
    throw new RequestValidationError(error?.message ?? String(error));
  }
}

/* ------------------------------------------------------------------ response factory */

export class ResponseFactoryError extends Error {}

function response(
  status: number,
  payload: unknown,
  options: HttpResponseOptions | ErrorHttpResponseOptions = {},
): KibanaResponse<any> {
  return { status, payload, options };
}

export const responseFactory: KibanaResponseFactory = {
  ok: (o = {}) => response(200, o.body, o),
  accepted: (o = {}) => response(202, o.body, o),
  noContent: (o = {}) => response(204, undefined, o),
  redirected: (o) => {
    if (!o?.headers?.location) throw new ResponseFactoryError('expected headers.location to be set for a redirect');
    return response(302, o.body, o);
  },
  badRequest: (o = {}) => response(400, o.body ?? 'Bad Request', o),
  unauthorized: (o = {}) => response(401, o.body ?? 'Unauthorized', o),
  forbidden: (o = {}) => response(403, o.body ?? 'Forbidden', o),
  notFound: (o = {}) => response(404, o.body ?? 'Not Found', o),
  conflict: (o = {}) => response(409, o.body ?? 'Conflict', o),
  customError: (o) => {
    if (!o || !Number.isInteger(o.statusCode) || o.statusCode < 400 || o.statusCode > 599) {
      throw new ResponseFactoryError(
        `Unexpected Http status code. Expected from 400 to 599, but given: ${o?.statusCode}`,
      );
    }
    return response(o.statusCode, o.body ?? 'Error', o);
  },
  custom: (o) => {
    if (!o || !Number.isInteger(o.statusCode)) throw new ResponseFactoryError('custom response needs a statusCode');
    return response(o.statusCode, o.body, o);
  },
};
