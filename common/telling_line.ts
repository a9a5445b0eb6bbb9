/*
 * How telling a log line is as the explanation of a failure: the one scoring used by the editor's
 * "new signature from this build" and by the clusters of uncategorized failures (server/lib/clusters).
 */

/** Lines that say error/exception/failed: the candidates the telling line is chosen from first. */
export const ERROR_LINES_QUERY =
  'message:error OR message:exception OR message:traceback OR message:failed OR message:timeout OR message:refused';

export const EXCEPTION_RE = /\b([A-Za-z_][\w.]*(?:Error|Exception|Failure|Timeout|Fault))\b:?\s*(.*)$/;

/** Score of a log line as the explanation of a failure (higher is more telling). */
export function lineScore(line: string): number {
  let score = 0;
  if (/Traceback \(most recent call last\)/.test(line)) return -5;
  if (EXCEPTION_RE.test(line)) score += 5;
  if (/\bERROR\b/.test(line)) score += 3;
  if (/\b(FAILED|FAIL|Timed out|timed out|refused)\b/.test(line)) score += 2;
  if (/(Warning|WARNING)\b|\b[EFWH]\d{3}\b|\bfatal\b|UNREACHABLE|RESULT_(?!SUCCESS)/.test(line)) score += 2;
  if (/\b(DEBUG|INFO)\b/.test(line)) score -= 2;
  if (/(\.\.\.|\s)ok$|\bPASSED\b|RESULT_SUCCESS/.test(line)) score -= 3;
  if (line.length < 20) score -= 2;
  return score;
}
