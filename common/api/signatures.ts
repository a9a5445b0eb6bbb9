/*
 * REST API of the stored signatures: paths, request and response types, and the pure validation of
 * request bodies (shared by the server routes and the browser forms). Every problem names its field.
 */
import { API_BASE_PATH } from '../constants';
import { BUG_TRACKERS, SIGNATURE_ID_RE, SIGNATURE_MODES } from '../signature/types';
import type { BugRef, BugTracker, Signature, SignatureMode, SignatureScope } from '../signature/types';
import { bugUrl } from '../signature/yaml_codec';
import { BUG_STATUSES, type BugInfo, type BugStatus } from './bugs';
import { fail, kind, listParam, unknownKeys, type Validated } from './validation';

export type { Validated } from './validation';

export const SIGNATURES_PATH = `${API_BASE_PATH}/signatures`;
export const SIGNATURE_PATH = `${API_BASE_PATH}/signatures/{id}`;
export const SIGNATURE_HISTORY_PATH = `${API_BASE_PATH}/signatures/{id}/history`;
/** Not under /signatures/, so that no literal segment competes with `{id}`. */
export const SIGNATURES_IMPORT_PATH = `${API_BASE_PATH}/import`;
/** The dry run alone, open to readers: what an import would do, changing nothing. */
export const SIGNATURES_IMPORT_CHECK_PATH = `${API_BASE_PATH}/import/check`;
export const SIGNATURES_EXPORT_PATH = `${API_BASE_PATH}/export`;

/**
 * `attributes.code` of the 404 answered for signature ids the host does not have: clients tell it from a 404
 * for a missing route (plugin not installed, wrong base path) by this attribute, not by the message text.
 */
export const NO_SIGNATURE_CODE = 'no_signature';
export interface NoSignatureAttributes {
  code: typeof NO_SIGNATURE_CODE;
  /** The ids asked for that the host does not have. */
  ids: string[];
}
/** The body of that 404 (message and attributes). */
export function noSignatureError(ids: string[], message = `no signature ${ids.join(', ')}`) {
  const attributes: NoSignatureAttributes = { code: NO_SIGNATURE_CODE, ids };
  return { message, attributes: attributes as unknown as Record<string, unknown> };
}

export const signaturePath = (id: string) => `${SIGNATURES_PATH}/${encodeURIComponent(id)}`;
export const signatureHistoryPath = (id: string) => `${signaturePath(id)}/history`;

/** Saved-object type of the change history of signatures (one object per change). */
export const SIGNATURE_HISTORY_SAVED_OBJECT_TYPE = 'elastic_recheck_signature_history';

export { SIGNATURE_ID_RE };
export const MAX_QUERY_LENGTH = 10000;
export const MAX_TEXT_LENGTH = 1000;
export const MAX_LIST_LENGTH = 200;
/** Largest import body (all files together). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_FILES = 2000;

const MODES: readonly SignatureMode[] = SIGNATURE_MODES;

/** A signature as clients send it: `id` optional on create (derived from the bug), flags default to false. */
export interface SignatureInput {
  id?: string;
  bug: BugRef | { tracker: BugTracker; id: string; url?: string };
  query: string;
  allowNonvoting?: boolean;
  suppressGraph?: boolean;
  suppressNotification?: boolean;
  testIds?: string[];
  title?: string;
  owner?: string;
  mode?: SignatureMode;
  scope?: SignatureScope;
}

export interface StoredSignature extends Signature {
  /** Optimistic-concurrency token: send it back on update to refuse lost updates (409). */
  version?: string;
  updatedBy?: string;
}

export interface SignatureListQuery {
  search?: string;
  mode?: SignatureMode;
  tracker?: BugTracker;
  /** true: only signatures with no hit in the window; false: only those with hits. */
  stale?: boolean;
  /** Only signatures whose bug has this status (common/api/bugs.ts BugStatus). */
  bugStatus?: BugStatus;
  page?: number;
  perPage?: number;
}

export interface SignatureListResponse {
  page: number;
  perPage: number;
  total: number;
  /** `bugInfo`: the tracker's data of the signature's bug (common/api/bugs.ts BugInfo), when cached. */
  signatures: Array<StoredSignature & { hitsInWindow?: number; lastHit?: string; bugInfo?: BugInfo }>;
}

export type HistoryAction = 'create' | 'update' | 'delete' | 'import';

