/*
 * elastic-recheck's `queries/<bug>.yaml` files, read as they are and written back equivalent in meaning.
 *
 * Keys of the original: query, allow-nonvoting, suppress-graph, suppress-notification, test_ids, and the historical
 * resolved_at (2013-12..2014-02: the query was skipped while it was set). Our own keys: bug (tracker reference when it
 * is not the Launchpad bug of the file name), title, owner, mode, scope, created, updated.
 *
 * The bug id comes from the file name without its `.yaml` / `.yml` extension (elastic-recheck used
 * `rstrip('.yaml')`, which strips any trailing a/l/m/y/. characters: "story-foo.yaml" would have become "story-foo"
 * but "gamma.yaml" became "g").
 */
import * as yaml from 'js-yaml';
import { BUG_TRACKERS } from './types';
import type { BugRef, BugTracker, Signature, SignatureMode, SignatureScope } from './types';

export interface SignatureProblem {
  /** File name (or bundle entry) the problem is in. */
  file?: string;
  /** 1-based, when known. */
  line?: number;
  column?: number;
  /** The key concerned, e.g. `suppress-graph` or `scope.projects`. */
  key?: string;
  message: string;
}

export type SignatureParseResult =
  | { ok: true; signature: Signature; warnings: SignatureProblem[] }
  | { ok: false; errors: SignatureProblem[]; warnings: SignatureProblem[] };

export const ER_KEYS = [
  'query',
  'allow-nonvoting',
  'suppress-graph',
  'suppress-notification',
  'test_ids',
  'resolved_at',
] as const;
export const OUR_KEYS = ['bug', 'title', 'owner', 'mode', 'scope', 'created', 'updated'] as const;
export const SIGNATURE_KEYS: readonly string[] = [...ER_KEYS, ...OUR_KEYS];
const SCOPE_KEYS = ['projects', 'branches', 'queues'];

/** The signature id for a file name: the base name without `.yaml` / `.yml`. */
export function idFromFileName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '');
  return base.replace(/\.ya?ml$/i, '');
}

export function launchpadBug(id: string): BugRef {
  return { tracker: 'launchpad', id, url: `https://bugs.launchpad.net/bugs/${id}` };
}

/** A bug reference from a URL of one of the supported trackers. */
export function bugFromUrl(url: string): BugRef | undefined {
  let m = /^https?:\/\/bugs\.launchpad\.net\/(?:[^/]+\/\+bug|bugs)\/(\d+)\/?$/.exec(url);
  if (m) return { tracker: 'launchpad', id: m[1], url };
  m = /^https?:\/\/github\.com\/([^/]+\/[^/]+)\/issues\/(\d+)\/?$/.exec(url);
  if (m) return { tracker: 'github', id: `${m[1]}#${m[2]}`, url };
  m = /^https?:\/\/storyboard\.openstack\.org\/#!\/story\/(\d+)\/?$/.exec(url);
  if (m) return { tracker: 'storyboard', id: m[1], url };
  m = /^https?:\/\/[^/]+\/browse\/([A-Z][A-Z0-9_]*-\d+)\/?$/.exec(url);
  if (m) return { tracker: 'jira', id: m[1], url };
  return undefined;
}

