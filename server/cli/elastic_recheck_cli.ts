/*
 * `elastic-recheck` command line for signature repositories.
 *
 *   lint <dir> [--engine URL] [--index PATTERN] [--json] [--window-days N]
 *   export <dir> --bundle FILE [--format yaml|json]
 *   import-bundle <bundle> --dir DIR [--overwrite]
 *
 * `lint` checks YAML, Lucene syntax, limits, known fields (the engine's mapping with --engine, else the built-in
 * ci-log-processing field list) and suggests legacy rewrites; with --engine it also validates every query on the
 * engine and counts hits on successful builds (precision, elastic-recheck's 10 % rule). Exit 0 when clean, 1 on
 * any error, 2 on a usage error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_LOG_INDEX_PATTERN } from '../../common/constants';
import { CI_LOG_PROCESSING_FIELDS, FieldCatalog } from '../../common/query/fields';
import { QueryProblem } from '../../common/query/validate';
import type { SuccessCheck } from '../../common/api/success';
import { formatSignatureBundle, parseSignatureBundle } from '../../common/signature/bundle';
import { lintSignature, LintOutcome, SignatureLint } from '../../common/signature/lint';
import type { Signature } from '../../common/signature/types';
import { parseArgs, OptionSpec, usage, UsageError } from '../../scripts/lib/cli_args';
import { httpEngineClient, EngineClient } from '../lib/engine/engine_client';
import { fetchIndexFields, validateOnEngine, EngineQueryCheck } from '../lib/signatures/engine_validation';
import { readSignatureDirectory, SignatureFileError, writeSignatureDirectory } from '../lib/signatures/signature_files';
import { signatureQuery } from '../../common/query/build';
import { compileSignatures } from '../lib/signatures/compile';
import { successCheck } from '../lib/success/success';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const OPTIONS: Record<string, OptionSpec> = {
  engine: { type: 'string', description: 'lint: engine URL (mapping, _validate/query, hits on successful builds)' },
  index: { type: 'string', description: 'lint: log index pattern', default: DEFAULT_LOG_INDEX_PATTERN },
  'window-days': { type: 'int', description: 'lint --engine: days of logs for the success check', default: 10 },
  json: { type: 'boolean', description: 'lint: machine-readable output' },
  bundle: { type: 'string', description: 'export: bundle file to write' },
  format: { type: 'string', description: 'export: yaml or json', default: 'yaml' },
  dir: { type: 'string', description: 'import-bundle: directory to write <id>.yaml files into' },
  overwrite: { type: 'boolean', description: 'import-bundle: replace existing files' },
  host: { type: 'string', description: 'import/export: Kibana or OpenSearch Dashboards URL (not available yet)' },
  help: { type: 'boolean', description: 'show this help' },
};

const COMMANDS = `commands:
  lint <dir>                      check a directory of <bug>.yaml signatures
  export <dir> --bundle FILE      write the directory's signatures into one bundle file
  import-bundle FILE --dir DIR    write a bundle's signatures as <id>.yaml files
  import / export --host URL      (against a running Kibana / OpenSearch Dashboards: not available yet)`;

export interface LintFileReport {
  file: string;
  id?: string;
  outcome: LintOutcome;
  errors: (QueryProblem | SignatureFileError)[];
  warnings: (QueryProblem | SignatureFileError)[];
  rewrites: SignatureLint['rewrites'];
  translated?: string;
  engine?: EngineQueryCheck;
  success?: SuccessCheck;
}

export interface LintReport {
  directory: string;
  fields: 'engine' | 'built-in';
  files: LintFileReport[];
  summary: Record<LintOutcome, number> & { files: number; errors: number; warnings: number; successWarnings: number };
  /** Set when the success check could not run (the lint result is still complete otherwise). */
  successCheckError?: string;
}

