/* npm run build: one archive per host version in dev/build/targets.ts (see dev/build/build.ts). */
import { parseArgs, runMain, usage } from '../lib/cli_args';
import { buildAll } from '../dev/build/build';
import { TARGETS } from '../dev/build/targets';

const SPECS = {
  target: { type: 'string' as const, description: 'build only this host: kibana or osd' },
  help: { type: 'boolean' as const, description: 'show this help' },
};

runMain(async () => {
  const { options } = parseArgs(process.argv.slice(2), SPECS);
  if (options.help) {
    process.stdout.write(usage('npm run build --', SPECS) + '\n');
    return;
  }
  const targets = options.target ? TARGETS.filter((t) => t.host === options.target) : TARGETS;
  if (targets.length === 0) throw new Error(`--target must be one of: ${[...new Set(TARGETS.map((t) => t.host))].join(', ')}`);
  const started = Date.now();
  await buildAll({ targets, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`build done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
