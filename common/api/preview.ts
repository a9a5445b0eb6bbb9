/*
 * POST /api/elastic_recheck/query/preview: what a signature under edit would match, before it is saved
 * (the editor's live preview). Composed of the query core's result types.
 */
import type { SignatureScope } from '../signature/types';
import type { MatchedLine } from './classify';
import type { StatusSeries } from './rates';
import type { OverlapEntry, SuccessCheck } from './success';

export interface PreviewRequest {
  query: string;
  allowNonvoting?: boolean;
  scope?: SignatureScope;
  testIds?: string[];
  /** The signature being edited: left out of the overlap. */
  signatureId?: string;
  /** Window ending now (default: the rates window), hourly buckets unless bucketHours is given. */
  days?: number;
  /** Or the window [from, to) (epoch ms or ISO), buckets fitting its length; not with days. */
  from?: number | string;
  to?: number | string;
  bucketHours?: number;
  /** Number of sample lines (default 10). */
  samples?: number;
}

export interface PreviewSample extends MatchedLine {
  uuid: string;
  job: string;
  status: string;
  project?: string;
}

export interface PreviewOverlap extends OverlapEntry {
  title?: string;
}

export interface PreviewResponse {
  start: number;
  end: number;
  bucketMs: number;
  /** Matching log lines in the window. */
  hits: number;
  /** Distinct builds per status with a matching line, over time. */
  series: StatusSeries[];
  buildsByStatus: Record<string, number>;
  /** Newest matching lines first. */
  samples: PreviewSample[];
  success: SuccessCheck;
  /** Saved signatures matching the same builds, most shared first, with their titles. */
  overlap: PreviewOverlap[];
  took: number;
}
