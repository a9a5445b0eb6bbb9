/*
 * `elastic-recheck import` and `export --host`: a directory of `<bug>.yaml` files (or bundles) to and from a
 * running host, through the plugin's REST API (docs/api.md).
 *
 * Import always asks for a dry run first and applies only when no file is rejected (invalid, or a
 * conflict without --overwrite): the host applies the valid files of a mixed request, the CLI does not
 * send such a request, so a repository with one bad file changes nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yauzl from 'yauzl';
import {
  ImportFile,
  ImportItemReport,
  ImportReport,
  ImportRequest,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_FILES,
  SIGNATURES_EXPORT_PATH,
  SIGNATURES_IMPORT_PATH,
} from '../common/api/signatures';
import { parseSignatureBundle } from '../common/signature/bundle';
import { parseSignatureYaml } from '../common/signature/yaml_codec';
import { SIGNATURE_ID_RE } from '../common/signature/types';
import type { Signature } from '../common/signature/types';
import { CallPurpose, HostClient, HostError, notTheApi, READ_PRIVILEGE, WRITE_PRIVILEGE } from './host_client';

const IMPORT: CallPurpose = {
  action: 'import signatures',
  privilege: WRITE_PRIVILEGE,
};
const EXPORT: CallPurpose = {
  action: 'export signatures',
  privilege: READ_PRIVILEGE,
};

/** A problem with the local files or arguments (exit 2, like a usage error). */
export class LocalInputError extends Error {}

export interface LocalFile extends ImportFile {
  /** The path as the user gave it (directory + name), for messages. */
  path: string;
}

/** The files to import: every `*.yaml` file of each directory (name order), and each file given by name. */
export function collectImportFiles(inputs: string[]): LocalFile[] {
  const out: LocalFile[] = [];
  const byName = new Map<string, string>();
  const add = (p: string) => {
    const name = path.basename(p);
    const other = byName.get(name);
    if (other !== undefined)
      throw new LocalInputError(
        `two files named ${name} (${other} and ${p}): the host identifies files by name; import them separately`,
      );
    let content: string;
    try {
      content = fs.readFileSync(p, 'utf8');
    } catch (e) {
      throw new LocalInputError(`cannot read ${p}: ${(e as Error).message}`);
    }
    byName.set(name, p);
    out.push({ name, content, path: p });
  };
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      throw new LocalInputError(`no such file or directory: ${input}`);
    }
    if (stat.isDirectory()) {
      const names = fs
        .readdirSync(input)
        .filter((n) => n.endsWith('.yaml') && fs.statSync(path.join(input, n)).isFile())
        .sort();
      if (!names.length) throw new LocalInputError(`no <bug>.yaml files in ${input}`);
      for (const n of names) add(path.join(input, n));
    } else add(input);
  }
  if (out.length > MAX_IMPORT_FILES)
    throw new LocalInputError(
      `${out.length} files: the host takes at most ${MAX_IMPORT_FILES} per import; import the directory in parts`,
    );
  return out;
}

export interface HostImportResult {
  host: string;
  files: number;
  /** The dry run's report (always made first). */
  check: ImportReport;
  /** The report of the applying request; absent with --dry-run or when a file was rejected. */
  applied?: ImportReport;
  /** Items refused: invalid, or conflicts (without --overwrite). */
  rejected: number;
}

const rejectedItems = (r: ImportReport) => r.items.filter((i) => i.outcome === 'invalid' || i.outcome === 'conflict');

export async function importToHost(
  client: HostClient,
  files: LocalFile[],
  opts: { dryRun?: boolean; overwrite?: boolean } = {},
): Promise<HostImportResult> {
  const request = (dryRun: boolean): ImportRequest => ({
    files: files.map(({ name, content }) => ({ name, content })),
    dryRun,
    overwrite: !!opts.overwrite,
  });
  // Both requests must fit the route's options.body.maxBytes (MAX_IMPORT_BYTES): the applying one is the
  // larger (`"dryRun":false` is a byte longer than `true`), so a dry run that fits never precedes a 413.
  const size = Math.max(...[true, false].map((dryRun) => Buffer.byteLength(JSON.stringify(request(dryRun)))));
  if (size > MAX_IMPORT_BYTES)
    throw new LocalInputError(
      `the files take ${size} bytes as a request; the host takes at most ${MAX_IMPORT_BYTES}: import them in parts`,
    );
  const check = await client.json<ImportReport>('POST', SIGNATURES_IMPORT_PATH, IMPORT, request(true));
  assertReport(client, check);
  const result: HostImportResult = {
    host: client.label,
    files: files.length,
    check,
    rejected: rejectedItems(check).length,
  };
  if (opts.dryRun || result.rejected > 0 || check.counts.created + check.counts.updated === 0) return result;
  const applied = await client.json<ImportReport>('POST', SIGNATURES_IMPORT_PATH, IMPORT, request(false));
  assertReport(client, applied);
  result.applied = applied;
  // someone changed the host between the two requests: the applied report says what happened
  result.rejected = rejectedItems(applied).length;
  return result;
}