/** The bug URL when the tracker defines one from the id alone (Jira needs its site: give `url`). */
export function bugUrl(tracker: BugTracker, id: string): string | undefined {
  switch (tracker) {
    case 'launchpad':
      return /^\d+$/.test(id) ? `https://bugs.launchpad.net/bugs/${id}` : undefined;
    case 'github': {
      const m = /^([^/#\s]+\/[^/#\s]+)#(\d+)$/.exec(id);
      return m ? `https://github.com/${m[1]}/issues/${m[2]}` : undefined;
    }
    case 'storyboard':
      return /^\d+$/.test(id) ? `https://storyboard.openstack.org/#!/story/${id}` : undefined;
    case 'jira':
      return undefined;
  }
}

/** 1-based line of a top-level key (keys of these files sit at column 0). */
function keyLine(lines: string[], key: string, parent?: string): number | undefined {
  const re = (k: string, indent: string) =>
    new RegExp(`^${indent}(['"]?)${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*:`);
  if (!parent) {
    const i = lines.findIndex((l) => re(key, '').test(l));
    return i >= 0 ? i + 1 : undefined;
  }
  const p = keyLine(lines, parent);
  if (p === undefined) return undefined;
  for (let i = p; i < lines.length; i++) {
    if (/^\S/.test(lines[i])) break;
    if (re(key, '\\s+').test(lines[i])) return i + 1;
  }
  return p;
}

const YAML11_BOOLS: Record<string, boolean> = {
  yes: true,
  no: false,
  on: true,
  off: false,
  y: true,
  n: false,
  True: true,
  False: false,
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

/** js-yaml's parse error as a problem with the 1-based line and column it marks. */
export function yamlProblem(fileName: string, error: unknown): SignatureProblem {
  const ex = error as yaml.YAMLException & { mark?: { line: number; column: number } };
  const mark = ex.mark;
  return {
    file: fileName,
    line: mark ? mark.line + 1 : undefined,
    column: mark ? mark.column + 1 : undefined,
    message: `YAML: ${ex.reason ?? ex.message}`,
  };
}

/** Parse one signature file. Pure: no file access, never throws. */
export function parseSignatureYaml(text: string, fileName: string): SignatureParseResult {
  const warnings: SignatureProblem[] = [];
  const lines = text.split(/\r?\n/);
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: fileName, schema: yaml.CORE_SCHEMA });
  } catch (e) {
    return { ok: false, errors: [yamlProblem(fileName, e)], warnings };
  }
  const id = idFromFileName(fileName);
  const r = signatureFromObject(doc, { id, file: fileName, lines });
  return r;
}

interface Ctx {
  id: string;
  file?: string;
  lines?: string[];
  /** Line offset of the entry inside a bundle (added to key lines), when known. */
  baseLine?: number;
}

