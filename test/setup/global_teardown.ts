export default async function globalTeardown(): Promise<void> {
  const engine = globalThis.__ELASTIC_RECHECK_ENGINE__;
  if (engine) {
    await engine.stop();
    globalThis.__ELASTIC_RECHECK_ENGINE__ = undefined;
  }
}