export interface SignatureHistoryEntry {
  signatureId: string;
  action: HistoryAction;
  user: string;
  at: string;
  before: Signature | null;
  after: Signature | null;
}

export interface SignatureHistoryResponse {
  signatureId: string;
  entries: SignatureHistoryEntry[];
}

export interface ImportFile {
  /** `<bug>.yaml` for an elastic-recheck file; any name for a bundle. */
  name: string;
  content: string;
}

export interface ImportRequest {
  files: ImportFile[];
  /** Default true: report what would happen, change nothing. */
  dryRun?: boolean;
  /** Replace signatures that exist (default false: they are reported as conflicts). */
  overwrite?: boolean;
}

export const IMPORT_OUTCOMES = ['created', 'updated', 'unchanged', 'conflict', 'invalid'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

export interface ImportItemReport {
  file: string;
  id?: string;
  outcome: ImportOutcome;
  errors: Array<{ line?: number; column?: number; key?: string; message: string }>;
  warnings: Array<{ line?: number; column?: number; key?: string; message: string }>;
  /** Old-schema rewrites applied where the query runs (the stored text stays as written). */
  rewrites?: Array<{ from: string; to: string; reason: string }>;
  /** The query as it runs, when rewrites changed it. */
  translated?: string;
}

export interface ImportReport {
  dryRun: boolean;
  counts: Record<ImportOutcome, number>;
  items: ImportItemReport[];
}

function stringList(v: unknown, path: string[], max = MAX_LIST_LENGTH): Validated<string[]> {
  if (!Array.isArray(v)) return fail(path, `expected an array of strings, got ${kind(v)}`);
  if (v.length > max) return fail(path, `at most ${max} entries, got ${v.length}`);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string' || v[i].trim() === '')
      return fail([...path, String(i)], `expected a non-empty string, got ${kind(v[i])}`);
    if (v[i].length > MAX_TEXT_LENGTH) return fail([...path, String(i)], `longer than ${MAX_TEXT_LENGTH} characters`);
  }
  return { ok: true, value: v as string[] };
}

/** The id a new signature gets when none is given: the bug id made path-safe. */
export function idForBug(bug: { id: string }): string {
  return bug.id
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
}

/**
 * Validates a create (full) or update (`partial`) body. Unknown keys are refused, so a typo never
 * silently drops a field. Returns the normalized input.
 */
