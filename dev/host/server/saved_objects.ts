/*
 * Saved objects stored in a real engine index, with Kibana's client semantics (create/get/find/update/
 * delete/bulkGet, registered types with their mappings, Boom-shaped errors: 404 not found, 409 conflict,
 * 400 unsupported type; hidden types only through includedHiddenTypes; optimistic concurrency through
 * `version`). Documents have Kibana's raw shape: _id `<type>:<id>`, `{ type, <type>: attributes,
 * references, namespaces, created_at, updated_at }`. Spaces, migrations and model versions are not
 * reproduced (one default space).
 */
import { randomUUID } from 'crypto';
import type {
  SavedObject,
  SavedObjectReference,
  SavedObjectsClientContract,
  SavedObjectsFindOptions,
  SavedObjectsFindResponse,
  SavedObjectsType,
} from '../../../server/types/host';
import { EngineClient, EngineRequestError } from '../../../lib/engine_client';
import { statusText } from './status_text';

/** A Boom-like error, as Kibana's SavedObjectsErrorHelpers throw. */
export class SavedObjectsClientError extends Error {
  readonly isBoom = true;
  readonly output: { statusCode: number; payload: { statusCode: number; error: string; message: string } };
  constructor(statusCode: number, error: string, message: string) {
    super(message);
    this.name = 'SavedObjectsClientError';
    this.output = { statusCode, payload: { statusCode, error, message } };
  }
  get statusCode(): number {
    return this.output.statusCode;
  }
}

const notFound = (type: string, id?: string) =>
  new SavedObjectsClientError(404, 'Not Found', id ? `Saved object [${type}/${id}] not found` : 'Not Found');
const conflict = (type: string, id: string) =>
  new SavedObjectsClientError(409, 'Conflict', `Saved object [${type}/${id}] conflict`);
const unsupported = (type: string) =>
  new SavedObjectsClientError(400, 'Bad Request', `Unsupported saved object type: '${type}': Bad Request`);
const badRequest = (message: string) => new SavedObjectsClientError(400, 'Bad Request', message);
const forbidden = (operation: string, type: string) =>
  new SavedObjectsClientError(403, 'Forbidden', `Unable to ${operation} ${type}`);

/** Statuses the host's repository keeps when it decorates an engine error; the rest become a general 500. */
const KEPT_ENGINE_STATUSES = new Set([400, 401, 403, 404, 409, 413, 429, 503]);

/**
 * An engine error as the host's saved-objects repository hands it to a plugin: a Boom error, never the
 * engine client's own (Kibana src/core/packages/saved-objects/api-server-internal, decorate_es_error.ts;
 * OSD src/core/server/saved_objects/service/lib/decorate_opensearch_error.ts). No answer (status 0) or
 * 503 is "unavailable" (503); 400, 401, 403, 404, 409, 413 and 429 keep their status; anything else is a
 * general 500. A plugin bundle has its own copy of the engine client, so without this an engine refusal
 * (429 from a breaker) reached the plugin as an error it cannot recognise and became a 500.
 * Test: dev/host/server/saved_objects_errors.test.ts.
 */
export function decorateEngineError(error: unknown): unknown {
  if (!(error instanceof EngineRequestError)) return error;
  const status = error.statusCode === 0 ? 503 : KEPT_ENGINE_STATUSES.has(error.statusCode) ? error.statusCode : 500;
  return new SavedObjectsClientError(status, statusText(status), error.message);
}

/**
 * Whether the current user may run `operation` on `type` (Kibana's saved-objects security extension,
 * see ../server/security.ts mayUseSavedObject). Absent: the host's own identity, no check.
 */
export type SavedObjectsAuthorizer = (type: string, operation: string) => boolean;

function encodeVersion(seqNo: number, primaryTerm: number): string {
  return Buffer.from(JSON.stringify([seqNo, primaryTerm]), 'utf8').toString('base64');
}

function decodeVersion(version: string): { if_seq_no: number; if_primary_term: number } {
  try {
    const [seq, term] = JSON.parse(Buffer.from(version, 'base64').toString('utf8'));
    if (Number.isInteger(seq) && Number.isInteger(term)) return { if_seq_no: seq, if_primary_term: term };
  } catch {
    // fall through
  }
  throw badRequest(`Invalid version [${version}]`);
}

export class SavedObjectTypeRegistry {
  private readonly types = new Map<string, SavedObjectsType>();
  private frozen = false;

