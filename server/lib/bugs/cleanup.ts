/*
 * The cleanup report (elastic-recheck-cleanup, plus the "no hits" check its TODO asked for): signatures
 * whose bug is fixed or invalid and that had no hit for `closedDays`, and signatures with no hit for
 * `silentDays` whatever their bug. The last hit is the newest matching log line within the longer of
 * the two windows, or the newest stored result the signature matched, whichever is later (logs are
 * kept for a shorter time than results). Nothing is deleted here: the report lists the files a change
 * to the queries repository would delete.
 */
import { bugKey, BugInfo, CleanupItem, CleanupResponse, unknownBug } from '../../../common/api/bugs';
import type { Signature } from '../../../common/signature/types';
import type { RecheckConfig } from '../../config';
import { EngineClient, search } from '../../../lib/engine_client';
import { signatureHits } from '../signature_hits';
import { compileSignatures } from '../signatures/compile';

const DAY_MS = 86400000;

/** The newest result each signature matched (build end time), from the results index. */
async function lastResultMatch(engine: EngineClient, index: string): Promise<Map<string, number>> {
  const res = await search(
    engine,
    index,
    {
      size: 0,
      query: { term: { stage: 'classified' } },
      aggs: {
        sigs: {
          terms: { field: 'matches.signatureId', size: 10000 },
          aggs: { last: { max: { field: 'build.endTime' } } },
        },
      },
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  const out = new Map<string, number>();
  for (const b of (res.aggregations?.sigs?.buckets ?? []) as any[])
    if (typeof b.last?.value === 'number') out.set(b.key, b.last.value);
  return out;
}

export async function cleanupReport(
  engine: EngineClient,
  config: RecheckConfig,
  signatures: Signature[],
  bugs: Map<string, BugInfo>,
  now: number,
  days: { closedDays?: number; silentDays?: number } = {},
): Promise<CleanupResponse> {
  const closedDays = days.closedDays ?? config.bugs.cleanup.closedDays;
  const silentDays = days.silentDays ?? config.bugs.cleanup.silentDays;
  const lookback = Math.max(closedDays, silentDays) * DAY_MS;
  const hits = await signatureHits(
    engine,
    compileSignatures(signatures),
    config.logs.indexPattern,
    now - lookback,
    now,
  );
  const results = await lastResultMatch(engine, config.results.index);
  const items: CleanupItem[] = [];
  for (const s of signatures) {
    const fromLogs = hits[s.id]?.lastHit ? Date.parse(hits[s.id].lastHit!) : undefined;
    const fromResults = results.get(s.id);
    const last = Math.max(fromLogs ?? -Infinity, fromResults ?? -Infinity);
    const silentFor = (n: number) => !Number.isFinite(last) || last < now - n * DAY_MS;
    const bug = bugs.get(bugKey(s.bug)) ?? unknownBug(s.bug);
    const closed = bug.status === 'fixed' || bug.status === 'invalid';
    const reason = closed && silentFor(closedDays) ? 'bug_closed_and_silent' : silentFor(silentDays) ? 'silent' : null;
    if (!reason) continue;
    items.push({
      signatureId: s.id,
      bug: s.bug,
      title: bug.title ?? s.title,
      bugStatus: bug.status,
      availability: bug.availability,
      ...(Number.isFinite(last) ? { lastHit: new Date(last).toISOString() } : {}),
      reason,
      file: `queries/${s.id}.yaml`,
    });
  }
  items.sort((a, b) =>
    a.reason === b.reason
      ? a.signatureId.localeCompare(b.signatureId, 'en', { numeric: true })
      : a.reason === 'bug_closed_and_silent'
        ? -1
        : 1,
  );
  return { closedDays, silentDays, generatedAt: new Date(now).toISOString(), items };
}

/** The export: one path per line, ready for `xargs git rm`. */
export function cleanupFiles(report: CleanupResponse): string {
  return report.items.map((i) => i.file).join('\n') + (report.items.length ? '\n' : '');
}
