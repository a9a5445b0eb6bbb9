/*
 * The time picker's range (date math such as now-36h / now, or absolute ISO dates) resolved with datemath
 * into the window the routes take (`from`/`to`, epoch ms), with a label that says exactly what is shown.
 */
import dateMath from '@elastic/datemath';
import { DAY_MS, MAX_WINDOW_DAYS } from '../../common/time_window';

export { DAY_MS, MAX_WINDOW_DAYS };

export interface TimeRange {
  from: string;
  to: string;
}

export type ResolvedRange =
  { ok: true; from: number; to: number; label: string } | { ok: false; param: 'from' | 'to'; message: string };

const DATE_MATH = /^(now([+-]\d+[smhdwMy])*(\/[smhdwMy])?|\d{4}-\d{2}-\d{2}[T\d:.Z+-]*|\d{10,15})$/;
const UNIT_NAMES: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  M: 'month',
  y: 'year',
};

function parseOne(value: string, roundUp: boolean, now: Date): number | undefined {
  if (!DATE_MATH.test(value)) return undefined;
  if (/^\d{10,15}$/.test(value)) return Number(value);
  const m = dateMath.parse(value, { roundUp, forceNow: now });
  return m?.isValid() ? m.valueOf() : undefined;
}

function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

/** "Last 36 hours" for now-36h..now; the resolved dates (UTC) for anything else. */
export function rangeLabel(range: TimeRange, from: number, to: number): string {
  const rel = /^now-(\d+)([smhdwMy])$/.exec(range.from);
  if (rel && range.to === 'now') {
    const n = Number(rel[1]);
    return `Last ${n} ${UNIT_NAMES[rel[2]]}${n === 1 ? '' : 's'}`;
  }
  return `${formatInstant(from)} to ${formatInstant(to)} UTC`;
}

/** The range as epoch ms and its label, or which parameter is wrong and why. */
export function resolveRange(range: TimeRange, now = new Date()): ResolvedRange {
  const from = parseOne(range.from, false, now);
  if (from === undefined)
    return { ok: false, param: 'from', message: `from: "${range.from}" is not a date or date-math expression` };
  const to = parseOne(range.to, true, now);
  if (to === undefined)
    return { ok: false, param: 'to', message: `to: "${range.to}" is not a date or date-math expression` };
  if (to <= from) return { ok: false, param: 'to', message: 'to: the end of the range must be after its start' };
  if (to - from > MAX_WINDOW_DAYS * DAY_MS)
    return { ok: false, param: 'from', message: `from: the range must not exceed ${MAX_WINDOW_DAYS} days` };
  return { ok: true, from, to, label: rangeLabel(range, from, to) };
}

export function parseRange(range: TimeRange, now = new Date()): { start: number; end: number } | undefined {
  const r = resolveRange(range, now);
  return r.ok ? { start: r.from, end: r.to } : undefined;
}

/** Days of a window ending now as long as this range, at most MAX_WINDOW_DAYS (for routes that still take `days`). */
export function windowDays(range: TimeRange, now = new Date()): number {
  const start = parseOne(range.from, false, now);
  const end = parseOne(range.to, true, now);
  if (start === undefined || end === undefined || end <= start) return 10;
  return Math.min(MAX_WINDOW_DAYS, Math.max(1, Math.ceil((end - start) / DAY_MS)));
}
