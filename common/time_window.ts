/*
 * A time window [from, to) in epoch ms, as the browser sends it (`from`/`to`, epoch ms or ISO-8601) and the
 * routes read it; `days` (a window ending now) is still read for older callers.
 */
export const HOUR_MS = 3600000;
export const DAY_MS = 24 * HOUR_MS;
/** Longest window a route computes. */
export const MAX_WINDOW_DAYS = 90;

export interface TimeWindow {
  from: number;
  to: number;
}

export type WindowCheck = { ok: true; value?: TimeWindow } | { ok: false; path: string[]; message: string };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms (digits) or an ISO-8601 date / date-time; undefined when it is neither. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (/^\d{1,15}$/.test(v)) return Number(v);
  if (!ISO_DATE.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * `from` and `to` of a query (both or neither; `to` after `from`, at most MAX_WINDOW_DAYS apart). `value` is
 * undefined when neither is given (the route's default window applies).
 */
export function readWindow(q: Record<string, unknown>): WindowCheck {
  if (q.from === undefined && q.to === undefined) return { ok: true };
  const bad = (key: string, why: string): WindowCheck => ({ ok: false, path: [key], message: `${key}: ${why}` });
  if (q.from === undefined) return bad('from', 'required with to');
  if (q.to === undefined) return bad('to', 'required with from');
  if (q.days !== undefined) return bad('days', 'give either days or from/to');
  const from = parseInstant(q.from);
  if (from === undefined) return bad('from', `expected epoch ms or an ISO-8601 date, got ${JSON.stringify(q.from)}`);
  const to = parseInstant(q.to);
  if (to === undefined) return bad('to', `expected epoch ms or an ISO-8601 date, got ${JSON.stringify(q.to)}`);
  if (to <= from) return bad('to', 'must be after from');
  if (to - from > MAX_WINDOW_DAYS * DAY_MS) return bad('from', `the window must not exceed ${MAX_WINDOW_DAYS} days`);
  return { ok: true, value: { from, to } };
}

/** Chart bucket for a window: hours up to 2 days, 6 hours up to a week, days beyond (bars stay wide enough to see). */
export function bucketForWindow(spanMs: number): number {
  if (spanMs <= 2 * DAY_MS) return HOUR_MS;
  if (spanMs <= 7 * DAY_MS) return 6 * HOUR_MS;
  return DAY_MS;
}

/** The instant rounded up to a whole step (UTC-aligned): where a window ending then ends. */
export function ceilTo(ms: number, stepMs: number): number {
  return Math.ceil(ms / stepMs) * stepMs;
}

/** The window widened to whole buckets (UTC-aligned): the rates aggregation's [start, end). */
export function alignWindow(w: TimeWindow, bucketMs: number): { end: number; windowMs: number } {
  const start = Math.floor(w.from / bucketMs) * bucketMs;
  const end = ceilTo(w.to, bucketMs);
  return { end, windowMs: Math.max(bucketMs, end - start) };
}

/** The window a query names: its from/to, else `days` (or the default) ending now; end undefined means now. */
export function queryWindow(
  q: { window?: TimeWindow; days?: number },
  defaultDays: number,
): { end?: number; windowMs: number } {
  return q.window
    ? { end: q.window.to, windowMs: q.window.to - q.window.from }
    : { windowMs: (q.days ?? defaultDays) * DAY_MS };
}
