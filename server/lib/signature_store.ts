/*
 * Signatures stored as saved objects, with every change recorded in a history object (who, when,
 * before/after). Works over any saved-objects client: the request's (the user's own permissions apply)
 * or an internal repository (background work). Saved-object errors are passed on as they are
 * (Boom-shaped: 404 not found, 409 conflict) for the routes to answer with; the store's own refusals are StoreErrors.
 */
import { SIGNATURE_SAVED_OBJECT_TYPE } from '../../common/constants';
import {
  HistoryAction,
  IMPORT_OUTCOMES,
  ImportItemReport,
  ImportOutcome,
  ImportReport,
  ImportRequest,
  SIGNATURE_HISTORY_SAVED_OBJECT_TYPE,
  SIGNATURE_ID_RE,
  SignatureHistoryEntry,
  SignatureInput,
  SignatureListQuery,
  StoredSignature,
} from '../../common/api/signatures';
import type { Signature } from '../../common/signature/types';
import { parseSignatureYaml, type SignatureProblem } from '../../common/signature/yaml_codec';
import { BUNDLE_KIND, parseSignatureBundle } from '../../common/signature/bundle';
import { QueryProblem, SignatureValidation, validateSignature } from '../../common/query/validate';
import type { FieldCatalog } from '../../common/query/fields';
import type { SavedObject, SavedObjectsClientContract } from '../types/host';
import { RequestError } from './errors';
import type { SignatureAttributes } from '../saved_objects/signature_types';

const PAGE = 1000;

/** A request the store refuses, with the HTTP status it stands for (mapped in server/lib/errors.ts). */
export class StoreError extends RequestError {
  constructor(statusCode: 400 | 404 | 409, message: string) {
    super(statusCode, message);
    this.name = 'StoreError';
  }
}

export function toSignature(obj: SavedObject<SignatureAttributes>): StoredSignature {
  const { updatedBy, ...attributes } = obj.attributes;
  return { id: obj.id, ...attributes, version: obj.version, ...(updatedBy ? { updatedBy } : {}) };
}

function attributesOf(sig: Signature, user: string): SignatureAttributes {
  const { id: _id, ...rest } = sig as Signature & { version?: string; updatedBy?: string };
  delete (rest as any).version;
  delete (rest as any).updatedBy;
  return { ...rest, updatedBy: user };
}

/** The signature without bookkeeping fields, for before/after records and "unchanged" checks. */
export function plainSignature(sig: Signature | StoredSignature): Signature {
  const { version: _v, updatedBy: _u, ...rest } = sig as StoredSignature;
  return rest;
}

function sameContent(a: Signature, b: Signature): boolean {
  const strip = (s: Signature) => JSON.stringify({ ...plainSignature(s), created: undefined, updated: undefined });
  return strip(a) === strip(b);
}

/**
 * What the store may ask the engine when it checks a query: the fields of the log indices and the measured cost of
 * leading wildcards on analysed text (server/lib/signatures/leading_wildcards.ts). Without them the built-in
 * ci-log-processing field list applies and such wildcards are refused.
 */
export interface StoreQueryChecks {
  fields?: FieldCatalog | null;
  measure?: (query: string, problems: QueryProblem[]) => Promise<{ errors: QueryProblem[]; warnings: QueryProblem[] }>;
}

/** The store's verdict on a query: validated as it runs (old-schema rewrites applied), wildcards measured. */
export async function checkStoredQuery(query: string, checks: StoreQueryChecks = {}): Promise<SignatureValidation> {
  const v = validateSignature({ query }, { legacy: true, ...(checks.fields ? { fields: checks.fields } : {}) });
  if (!checks.measure || !v.errors.some((e) => e.code === 'leading_wildcard')) return v;
  const m = await checks.measure(v.translated ?? query, v.errors);
  const errors = [...v.errors.filter((e) => e.code !== 'leading_wildcard'), ...m.errors];
  return { ...v, ok: errors.length === 0, errors, warnings: [...m.warnings, ...v.warnings] };
}

/** Query syntax problems as a 400 with the position of the first one. */
export async function assertQueryValid(
  query: string,
  allowUnknownFields = false,
  checks: StoreQueryChecks = {},
): Promise<void> {
  const v = await checkStoredQuery(query, checks);
  const errors = allowUnknownFields
    ? v.errors.filter((e) => e.code !== 'legacy_field' && e.code !== 'unknown_field')
    : v.errors;
  if (errors.length) {
    const first = errors[0];
    throw new StoreError(
      400,
      `query: ${first.message}${(first as any).line !== undefined ? ` (line ${(first as any).line}, column ${(first as any).column})` : ''}`,
    );
  }
}

export class SignatureStore {
  constructor(
    private readonly client: SavedObjectsClientContract,
    private readonly user: string,
    private readonly now: () => string = () => new Date().toISOString(),
    private readonly checks: StoreQueryChecks = {},
  ) {}