/** Build a signature from a parsed mapping (a file's document or a bundle entry). */
export function signatureFromObject(doc: unknown, ctx: Ctx): SignatureParseResult {
  const errors: SignatureProblem[] = [];
  const warnings: SignatureProblem[] = [];
  const at = (key: string, parent?: string) => {
    const line = ctx.lines ? keyLine(ctx.lines, key, parent) : undefined;
    return {
      file: ctx.file,
      key: parent ? `${parent}.${key}` : key,
      ...(line !== undefined ? { line: line + (ctx.baseLine ?? 0) } : {}),
    };
  };
  const fail = (key: string, message: string, parent?: string) => errors.push({ ...at(key, parent), message });

  if (doc === null || doc === undefined)
    return {
      ok: false,
      errors: [{ file: ctx.file, line: 1, message: 'empty document: a signature needs at least `query`' }],
      warnings,
    };
  if (typeof doc !== 'object' || Array.isArray(doc))
    return {
      ok: false,
      errors: [
        {
          file: ctx.file,
          line: 1,
          message: `the document must be a mapping of keys (query, ...), found ${typeName(doc)}`,
        },
      ],
      warnings,
    };
  const o = doc as Record<string, unknown>;

  for (const k of Object.keys(o)) {
    if (!SIGNATURE_KEYS.includes(k)) {
      const near = SIGNATURE_KEYS.find((s) => s.replace(/[-_]/g, '') === k.replace(/[-_]/g, '').toLowerCase());
      fail(
        k,
        `unknown key '${k}'${near ? ` (did you mean '${near}'?)` : ''}; known keys: ${SIGNATURE_KEYS.join(', ')}`,
      );
    }
  }

  const str = (key: string, required = false): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) fail(key, v === null ? `'${key}' is empty` : `missing required key '${key}'`);
      return undefined;
    }
    if (v instanceof Date) return v.toISOString();
    if (typeof v !== 'string') {
      fail(key, `'${key}' must be a string, found ${typeName(v)}`);
      return undefined;
    }
    return v;
  };
  const bool = (key: string): boolean => {
    const v = o[key];
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && v in YAML11_BOOLS) {
      warnings.push({
        ...at(key),
        message: `'${key}: ${v}' is a YAML 1.1 boolean (read as ${YAML11_BOOLS[v]}); write true or false`,
      });
      return YAML11_BOOLS[v];
    }
    fail(key, `'${key}' must be true or false, found ${typeName(v)}${typeof v === 'string' ? ` "${v}"` : ''}`);
    return false;
  };
  const strList = (key: string, parent?: string, from: Record<string, unknown> = o): string[] | undefined => {
    const v = from[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      fail(key, `'${parent ? `${parent}.` : ''}${key}' must be a list of strings, found ${typeName(v)}`, parent);
      return undefined;
    }
    const bad = v.findIndex((x) => typeof x !== 'string' || !x.trim());
    if (bad >= 0) {
      fail(
        key,
        `'${parent ? `${parent}.` : ''}${key}' item ${bad + 1} must be a non-empty string, found ${typeName(v[bad])}`,
        parent,
      );
      return undefined;
    }
    return v as string[];
  };

  const rawQuery = str('query', true);
  let query = '';
  if (rawQuery !== undefined) {
    // elastic-recheck rstrip()ed the text; a folded scalar ends with a newline that means nothing
    query = rawQuery.replace(/\s+$/, '');
    if (!query.trim()) fail('query', "'query' is empty");
  }

  const signature: Signature = {
    id: ctx.id,
    bug: launchpadBug(ctx.id),
    query,
    allowNonvoting: bool('allow-nonvoting'),
    suppressGraph: bool('suppress-graph'),
    suppressNotification: bool('suppress-notification'),
    mode: 'explains',
  };

  // bug reference
  const b = o.bug;
  if (b === undefined || b === null) {
    if (!/^\d+$/.test(ctx.id))
      fail(
        'bug',
        `the file name '${ctx.id}' is not a Launchpad bug number: add a 'bug' key (a tracker URL, or tracker/id/url)`,
      );
  } else if (typeof b === 'string' || typeof b === 'number') {
    const s = String(b);
    const fromUrl = bugFromUrl(s);
    if (fromUrl) signature.bug = fromUrl;
    else if (/^\d+$/.test(s)) signature.bug = launchpadBug(s);
    else fail('bug', `'bug' is not a Launchpad, GitHub, Storyboard or Jira issue URL: "${s}"`);
  } else if (typeof b === 'object' && !Array.isArray(b)) {
    const bo = b as Record<string, unknown>;
    for (const k of Object.keys(bo))
      if (!['tracker', 'id', 'url'].includes(k)) fail(k, `unknown key 'bug.${k}'; known keys: tracker, id, url`, 'bug');
    const tracker = bo.tracker ?? 'launchpad';
    const bid = bo.id;
    if (typeof tracker !== 'string' || !(BUG_TRACKERS as readonly string[]).includes(tracker as BugTracker))
      fail('tracker', `'bug.tracker' must be one of ${BUG_TRACKERS.join(', ')}`, 'bug');
    else if (typeof bid !== 'string' && typeof bid !== 'number') fail('id', "'bug.id' must be a string", 'bug');
    else {
      const url = bo.url === undefined ? bugUrl(tracker as BugTracker, String(bid)) : bo.url;
      if (typeof url !== 'string' || !/^https?:\/\//.test(url))
        fail('url', `'bug.url' is required for ${tracker} and must be an http(s) URL`, 'bug');
      else signature.bug = { tracker: tracker as BugTracker, id: String(bid), url };
    }
  } else fail('bug', `'bug' must be a URL or a mapping (tracker, id, url), found ${typeName(b)}`);

  const testIds = strList('test_ids');
  if (testIds) signature.testIds = testIds;
  const resolvedAt = str('resolved_at');
  if (resolvedAt !== undefined) {
    signature.resolvedAt = resolvedAt;
    warnings.push({
      ...at('resolved_at'),
      message:
        "'resolved_at' is historical (elastic-recheck skipped such queries from 2013-12 to 2014-02); the signature is loaded but marked resolved",
    });
  }
  for (const k of ['title', 'owner'] as const) {
    const v = str(k);
    if (v !== undefined) signature[k] = v;
  }
  const mode = o.mode;
  if (mode !== undefined && mode !== null) {
    if (mode === 'explains' || mode === 'track') signature.mode = mode as SignatureMode;
    else
      fail(
        'mode',
        `'mode' must be 'explains' or 'track', found ${typeof mode === 'string' ? `"${mode}"` : typeName(mode)}`,
      );
  }
  const scope = o.scope;
  if (scope !== undefined && scope !== null) {
    if (typeof scope !== 'object' || Array.isArray(scope))
      fail('scope', `'scope' must be a mapping (projects, branches, queues), found ${typeName(scope)}`);
    else {
      const so = scope as Record<string, unknown>;
      for (const k of Object.keys(so))
        if (!SCOPE_KEYS.includes(k)) fail(k, `unknown key 'scope.${k}'; known keys: ${SCOPE_KEYS.join(', ')}`, 'scope');
      const out: SignatureScope = {};
      for (const k of SCOPE_KEYS as (keyof SignatureScope)[]) {
        const l = strList(k, 'scope', so);
        if (l && l.length) out[k] = l;
      }
      if (Object.keys(out).length) signature.scope = out;
    }
  }
  for (const k of ['created', 'updated'] as const) {
    const v = str(k);
    if (v !== undefined) {
      if (Number.isNaN(Date.parse(v))) fail(k, `'${k}' must be an ISO-8601 date, found "${v}"`);
      else signature[k] = v;
    }
  }
  if (errors.length) return { ok: false, errors, warnings };
  return { ok: true, signature, warnings };
}