export async function lintDirectory(dir: string, opts: { engine?: EngineClient; index?: string; windowDays?: number } = {}): Promise<LintReport> {
  const loaded = readSignatureDirectory(dir);
  const index = opts.index ?? DEFAULT_LOG_INDEX_PATTERN;
  let fields: FieldCatalog = CI_LOG_PROCESSING_FIELDS;
  let fieldsFrom: LintReport['fields'] = 'built-in';
  const globalWarnings: string[] = [];
  if (opts.engine) {
    const f = await fetchIndexFields(opts.engine, index);
    if (f.catalog) {
      fields = f.catalog;
      fieldsFrom = 'engine';
    } else globalWarnings.push(`no index matches '${index}': fields checked against the built-in ci-log-processing list`);
  }
  const files: LintFileReport[] = [];
  const byFile = new Map<string, LintFileReport>();
  for (const e of loaded.errors) {
    let r = byFile.get(e.file);
    if (!r) {
      r = { file: e.file, outcome: 'rejected', errors: [], warnings: [], rewrites: [] };
      byFile.set(e.file, r);
      files.push(r);
    }
    r.errors.push(e);
  }
  const runnable: Signature[] = [];
  for (const s of loaded.signatures) {
    const file = loaded.files[s.id];
    const lint = lintSignature(s, { fields });
    const r: LintFileReport = {
      file,
      id: s.id,
      outcome: lint.outcome,
      errors: lint.errors,
      warnings: [...loaded.warnings.filter((w) => w.file === file), ...lint.warnings],
      rewrites: lint.rewrites,
      ...(lint.translated ? { translated: lint.translated } : {}),
    };
    files.push(r);
    byFile.set(file, r);
    if (lint.outcome !== 'rejected') runnable.push(lint.translated ? { ...s, query: lint.translated } : s);
  }
  let successCheckError: string | undefined;
  if (opts.engine && runnable.length) {
    const engine = opts.engine;
    for (const s of runnable) {
      const r = byFile.get(loaded.files[s.id])!;
      const check = await validateOnEngine(engine, index, signatureQuery(s));
      r.engine = check;
      if (!check.valid) {
        r.errors.push({ code: 'syntax', message: `the engine rejects the query: ${check.error}` });
        r.outcome = 'rejected';
      }
      for (const m of check.matchesNothing ?? []) r.warnings.push({ code: 'type_mismatch', message: `the engine turns part of the query into "match nothing": ${m}` });
    }
    const valid = runnable.filter((s) => byFile.get(loaded.files[s.id])!.outcome !== 'rejected');
    try {
      const checks = await successCheck(engine, compileSignatures(valid), { index, windowMs: (opts.windowDays ?? 10) * 86_400_000 });
      for (const c of checks) {
        const r = byFile.get(loaded.files[c.signatureId])!;
        r.success = c;
        if (c.warning)
          r.warnings.push({
            code: 'type_mismatch',
            message: `matches ${c.successBuilds} successful build(s) of ${c.successBuilds + c.failedBuilds} (${Math.round((c.successShare ?? 0) * 100)} %, more than elastic-recheck's 10 % rule): the fingerprint is not specific to the failure`,
          });
      }
    } catch (e) {
      successCheckError = (e as Error).message;
    }
  }
  files.sort((a, b) => a.file.localeCompare(b.file));
  const summary: LintReport['summary'] = { files: files.length, 'as-is': 0, rewritten: 0, flagged: 0, rejected: 0, errors: 0, warnings: 0, successWarnings: 0 };
  for (const f of files) {
    summary[f.outcome]++;
    summary.errors += f.errors.length;
    summary.warnings += f.warnings.length;
    if (f.success?.warning) summary.successWarnings++;
  }
  const report: LintReport = { directory: dir, fields: fieldsFrom, files, summary };
  if (successCheckError) report.successCheckError = successCheckError;
  if (globalWarnings.length) (report as any).notes = globalWarnings;
  return report;
}

function where(file: string, p: { line?: number; column?: number; code?: string }): string {
  // positions of query problems are inside the query text, not the file
  if (p.code) return `${file}${p.line !== undefined ? ` (query line ${p.line}, column ${p.column})` : ''}`;
  return `${file}${p.line !== undefined ? `:${p.line}` : ''}${p.line !== undefined && p.column !== undefined ? `:${p.column}` : ''}`;
}

