/*
 * Kibana's rules for `features.registerKibanaFeature(feature)`, written from
 * x-pack/platform/plugins/shared/features/server/feature_schema.ts (`kibanaFeatureSchema` and
 * `validateKibanaFeature`), which FeatureRegistry runs on every registration:
 *  - the schema: only the keys it lists (an unknown key such as `scope`, removed in elastic/kibana
 *    PR #234146, fails with "[scope]: definition for this key is missing"), required keys and types;
 *  - the cross-checks: every privilege's app / catalogue / management entry must be declared by the
 *    feature, and every declared one must be granted by some privilege.
 * Only the parts a feature like ours can reach are reproduced (no alerting, cases, reserved or
 * sub-feature internals: those keys are accepted as present-or-absent, docs/host_compatibility.md).
 */
export class FeatureSchemaError extends Error {}

const ID = /^[a-zA-Z0-9_-]+$/;
const UI_CAPABILITY = /^[a-zA-Z0-9:_-]+$/;
const PROHIBITED_IDS = new Set(['catalogue', 'management', 'navLinks']);

const FEATURE_KEYS = [
  'id',
  'name',
  'category',
  'hidden',
  'description',
  'order',
  'excludeFromBasePrivileges',
  'minimumLicense',
  'app',
  'management',
  'catalogue',
  'alerting',
  'cases',
  'privileges',
  'subFeatures',
  'privilegesTooltip',
  'reserved',
  'deprecated',
];
const CATEGORY_KEYS = ['id', 'label', 'ariaLabel', 'euiIconType', 'order'];
const PRIVILEGE_KEYS = [
  'excludeFromBasePrivileges',
  'requireAllSpaces',
  'disabled',
  'management',
  'catalogue',
  'api',
  'app',
  'alerting',
  'cases',
  'savedObject',
  'ui',
  'replacedBy',
];
const LICENSES = ['basic', 'standard', 'gold', 'platinum', 'enterprise', 'trial'];

type Obj = Record<string, unknown>;

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'Array' : typeof v);
const fail = (key: string, why: string): never => {
  throw new FeatureSchemaError(key ? `[${key}]: ${why}` : why);
};
const expected = (key: string, type: string, v: unknown) =>
  fail(key, `expected value of type [${type}] but got [${typeName(v)}]`);

function object(v: unknown, key: string, allowed: string[]): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) expected(key, 'object', v);
  for (const k of Object.keys(v as Obj))
    if (!allowed.includes(k)) fail(key ? `${key}.${k}` : k, 'definition for this key is missing');
  return v as Obj;
}

function string(v: unknown, key: string, pattern?: RegExp): string {
  if (typeof v !== 'string') expected(key, 'string', v);
  if (pattern && !pattern.test(v as string)) fail(key, `Does not satisfy regexp ${pattern.toString()}`);
  return v as string;
}

function stringArray(v: unknown, key: string, pattern?: RegExp): string[] {
  if (!Array.isArray(v)) expected(key, 'Array', v);
  (v as unknown[]).forEach((x, i) => string(x, `${key}.${i}`, pattern));
  return v as string[];
}

const optional = <T>(o: Obj, key: string, path: string, check: (v: unknown, k: string) => T): T | undefined =>
  o[key] === undefined ? undefined : check(o[key], path);

function management(v: unknown, key: string): Record<string, string[]> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) expected(key, 'object', v);
  for (const [section, entries] of Object.entries(v as Obj)) {
    string(section, `${key}.key("${section}")`, ID);
    stringArray(entries, `${key}.${section}`, UI_CAPABILITY);
  }
  return v as Record<string, string[]>;
}

function privilege(v: unknown, key: string): Obj {
  const p = object(v, key, PRIVILEGE_KEYS);
  for (const b of ['excludeFromBasePrivileges', 'requireAllSpaces', 'disabled'])
    optional(p, b, `${key}.${b}`, (x, k) => (typeof x === 'boolean' ? x : expected(k, 'boolean', x)));
  optional(p, 'management', `${key}.management`, management);
  optional(p, 'catalogue', `${key}.catalogue`, (x, k) => stringArray(x, k, UI_CAPABILITY));
  optional(p, 'api', `${key}.api`, (x, k) => stringArray(x, k));
  optional(p, 'app', `${key}.app`, (x, k) => stringArray(x, k));
  const so = object(p.savedObject, `${key}.savedObject`, ['all', 'read']);
  stringArray(so.all, `${key}.savedObject.all`);
  stringArray(so.read, `${key}.savedObject.read`);
  stringArray(p.ui, `${key}.ui`, UI_CAPABILITY);
  return p;
}

