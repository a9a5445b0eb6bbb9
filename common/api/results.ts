/*
 * A stored classification result: one document per failed Zuul build in the results index
 * (`elastic_recheck.results.index`), written by the background intake, updated by the classify and
 * report steps. Also the answer of GET /api/elastic_recheck/results (path, query and validator below).
 */
import { ALL_BUILD_STATUSES, API_BASE_PATH } from '../constants';
import { readWindow, TimeWindow } from '../time_window';
import { BUILD_UUID_RE, SIGNATURE_ID_RE } from '../signature/types';
import type { SignatureMatch } from './classify';
import { fail, intParam, listParam, unknownKeys, type Validated } from './validation';

export const RESULTS_PATH = `${API_BASE_PATH}/results`;

export type ResultStage = 'waiting' | 'classified' | 'not_ready' | 'not_found';
export type ReportStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
export type ReportChannelKind = 'gerrit' | 'slack' | 'matrix' | 'json';

export interface ReportState {
  /** `gerrit` or `chat:<webhook name>`. */
  channel: string;
  kind: ReportChannelKind;
  /** positive: a known bug explains the failure; negative: unrecognized error or logs not ready. */
  event: 'positive' | 'negative';
  status: ReportStatus;
  attempts: number;
  firstAttemptAt?: string;
  nextAttemptAt?: string;
  /** Set while one instance delivers (status `sending`). */
  claimedAt?: string;
  /** Unique per claim: lets the instance that claimed recognize its own interrupted delivery. */
  claimId?: string;
  sentAt?: string;
  lastError?: string;
  /** Why the channel was skipped or failed. */
  reason?: string;
  /** The exact text sent (or to be sent). */
  text?: string;
}

export interface StoredBuild {
  uuid: string;
  tenant: string;
  zuulId: number;
  job: string;
  result: string;
  voting: boolean;
  pipeline: string;
  project: string;
  branch?: string;
  change?: number;
  patchset?: string;
  ref?: string;
  refUrl?: string;
  logUrl?: string;
  startTime?: string;
  endTime?: string;
  buildset?: string;
  /** Zuul's nodeset name (impact: node count from bugs.impact.nodesetNodes). */
  nodeset?: string;
}

export interface BuildResult {
  build: StoredBuild;
  stage: ResultStage;
  takenAt: string;
  updatedAt: string;
  readiness?: { attempts: number; lastCheckAt: string; missingFiles: string[]; markerFound?: boolean };
  classifiedAt?: string;
  matches: SignatureMatch[];
  /** At least one `explains` signature matched. */
  explained: boolean;
  reports: Record<string, ReportState>;
  /** True while any channel is pending or sending (the outbox query). */
  reportPending: boolean;
  /** Earliest time a pending channel is due. */
  nextReportAt?: string;
}

export interface ResultsQuery {
  build?: string;
  change?: number;
  signature?: string;
  job?: string;
  project?: string;
  /** Zuul results of the build (FAILURE, TIMED_OUT, ...). */
  status?: string[];
  /** Only builds a known bug explains (true) or that none explains (false). */
  explained?: boolean;
  /** When the intake took the build in (`takenAt`), [from, to) in epoch ms. */
  window?: TimeWindow;
  page: number;
  perPage: number;
}

const RESULTS_PARAMS = [
  'build',
  'change',
  'signature',
  'job',
  'project',
  'status',
  'explained',
  'from',
  'to',
  'page',
  'perPage',
];

/** The answer of GET /results: one page of stored results, newest first. */
export interface ResultsResponse {
  total: number;
  page: number;
  perPage: number;
  results: BuildResult[];
}

export function validateResultsQuery(data: unknown): Validated<ResultsQuery> {
  const q = (data ?? {}) as Record<string, unknown>;
  const unknown = unknownKeys(q, RESULTS_PARAMS);
  if (unknown) return unknown;
  for (const key of ['job', 'project'] as const)
    if (q[key] !== undefined && (typeof q[key] !== 'string' || !q[key].trim() || q[key].length > 200))
      return fail([key], `expected a ${key} name`);
  const status = listParam(q, 'status');
  if (!status.ok) return status;
  const unknownStatus = status.value?.find((s) => !(ALL_BUILD_STATUSES as readonly string[]).includes(s));
  if (unknownStatus)
    return fail(['status'], `unknown build status ${unknownStatus} (known: ${ALL_BUILD_STATUSES.join(', ')})`);
  if (
    q.explained !== undefined &&
    q.explained !== 'true' &&
    q.explained !== 'false' &&
    typeof q.explained !== 'boolean'
  )
    return fail(['explained'], 'expected true or false');
  const window = readWindow(q);
  if (!window.ok) return fail(window.path, window.message.slice(window.path[0].length + 2));
  if (q.build !== undefined && (typeof q.build !== 'string' || !BUILD_UUID_RE.test(q.build)))
    return fail(['build'], 'expected a build uuid');
  if (q.signature !== undefined && (typeof q.signature !== 'string' || !SIGNATURE_ID_RE.test(q.signature)))
    return fail(['signature'], 'expected a signature id');
  const change = intParam(q, 'change', 1, Number.MAX_SAFE_INTEGER);
  if (!change.ok) return change;
  const page = intParam(q, 'page', 1, 1000);
  if (!page.ok) return page;
  const perPage = intParam(q, 'perPage', 1, 500);
  if (!perPage.ok) return perPage;
  if ((page.value ?? 1) * (perPage.value ?? 50) > 10000) return fail(['page'], 'page * perPage must not exceed 10000');
  return {
    ok: true,
    value: {
      build: q.build as string | undefined,
      change: change.value,
      signature: q.signature as string | undefined,
      job: (q.job as string | undefined)?.trim(),
      project: (q.project as string | undefined)?.trim(),
      status: status.value,
      explained: q.explained === undefined ? undefined : String(q.explained) === 'true',
      window: window.value,
      page: page.value ?? 1,
      perPage: perPage.value ?? 50,
    },
  };
}
