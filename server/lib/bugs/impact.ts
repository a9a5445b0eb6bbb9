/*
 * Impact of each signature over a window, from the stored results (the failed builds Zuul gave the
 * intake, with start, end and nodeset) and the log index (every build of a change, failed or not):
 *  - failed builds: classified results the signature explains, by the build's end time;
 *  - node-hours: sum of (end - start) x nodes over those builds; nodes from `bugs.impact.nodesetNodes`
 *    by the build's Zuul nodeset name, else `bugs.impact.defaultNodes` (Zuul lists the nodeset's name,
 *    not its size);
 *  - rechecks: those failed builds that were followed by another build of the same change and job (its
 *    first indexed log line after the failed build's end): the build ran again because of the failure.
 * A build explained by two signatures counts for both.
 */
import type { ImpactResponse, SignatureImpact } from '../../../common/api/bugs';
import type { BuildResult } from '../../../common/api/results';
import { LOG_FIELDS } from '../../../common/log_fields';
import type { RecheckConfig } from '../../config';
import { EngineClient, search } from '../../../lib/engine_client';

/** Zuul writes times without a zone; they are UTC. */
export function zuulTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(t) ? t : undefined;
}

const MAX_RESULTS = 10000;

export async function signatureImpact(
  engine: EngineClient,
  config: RecheckConfig,
  start: number,
  end: number,
): Promise<ImpactResponse> {
  const res = await search<BuildResult>(
    engine,
    config.results.index,
    {
      size: MAX_RESULTS,
      query: {
        bool: {
          filter: [
            { term: { stage: 'classified' } },
            { term: { explained: true } },
            { range: { 'build.endTime': { gte: start, lt: end, format: 'epoch_millis' } } },
          ],
        },
      },
      sort: [{ 'build.endTime': 'asc' }],
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  const results = res.hits.hits.map((h: any) => h._source as BuildResult);

  // every build of the changes concerned, with its first indexed line
  const changes = [...new Set(results.map((r) => r.build.change).filter((c): c is number => c !== undefined))];
  const later = new Map<string, Array<{ uuid: string; first: number }>>();
  if (changes.length) {
    const logs = await search(
      engine,
      config.logs.indexPattern,
      {
        size: 0,
        query: {
          bool: {
            filter: [
              { terms: { [LOG_FIELDS.buildChange]: changes } },
              { range: { [LOG_FIELDS.timestamp]: { gte: start, format: 'epoch_millis' } } },
            ],
          },
        },
        aggs: {
          builds: {
            multi_terms: {
              terms: [
                { field: LOG_FIELDS.buildChange },
                { field: LOG_FIELDS.buildName },
                { field: LOG_FIELDS.buildUuid },
              ],
              size: 65535,
            },
            aggs: { first: { min: { field: LOG_FIELDS.timestamp } } },
          },
        },
      },
      { ignore_unavailable: true, allow_no_indices: true },
    );
    for (const b of (logs.aggregations?.builds?.buckets ?? []) as any[]) {
      const [change, job, uuid] = b.key as [number | string, string, string];
      const key = `${Number(change)}\n${job}`;
      if (!later.has(key)) later.set(key, []);
      later.get(key)!.push({ uuid, first: b.first.value });
    }
  }

  const out = new Map<string, SignatureImpact>();
  for (const r of results) {
    const b = r.build;
    const s = zuulTime(b.startTime);
    const e = zuulTime(b.endTime);
    const nodes = (b.nodeset && config.bugs.impact.nodesetNodes[b.nodeset]) || config.bugs.impact.defaultNodes;
    const hours = s !== undefined && e !== undefined && e >= s ? ((e - s) / 3600000) * nodes : undefined;
    const rechecked =
      b.change !== undefined &&
      e !== undefined &&
      (later.get(`${b.change}\n${b.job}`) ?? []).some((x) => x.uuid !== b.uuid && x.first > e);
    for (const id of new Set(r.matches.filter((m) => m.mode === 'explains').map((m) => m.signatureId))) {
      const row = out.get(id) ?? { signatureId: id, failedBuilds: 0, nodeHours: 0, rechecks: 0, withoutDuration: 0 };
      row.failedBuilds++;
      if (hours === undefined) row.withoutDuration++;
      else row.nodeHours += hours;
      if (rechecked) row.rechecks++;
      out.set(id, row);
    }
  }
  const signatures = [...out.values()]
    .map((x) => ({ ...x, nodeHours: Math.round(x.nodeHours * 1000) / 1000 }))
    .sort((a, b) => b.nodeHours - a.nodeHours || b.rechecks - a.rechecks || a.signatureId.localeCompare(b.signatureId));
  return { start, end, signatures };
}