function assertReport(client: HostClient, r: ImportReport): void {
  if (!r || typeof r !== 'object' || !Array.isArray(r.items) || !r.counts)
    throw new HostError(`${client.label} answered the import with something that is not an import report`);
}

function itemWhere(pathOf: Map<string, string>, item: ImportItemReport, p: { line?: number; column?: number }): string {
  const file = pathOf.get(item.file) ?? item.file;
  return `${file}${p.line !== undefined ? `:${p.line}` : ''}${p.line !== undefined && p.column !== undefined ? `:${p.column}` : ''}`;
}

const VERB: Record<string, [string, string]> = {
  created: ['create', 'created'],
  updated: ['update', 'updated'],
  unchanged: ['unchanged', 'unchanged'],
  conflict: ['conflict', 'conflict'],
  invalid: ['invalid', 'invalid'],
};

function formatItems(r: ImportReport, files: LocalFile[], dry: boolean): string[] {
  const pathOf = new Map(files.map((f) => [f.name, f.path]));
  const out: string[] = [];
  const width = Math.max(0, ...r.items.map((i) => (i.id ?? '').length));
  for (const item of r.items) {
    if (item.outcome === 'unchanged' && !item.warnings.length) continue; // counted in the summary line
    const verb = VERB[item.outcome]?.[dry ? 0 : 1] ?? item.outcome;
    out.push(`  ${verb.padEnd(9)}  ${(item.id ?? '-').padEnd(width)}  ${pathOf.get(item.file) ?? item.file}`);
  }
  for (const item of r.items) {
    const id = item.id && r.items.filter((i) => i.file === item.file).length > 1 ? ` [${item.id}]` : '';
    for (const e of item.errors)
      out.push(`${itemWhere(pathOf, item, e)}${id}: error: ${e.key ? `${e.key}: ` : ''}${e.message}`);
    for (const w of item.warnings)
      out.push(`${itemWhere(pathOf, item, w)}${id}: warning: ${w.key ? `${w.key}: ` : ''}${w.message}`);
  }
  return out;
}

export function formatImportResult(
  r: HostImportResult,
  files: LocalFile[],
  opts: { dryRun?: boolean; overwrite?: boolean } = {},
): string {
  const c = r.check.counts;
  const out = [`dry run on ${r.host}: ${r.files} file(s)`, ...formatItems(r.check, files, true)];
  out.push(
    `${r.check.items.length} signature(s): ${c.created} to create, ${c.updated} to update, ${c.unchanged} unchanged, ${c.conflict} conflict(s), ${c.invalid} invalid`,
  );
  if (r.applied) {
    const a = r.applied.counts;
    if (r.rejected) out.push(...formatItems(r.applied, files, false).filter((l) => !l.startsWith('  ')));
    out.push(
      `imported into ${r.host}: ${a.created} created, ${a.updated} updated, ${a.unchanged} unchanged${r.rejected ? `; ${a.conflict + a.invalid} refused (the host changed since the dry run)` : ''}`,
    );
  } else if (r.rejected) {
    const hint =
      r.check.counts.conflict && !opts.overwrite
        ? ' (conflicts: signatures that exist on the host and differ; --overwrite replaces them)'
        : '';
    out.push(`nothing imported: ${r.rejected} signature(s) rejected${hint}`);
  } else if (opts.dryRun) out.push('nothing imported (--dry-run)');
  else out.push(`nothing to import: the host has every signature as it is`);
  return out.join('\n') + '\n';
}

/* ------------------------------------------------------------------------------------------ export */

/** Bounds on what an export zip may unpack to (the host's answer is checked like any input). */
const MAX_ZIP_ENTRIES = 20_000;
const MAX_UNZIPPED_BYTES = 64 * 1024 * 1024;