export function formatLintReport(r: LintReport): string {
  const out: string[] = [];
  for (const f of r.files) {
    if (f.outcome === 'as-is' && !f.errors.length && !f.warnings.length && !f.success) continue;
    for (const e of f.errors) out.push(`${where(f.file, e as any)}: error: ${e.message}`);
    for (const w of f.warnings) out.push(`${where(f.file, w as any)}: warning: ${w.message}`);
    for (const rw of f.rewrites) out.push(`${f.file}: rewrite: ${rw.from}  ->  ${rw.to}  (${rw.reason})`);
    if (f.translated) out.push(`${f.file}: suggested query: ${f.translated}`);
    if (f.success && f.success.precision !== null)
      out.push(`${f.file}: success check: ${f.success.failedBuilds} failed / ${f.success.successBuilds} successful builds, precision ${(f.success.precision * 100).toFixed(1)} %`);
  }
  for (const n of ((r as any).notes as string[] | undefined) ?? []) out.push(`note: ${n}`);
  if (r.successCheckError) out.push(`warning: success check not run: ${r.successCheckError}`);
  const s = r.summary;
  out.push(
    `${s.files} file(s): ${s['as-is']} as-is, ${s.rewritten} with legacy rewrites, ${s.flagged} flagged, ${s.rejected} rejected; ${s.errors} error(s), ${s.warnings} warning(s) (fields: ${r.fields})`,
  );
  return out.join('\n') + '\n';
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv, OPTIONS);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { options, positionals } = parsed;
  const [command, ...args] = positionals;
  const help = () => io.out(`${usage('elastic-recheck <command>', OPTIONS)}\n${COMMANDS}\n`);
  const fail = (m: string) => {
    io.err(`error: ${m}\n`);
    return 2;
  };
  if (options.help || !command) {
    help();
    return command || options.help ? 0 : 2;
  }
  switch (command) {
    case 'lint': {
      if (args.length !== 1) return fail('lint needs exactly one directory');
      if (!fs.existsSync(args[0]) || !fs.statSync(args[0]).isDirectory()) return fail(`not a directory: ${args[0]}`);
      const engine = options.engine ? httpEngineClient(String(options.engine)) : undefined;
      const report = await lintDirectory(args[0], { engine, index: String(options.index), windowDays: Number(options['window-days']) });
      io.out(options.json ? JSON.stringify(report, null, 2) + '\n' : formatLintReport(report));
      return report.summary.errors > 0 || report.summary.rejected > 0 ? 1 : 0;
    }
    case 'export': {
      if (options.host !== undefined) return fail('export from a running Kibana / OpenSearch Dashboards (--host) is not available yet; use export <dir> --bundle FILE');
      if (args.length !== 1) return fail('export needs exactly one directory');
      if (!options.bundle) return fail('export needs --bundle FILE (export to a running host is not available yet)');
      const format = String(options.format);
      if (format !== 'yaml' && format !== 'json') return fail(`--format must be yaml or json, got "${format}"`);
      const loaded = readSignatureDirectory(args[0]);
      if (loaded.errors.length) {
        for (const e of loaded.errors) io.err(`${where(e.file, e)}: error: ${e.message}\n`);
        io.err(`nothing written: ${loaded.errors.length} error(s)\n`);
        return 1;
      }
      fs.writeFileSync(String(options.bundle), formatSignatureBundle(loaded.signatures, { format, exported: new Date().toISOString() }));
      io.out(`wrote ${loaded.signatures.length} signature(s) to ${options.bundle}\n`);
      return 0;
    }
    case 'import-bundle': {
      if (args.length !== 1) return fail('import-bundle needs exactly one bundle file');
      if (!options.dir) return fail('import-bundle needs --dir DIR');
      let text: string;
      try {
        text = fs.readFileSync(args[0], 'utf8');
      } catch (e) {
        return fail(`cannot read ${args[0]}: ${(e as Error).message}`);
      }
      const r = parseSignatureBundle(text, path.basename(args[0]));
      if (!r.ok) {
        for (const e of r.errors) io.err(`${where(e.file ?? args[0], e)}: error: ${e.key ? `${e.key}: ` : ''}${e.message}\n`);
        io.err(`nothing written: ${r.errors.length} error(s)\n`);
        return 1;
      }
      try {
        const written = writeSignatureDirectory(String(options.dir), r.signatures, { overwrite: !!options.overwrite });
        io.out(`wrote ${written.length} signature file(s) to ${options.dir}\n`);
      } catch (e) {
        io.err(`error: ${(e as Error).message}; nothing written\n`);
        return 1;
      }
      return 0;
    }
    case 'import':
      return fail('import into a running Kibana / OpenSearch Dashboards is not available yet (needs the REST API); use import-bundle to write files');
    default:
      help();
      return fail(`unknown command "${command}"`);
  }
}
