/* npm run verify-archive [-- <zip> --host kibana|osd --host-version x.y.z]: the install CLI's checks (dev/build/verify_archive.ts). */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, runMain, usage, UsageError } from '../lib/cli_args';
import { verifyArchive } from '../dev/build/verify_archive';
import { BUILD_DIR, BUILT_TARGETS_FILE, readSourceManifest } from '../dev/build/build';
import { TARGETS, archiveName, HostKind, HostTarget } from '../dev/build/targets';

const SPECS = {
  host: { type: 'string' as const, description: 'kibana or osd (with a zip argument)' },
  'host-version': {
    type: 'string' as const,
    description: 'the host version the zip must install on (with a zip argument)',
  },
  'osd-version-mode': { type: 'string' as const, description: 'OSD version check: strict or major', default: 'strict' },
  help: { type: 'boolean' as const, description: 'show this help' },
};

runMain(async () => {
  const { options, positionals } = parseArgs(process.argv.slice(2), SPECS);
  if (options.help) {
    process.stdout.write(
      `${usage('npm run verify-archive -- [zip]', SPECS)}\nWithout a zip: every archive the last npm run build wrote (build/targets.json), else those of dev/build/targets.ts.\n`,
    );
    return;
  }
  const mode = options['osd-version-mode'];
  if (mode !== 'strict' && mode !== 'major')
    throw new UsageError(`--osd-version-mode must be strict or major, got "${mode}"`);
  const jobs: Array<{ file: string; host: HostKind; hostVersion: string }> = [];
  if (positionals.length) {
    if (options.host !== 'kibana' && options.host !== 'osd')
      throw new UsageError('--host kibana|osd is required with a zip argument');
    if (typeof options['host-version'] !== 'string')
      throw new UsageError('--host-version x.y.z is required with a zip argument');
    for (const p of positionals)
      jobs.push({ file: path.resolve(p), host: options.host, hostVersion: options['host-version'] });
  } else {
    const id = readSourceManifest().id;
    const built = path.join(BUILD_DIR, BUILT_TARGETS_FILE);
    const targets: HostTarget[] = fs.existsSync(built) ? JSON.parse(fs.readFileSync(built, 'utf8')) : [...TARGETS];
    for (const t of targets)
      jobs.push({ file: path.join(BUILD_DIR, archiveName(id, t)), host: t.host, hostVersion: t.version });
  }
  let failed = 0;
  for (const job of jobs) {
    if (!fs.existsSync(job.file)) {
      process.stderr.write(`FAIL ${job.file}: missing (run npm run build)\n`);
      failed++;
      continue;
    }
    try {
      const v = await verifyArchive(job.file, { host: job.host, hostVersion: job.hostVersion, osdVersionMode: mode });
      process.stdout.write(
        `ok   ${path.relative(process.cwd(), job.file)}: ${v.id} ${v.version} for ${job.host} ${v.hostVersion}, ${v.entries} entries under ${v.pluginFolder}/\n`,
      );
    } catch (error: any) {
      process.stderr.write(`FAIL ${error.message}\n`);
      failed++;
    }
  }
  if (failed) {
    process.stderr.write(`${failed} archive(s) failed verification\n`);
    process.exit(1);
  }
});
