/*
 * GET /api/elastic_recheck/uncategorized: failed builds that no `explains` signature explains, and the
 * categorization rate; its path and validator (the window query of common/api/rates.ts).
 */
import { API_BASE_PATH } from '../constants';
import { validateWindowQuery } from './rates';

export const UNCATEGORIZED_PATH = `${API_BASE_PATH}/uncategorized`;

export const validateUncategorizedQuery = validateWindowQuery([
  'days',
  'from',
  'to',
  'queues',
  'projects',
  'branches',
  'page',
  'perPage',
  'excludeJobs',
]);

export interface JobCategorization {
  job: string;
  failedBuilds: number;
  explainedBuilds: number;
  unexplainedBuilds: number;
  /** explained / failed * 100 (not rounded). */
  rate: number;
}

export interface UnexplainedBuild {
  uuid: string;
  job: string;
  project: string;
  status: string;
  /** Newest indexed line of the build (ISO-8601). */
  timestamp: string;
  /** The build's log directory (log_url without the file name) and one of its files. */
  logRoot?: string;
  logUrl?: string;
  change?: number;
  patchset?: string;
  queue?: string;
  branch?: string;
}

export interface UncategorizedResult {
  start: number;
  end: number;
  failedBuilds: number;
  explainedBuilds: number;
  /** explainedBuilds / failedBuilds * 100; null when there was no failure. */
  rate: number | null;
  /** Jobs with the most unexplained failures first (ties by name). */
  jobs: JobCategorization[];
  /** One page of the unexplained builds, newest first. */
  unexplained: UnexplainedBuild[];
  page: number;
  perPage: number;
  took: number;
}
