/*
 * Engine errors reach the plugin as the host's repository decorates them (Kibana decorate_es_error.ts in
 * src/core/packages/saved-objects/api-server-internal, OSD
 * src/core/server/saved_objects/service/lib/decorate_opensearch_error.ts), so the plugin answers a
 * breaker's 429 as 429 and an unreachable engine as 503, never as an unknown 500.
 */
import { createServer } from 'net';
import { EngineRequestError, httpEngineClient } from '../../../lib/engine_client';
import { errorStatus } from '../../../server/lib/errors';
import {
  SavedObjectsClientError,
  SavedObjectsStore,
  SavedObjectTypeRegistry,
  decorateEngineError,
} from './saved_objects';

describe('decorateEngineError (the hosts decorate_es_error / decorate_opensearch_error)', () => {
  test.each([
    [0, 503],
    [503, 503],
    [429, 429],
    [400, 400],
    [401, 401],
    [403, 403],
    [404, 404],
    [409, 409],
    [413, 413],
    [500, 500],
    [502, 500],
  ])('engine status %i reaches the plugin as a Boom %i that the route layer answers with it', (engine, host) => {
    const decorated = decorateEngineError(new EngineRequestError(`engine answered ${engine}`, engine, 'x', 'y'));
    expect(decorated).toBeInstanceOf(SavedObjectsClientError);
    expect((decorated as SavedObjectsClientError).output.statusCode).toBe(host);
    expect(errorStatus(decorated)).toBe(host);
  });

  test("errors that are not the engine client's pass unchanged", () => {
    const own = new Error('not an engine error');
    expect(decorateEngineError(own)).toBe(own);
  });
});

describe('the stand-in saved-objects client with an engine that does not answer', () => {
  let port: number;
  beforeAll(async () => {
    // A port nothing listens on any more: connections are refused, as to an engine that went away.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  test("find and get throw the host's 503, not the engine client's error", async () => {
    const registry = new SavedObjectTypeRegistry();
    registry.register({
      name: 'probe_type',
      hidden: false,
      namespaceType: 'single',
      mappings: { dynamic: false, properties: {} },
    });
    const store = new SavedObjectsStore(httpEngineClient(`http://127.0.0.1:${port}`), '.probe_saved_objects', registry);
    const client = store.client();
    for (const call of [() => client.find({ type: 'probe_type' }), () => client.get('probe_type', 'a')]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SavedObjectsClientError);
      expect(error).not.toBeInstanceOf(EngineRequestError);
      expect(errorStatus(error)).toBe(503);
    }
  });
});
