/*
 * `npm run generate -- [options]`: realistic CI log lines (ci-log-processing schema) with ground
 * truth, indexed into `<prefix>YYYY.MM.DD` daily indices. See README "Demo and test data".
 */
import * as fs from 'fs';
import * as path from 'path';
import { verifyGroundTruth } from '../generator/verify';
import {
  DataGenerator,
  defaultSubunitPrefix,
  deleteGeneratedData,
  indexGeneratedData,
  loadSignatureDirectory,
  type IndexProgress,
} from '../generator';
import { httpEngineClient } from '../lib/engine_client';
import { LOG_INDEX_PREFIX } from '../common/constants';
import { parseArgs, runMain, usage, UsageError } from '../lib/cli_args';

const SPECS = {
  lines: {
    type: 'int' as const,
    description: 'about how many log lines to generate (builds = lines / lines-per-build)',
    default: 100000,
  },
  builds: { type: 'int' as const, description: 'number of builds (overrides --lines)' },
  'lines-per-build': { type: 'int' as const, description: 'average log lines per build', default: 400 },
  seed: {
    type: 'string' as const,
    description: 'random seed; the same seed and --now give the same data',
    default: '1',
  },
  days: { type: 'number' as const, description: 'time window in days, ending at --now', default: 10 },
  now: { type: 'string' as const, description: 'end of the window, ISO-8601 (default: the current time)' },
  signatures: {
    type: 'string' as const,
    description: 'directory of <bug>.yaml signatures',
    default: 'demo/signatures',
  },
  engine: { type: 'string' as const, description: 'engine URL (default: $ENGINE_URL or http://127.0.0.1:9200)' },
  'index-prefix': {
    type: 'string' as const,
    description: 'daily indices are <prefix>YYYY.MM.DD',
    default: LOG_INDEX_PREFIX,
  },
  'subunit-prefix': {
    type: 'string' as const,
    description:
      'test-result indices <prefix>YYYY.MM.DD; "none" for none (default: subunit- beside logstash-logs-, else derived from --index-prefix)',
  },
  out: { type: 'string' as const, description: 'directory for ground_truth.json', default: 'build/generated' },
  'batch-size': { type: 'int' as const, description: 'documents per bulk request', default: 5000 },
  replace: { type: 'boolean' as const, description: 'delete existing <prefix>* indices first' },
  'dry-run': { type: 'boolean' as const, description: 'generate and write the ground truth without indexing' },
  verify: {
    type: 'boolean' as const,
    description: 'afterwards, check every build-signature pair of the ground truth against the engine',
  },
  help: { type: 'boolean' as const, description: 'show this help' },
};

