/** @jest-layer engine */
/* Engine health and indexing lag on the real engine: the newest line's timestamp read through LOG_FIELDS. */
import { build, createLogIndex, logDoc, TestIndex } from '../../../test/fixtures/log_index';
import { readHealth } from './health';

const NOW = new Date(Date.UTC(2026, 10, 20, 12));
let logs: TestIndex;

beforeAll(async () => {
  logs = await createLogIndex('er-health');
  const b = build('h1');
  await logs.add([
    logDoc({ build: b, message: 'older', timestamp: new Date(NOW.getTime() - 7200_000).toISOString() }),
    logDoc({ build: b, message: 'newest', timestamp: new Date(NOW.getTime() - 90_000).toISOString() }),
  ]);
});
afterAll(async () => logs?.drop());

test('gives the newest log timestamp and how far behind indexing is', async () => {
  const health = await readHealth(logs.engine, logs.name, NOW);
  expect(health.engine.reachable).toBe(true);
  expect(health.logs).toEqual({
    indexPattern: logs.name,
    newestTimestamp: new Date(NOW.getTime() - 90_000).toISOString(),
    lagSeconds: 90,
  });
});

test('an index pattern with no logs has no newest timestamp and no lag', async () => {
  const health = await readHealth(logs.engine, `${logs.name}-none-*`, NOW);
  expect(health.logs).toEqual({ indexPattern: `${logs.name}-none-*`, newestTimestamp: null, lagSeconds: null });
});