function unzip(buffer: Buffer): Promise<Array<{ name: string; content: string }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('unreadable zip'));
      const out: Array<{ name: string; content: string }> = [];
      let total = 0;
      zip.on('error', reject);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (/\/$/.test(entry.fileName)) return zip.readEntry();
        total += entry.uncompressedSize;
        if (out.length >= MAX_ZIP_ENTRIES || total > MAX_UNZIPPED_BYTES) {
          zip.close();
          return reject(new Error(`more than ${MAX_ZIP_ENTRIES} entries or ${MAX_UNZIPPED_BYTES} bytes`));
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.push({ name: entry.fileName, content: Buffer.concat(chunks).toString('utf8') });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}

export interface HostExportResult {
  host: string;
  /** Where it was written: the directory, or the bundle file. */
  target: string;
  ids: string[];
  written: string[];
  /** `*.yaml` files already in the directory that the host does not have (left as they are). */
  notOnHost: string[];
}

const exportPath = (format: 'zip' | 'bundle', ids?: string[]) =>
  `${SIGNATURES_EXPORT_PATH}?format=${format}${ids?.length ? `&ids=${ids.map(encodeURIComponent).join(',')}` : ''}`;

/** Writes the host's signatures as `<id>.yaml` files (the host's zip), checked before anything is written. */
export async function exportToDirectory(
  client: HostClient,
  dir: string,
  opts: { ids?: string[]; overwrite?: boolean } = {},
): Promise<HostExportResult> {
  const apiPath = exportPath('zip', opts.ids);
  const answer = await client.request('GET', apiPath, EXPORT);
  if (!/zip/i.test(answer.contentType)) throw notTheApi(client.label, apiPath, answer);
  let entries: Array<{ name: string; content: string }>;
  try {
    entries = await unzip(answer.body);
  } catch (e) {
    throw new HostError(`${client.label} sent an export that is not a readable zip: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const ids: string[] = [];
  for (const entry of entries) {
    if (!(entry.name.endsWith('.yaml') && SIGNATURE_ID_RE.test(entry.name.slice(0, -'.yaml'.length)))) {
      problems.push(`unexpected file name ${JSON.stringify(entry.name)}`);
      continue;
    }
    const parsed = parseSignatureYaml(entry.content, entry.name);
    if (!parsed.ok) problems.push(`${entry.name}: ${parsed.errors[0].message}`);
    else ids.push(parsed.signature.id);
  }
  if (problems.length)
    throw new HostError(
      `${client.label} sent an export this CLI cannot read (${problems.length} problem(s), e.g. ${problems[0]}); nothing written`,
    );
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new LocalInputError(`not a directory: ${dir}`);
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.yaml')) : [];
  const clash = entries.filter((e) => existing.includes(e.name));
  if (clash.length && !opts.overwrite)
    throw new LocalInputError(
      `${dir} has ${clash.length} of these file(s) already, e.g. ${clash[0].name}: use --overwrite to replace them (a git checkout then shows the differences); nothing written`,
    );
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const e of entries) {
    const target = path.join(dir, e.name);
    fs.writeFileSync(target, e.content);
    written.push(target);
  }
  const names = new Set(entries.map((e) => e.name));
  const notOnHost = opts.ids?.length ? [] : existing.filter((n) => !names.has(n)).sort();
  return { host: client.label, target: dir, ids, written, notOnHost };
}

/** Writes the host's signatures as one bundle file (checked before it is written; an existing file is replaced, as offline export does). */
export async function exportToBundle(
  client: HostClient,
  file: string,
  opts: { ids?: string[] } = {},
): Promise<HostExportResult> {
  const apiPath = exportPath('bundle', opts.ids);
  const answer = await client.request('GET', apiPath, EXPORT);
  if (!/yaml|json|text/i.test(answer.contentType)) throw notTheApi(client.label, apiPath, answer);
  const text = answer.body.toString('utf8');
  const parsed = parseSignatureBundle(text, 'export');
  if (!parsed.ok)
    throw new HostError(
      `${client.label} sent a bundle this CLI cannot read (${parsed.errors[0].message}); nothing written`,
    );
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
  return {
    host: client.label,
    target: file,
    ids: parsed.signatures.map((s: Signature) => s.id),
    written: [file],
    notOnHost: [],
  };
}

export function formatExportResult(r: HostExportResult, bundle: boolean): string {
  const out = [
    bundle
      ? `wrote ${r.ids.length} signature(s) from ${r.host} to ${r.target}`
      : `wrote ${r.written.length} signature file(s) from ${r.host} to ${r.target}`,
  ];
  if (r.notOnHost.length)
    out.push(
      `note: ${r.notOnHost.length} file(s) in ${r.target} are not on the host and were left as they are: ${r.notOnHost.slice(0, 10).join(', ')}${r.notOnHost.length > 10 ? ', …' : ''}`,
    );
  return out.join('\n') + '\n';
}