  register(type: SavedObjectsType): void {
    if (this.frozen) throw new Error('saved-object types can only be registered during setup');
    if (!type || typeof type.name !== 'string' || !/^[a-z0-9_-]+$/.test(type.name))
      throw new Error(`Invalid saved-object type name ${JSON.stringify(type?.name)}`);
    if (this.types.has(type.name)) throw new Error(`Type '${type.name}' is already registered`);
    if (!type.mappings || typeof type.mappings !== 'object' || typeof type.mappings.properties !== 'object')
      throw new Error(`Type '${type.name}': mappings.properties is required`);
    if (!['single', 'multiple', 'multiple-isolated', 'agnostic'].includes(type.namespaceType))
      throw new Error(`Type '${type.name}': invalid namespaceType ${JSON.stringify(type.namespaceType)}`);
    if (typeof type.hidden !== 'boolean') throw new Error(`Type '${type.name}': hidden must be a boolean`);
    // validateType in src/core/packages/saved-objects/base-server-internal/src/saved_objects_type_registry.ts
    const t = type as SavedObjectsType & {
      hiddenFromHttpApis?: boolean;
      management?: { onExport?: unknown; visibleInManagement?: boolean; importableAndExportable?: boolean };
    };
    if (t.management?.onExport && !t.management.importableAndExportable)
      throw new Error(
        `Type ${t.name}: 'management.importableAndExportable' must be 'true' when specifying 'management.onExport'`,
      );
    if (t.management?.visibleInManagement !== undefined && !t.management.importableAndExportable)
      throw new Error(
        `Type ${t.name}: 'management.importableAndExportable' must be 'true' when specifying 'management.visibleInManagement'`,
      );
    if (t.hidden === true && t.hiddenFromHttpApis === false)
      throw new Error(`Type ${t.name}: 'hiddenFromHttpApis' cannot be 'false' when specifying 'hidden' as 'true'`);
    this.types.set(type.name, type);
  }

  freeze(): void {
    this.frozen = true;
  }

  get(name: string): SavedObjectsType | undefined {
    return this.types.get(name);
  }

  all(): SavedObjectsType[] {
    return [...this.types.values()];
  }
}

export class SavedObjectsStore {
  constructor(
    private readonly engine: EngineClient,
    readonly index: string,
    private readonly registry: SavedObjectTypeRegistry,
  ) {}

  /** Creates the index, or adds the registered types' mappings to an existing one. */
  async ensureIndex(): Promise<void> {
    const properties: Record<string, unknown> = {
      type: { type: 'keyword' },
      namespaces: { type: 'keyword' },
      created_at: { type: 'date' },
      updated_at: { type: 'date' },
      references: {
        type: 'nested',
        properties: { name: { type: 'keyword' }, type: { type: 'keyword' }, id: { type: 'keyword' } },
      },
    };
    for (const t of this.registry.all())
      properties[t.name] = { dynamic: t.mappings.dynamic ?? false, properties: t.mappings.properties };
    const exists = await this.engine.request<boolean>({ method: 'HEAD', path: `/${this.index}` });
    if (!exists) {
      try {
        await this.engine.request({
          method: 'PUT',
          path: `/${this.index}`,
          body: {
            settings: { number_of_shards: 1, auto_expand_replicas: '0-1', refresh_interval: '100ms' },
            mappings: { dynamic: 'strict', properties },
          },
        });
        return;
      } catch (error) {
        if (!(error instanceof EngineRequestError && error.type === 'resource_already_exists_exception')) throw error;
      }
    }
    await this.engine.request({ method: 'PUT', path: `/${this.index}/_mapping`, body: { properties } });
  }

