/*
 * Global setup of the engine and e2e layers (jest.config.js; jest runs it only when a test of those
 * projects is selected): starts one real OpenSearch node for the whole jest run, unless ENGINE_URL names an existing
 * cluster. Test files read the URL from process.env.ENGINE_URL (see test/setup/engine.ts).
 */
import { startEngine, RunningEngine } from '../../engine/node/engine_process';

declare global {
  var __ELASTIC_RECHECK_ENGINE__: RunningEngine | undefined;
}

export default async function globalSetup(): Promise<void> {
  // The engine and e2e projects both name this setup: the second call finds the engine already up.
  if (globalThis.__ELASTIC_RECHECK_ENGINE__) return;
  if (process.env.ENGINE_URL) {
    process.stdout.write(`\nusing the engine at ENGINE_URL=${process.env.ENGINE_URL}\n`);
    return;
  }
  const engine = await startEngine({ heap: process.env.ENGINE_HEAP ?? '1536m' });
  globalThis.__ELASTIC_RECHECK_ENGINE__ = engine;
  process.env.ENGINE_URL = engine.url;
  process.env.ELASTIC_RECHECK_TEST_ENGINE_STARTED = '1';
  process.stdout.write(`\nstarted OpenSearch for the tests at ${engine.url} (pid ${engine.pid})\n`);
}
