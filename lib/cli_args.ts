/*
 * Small, strict option parser shared by the project's command-line scripts: every option must be
 * declared, every value must have the declared type, and a mistake is one readable line.
 */
export class UsageError extends Error {}

export type OptionType = 'string' | 'int' | 'number' | 'boolean';
export interface OptionSpec {
  type: OptionType;
  description: string;
  default?: string | number | boolean;
}
export type OptionValues = Record<string, string | number | boolean | undefined>;

export function parseArgs(
  argv: string[],
  specs: Record<string, OptionSpec>,
): { options: OptionValues; positionals: string[] } {
  const options: OptionValues = {};
  const positionals: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.default !== undefined) options[name] = spec.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const spec = specs[name];
    if (!spec) {
      throw new UsageError(
        `unknown option --${name} (known: ${Object.keys(specs)
          .map((k) => `--${k}`)
          .join(', ')})`,
      );
    }
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      options[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new UsageError(`option --${name} needs a value`);
    if (spec.type === 'string') {
      options[name] = raw;
    } else {
      const value = Number(raw.replace(/_/g, ''));
      if (!Number.isFinite(value) || (spec.type === 'int' && !Number.isInteger(value))) {
        throw new UsageError(
          `option --${name} expects ${spec.type === 'int' ? 'a whole number' : 'a number'}, got "${raw}"`,
        );
      }
      options[name] = value;
    }
  }
  return { options, positionals };
}

export function usage(command: string, specs: Record<string, OptionSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const value = spec.type === 'boolean' ? '' : ` <${spec.type}>`;
    const def = spec.default !== undefined ? ` (default ${spec.default})` : '';
    return `  --${name}${value}  ${spec.description}${def}`;
  });
  return [`usage: ${command} [options]`, ...lines].join('\n');
}

/** Runs a CLI main: usage and engine errors become one line on stderr and exit code 2. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => undefined,
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const known =
        error instanceof Error && error.constructor.name !== 'Error' && error.constructor.name !== 'TypeError';
      process.stderr.write(`error: ${message}\n`);
      if (!known && error instanceof Error && process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
      process.exit(2);
    },
  );
}
