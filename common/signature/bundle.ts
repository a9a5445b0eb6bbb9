/*
 * Several signatures in one document, for import and export (CLI, REST API, UI).
 *
 *   version: 1
 *   kind: elastic-recheck-signatures
 *   signatures:
 *     - id: "1260311"
 *       bug: { tracker: launchpad, id: "1260311" }
 *       query: message:"java.io.InterruptedIOException" AND ...
 *       suppress-graph: true
 *
 * Entries use the keys of the signature files plus `id`. YAML or JSON (JSON is YAML, so one reader serves both).
 */
import * as yaml from 'js-yaml';
import { SIGNATURE_ID_RE } from './types';
import type { Signature } from './types';
import { SignatureProblem, signatureFromObject, signatureToObject, YAML_DUMP_OPTIONS, yamlProblem } from './yaml_codec';

export const BUNDLE_KIND = 'elastic-recheck-signatures';
export const BUNDLE_VERSION = 1;

export interface SignatureBundle {
  version: number;
  kind: typeof BUNDLE_KIND;
  exported?: string;
  signatures: Signature[];
}

export type BundleParseResult =
  | { ok: true; signatures: Signature[]; warnings: SignatureProblem[] }
  | { ok: false; errors: SignatureProblem[]; warnings: SignatureProblem[] };

/** Lines where each `- ` entry of the top-level `signatures:` list starts (0-based), for error positions. */
function entryLines(lines: string[]): number[] {
  const start = lines.findIndex((l) => /^signatures\s*:/.test(l));
  if (start < 0) return [];
  const out: number[] = [];
  let indent: number | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(\s*)- /.exec(lines[i]) ?? /^(\s*)-$/.exec(lines[i]);
    if (/^\S/.test(lines[i]) && !/^-/.test(lines[i])) break;
    if (m && (indent === undefined || m[1].length === indent)) {
      indent = m[1].length;
      out.push(i);
    }
  }
  return out;
}

/** Parse a bundle. Every entry is checked; any error rejects the whole bundle (nothing is imported). */
export function parseSignatureBundle(text: string, fileName = 'bundle'): BundleParseResult {
  const warnings: SignatureProblem[] = [];
  let loaded: unknown;
  try {
    loaded = yaml.load(text, { filename: fileName, schema: yaml.CORE_SCHEMA });
  } catch (e) {
    return { ok: false, errors: [yamlProblem(fileName, e)], warnings };
  }
  const top = (message: string, key?: string): BundleParseResult => ({
    ok: false,
    errors: [{ file: fileName, key, message }],
    warnings,
  });
  if (!loaded || typeof loaded !== 'object' || Array.isArray(loaded))
    return top('a bundle must be a mapping with version, kind and signatures');
  const doc = loaded as Record<string, unknown>;
  for (const k of Object.keys(doc))
    if (!['version', 'kind', 'exported', 'signatures'].includes(k))
      return top(`unknown key '${k}' in the bundle; known keys: version, kind, exported, signatures`, k);
  if (doc.kind !== BUNDLE_KIND)
    return top(`'kind' must be '${BUNDLE_KIND}', found ${JSON.stringify(doc.kind)}`, 'kind');
  if (doc.version !== BUNDLE_VERSION)
    return top(
      `unsupported bundle version ${JSON.stringify(doc.version)} (this version reads ${BUNDLE_VERSION})`,
      'version',
    );
  if (!Array.isArray(doc.signatures)) return top("'signatures' must be a list", 'signatures');
  const entries: unknown[] = doc.signatures;
  const lines = text.split(/\r?\n/);
  const starts = entryLines(lines);
  const errors: SignatureProblem[] = [];
  const signatures: Signature[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const where = `${fileName} signatures[${i}]`;
    const baseLine = starts[i];
    const entryText =
      baseLine !== undefined
        ? lines
            .slice(baseLine, starts[i + 1] ?? lines.length)
            .map((l) => l.replace(/^(\s*)- /, '$1  ').replace(/^\s{0,4}/, ''))
        : undefined;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      errors.push({
        file: where,
        line: baseLine !== undefined ? baseLine + 1 : undefined,
        message: 'an entry must be a mapping',
      });
      return;
    }
    const { id, ...rest } = entry as Record<string, unknown>;
    const sid = typeof id === 'number' ? String(id) : id;
    if (typeof sid !== 'string' || !SIGNATURE_ID_RE.test(sid)) {
      errors.push({
        file: where,
        key: 'id',
        line: baseLine !== undefined ? baseLine + 1 : undefined,
        message: `'id' must be a string of letters, digits, '.', '_' or '-', found ${JSON.stringify(id)}`,
      });
      return;
    }
    if (seen.has(sid)) {
      errors.push({
        file: where,
        key: 'id',
        line: baseLine !== undefined ? baseLine + 1 : undefined,
        message: `duplicate id '${sid}' (also entry ${seen.get(sid)})`,
      });
      return;
    }
    seen.set(sid, i);
    const r = signatureFromObject(rest, { id: sid, file: where, lines: entryText, baseLine });
    warnings.push(...r.warnings);
    if (r.ok) signatures.push(r.signature);
    else errors.push(...r.errors);
  });
  if (errors.length) return { ok: false, errors, warnings };
  return { ok: true, signatures, warnings };
}

export function bundleObject(signatures: Signature[], exported?: string): Record<string, unknown> {
  return {
    version: BUNDLE_VERSION,
    kind: BUNDLE_KIND,
    ...(exported ? { exported } : {}),
    signatures: [...signatures].sort((a, b) => a.id.localeCompare(b.id)).map((s) => signatureToObject(s, true)),
  };
}

export function formatSignatureBundle(
  signatures: Signature[],
  opts: { format?: 'yaml' | 'json'; exported?: string } = {},
): string {
  const o = bundleObject(signatures, opts.exported);
  return opts.format === 'json' ? JSON.stringify(o, null, 2) + '\n' : yaml.dump(o, YAML_DUMP_OPTIONS);
}
