/* The batch helpers alone (order, bounds, failure), without an engine; batches.test.ts checks the batched requests on it. */
import { chunks, mapBounded, pack } from './batches';

describe('batch helpers', () => {
  it('chunks and packs in order without exceeding the bound', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
    expect(pack([3, 2, 2, 4, 1], (x) => x, 5)).toEqual([[3, 2], [2], [4, 1]]);
  });

  it('mapBounded keeps the order and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let max = 0;
    const gates: Array<() => void> = [];
    const done = mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (x) => {
      max = Math.max(max, ++inFlight);
      await new Promise<void>((resolve) => gates.push(resolve));
      inFlight--;
      return x * 10;
    });
    // release the calls one by one as they start (no wall clock involved)
    for (let released = 0; released < 7; released++) {
      while (gates.length === 0) await Promise.resolve();
      gates.shift()!();
    }
    expect(await done).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(max).toBe(3);
  });

  it('mapBounded stops starting new calls after a failure and reports it', async () => {
    const started: number[] = [];
    await expect(
      mapBounded([1, 2, 3, 4], 1, async (x) => {
        started.push(x);
        if (x === 2) throw new Error('boom');
        return x;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });
});