  client(includedHiddenTypes: string[] = [], authorize?: SavedObjectsAuthorizer): SavedObjectsClientContract {
    const allowed = (type: string, operation?: string): SavedObjectsType => {
      const t = this.registry.get(type);
      if (!t || (t.hidden && !includedHiddenTypes.includes(type))) throw unsupported(type);
      if (operation && authorize && !authorize(type, operation)) throw forbidden(operation, type);
      return t;
    };
    const store = { engine: this.engine, index: this.index, toSavedObject: this.toSavedObject.bind(this) };
    return decoratingEngineErrors({
      async create<T>(
        type: string,
        attributes: T,
        options: {
          id?: string;
          overwrite?: boolean;
          references?: SavedObjectReference[];
          refresh?: boolean | 'wait_for';
        } = {},
      ) {
        const t = allowed(type, 'create');
        const id = options.id ?? randomUUID();
        const now = new Date().toISOString();
        const source = {
          type,
          [type]: attributes,
          references: options.references ?? [],
          namespaces: t.namespaceType === 'agnostic' ? undefined : ['default'],
          created_at: now,
          updated_at: now,
        };
        try {
          const r = await store.engine.request<any>({
            method: 'PUT',
            path: `/${store.index}/_doc/${encodeURIComponent(`${type}:${id}`)}`,
            querystring: {
              op_type: options.overwrite ? 'index' : 'create',
              refresh: String(options.refresh ?? 'wait_for'),
            },
            body: source,
          });
          return {
            id,
            type,
            attributes,
            references: source.references,
            version: encodeVersion(r._seq_no, r._primary_term),
            created_at: now,
            updated_at: now,
            namespaces: source.namespaces,
          };
        } catch (error) {
          if (error instanceof EngineRequestError && error.statusCode === 409) throw conflict(type, id);
          if (error instanceof EngineRequestError && error.statusCode === 400) throw badRequest(error.message);
          throw error;
        }
      },

      async get<T>(type: string, id: string) {
        allowed(type, 'get');
        try {
          const r = await store.engine.request<any>({
            method: 'GET',
            path: `/${store.index}/_doc/${encodeURIComponent(`${type}:${id}`)}`,
          });
          if (!r.found || r._source?.type !== type) throw notFound(type, id);
          return store.toSavedObject<T>(r);
        } catch (error) {
          if (error instanceof EngineRequestError && error.statusCode === 404) throw notFound(type, id);
          throw error;
        }
      },

      async find<T>(options: SavedObjectsFindOptions): Promise<SavedObjectsFindResponse<T>> {
        const requested = Array.isArray(options.type) ? options.type : [options.type];
        if (requested.length === 0) throw badRequest('options.type must name at least one type');
        requested.forEach((t) => allowed(t));
        // Kibana's find (src/core/packages/saved-objects/api-server-internal/src/lib/apis/find.ts) searches only
        // the types the user may `find`, and answers an empty page when there is none.
        const types = authorize ? requested.filter((t) => authorize(t, 'find')) : requested;
        const page = options.page ?? 1;
        const perPage = options.perPage ?? 20;
        if (types.length === 0) return { page, per_page: perPage, total: 0, saved_objects: [] };
        if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 0)
          throw badRequest('page must be >= 1 and perPage >= 0');
        if (page * perPage > 10000) throw badRequest(`Invalid page/perPage: page * perPage must not exceed 10000`);
        const filter: unknown[] = [{ terms: { type: types } }];
        const must: unknown[] = [];
        if (options.search) {
          const fields = (options.searchFields ?? []).flatMap((f) =>
            types.map((t) => `${t}.${f.replace(/\^.*$/, '')}`),
          );
          must.push({
            simple_query_string: {
              query: options.search,
              ...(fields.length ? { fields } : { fields: types.map((t) => `${t}.*`) }),
              default_operator: 'OR',
              lenient: true,
            },
          });
        }
        if (options.filter) filter.push(...kqlSubset(options.filter, types));
        const sort: unknown[] = [];
        if (options.sortField) {
          const field = ['updated_at', 'created_at', 'type'].includes(options.sortField)
            ? options.sortField
            : `${types[0]}.${options.sortField}`;
          sort.push({ [field]: { order: options.sortOrder ?? 'asc', unmapped_type: 'keyword' } });
        }
        sort.push({ _score: 'desc' }, { updated_at: { order: 'desc', unmapped_type: 'date' } });
        const r = await store.engine.request<any>({
          method: 'POST',
          path: `/${store.index}/_search`,
          querystring: { seq_no_primary_term: true },
          body: {
            from: (page - 1) * perPage,
            size: perPage,
            track_total_hits: true,
            query: { bool: { filter, must } },
            sort,
          },
        });
        return {
          page,
          per_page: perPage,
          total: r.hits.total.value,
          saved_objects: r.hits.hits.map((h: any) => ({ ...store.toSavedObject<T>(h), score: h._score ?? 0 })),
        };
      },

      async update<T>(
        type: string,
        id: string,
        attributes: Partial<T>,
        options: { version?: string; references?: SavedObjectReference[]; refresh?: boolean | 'wait_for' } = {},
      ) {
        allowed(type, 'update');
        const now = new Date().toISOString();
        const doc: Record<string, unknown> = { [type]: attributes, updated_at: now };
        if (options.references) doc.references = options.references;
        try {
          const r = await store.engine.request<any>({
            method: 'POST',
            path: `/${store.index}/_update/${encodeURIComponent(`${type}:${id}`)}`,
            querystring: {
              refresh: String(options.refresh ?? 'wait_for'),
              ...(options.version ? decodeVersion(options.version) : {}),
              _source: true,
            },
            body: { doc },
          });
          if (r.get?._source?.type !== undefined && r.get._source.type !== type) throw notFound(type, id);
          return {
            id,
            type,
            attributes,
            references: r.get?._source?.references ?? options.references ?? [],
            version: encodeVersion(r._seq_no, r._primary_term),
            updated_at: now,
          };
        } catch (error) {
          if (error instanceof EngineRequestError && error.statusCode === 404) throw notFound(type, id);
          if (error instanceof EngineRequestError && error.statusCode === 409) throw conflict(type, id);
          if (error instanceof EngineRequestError && error.statusCode === 400) throw badRequest(error.message);
          throw error;
        }
      },

      async delete(type: string, id: string, options: { refresh?: boolean | 'wait_for' } = {}) {
        allowed(type, 'delete');
        try {
          const r = await store.engine.request<any>({
            method: 'DELETE',
            path: `/${store.index}/_doc/${encodeURIComponent(`${type}:${id}`)}`,
            querystring: { refresh: String(options.refresh ?? 'wait_for') },
          });
          if (r.result === 'not_found') throw notFound(type, id);
          return {};
        } catch (error) {
          if (error instanceof EngineRequestError && error.statusCode === 404) throw notFound(type, id);
          throw error;
        }
      },

      async bulkGet<T>(objects: Array<{ type: string; id: string }>) {
        objects.forEach((o) => allowed(o.type, 'bulk_get'));
        if (objects.length === 0) return { saved_objects: [] };
        const r = await store.engine.request<any>({
          method: 'POST',
          path: `/${store.index}/_mget`,
          body: { ids: objects.map((o) => `${o.type}:${o.id}`) },
        });
        return {
          saved_objects: r.docs.map((d: any, i: number) =>
            d.found
              ? store.toSavedObject<T>(d)
              : ({
                  id: objects[i].id,
                  type: objects[i].type,
                  attributes: undefined as unknown as T,
                  references: [],
                  error: {
                    statusCode: 404,
                    error: 'Not Found',
                    message: `Saved object [${objects[i].type}/${objects[i].id}] not found`,
                  },
                } as SavedObject<T>),
          ),
        };
      },
    });
  }

  private toSavedObject<T>(hit: any): SavedObject<T> {
    const s = hit._source;
    const type: string = s.type;
    const id = String(hit._id).slice(type.length + 1);
    return {
      id,
      type,
      attributes: s[type],
      references: s.references ?? [],
      version: hit._seq_no !== undefined ? encodeVersion(hit._seq_no, hit._primary_term) : undefined,
      created_at: s.created_at,
      updated_at: s.updated_at,
      namespaces: s.namespaces,
    };
  }
}