export function validateSignatureInput(body: unknown, opts: { partial?: boolean } = {}): Validated<SignatureInput> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return fail(['body'], `expected a JSON object, got ${kind(body)}`);
  const b = body as Record<string, unknown>;
  const allowed = [
    'id',
    'bug',
    'query',
    'allowNonvoting',
    'suppressGraph',
    'suppressNotification',
    'testIds',
    'title',
    'owner',
    'mode',
    'scope',
    'version',
  ];
  for (const key of Object.keys(b))
    if (!allowed.includes(key)) return fail([key], `unknown field (allowed: ${allowed.join(', ')})`);
  const out: Record<string, unknown> = {};

  if (b.id !== undefined) {
    if (typeof b.id !== 'string' || !SIGNATURE_ID_RE.test(b.id))
      return fail(['id'], 'expected 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit');
    out.id = b.id;
  }
  if (b.query !== undefined || !opts.partial) {
    if (typeof b.query !== 'string' || b.query.trim() === '')
      return fail(['query'], b.query === undefined ? 'required' : `expected a non-empty string, got ${kind(b.query)}`);
    if (b.query.length > MAX_QUERY_LENGTH) return fail(['query'], `longer than ${MAX_QUERY_LENGTH} characters`);
    out.query = b.query;
  }
  if (b.bug !== undefined || !opts.partial) {
    const bug = b.bug as Record<string, unknown> | undefined;
    if (!bug || typeof bug !== 'object' || Array.isArray(bug))
      return fail(
        ['bug'],
        bug === undefined ? 'required ({ tracker, id, url? })' : `expected an object, got ${kind(bug)}`,
      );
    for (const key of Object.keys(bug))
      if (!['tracker', 'id', 'url'].includes(key))
        return fail(['bug', key], 'unknown field (allowed: tracker, id, url)');
    if (typeof bug.tracker !== 'string' || !(BUG_TRACKERS as readonly string[]).includes(bug.tracker as BugTracker))
      return fail(['bug', 'tracker'], `expected one of ${BUG_TRACKERS.join(', ')}`);
    if (typeof bug.id !== 'string' || bug.id.trim() === '' || bug.id.length > 200)
      return fail(['bug', 'id'], 'expected a non-empty string');
    let url = bug.url;
    if (url !== undefined) {
      if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url) || url.length > MAX_TEXT_LENGTH)
        return fail(['bug', 'url'], 'expected an http(s) URL');
    } else {
      url = bugUrl(bug.tracker as BugTracker, bug.id);
      if (url === undefined) return fail(['bug', 'url'], `required: no default URL for ${bug.tracker} id "${bug.id}"`);
    }
    out.bug = { tracker: bug.tracker, id: bug.id, url };
  }
  for (const flag of ['allowNonvoting', 'suppressGraph', 'suppressNotification'] as const) {
    if (b[flag] !== undefined) {
      if (typeof b[flag] !== 'boolean') return fail([flag], `expected true or false, got ${kind(b[flag])}`);
      out[flag] = b[flag];
    }
  }
  if (b.testIds !== undefined) {
    const r = stringList(b.testIds, ['testIds']);
    if (!r.ok) return r;
    out.testIds = r.value;
  }
  for (const text of ['title', 'owner'] as const) {
    if (b[text] !== undefined) {
      if (typeof b[text] !== 'string') return fail([text], `expected a string, got ${kind(b[text])}`);
      if ((b[text] as string).length > MAX_TEXT_LENGTH)
        return fail([text], `longer than ${MAX_TEXT_LENGTH} characters`);
      out[text] = b[text];
    }
  }
  if (b.mode !== undefined) {
    if (typeof b.mode !== 'string' || !MODES.includes(b.mode as SignatureMode))
      return fail(['mode'], `expected one of ${MODES.join(', ')}`);
    out.mode = b.mode;
  }
  if (b.scope !== undefined) {
    const s = b.scope as Record<string, unknown>;
    if (!s || typeof s !== 'object' || Array.isArray(s)) return fail(['scope'], `expected an object, got ${kind(s)}`);
    const scope: Record<string, string[]> = {};
    for (const key of Object.keys(s)) {
      if (!['projects', 'branches', 'queues'].includes(key))
        return fail(['scope', key], 'unknown field (allowed: projects, branches, queues)');
      const r = stringList(s[key], ['scope', key]);
      if (!r.ok) return r;
      scope[key] = r.value;
    }
    out.scope = scope;
  }
  if (b.version !== undefined) {
    if (!opts.partial)
      return fail(['version'], 'only an update takes the version of a previous read; a new signature has none');
    if (typeof b.version !== 'string' || b.version === '')
      return fail(['version'], 'expected the version string from a previous read');
    out.version = b.version;
  }
  return { ok: true, value: out as unknown as SignatureInput };
}

/** A full signature from a validated create input. */
export function signatureFromInput(input: SignatureInput, now: string): Signature {
  const bug = input.bug as BugRef;
  return {
    id: input.id ?? idForBug(bug),
    bug,
    query: input.query,
    allowNonvoting: input.allowNonvoting ?? false,
    suppressGraph: input.suppressGraph ?? false,
    suppressNotification: input.suppressNotification ?? false,
    ...(input.testIds?.length ? { testIds: input.testIds } : {}),
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.owner !== undefined ? { owner: input.owner } : {}),
    mode: input.mode ?? 'explains',
    ...(input.scope ? { scope: input.scope } : {}),
    created: now,
    updated: now,
  };
}

