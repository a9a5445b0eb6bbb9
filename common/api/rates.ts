/* Failure rates of graphed signatures (the data behind the graphs page and graph.json). */
import type { BugRef, SignatureMode } from '../signature/types';
import type { BugInfo, SignatureImpact } from './bugs';

export interface StatusSeries {
  /** Build status (Zuul result) of the builds counted in this series. */
  status: string;
  /** [bucket start (epoch ms), distinct builds of this status with a matching line in the bucket]. */
  data: Array<[number, number]>;
}

export interface JobCount {
  job: string;
  /** Distinct failed builds of this job the signature matched in the window. */
  failedBuilds: number;
}

export interface SignatureRate {
  signatureId: string;
  bug: BugRef;
  title?: string;
  mode: SignatureMode;
  /** False when the signature has allow-nonvoting (non-voting jobs count too). */
  voting: boolean;
  /** Matching log lines in the window. */
  hits: number;
  /** Distinct builds per status in the window (exact). */
  buildsByStatus: Record<string, number>;
  /** Distinct failed builds (any failed status) in the window, and in the last 24 h of it (exact). */
  failedBuilds: number;
  failedBuilds24h: number;
  series: StatusSeries[];
  topJobs: JobCount[];
  /** The tracker's data of the bug (title, status, projects), when the background work has it. */
  bugInfo?: BugInfo;
  /** Node-hours and rechecks its explained failures caused in the window (from stored results). */
  impact?: SignatureImpact;
}

export interface RatesResult {
  /** Window [start, end) in epoch ms and the bucket size. */
  start: number;
  end: number;
  bucketMs: number;
  /** Most-hit first: by failed builds in 24 h, then in the window (elastic-recheck's order). */
  signatures: SignatureRate[];
  /** Engine `took` (ms) of the one aggregation request. */
  took: number;
}

export interface RatesFilters {
  queues?: string[];
  projects?: string[];
  branches?: string[];
}