/** The client with every engine error its methods let through decorated as the host does. */
function decoratingEngineErrors(client: SavedObjectsClientContract): SavedObjectsClientContract {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(client))
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        throw decorateEngineError(error);
      }
    };
  return wrapped as unknown as SavedObjectsClientContract;
}

/**
 * The part of KQL that saved-objects filters use in practice: `<type>.attributes.<field>: <value>`
 * terms joined by `and` (values quoted or bare; `*` for "exists"). Anything else is a 400, so a plugin
 * never silently gets unfiltered results.
 */
export function kqlSubset(filter: string, types: string[]): unknown[] {
  const clauses = filter.split(/\s+and\s+/i);
  return clauses.map((clause) => {
    const m =
      /^\s*\(?\s*([a-z0-9_-]+)\.attributes\.([A-Za-z0-9_.]+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([^\s()]+))\s*\)?\s*$/.exec(
        clause,
      );
    if (!m)
      throw badRequest(
        `KQLSyntaxError: the stand-in supports filters of the form <type>.attributes.<field>: <value> joined by "and"; got ${JSON.stringify(clause)}`,
      );
    const [, type, field, quoted, bare] = m;
    if (!types.includes(type)) throw badRequest(`This type ${type} is not allowed: Bad Request`);
    const value = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
    if (value === '*') return { exists: { field: `${type}.${field}` } };
    return { term: { [`${type}.${field}`]: value } };
  });
}
