/*
 * npm run build [-- --kibana 9.5.4[,9.5.3] --osd 3.7.0 ...]: one archive per exact host version
 * (dev/build/build.ts); without version flags the defaults of dev/build/targets.ts.
 */
import { parseArgs, runMain, usage, UsageError } from '../lib/cli_args';
import { buildAll } from '../dev/build/build';
import { TARGETS, TargetError, parseTargets } from '../dev/build/targets';

const SPECS = {
  kibana: {
    type: 'string' as const,
    description: 'Kibana version(s) to build for, exact x.y.z, comma-separated; repeatable',
  },
  osd: {
    type: 'string' as const,
    description: 'OpenSearch Dashboards version(s), exact x.y.z, comma-separated; repeatable',
  },
  'allow-unreleased': {
    type: 'boolean' as const,
    description: 'accept an OSD version newer than the releases the build knows',
  },
  target: { type: 'string' as const, description: 'build only the default version of this host: kibana or osd' },
  help: { type: 'boolean' as const, description: 'show this help' },
};

/** --kibana and --osd may repeat: their values are collected before the strict parser sees the rest. */
function takeRepeated(argv: string[], names: string[]): { rest: string[]; values: Record<string, string[]> } {
  const values: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (m && names.includes(m[1])) {
      const value = m[2] ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`option --${m[1]} needs a value`);
      values[m[1]].push(value);
    } else rest.push(argv[i]);
  }
  return { rest, values };
}

runMain(async () => {
  const { rest, values } = takeRepeated(process.argv.slice(2), ['kibana', 'osd']);
  const { options } = parseArgs(rest, SPECS);
  if (options.help) {
    process.stdout.write(usage('npm run build --', SPECS) + '\n');
    return;
  }
  let targets;
  try {
    targets = parseTargets({
      kibana: values.kibana,
      osd: values.osd,
      allowUnreleased: options['allow-unreleased'] === true,
    });
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message);
    throw error;
  }
  if (options.target) {
    if (values.kibana.length || values.osd.length)
      throw new UsageError('--target goes with the default versions only; use --kibana / --osd');
    targets = TARGETS.filter((t) => t.host === options.target);
    if (targets.length === 0)
      throw new UsageError(`--target must be one of: ${[...new Set(TARGETS.map((t) => t.host))].join(', ')}`);
  }
  const started = Date.now();
  await buildAll({ targets, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`build done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
