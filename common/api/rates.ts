/*
 * GET /api/elastic_recheck/rates: failure rates of graphed signatures (the data behind the graphs page
 * and graph.json); its path, the time-window query it shares with /uncategorized, and its validator.
 */
import { API_BASE_PATH, MAX_USER_REGEX_LENGTH } from '../constants';
import type { BugRef, SignatureMode } from '../signature/types';
import type { BugInfo, SignatureImpact } from './bugs';
import { HOUR_MS, readWindow, TimeWindow } from '../time_window';
import { fail, intParam, listParam, unknownKeys, type Validated } from './validation';

export const RATES_PATH = `${API_BASE_PATH}/rates`;

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

/** Query of the window routes (/rates, /uncategorized); each accepts its own subset of the keys. */
export interface WindowQuery {
  days?: number;
  /** The window [from, to) in epoch ms (the browser's date-picker range); `days` ending now otherwise. */
  window?: TimeWindow;
  bucketHours?: number;
  queues?: string[];
  projects?: string[];
  branches?: string[];
  page?: number;
  perPage?: number;
  excludeJobs?: string;
}

export function validateWindowQuery(allowed: ReadonlyArray<Exclude<keyof WindowQuery, 'window'> | 'from' | 'to'>) {
  return (data: unknown): Validated<WindowQuery> => {
    const q = (data ?? {}) as Record<string, unknown>;
    const unknown = unknownKeys(q, allowed);
    if (unknown) return unknown;
    const out: WindowQuery = {};
    const window = readWindow(q);
    if (!window.ok) return fail(window.path, window.message.slice(window.path[0].length + 2));
    if (window.value) out.window = window.value;
    for (const [key, min, max] of [
      ['days', 1, 90],
      ['bucketHours', 1, 24],
      ['page', 1, 1000],
      ['perPage', 1, 1000],
    ] as const) {
      const v = intParam(q, key, min, max);
      if (!v.ok) return v;
      if (v.value !== undefined) out[key] = v.value;
    }
    for (const key of ['queues', 'projects', 'branches'] as const) {
      const v = listParam(q, key);
      if (!v.ok) return v;
      if (v.value) out[key] = v.value;
    }
    if (q.excludeJobs !== undefined) {
      if (typeof q.excludeJobs !== 'string' || q.excludeJobs.length > MAX_USER_REGEX_LENGTH)
        return fail(['excludeJobs'], 'expected a regular expression');
      try {
        new RegExp(q.excludeJobs);
      } catch (error) {
        return fail(['excludeJobs'], `invalid regular expression: ${(error as Error).message}`);
      }
      out.excludeJobs = q.excludeJobs;
    }
    if (out.window && out.bucketHours !== undefined && (out.window.to - out.window.from) / HOUR_MS < out.bucketHours)
      return fail(['bucketHours'], 'must not exceed the window');
    if (out.days !== undefined && out.bucketHours !== undefined && (out.days * 24) % out.bucketHours !== 0)
      return fail(['bucketHours'], 'the window (days * 24) must be a multiple of bucketHours');
    return { ok: true, value: out };
  };
}

export const validateRatesQuery = validateWindowQuery([
  'days',
  'from',
  'to',
  'bucketHours',
  'queues',
  'projects',
  'branches',
]);
