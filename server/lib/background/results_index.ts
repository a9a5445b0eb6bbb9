/* The results index: mapping and the queries the background steps run over it. */
import type { BuildResult } from '../../../common/api/results';
import { EngineClient, search } from '../../../lib/engine_client';
import { ensureIndex, Versioned } from './store';

export const RESULTS_MAPPINGS = {
  dynamic: false,
  properties: {
    build: {
      properties: {
        uuid: { type: 'keyword' },
        tenant: { type: 'keyword' },
        zuulId: { type: 'long' },
        job: { type: 'keyword' },
        result: { type: 'keyword' },
        voting: { type: 'boolean' },
        pipeline: { type: 'keyword' },
        project: { type: 'keyword' },
        branch: { type: 'keyword' },
        change: { type: 'long' },
        patchset: { type: 'keyword' },
        buildset: { type: 'keyword' },
        endTime: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
      },
    },
    stage: { type: 'keyword' },
    takenAt: { type: 'date' },
    updatedAt: { type: 'date' },
    classifiedAt: { type: 'date' },
    explained: { type: 'boolean' },
    matches: { properties: { signatureId: { type: 'keyword' } } },
    reportPending: { type: 'boolean' },
    nextReportAt: { type: 'date' },
  },
};

export function ensureResultsIndex(engine: EngineClient, index: string): Promise<void> {
  return ensureIndex(engine, index, RESULTS_MAPPINGS);
}

export interface ResultHit extends Versioned<BuildResult> {
  id: string;
}

async function select(
  engine: EngineClient,
  index: string,
  query: object,
  sort: object[],
  size: number,
): Promise<ResultHit[]> {
  const res = await search<BuildResult>(
    engine,
    index,
    { size, query, sort, seq_no_primary_term: true },
    { ignore_unavailable: true },
  );
  return res.hits.hits.map((h: any) => ({
    id: h._id,
    source: h._source,
    seqNo: h._seq_no,
    primaryTerm: h._primary_term,
  }));
}

/** Builds waiting for their logs, oldest first. */
export function waitingResults(engine: EngineClient, index: string, size: number): Promise<ResultHit[]> {
  return select(engine, index, { term: { stage: 'waiting' } }, [{ takenAt: 'asc' }], size);
}

/** The outbox: results with a channel due for delivery, most overdue first. */
export function dueReports(engine: EngineClient, index: string, now: number, size: number): Promise<ResultHit[]> {
  return select(
    engine,
    index,
    {
      bool: {
        filter: [{ term: { reportPending: true } }, { range: { nextReportAt: { lte: new Date(now).toISOString() } } }],
      },
    },
    [{ nextReportAt: 'asc' }],
    size,
  );
}
