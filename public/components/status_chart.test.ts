/*
 * The count axis' tick values, computed by @elastic/charts' own continuous scale with the props our
 * charts pass: only whole numbers, even when the largest count is 1 (which gave 0, 0.2, 0.4, ... before).
 */
import { COUNT_AXIS, chartRows } from './status_chart';

// The scale class the chart uses for a linear y axis: internal to the package (not exported from its
// index, and its .d.ts declares nothing), so it is required untyped.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see the lines above
const { ScaleContinuous } = require('@elastic/charts/dist/scales/scale_continuous');

function ticks(max: number, options: Record<string, unknown>): number[] {
  return new ScaleContinuous(
    { type: 'linear', domain: [0, max], range: [140, 0], nice: true },
    { desiredTickCount: 6, ...options },
  ).tickValues;
}

describe('count axis', () => {
  it('without a fraction limit the library gives fractional ticks for small counts (the bug)', () => {
    expect(ticks(1, {}).some((t) => !Number.isInteger(t))).toBe(true);
  });

  it.each([1, 2, 3, 7, 1234])('ticks are whole numbers for a largest count of %d', (max) => {
    const values = ticks(max, { maximumFractionDigits: COUNT_AXIS.maximumFractionDigits });
    expect(values.length).toBeGreaterThan(1);
    expect(values.every((t) => Number.isInteger(t))).toBe(true);
    expect(values).toContain(0);
  });

  it('labels print as integers with thousands separators', () => {
    expect(COUNT_AXIS.tickFormat(1234)).toBe('1,234');
    expect(COUNT_AXIS.tickFormat(2)).toBe('2');
  });

  it('rows keep the counts per status', () => {
    expect(
      chartRows([
        { status: 'FAILURE', data: [[1, 2]] },
        { status: 'SUCCESS', data: [[1, 1]] },
      ] as any),
    ).toEqual([
      { x: 1, y: 2, status: 'FAILURE' },
      { x: 1, y: 1, status: 'SUCCESS' },
    ]);
  });
});
