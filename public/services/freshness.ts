/*
 * How fresh the logs are for the range on screen. A log line's @timestamp is when the job wrote it, and the
 * log pipeline ships a build's files when the build ends, so the newest line is normally as old as a long
 * job (about an hour): only a gap well past that, or a range the logs do not reach, is worth a warning.
 */
import { formatDate, formatLag } from './format';

/** Newest line older than this (plus the intake interval) when the range ends now: logs may have stopped. */
export const LAG_WARNING_SECONDS = 2 * 3600;
/** A range ending this close to now is treated as ending now. */
const NOW_SLACK_MS = 5 * 60 * 1000;

export interface Freshness {
  color: 'default' | 'warning' | 'danger';
  text: string;
  /** What the figure means, for a tooltip. */
  explain: string;
}

export function freshness(
  newest: string | null,
  indexPattern: string,
  now: number,
  range?: { from: number; to: number },
  intakeIntervalSeconds?: number,
): Freshness {
  const interval = intakeIntervalSeconds ?? 60;
  const threshold = LAG_WARNING_SECONDS + interval;
  const explain =
    `Age of the newest log line in ${indexPattern}. Lines are indexed when their build ends, so an hour is ` +
    `normal; more than ${formatLag(threshold)} (with the intake looking every ${formatLag(interval)}) ` +
    `for a range ending now means logs may have stopped arriving.`;
  if (newest === null) return { color: 'danger', text: `No log documents in ${indexPattern}`, explain };
  const t = Date.parse(newest);
  const lag = Math.max(0, (now - t) / 1000);
  const at = formatDate(newest);
  if (range && t < range.from)
    return { color: 'danger', text: `No logs in the range shown: the newest log is from ${at}`, explain };
  if (range && range.to < now - NOW_SLACK_MS) {
    return t >= range.to
      ? { color: 'default', text: `Logs cover the range shown (newest log ${at})`, explain }
      : { color: 'warning', text: `Logs in the range shown stop at ${at}`, explain };
  }
  if (lag > threshold)
    return {
      color: 'warning',
      text: `Newest log ${formatLag(lag)} old (${at}): recent builds may be missing`,
      explain,
    };
  return { color: 'default', text: `Logs up to date (newest log ${formatLag(lag)} ago, ${at})`, explain };
}
