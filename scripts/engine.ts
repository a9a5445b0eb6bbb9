/* `npm run engine -- [--port N] [--data DIR] [--heap 1g]`: runs one OpenSearch node until Ctrl-C. */
import { startEngine } from '../engine/node/engine_process';
import { parseArgs, runMain, usage, UsageError } from '../lib/cli_args';

const SPECS = {
  port: { type: 'int' as const, description: 'HTTP port on 127.0.0.1 (transport uses port + 100)', default: 9200 },
  data: { type: 'string' as const, description: 'data directory to keep between runs (default: a temporary one)' },
  heap: { type: 'string' as const, description: 'JVM heap size', default: '1g' },
  help: { type: 'boolean' as const, description: 'show this help' },
};

runMain(async () => {
  const { options, positionals } = parseArgs(process.argv.slice(2), SPECS);
  if (options.help) {
    console.log(usage('npm run engine --', SPECS));
    return;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const engine = await startEngine({
    port: options.port as number,
    home: options.data as string | undefined,
    heap: options.heap as string,
    onLog: (l) => process.env.DEBUG && console.error(l),
  });
  console.log(`engine ready at ${engine.url} (pid ${engine.pid}); Ctrl-C stops it`);
  const stop = () => void engine.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