/** The keys of a signature as they appear in a file (without the id, which is the file name). */
export function signatureToObject(sig: Signature, withId = false): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (withId) o.id = sig.id;
  const defaultBug = launchpadBug(sig.id);
  if (withId || sig.bug.tracker !== 'launchpad' || sig.bug.id !== defaultBug.id || sig.bug.url !== defaultBug.url) {
    const derived = bugUrl(sig.bug.tracker, sig.bug.id);
    o.bug =
      derived === sig.bug.url
        ? { tracker: sig.bug.tracker, id: sig.bug.id }
        : { tracker: sig.bug.tracker, id: sig.bug.id, url: sig.bug.url };
  }
  if (sig.title !== undefined) o.title = sig.title;
  o.query = sig.query;
  if (sig.allowNonvoting) o['allow-nonvoting'] = true;
  if (sig.suppressGraph) o['suppress-graph'] = true;
  if (sig.suppressNotification) o['suppress-notification'] = true;
  if (sig.testIds) o.test_ids = [...sig.testIds];
  if (sig.resolvedAt !== undefined) o.resolved_at = sig.resolvedAt;
  if (sig.owner !== undefined) o.owner = sig.owner;
  if (sig.mode !== 'explains') o.mode = sig.mode;
  if (sig.scope && Object.keys(sig.scope).length) o.scope = { ...sig.scope };
  if (sig.created !== undefined) o.created = sig.created;
  if (sig.updated !== undefined) o.updated = sig.updated;
  return o;
}

export const YAML_DUMP_OPTIONS: yaml.DumpOptions = {
  lineWidth: 100,
  noRefs: true,
  schema: yaml.CORE_SCHEMA,
  quotingType: '"',
};

/** A signature file's text. parseSignatureYaml(formatSignatureYaml(s), `${s.id}.yaml`) gives back `s`. */
export function formatSignatureYaml(sig: Signature): string {
  return yaml.dump(signatureToObject(sig), YAML_DUMP_OPTIONS);
}