/** Throws a FeatureSchemaError with Kibana's wording when Kibana would refuse the feature. */
export function validateKibanaFeature(feature: unknown): void {
  const f = object(feature, '', FEATURE_KEYS);
  const id = string(f.id, 'id', ID);
  if (PROHIBITED_IDS.has(id)) fail('id', `[${id}] is not allowed`);
  string(f.name, 'name');
  const category = object(f.category, 'category', CATEGORY_KEYS);
  string(category.id, 'category.id');
  string(category.label, 'category.label');
  if (f.minimumLicense !== undefined && !LICENSES.includes(f.minimumLicense as string))
    fail('minimumLicense', `types that failed validation: ${JSON.stringify(f.minimumLicense)}`);
  const app = stringArray(f.app, 'app');
  const mgmt = optional(f, 'management', 'management', management) ?? {};
  const catalogue = optional(f, 'catalogue', 'catalogue', (x, k) => stringArray(x, k, UI_CAPABILITY)) ?? [];
  if (f.privileges === undefined) fail('privileges', 'expected value to equal [null] or an object with all / read');
  const privileges = f.privileges === null ? null : object(f.privileges, 'privileges', ['all', 'read']);
  const entries: Array<[string, Obj]> = [];
  if (privileges)
    for (const level of ['all', 'read'])
      if (privileges[level] !== undefined) entries.push([level, privilege(privileges[level], `privileges.${level}`)]);
  if (f.hidden && (f.privileges !== null || f.reserved === undefined))
    throw new FeatureSchemaError(`Feature ${id} cannot be hidden.`);
  if (entries.length === 0) return;

  // validateKibanaFeature's cross-checks, in its order: unknown entries first, then ungranted ones.
  const unseenApps = new Set(app);
  const unseenCatalogue = new Set(catalogue);
  const unseenManagement = new Map(Object.entries(mgmt).map(([s, e]) => [s, new Set(e)]));
  for (const [level, p] of entries) {
    const pApp = (p.app as string[] | undefined) ?? [];
    pApp.forEach((a) => unseenApps.delete(a));
    const unknownApps = pApp.filter((a) => !app.includes(a));
    if (unknownApps.length)
      throw new FeatureSchemaError(
        `Feature privilege ${id}.${level} has unknown app entries: ${unknownApps.join(', ')}`,
      );
    const pCat = (p.catalogue as string[] | undefined) ?? [];
    pCat.forEach((c) => unseenCatalogue.delete(c));
    const unknownCat = pCat.filter((c) => !catalogue.includes(c));
    if (unknownCat.length)
      throw new FeatureSchemaError(
        `Feature privilege ${id}.${level} has unknown catalogue entries: ${unknownCat.join(', ')}`,
      );
    for (const [section, pages] of Object.entries((p.management as Record<string, string[]> | undefined) ?? {})) {
      pages.forEach((page) => unseenManagement.get(section)?.delete(page));
      if (unseenManagement.get(section)?.size === 0) unseenManagement.delete(section);
      if (!mgmt[section])
        throw new FeatureSchemaError(`Feature privilege ${id}.${level} has unknown management section: ${section}`);
      const unknownPages = pages.filter((page) => !mgmt[section].includes(page));
      if (unknownPages.length)
        throw new FeatureSchemaError(
          `Feature privilege ${id}.${level} has unknown management entries for section ${section}: ${unknownPages.join(', ')}`,
        );
    }
  }
  if (unseenApps.size)
    throw new FeatureSchemaError(
      `Feature ${id} specifies app entries which are not granted to any privileges: ${[...unseenApps].join(',')}`,
    );
  if (unseenCatalogue.size)
    throw new FeatureSchemaError(
      `Feature ${id} specifies catalogue entries which are not granted to any privileges: ${[...unseenCatalogue].join(',')}`,
    );
  if (unseenManagement.size) {
    const pages = [...unseenManagement].flatMap(([s, set]) => [...set].map((p) => `${s}.${p}`));
    throw new FeatureSchemaError(
      `Feature ${id} specifies management entries which are not granted to any privileges: ${pages.join(',')}`,
    );
  }
}

/**
 * The saved-object operations a feature privilege grants per type, as Kibana's
 * x-pack/platform/packages/private/security/authorization_core/src/privileges/feature_privilege_builder/saved_object.ts
 * builds them: `savedObject.read` types get the read operations, `savedObject.all` types read and write.
 */
export const SAVED_OBJECT_READ_OPERATIONS = ['bulk_get', 'get', 'find', 'open_point_in_time', 'close_point_in_time'];
export const SAVED_OBJECT_WRITE_OPERATIONS = [
  'create',
  'bulk_create',
  'update',
  'bulk_update',
  'delete',
  'share_to_space',
];

export function savedObjectOperations(
  p: { savedObject?: { all?: string[]; read?: string[] } } | undefined,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const type of p?.savedObject?.all ?? [])
    for (const op of [...SAVED_OBJECT_READ_OPERATIONS, ...SAVED_OBJECT_WRITE_OPERATIONS]) out.push([type, op]);
  for (const type of p?.savedObject?.read ?? []) for (const op of SAVED_OBJECT_READ_OPERATIONS) out.push([type, op]);
  return out;
}