export function validateListQuery(query: unknown): Validated<SignatureListQuery> {
  const q = (query ?? {}) as Record<string, unknown>;
  const allowed = ['search', 'mode', 'tracker', 'stale', 'bugStatus', 'page', 'perPage'];
  for (const key of Object.keys(q))
    if (!allowed.includes(key)) return fail([key], `unknown parameter (allowed: ${allowed.join(', ')})`);
  const out: SignatureListQuery = {};
  if (q.search !== undefined) {
    if (typeof q.search !== 'string' || q.search.length > 200)
      return fail(['search'], 'expected a string of at most 200 characters');
    out.search = q.search;
  }
  if (q.mode !== undefined) {
    if (!MODES.includes(q.mode as SignatureMode)) return fail(['mode'], `expected one of ${MODES.join(', ')}`);
    out.mode = q.mode as SignatureMode;
  }
  if (q.tracker !== undefined) {
    if (!(BUG_TRACKERS as readonly string[]).includes(q.tracker as BugTracker))
      return fail(['tracker'], `expected one of ${BUG_TRACKERS.join(', ')}`);
    out.tracker = q.tracker as BugTracker;
  }
  if (q.stale !== undefined) {
    if (q.stale !== 'true' && q.stale !== 'false' && typeof q.stale !== 'boolean')
      return fail(['stale'], 'expected true or false');
    out.stale = q.stale === true || q.stale === 'true';
  }
  if (q.bugStatus !== undefined) {
    if (!(BUG_STATUSES as readonly unknown[]).includes(q.bugStatus))
      return fail(['bugStatus'], `expected one of ${BUG_STATUSES.join(', ')}`);
    out.bugStatus = q.bugStatus as BugStatus;
  }
  for (const [key, max] of [
    ['page', 100000],
    ['perPage', 1000],
  ] as const) {
    if (q[key] !== undefined) {
      const n = Number(q[key]);
      if (!Number.isInteger(n) || n < 1 || n > max) return fail([key], `expected an integer from 1 to ${max}`);
      out[key] = n;
    }
  }
  return { ok: true, value: out };
}

/** The body of the import check: as an import, but only a dry run. */
export function validateImportCheckRequest(body: unknown): Validated<ImportRequest> {
  const r = validateImportRequest(body);
  if (r.ok && !r.value.dryRun)
    return fail(['dryRun'], `the check is always a dry run; importing is POST ${SIGNATURES_IMPORT_PATH}`);
  return r;
}

export function validateImportRequest(body: unknown): Validated<ImportRequest> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return fail(['body'], `expected a JSON object { files, dryRun?, overwrite? }, got ${kind(body)}`);
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b))
    if (!['files', 'dryRun', 'overwrite'].includes(key))
      return fail([key], 'unknown field (allowed: files, dryRun, overwrite)');
  if (!Array.isArray(b.files) || b.files.length === 0)
    return fail(['files'], 'expected a non-empty array of { name, content }');
  if (b.files.length > MAX_IMPORT_FILES) return fail(['files'], `at most ${MAX_IMPORT_FILES} files per import`);
  const names = new Set<string>();
  for (let i = 0; i < b.files.length; i++) {
    const f = b.files[i] as Record<string, unknown>;
    if (!f || typeof f !== 'object' || Array.isArray(f))
      return fail(['files', String(i)], `expected an object { name, content }, got ${kind(f)}`);
    for (const key of Object.keys(f))
      if (!['name', 'content'].includes(key))
        return fail(['files', String(i), key], 'unknown field (allowed: name, content)');
    if (typeof f.name !== 'string' || !/^[^/\\\0]{1,200}$/.test(f.name))
      return fail(['files', String(i), 'name'], 'expected a file name (no path separators)');
    if (names.has(f.name)) return fail(['files', String(i), 'name'], `duplicate file name "${f.name}"`);
    names.add(f.name);
    if (typeof f.content !== 'string')
      return fail(['files', String(i), 'content'], `expected the file text, got ${kind(f.content)}`);
  }
  for (const flag of ['dryRun', 'overwrite'] as const)
    if (b[flag] !== undefined && typeof b[flag] !== 'boolean') return fail([flag], 'expected true or false');
  return {
    ok: true,
    value: {
      files: b.files as ImportFile[],
      dryRun: b.dryRun === undefined ? true : (b.dryRun as boolean),
      overwrite: (b.overwrite as boolean) ?? false,
    },
  };
}

export const EXPORT_FORMATS = ['bundle', 'zip'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportQuery {
  format: ExportFormat;
  ids?: string[];
}

/** GET /export?format=bundle|zip&ids=a,b */
export function validateExportQuery(data: unknown): Validated<ExportQuery> {
  const q = (data ?? {}) as Record<string, unknown>;
  const unknown = unknownKeys(q, ['format', 'ids']);
  if (unknown) return unknown;
  const format = q.format ?? 'bundle';
  if (format !== 'bundle' && format !== 'zip') return fail(['format'], 'expected bundle or zip');
  const ids = listParam(q, 'ids');
  if (!ids.ok) return ids;
  return { ok: true, value: { format, ...(ids.value ? { ids: ids.value } : {}) } };
}
