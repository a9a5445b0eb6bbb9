/*
 * The time picker's range (date math, e.g. now-10d / now) to the routes' window: whole days ending
 * now, 1..90 (the routes compute windows ending at the server's now).
 */
import dateMath from '@elastic/datemath';

export const DAY_MS = 86400000;
export const MAX_WINDOW_DAYS = 90;

export interface TimeRange {
  from: string;
  to: string;
}

const DATE_MATH = /^(now([+-]\d+[smhdwMy])*(\/[smhdwMy])?|\d{4}-\d{2}-\d{2}[T\d:.Z+-]*)$/;

export function parseRange(range: TimeRange, now = new Date()): { start: number; end: number } | undefined {
  if (!DATE_MATH.test(range.from) || !DATE_MATH.test(range.to)) return undefined;
  const start = dateMath.parse(range.from, { forceNow: now });
  const end = dateMath.parse(range.to, { roundUp: true, forceNow: now });
  if (!start?.isValid() || !end?.isValid() || end.valueOf() <= start.valueOf()) return undefined;
  return { start: start.valueOf(), end: end.valueOf() };
}

/** Days of the window the routes will compute for this range (the range's length, rounded up). */
export function windowDays(range: TimeRange, now = new Date()): number {
  const parsed = parseRange(range, now);
  if (!parsed) return 10;
  return Math.min(MAX_WINDOW_DAYS, Math.max(1, Math.ceil((parsed.end - parsed.start) / DAY_MS)));
}