function progressReporter(total: number): { update(p: IndexProgress): void; done(): void } {
  const tty = process.stderr.isTTY;
  let lastPrint = 0;
  let lastDecile = -1;
  return {
    update(p) {
      const now = Date.now();
      const frac = total > 0 ? Math.min(1, p.builds / total) : 1;
      const rate = Math.round((p.lines * 1000) / Math.max(1, p.elapsedMs));
      if (tty) {
        if (now - lastPrint < 150 && frac < 1) return;
        lastPrint = now;
        const width = 30;
        const filled = Math.round(frac * width);
        process.stderr.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${p.lines.toLocaleString('en-US')} lines  ${rate.toLocaleString('en-US')} lines/s `,
        );
      } else {
        const decile = Math.floor(frac * 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        process.stderr.write(`${(decile * 10).toString().padStart(3)}%  ${p.lines} lines  ${rate} lines/s\n`);
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

runMain(async () => {
  const { options, positionals } = parseArgs(process.argv.slice(2), SPECS);
  if (options.help) {
    console.log(usage('npm run generate --', SPECS));
    return;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const linesPerBuild = options['lines-per-build'] as number;
  if (linesPerBuild < 4) throw new UsageError('option --lines-per-build must be at least 4');
  const lines = options.lines as number;
  if (lines < 0) throw new UsageError('option --lines must not be negative');
  const days = options.days as number;
  if (!(days > 0)) throw new UsageError('option --days must be greater than 0');
  const batchSize = options['batch-size'] as number;
  if (batchSize < 1) throw new UsageError('option --batch-size must be at least 1');
  const builds =
    options.builds !== undefined ? (options.builds as number) : Math.max(1, Math.round(lines / linesPerBuild));
  if (builds < 0) throw new UsageError('option --builds must not be negative');
  const prefix = options['index-prefix'] as string;
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(prefix))
    throw new UsageError(`option --index-prefix "${prefix}" must be lowercase letters, digits, ".", "_" or "-"`);
  const subunitOption = options['subunit-prefix'] as string | undefined;
  const subunitPrefix =
    subunitOption === undefined ? defaultSubunitPrefix(prefix) : subunitOption === 'none' ? null : subunitOption;
  if (subunitPrefix !== null && !/^[a-z0-9][a-z0-9._-]*$/.test(subunitPrefix))
    throw new UsageError(
      `option --subunit-prefix "${subunitPrefix}" must be lowercase letters, digits, ".", "_" or "-"`,
    );
  if (subunitPrefix !== null && (subunitPrefix.startsWith(prefix) || prefix.startsWith(subunitPrefix)))
    throw new UsageError(`option --subunit-prefix "${subunitPrefix}" overlaps --index-prefix "${prefix}"`);
  let now: number | undefined;
  if (options.now !== undefined) {
    now = Date.parse(options.now as string);
    if (!Number.isFinite(now)) throw new UsageError(`option --now expects an ISO-8601 time, got "${options.now}"`);
  }
  const dir = options.signatures as string;
  if (!fs.existsSync(dir)) throw new UsageError(`option --signatures: directory not found: ${dir}`);
  const { signatures, rejected } = loadSignatureDirectory(dir);
  for (const r of rejected) process.stderr.write(`skipped ${r.file}: ${r.reason}\n`);

  const generator = new DataGenerator({ signatures, builds, linesPerBuild, days, seed: options.seed as string, now });
  for (const s of generator.skipped) process.stderr.write(`signature ${s.id} not used: ${s.reason}\n`);
  process.stderr.write(
    `${generator.usable.length} of ${signatures.length} signatures used; ${builds} builds over ${days} days\n`,
  );

  const dryRun = options['dry-run'] === true;
  const url = (options.engine as string | undefined) ?? process.env.ENGINE_URL ?? 'http://127.0.0.1:9200';
  const engine = dryRun ? undefined : httpEngineClient(url, { timeoutMs: 300000 });
  if (engine) {
    await engine.request({ method: 'GET', path: '/' });
    if (options.replace) await deleteGeneratedData(engine, prefix, subunitPrefix);
  }
  const progress = progressReporter(builds);
  const result = await indexGeneratedData(engine, generator, {
    prefix,
    subunitPrefix,
    batchSize,
    onProgress: (p) => progress.update(p),
    dryRun,
  });
  progress.done();

  const outDir = options.out as string;
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'ground_truth.json');
  fs.writeFileSync(file, JSON.stringify(result.truth, null, 1));
  const c = result.truth.counts;
  console.log(
    `${dryRun ? 'generated' : `indexed into ${url}/${prefix}*:`} ${c.lines.toLocaleString('en-US')} lines, ${c.builds} builds, ${Object.keys(c.indices).length} daily indices in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.linesPerSecond.toLocaleString('en-US')} lines/s)`,
  );
  console.log(
    `statuses ${JSON.stringify(c.byStatus)}; causes ${JSON.stringify(c.byCause)}; false positives ${c.falsePositives}`,
  );
  if (subunitPrefix !== null) console.log(`test results: ${c.tests.toLocaleString('en-US')} in ${subunitPrefix}*`);
  console.log(`ground truth: ${file}`);
  if (options.verify && engine) {
    const v = await verifyGroundTruth(engine, result.truth, signatures);
    const first = v.mismatches[0];
    if (first)
      throw new Error(
        `ground truth disagrees with the engine on ${v.mismatches.length} build-signature pair(s); first: signature ${first.signature}, build ${first.build} (${first.kind})`,
      );
    console.log(
      `verified on the engine: ${v.checkedSignatures} signatures, ${v.matchedPairs} build-signature matches, no mismatch`,
    );
  }
});
