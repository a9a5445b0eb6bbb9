/** @jest-layer engine */
import { engineRequest, engineUrl, uniqueName } from '../../../test/setup/engine';
import { httpEngineClient } from '../../../lib/engine_client';
import { EngineLock } from './lock';

const index = uniqueName('er-lock');
afterAll(() => engineRequest('DELETE', `/${index}?ignore_unavailable=true`));

describe('EngineLock', () => {
  test('one holder at a time; released locks and expired leases can be taken', async () => {
    const engine = httpEngineClient(engineUrl());
    let clock = Date.now();
    const now = () => clock;
    const a = new EngineLock(engine, index, 'work', 'a', 1000, now);
    const b = new EngineLock(engine, index, 'work', 'b', 1000, now);

    const first = await Promise.all([a.acquire(), b.acquire()]);
    expect(first.filter(Boolean)).toHaveLength(1); // exactly one winner of a simultaneous race
    const [winner, loser] = first[0] ? [a, b] : [b, a];
    expect(await loser.acquire()).toBe(false);
    expect(await winner.acquire()).toBe(true); // renewal by the holder
    expect(await winner.holder()).toBe(winner.owner);

    await loser.release(); // not the holder: no effect
    expect(await loser.acquire()).toBe(false);

    await winner.release();
    expect(await loser.acquire()).toBe(true);

    // the holder dies without releasing: after the TTL another instance takes over, once
    clock += 1500;
    const takeover = await Promise.all([
      winner.acquire(),
      new EngineLock(engine, index, 'work', 'c', 1000, now).acquire(),
    ]);
    expect(takeover.filter(Boolean)).toHaveLength(1);
  });
});