  async list(
    q: SignatureListQuery = {},
  ): Promise<{ total: number; page: number; perPage: number; signatures: StoredSignature[] }> {
    const filters: string[] = [];
    if (q.mode) filters.push(`${SIGNATURE_SAVED_OBJECT_TYPE}.attributes.mode: ${q.mode}`);
    if (q.tracker) filters.push(`${SIGNATURE_SAVED_OBJECT_TYPE}.attributes.bug.tracker: ${q.tracker}`);
    const page = q.page ?? 1;
    const perPage = q.perPage ?? 100;
    const res = await this.client.find<SignatureAttributes>({
      type: SIGNATURE_SAVED_OBJECT_TYPE,
      page,
      perPage,
      ...(q.search ? { search: q.search, searchFields: ['title', 'query', 'bug.id'] } : {}),
      ...(filters.length ? { filter: filters.join(' and ') } : {}),
      ...(q.search ? {} : { sortField: 'updated', sortOrder: 'desc' as const }),
    });
    return { total: res.total, page, perPage, signatures: res.saved_objects.map(toSignature) };
  }

  /** Every stored signature (for classification, export and the stale filter). */
  async all(): Promise<StoredSignature[]> {
    const out: StoredSignature[] = [];
    for (let page = 1; page <= 10000 / PAGE; page++) {
      const res = await this.client.find<SignatureAttributes>({
        type: SIGNATURE_SAVED_OBJECT_TYPE,
        page,
        perPage: PAGE,
      });
      out.push(...res.saved_objects.map(toSignature));
      if (res.saved_objects.length < PAGE || out.length >= res.total) break;
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<StoredSignature> {
    return toSignature(await this.client.get<SignatureAttributes>(SIGNATURE_SAVED_OBJECT_TYPE, id));
  }

  private async record(
    signatureId: string,
    action: HistoryAction,
    before: Signature | null,
    after: Signature | null,
    refresh: boolean,
  ): Promise<void> {
    const entry: SignatureHistoryEntry = { signatureId, action, user: this.user, at: this.now(), before, after };
    await this.client.create(SIGNATURE_HISTORY_SAVED_OBJECT_TYPE, entry, { refresh });
  }

  /**
   * Creates a signature; 409 if the id exists. `refresh` (default true) makes the change visible to the
   * next search at once; an import passes false for all but its last write.
   */
  async create(sig: Signature, action: HistoryAction = 'create', refresh = true): Promise<StoredSignature> {
    if (!SIGNATURE_ID_RE.test(sig.id)) throw new StoreError(400, `id: "${sig.id}" is not a valid signature id`);
    await assertQueryValid(sig.query, action === 'import', this.checks);
    const at = this.now();
    const stored: Signature = { ...plainSignature(sig), created: sig.created ?? at, updated: at };
    const obj = await this.client.create<SignatureAttributes>(
      SIGNATURE_SAVED_OBJECT_TYPE,
      attributesOf(stored, this.user),
      { id: sig.id, refresh: false },
    );
    await this.record(sig.id, action, null, stored, refresh);
    return toSignature({ ...obj, id: sig.id });
  }

  /** Applies a partial change; with `version`, refuses (409) if someone changed it since that read. */
  async update(
    id: string,
    patch: Partial<SignatureInput> & { version?: string },
    action: HistoryAction = 'update',
    refresh = true,
  ): Promise<StoredSignature> {
    const current = await this.get(id);
    if (patch.id !== undefined && patch.id !== id)
      throw new StoreError(400, `id: cannot be changed (was "${id}", got "${patch.id}")`);
    if (patch.version !== undefined && patch.version !== current.version)
      throw new StoreError(
        409,
        `signature ${id} was changed by someone else since version ${patch.version}; reload it and apply your change again`,
      );
    const { version, id: _id, ...fields } = patch;
    const before = plainSignature(current);
    const after: Signature = { ...before, ...(fields as Partial<Signature>), id, updated: this.now() };
    await assertQueryValid(after.query, action === 'import', this.checks);
    const obj = await this.client.update<SignatureAttributes>(
      SIGNATURE_SAVED_OBJECT_TYPE,
      id,
      attributesOf(after, this.user),
      { version: current.version, refresh: false },
    );
    await this.record(id, action, before, after, refresh);
    return { ...after, version: obj.version, updatedBy: this.user };
  }

  async remove(id: string): Promise<void> {
    const current = await this.get(id);
    await this.client.delete(SIGNATURE_SAVED_OBJECT_TYPE, id, { refresh: false });
    await this.record(id, 'delete', plainSignature(current), null, true);
  }

  /** Newest first. Also answers for deleted signatures (their history stays). */
  async history(id: string): Promise<SignatureHistoryEntry[]> {
    const res = await this.client.find<SignatureHistoryEntry>({
      type: SIGNATURE_HISTORY_SAVED_OBJECT_TYPE,
      filter: `${SIGNATURE_HISTORY_SAVED_OBJECT_TYPE}.attributes.signatureId: "${id.replace(/"/g, '')}"`,
      perPage: 1000,
      sortField: 'at',
      sortOrder: 'desc',
    });
    return res.saved_objects.map((o) => o.attributes).sort((a, b) => b.at.localeCompare(a.at));
  }

  /**
   * Imports elastic-recheck `<bug>.yaml` files and/or our bundles. Every file is reported; with
   * `dryRun` (the default) nothing is written. Invalid files never change anything; the valid ones
   * are applied (created, or updated when `overwrite`).
   */
  async importFiles(req: ImportRequest): Promise<ImportReport> {
    const dryRun = req.dryRun !== false;
    const items: ImportItemReport[] = [];
    const candidates: Array<{ item: ImportItemReport; sig: Signature }> = [];
    const problems = (list: SignatureProblem[]) =>
      list.map(({ line, column, key, message }) => ({
        ...(line !== undefined ? { line } : {}),
        ...(column !== undefined ? { column } : {}),
        ...(key ? { key } : {}),
        message,
      }));
    const seen = new Map<string, string>();
    for (const file of req.files) {
      const isBundle =
        new RegExp(`^kind:\\s*["']?${BUNDLE_KIND}`, 'm').test(file.content) ||
        /"kind"\s*:\s*"elastic-recheck-signatures"/.test(file.content);
      const parsed = isBundle
        ? parseSignatureBundle(file.content, file.name)
        : parseSignatureYaml(file.content, file.name);
      if (!parsed.ok) {
        items.push({
          file: file.name,
          outcome: 'invalid',
          errors: problems(parsed.errors),
          warnings: problems(parsed.warnings),
        });
        continue;
      }
      const sigs = 'signatures' in parsed ? parsed.signatures : [parsed.signature];
      for (const sig of sigs) {
        const item: ImportItemReport = {
          file: file.name,
          id: sig.id,
          outcome: 'created',
          errors: [],
          warnings: problems(parsed.warnings),
        };
        items.push(item);
        if (!SIGNATURE_ID_RE.test(sig.id)) {
          item.outcome = 'invalid';
          item.errors.push({ message: `"${sig.id}" is not a valid signature id (letters, digits, ".", "_", "-")` });
          continue;
        }
        if (seen.has(sig.id)) {
          item.outcome = 'invalid';
          item.errors.push({ message: `signature ${sig.id} is also in ${seen.get(sig.id)}` });
          continue;
        }
        seen.set(sig.id, file.name);
        // Fields the current log schema lacks (legacy logstash fields, unknown names) make a signature
        // match nothing, but the file is kept as it was written: imported with a warning. Syntax and
        // cost problems reject it.
        // validated as it will run (old-schema fields translated); the file keeps the author's text
        const v = await checkStoredQuery(sig.query, this.checks);
        if (v.rewrites.length) Object.assign(item, { rewrites: v.rewrites, translated: v.translated });
        // positions inside the query text (not lines of the file)
        const asProblem = (e: any) => ({
          key: 'query',
          message: e.line !== undefined ? `${e.message} (query line ${e.line}, column ${e.column})` : e.message,
        });
        const lenient = (e: any) => e.code === 'legacy_field' || e.code === 'unknown_field';
        item.warnings.push(...v.errors.filter(lenient).map(asProblem), ...v.warnings.map(asProblem));
        const hard = v.errors.filter((e: any) => !lenient(e));
        if (hard.length) {
          item.outcome = 'invalid';
          item.errors.push(...hard.map(asProblem));
          continue;
        }
        candidates.push({ item, sig });
      }
    }
    const existing = candidates.length
      ? (
          await this.client.bulkGet<SignatureAttributes>(
            candidates.map((c) => ({ type: SIGNATURE_SAVED_OBJECT_TYPE, id: c.sig.id })),
          )
        ).saved_objects
      : [];
    for (let i = 0; i < candidates.length; i++) {
      const { item, sig } = candidates[i];
      const found = existing[i];
      if (found && !found.error) {
        const current = toSignature(found);
        if (sameContent(current, { ...sig, created: current.created })) item.outcome = 'unchanged';
        else if (req.overwrite) item.outcome = 'updated';
        else {
          item.outcome = 'conflict';
          item.errors.push({ message: `signature ${sig.id} exists and differs; import with overwrite to replace it` });
        }
      } else if (found?.error && found.error.statusCode !== 404) {
        item.outcome = 'invalid';
        item.errors.push({ message: `cannot read existing signature: ${found.error.message}` });
      }
    }
    if (!dryRun) {
      const writes = candidates.filter((c) => c.item.outcome === 'created' || c.item.outcome === 'updated');
      for (let i = 0; i < writes.length; i++) {
        const { item, sig } = writes[i];
        const last = i === writes.length - 1; // one refresh at the end makes every write visible
        if (item.outcome === 'created') await this.create(sig, 'import', last);
        else {
          const { id, created: _c, updated: _u, ...fields } = sig;
          const reset: Partial<Signature> = {
            testIds: undefined,
            title: undefined,
            owner: undefined,
            scope: undefined,
          };
          await this.update(id, { ...reset, ...fields } as any, 'import', last);
        }
      }
    }
    const counts = Object.fromEntries(IMPORT_OUTCOMES.map((o) => [o, 0])) as Record<ImportOutcome, number>;
    for (const item of items) counts[item.outcome]++;
    return { dryRun, counts, items };
  }
}
