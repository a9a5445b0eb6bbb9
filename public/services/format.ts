/* Number, percent, date and duration formatting for every page (one place, locale-aware). */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : integer.format(n);
}

/** `rate` in percent (0-100). */
export function formatPercent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  return `${rate.toFixed(digits)} %`;
}

/** "file" or "files" for a count: `${n} ${plural(n, 'file')}`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return n === 1 ? word : many;
}

export function formatDate(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

/** A lag in seconds as elastic-recheck said it: "N hours", minutes below two hours. */
export function formatLag(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} hours`;
}

/** "3 h ago", "2 d ago" for last-hit columns. */
export function formatAge(value: string | number | undefined, now = Date.now()): string {
  if (value === undefined) return 'never';
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return String(value);
  const s = Math.max(0, (now - t) / 1000);
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
