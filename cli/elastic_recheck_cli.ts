/*
 * `elastic-recheck` command line for signature repositories.
 *
 *   lint <dir> [--engine URL] [--index PATTERN] [--json] [--window-days N]
 *   export <dir> --bundle FILE [--format yaml|json]
 *   import-bundle <bundle> --dir DIR [--overwrite]
 *   import <dir|file...> --host URL [--user U] [--dry-run] [--overwrite] [--json]
 *   export --host URL <dir> | --bundle FILE [--ids a,b] [--overwrite]
 *   clusters --host URL [--days N | --from T --to T] [--queues a,b] [--projects ..] [--branches ..] [--jobs ..] [--max-builds N] [--sort size|growth] [--search TEXT] [--page N] [--per-page N] [--json]
 *   cleanup --host URL [--closed-days N] [--silent-days N] [--files | --json]
 *
 * `lint` checks YAML, Lucene syntax, limits, known fields (the engine's mapping with --engine, else the built-in
 * ci-log-processing field list) and suggests legacy rewrites; with --engine it also validates every query on the
 * engine and counts hits on successful builds (precision, elastic-recheck's 10 % rule). Exit 0 when clean, 1 on
 * any error, 2 on a usage error.
 *
 * `import` / `export --host` talk to a running Kibana or OpenSearch Dashboards (host_commands.ts): import makes
 * a dry run first and applies only when no file is rejected. Credentials: --user with ELASTIC_RECHECK_PASSWORD
 * (or --password), ELASTIC_RECHECK_USER, or ELASTIC_RECHECK_API_KEY. Exit 0 ok, 1 a file rejected, 2 usage or
 * local file problem, 3 the host refused or could not be reached (one line on stderr).
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_LOG_INDEX_PATTERN } from '../common/constants';
import { CI_LOG_PROCESSING_FIELDS, FieldCatalog } from '../common/query/fields';
import { QueryProblem } from '../common/query/validate';
import type { SuccessCheck } from '../common/api/success';
import { formatSignatureBundle, parseSignatureBundle } from '../common/signature/bundle';
import { lintSignature, LintOutcome, SignatureLint } from '../common/signature/lint';
import type { Signature } from '../common/signature/types';
import { parseArgs, OptionSpec, usage, UsageError } from '../lib/cli_args';
import { httpEngineClient, EngineClient } from '../lib/engine_client';
import { fetchIndexFields, validateOnEngine, EngineQueryCheck } from '../server/lib/signatures/engine_validation';
import { readSignatureDirectory, SignatureFileError, writeSignatureDirectory } from '../lib/signature_files';
import { signatureQuery } from '../common/query/build';
import { compileSignatures } from '../server/lib/signatures/compile';
import { successCheck } from '../server/lib/success/success';
import { HostClient, HostConfigError, HostError } from './host_client';
import { clustersQueryFromOptions, fetchClusters, formatClusters } from './cluster_commands';
import { cleanupFileList, fetchCleanup, formatCleanup } from './cleanup_command';
import {
  collectImportFiles,
  exportToBundle,
  exportToDirectory,
  formatExportResult,
  formatImportResult,
  importToHost,
  LocalInputError,
} from './host_commands';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const OPTIONS: Record<string, OptionSpec> = {
  engine: { type: 'string', description: 'lint: engine URL (mapping, _validate/query, hits on successful builds)' },
  index: { type: 'string', description: 'lint: log index pattern', default: DEFAULT_LOG_INDEX_PATTERN },
  'window-days': { type: 'int', description: 'lint --engine: days of logs for the success check', default: 10 },
  json: { type: 'boolean', description: 'lint, import, clusters: machine-readable output' },
  bundle: { type: 'string', description: 'export: bundle file to write' },
  format: { type: 'string', description: 'export (offline): yaml or json', default: 'yaml' },
  dir: { type: 'string', description: 'import-bundle: directory to write <id>.yaml files into' },
  overwrite: {
    type: 'boolean',
    description:
      'import-bundle, export --host: replace existing files; import: replace signatures that differ on the host',
  },
  host: { type: 'string', description: 'import, export: Kibana or OpenSearch Dashboards URL (with its base path)' },
  user: {
    type: 'string',
    description: 'import, export: user name (default $ELASTIC_RECHECK_USER); password from $ELASTIC_RECHECK_PASSWORD',
  },
  password: {
    type: 'string',
    description: 'import, export: password (prefer $ELASTIC_RECHECK_PASSWORD: the command line is visible to others)',
  },
  'dry-run': { type: 'boolean', description: "import: show the host's per-file report, change nothing" },
  ids: { type: 'string', description: 'export --host: only these signature ids (comma separated)' },
  timeout: { type: 'int', description: 'import, export: seconds to wait for the host', default: 120 },
  days: { type: 'int', description: "clusters: days of failures (default: the host's uncategorized window)" },
  from: { type: 'string', description: 'clusters: window start, epoch ms or ISO-8601 (with --to, instead of --days)' },
  to: { type: 'string', description: 'clusters: window end, epoch ms or ISO-8601 (with --from)' },
  queues: { type: 'string', description: 'clusters: only these pipelines (comma separated)' },
  projects: { type: 'string', description: 'clusters: only these projects (comma separated)' },
  branches: { type: 'string', description: 'clusters: only these branches (comma separated)' },
  jobs: { type: 'string', description: 'clusters: only these jobs (comma separated)' },
  'max-builds': {
    type: 'int',
    description: 'clusters: cluster at most this many uncategorized builds, newest first (1-10000, default 5000)',
  },
  sort: { type: 'string', description: 'clusters: size (largest first, default) or growth (fastest-growing first)' },
  search: {
    type: 'string',
    description: 'clusters: only clusters whose lines, proposal, id, jobs or projects contain TEXT (any case)',
  },
  page: { type: 'int', description: 'clusters: page of clusters (default 1)' },
  'per-page': { type: 'int', description: 'clusters: clusters per page (1-500, default 20)' },
  'closed-days': {
    type: 'int',
    description:
      "cleanup: no hit for this many days with the bug fixed or invalid (default: the host's bugs.cleanup.closedDays)",
  },
  'silent-days': {
    type: 'int',
    description: "cleanup: no hit for this many days, any bug (default: the host's bugs.cleanup.silentDays)",
  },
  files: { type: 'boolean', description: 'cleanup: print only the files to delete, one per line' },
  help: { type: 'boolean', description: 'show this help' },
};

const COMMANDS = `commands:
  lint <dir>                      check a directory of <bug>.yaml signatures
  export <dir> --bundle FILE      write the directory's signatures into one bundle file
  import-bundle FILE --dir DIR    write a bundle's signatures as <id>.yaml files
  import <dir|file...> --host URL import <bug>.yaml files or bundles into a running Kibana / OpenSearch Dashboards
                                  (dry run first; applied only if no file is rejected; --dry-run stops after the report)
  export --host URL <dir>         write the host's signatures as <bug>.yaml files (--bundle FILE: one bundle)
  clusters --host URL             the host's uncategorized failures clustered, each with a proposed signature (--json)
  cleanup --host URL              signatures whose bug is fixed/invalid and silent, and silent ones (deletes nothing)
exit status: 0 ok, 1 a file has errors or was rejected, 2 usage error or unreadable local file,
  3 the host refused (401, 403, 4xx, 5xx) or could not be reached`;

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

export async function lintDirectory(
  dir: string,
  opts: { engine?: EngineClient; index?: string; windowDays?: number } = {},
): Promise<LintReport> {
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
    } else
      globalWarnings.push(`no index matches '${index}': fields checked against the built-in ci-log-processing list`);
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
    // the author's text: signatureQuery / compileSignatures apply the same rewrites lint reports
    if (lint.outcome !== 'rejected') runnable.push(s);
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
      for (const m of check.matchesNothing ?? [])
        r.warnings.push({
          code: 'type_mismatch',
          message: `the engine turns part of the query into "match nothing": ${m}`,
        });
    }
    const valid = runnable.filter((s) => byFile.get(loaded.files[s.id])!.outcome !== 'rejected');
    try {
      const checks = await successCheck(engine, compileSignatures(valid), {
        index,
        windowMs: (opts.windowDays ?? 10) * 86_400_000,
      });
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
  const summary: LintReport['summary'] = {
    files: files.length,
    'as-is': 0,
    rewritten: 0,
    flagged: 0,
    rejected: 0,
    errors: 0,
    warnings: 0,
    successWarnings: 0,
  };
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
      out.push(
        `${f.file}: success check: ${f.success.failedBuilds} failed / ${f.success.successBuilds} successful builds, precision ${(f.success.precision * 100).toFixed(1)} %`,
      );
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
      const report = await lintDirectory(args[0], {
        engine,
        index: String(options.index),
        windowDays: Number(options['window-days']),
      });
      io.out(options.json ? JSON.stringify(report, null, 2) + '\n' : formatLintReport(report));
      return report.summary.errors > 0 || report.summary.rejected > 0 ? 1 : 0;
    }
    case 'export': {
      if (options.host !== undefined) {
        if (options.bundle ? args.length !== 0 : args.length !== 1)
          return fail(
            'export --host needs exactly one directory to write <bug>.yaml files into, or --bundle FILE (not both)',
          );
        const ids =
          options.ids === undefined
            ? undefined
            : String(options.ids)
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean);
        if (ids && !ids.length) return fail('--ids needs at least one signature id');
        return onHost(io, options, async (client) => {
          const r = options.bundle
            ? await exportToBundle(client, String(options.bundle), { ids })
            : await exportToDirectory(client, args[0], { ids, overwrite: !!options.overwrite });
          io.out(formatExportResult(r, !!options.bundle));
          return 0;
        });
      }
      if (options.ids !== undefined) return fail('--ids needs --host');
      if (args.length !== 1) return fail('export needs exactly one directory');
      if (!options.bundle)
        return fail(
          'export needs --bundle FILE (or --host URL to export from a running Kibana / OpenSearch Dashboards)',
        );
      const format = String(options.format);
      if (format !== 'yaml' && format !== 'json') return fail(`--format must be yaml or json, got "${format}"`);
      const loaded = readSignatureDirectory(args[0]);
      if (loaded.errors.length) {
        for (const e of loaded.errors) io.err(`${where(e.file, e)}: error: ${e.message}\n`);
        io.err(`nothing written: ${loaded.errors.length} error(s)\n`);
        return 1;
      }
      fs.writeFileSync(
        String(options.bundle),
        formatSignatureBundle(loaded.signatures, { format, exported: new Date().toISOString() }),
      );
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
        for (const e of r.errors)
          io.err(`${where(e.file ?? args[0], e)}: error: ${e.key ? `${e.key}: ` : ''}${e.message}\n`);
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
    case 'import': {
      if (options.host === undefined)
        return fail(
          'import needs --host URL (a running Kibana / OpenSearch Dashboards); import-bundle writes a bundle as files',
        );
      if (!args.length) return fail('import needs at least one directory or file');
      return onHost(io, options, async (client) => {
        const files = collectImportFiles(args);
        const opts = { dryRun: !!options['dry-run'], overwrite: !!options.overwrite };
        const r = await importToHost(client, files, opts);
        io.out(options.json ? JSON.stringify(r, null, 2) + '\n' : formatImportResult(r, files, opts));
        return r.rejected > 0 ? 1 : 0;
      });
    }
    case 'clusters': {
      if (options.host === undefined)
        return fail('clusters needs --host URL (a running Kibana / OpenSearch Dashboards with the plugin)');
      if (args.length) return fail(`clusters takes no arguments, got "${args[0]}"`);
      return onHost(io, options, async (client) => {
        const r = await fetchClusters(client, clustersQueryFromOptions(options));
        io.out(options.json ? JSON.stringify(r, null, 2) + '\n' : formatClusters(r));
        return 0;
      });
    }
    case 'cleanup': {
      if (options.host === undefined)
        return fail('cleanup needs --host URL (a running Kibana / OpenSearch Dashboards)');
      if (args.length) return fail('cleanup takes no positional arguments');
      for (const key of ['closed-days', 'silent-days'] as const) {
        if (options[key] !== undefined && !(Number(options[key]) >= 1 && Number(options[key]) <= 3650))
          return fail(`--${key} must be from 1 to 3650`);
      }
      return onHost(io, options, async (client) => {
        const days = {
          closedDays: options['closed-days'] as number | undefined,
          silentDays: options['silent-days'] as number | undefined,
        };
        const report = await fetchCleanup(client, days);
        io.out(
          options.files
            ? cleanupFileList(report)
            : options.json
              ? JSON.stringify(report, null, 2) + '\n'
              : formatCleanup(report),
        );
        return 0;
      });
    }
    default:
      help();
      return fail(`unknown command "${command}"`);
  }
}

/** Runs a host command: credentials from options or the environment; local problems exit 2, host problems 3. */
async function onHost(
  io: CliIo,
  options: Record<string, unknown>,
  run: (client: HostClient) => Promise<number>,
): Promise<number> {
  const env = process.env;
  const user = options.user !== undefined ? String(options.user) : env.ELASTIC_RECHECK_USER || undefined;
  const password = options.password !== undefined ? String(options.password) : env.ELASTIC_RECHECK_PASSWORD;
  const apiKey = user === undefined ? env.ELASTIC_RECHECK_API_KEY || undefined : undefined;
  try {
    const client = new HostClient({
      url: String(options.host),
      auth: { user, password, apiKey },
      timeoutMs: Number(options.timeout) * 1000,
    });
    return await run(client);
  } catch (e) {
    if (e instanceof LocalInputError || e instanceof HostConfigError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof HostError) {
      io.err(`error: ${e.message}\n`);
      return 3;
    }
    throw e;
  }
}
