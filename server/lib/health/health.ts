/* Engine health and indexing lag, as elastic-recheck showed "indexing behind by N hours". */
import type { HealthResponse } from '../../../common/api/health';
import { LOG_FIELDS, logSourceFields, readLogDocument } from '../../../common/log_fields';
import { EngineClient, EngineRequestError, search } from '../../../lib/engine_client';

export async function readHealth(
  engine: EngineClient,
  indexPattern: string,
  now: Date = new Date(),
): Promise<HealthResponse> {
  const checkedAt = now.toISOString();
  let cluster: { status: 'green' | 'yellow' | 'red'; cluster_name: string };
  try {
    cluster = await engine.request({ method: 'GET', path: '/_cluster/health' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Unreachable (or refused) engine is an answer, not a failure of this route.
    if (error instanceof EngineRequestError) {
      return {
        engine: { reachable: false, error: message },
        logs: { indexPattern, newestTimestamp: null, lagSeconds: null },
        checkedAt,
      };
    }
    throw error;
  }
  const newest = await search(
    engine,
    indexPattern,
    {
      size: 1,
      sort: [{ [LOG_FIELDS.timestamp]: { order: 'desc', unmapped_type: 'date' } }],
      _source: logSourceFields('timestamp'),
      track_total_hits: false,
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  const newestTimestamp = readLogDocument(newest.hits.hits[0]?._source).timestamp ?? null;
  const lagSeconds = newestTimestamp
    ? Math.max(0, Math.round((now.getTime() - Date.parse(newestTimestamp)) / 1000))
    : null;
  return {
    engine: { reachable: true, status: cluster.status, clusterName: cluster.cluster_name },
    logs: { indexPattern, newestTimestamp, lagSeconds },
    checkedAt,
  };
}
