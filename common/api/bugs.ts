/*
 * What the trackers say about the bugs behind the signatures (title, status, affected projects), and
 * the reports built on it: impact per signature, the cleanup report and the regression/spike alarms.
 * Fetched by the background work and cached in the engine (server/lib/bugs/).
 */
import { API_BASE_PATH } from '../constants';
import { BUG_TRACKERS, type BugRef, type BugTracker } from '../signature/types';
import { fail, type Validated } from './validation';

export const BUGS_PATH = `${API_BASE_PATH}/bugs`;
export const IMPACT_PATH = `${API_BASE_PATH}/impact`;
export const CLEANUP_PATH = `${API_BASE_PATH}/cleanup`;
export const ALARMS_PATH = `${API_BASE_PATH}/alarms`;

/** Our summary of a tracker's status. `invalid`: closed without a fix (Invalid, Won't Fix, not planned...). */
export const BUG_STATUSES = ['open', 'fixed', 'invalid', 'unknown'] as const;
export type BugStatus = (typeof BUG_STATUSES)[number];

/**
 * `ok`: read; `private`: the tracker refuses to show it to us; `missing`: no such bug (an anonymous
 * Launchpad or Jira client gets the same 404 for a private bug); `unreachable`: the tracker could not be
 * asked (down, timed out, rate limited); `pending`: not fetched yet; `unsupported`: no tracker configured.
 */
export type BugAvailability = 'ok' | 'private' | 'missing' | 'unreachable' | 'pending' | 'unsupported';

export interface BugTask {
  /** Launchpad bug_target_name, GitHub owner/repo, Jira project key or component, StoryBoard project name. */
  target: string;
  /** The tracker's own status text ("Fix Released", "closed", "Done", "merged"). */
  status: string;
  importance?: string;
}

export interface BugInfo {
  tracker: BugTracker;
  id: string;
  url: string;
  availability: BugAvailability;
  title?: string;
  status: BugStatus;
  /** The tracker's status of the bug itself where it has one (GitHub, Jira, StoryBoard). */
  trackerStatus?: string;
  tasks: BugTask[];
  /** When the tracker last answered (ISO); data from then is kept when a later fetch fails. */
  fetchedAt?: string;
  /** Since when `status` has had its current value (as far as we saw). */
  statusSince?: string;
  /** When the tracker says the bug was fixed or closed (Launchpad date_fix_committed / date_fix_released / date_closed, GitHub closed_at, Jira resolutiondate, StoryBoard updated_at). */
  fixedAt?: string;
  /** Last failed attempt and why (no secrets). */
  error?: string;
  attempts: number;
  nextFetchAt?: string;
}

export interface BugsResponse {
  bugs: BugInfo[];
}

export function bugKey(bug: { tracker: string; id: string }): string {
  return `${bug.tracker}:${bug.id}`;
}

/** The title as elastic-recheck's graph page showed it, with its texts for a private and an unreadable bug. */
export function bugTitleText(info: BugInfo | undefined): string {
  if (!info || info.availability === 'pending') return 'Bug data not fetched yet';
  if (info.title && info.availability !== 'private') return info.title;
  if (info.availability === 'private') return 'Unknown (Private Bug)';
  if (info.availability === 'missing') return 'Bug not found on the tracker (or private)';
  if (info.availability === 'unsupported') return `No ${info.tracker} tracker configured`;
  return `Unable to get ${info.tracker} data`;
}

/** elastic-recheck's "Projects:" line: "(nova - Confirmed), (neutron - Fix Released)". */
export function affectsText(info: BugInfo | undefined): string {
  if (!info) return 'Unknown';
  if (info.availability === 'private') return 'Unknown (Private Bug)';
  if (!info.tasks.length) return 'Unknown';
  return info.tasks.map((t) => `(${t.target} - ${t.status})`).join(', ');
}

export function unknownBug(ref: BugRef, availability: BugAvailability = 'pending'): BugInfo {
  return { tracker: ref.tracker, id: ref.id, url: ref.url, availability, status: 'unknown', tasks: [], attempts: 0 };
}

/** Impact of one signature over a window: what its explained failures cost. */
export interface SignatureImpact {
  signatureId: string;
  failedBuilds: number;
  /** Sum over its failed builds of (end - start) x nodes, in hours. */
  nodeHours: number;
  /** Failed builds followed by another build of the same change and job. */
  rechecks: number;
  /** Failed builds whose duration Zuul did not give (left out of nodeHours). */
  withoutDuration: number;
}

export interface ImpactResponse {
  start: number;
  end: number;
  signatures: SignatureImpact[];
}

export type CleanupReason = 'bug_closed_and_silent' | 'silent';

export interface CleanupItem {
  signatureId: string;
  bug: BugRef;
  title?: string;
  bugStatus: BugStatus;
  availability: BugAvailability;
  /** Last matching log line seen within the lookback, if any. */
  lastHit?: string;
  reason: CleanupReason;
  /** The file a git change to the queries repository would delete. */
  file: string;
}

export interface CleanupResponse {
  /** Signatures whose bug is fixed or invalid: no hit in this many days. */
  closedDays: number;
  /** Any signature: no hit in this many days. */
  silentDays: number;
  generatedAt: string;
  items: CleanupItem[];
}

export type AlarmKind = 'regression' | 'spike';

export interface AlarmEvidence {
  uuid: string;
  job: string;
  project: string;
  change?: number;
  patchset?: string;
  logUrl?: string;
  /** First matching line of the build. */
  line?: string;
  at?: string;
}

export interface AlarmChannelState {
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt?: string;
  claimedAt?: string;
  sentAt?: string;
  lastError?: string;
}

export interface Alarm {
  id: string;
  kind: AlarmKind;
  signatureId: string;
  bug: BugRef;
  bugTitle?: string;
  raisedAt: string;
  /** Regression: the bug's status when the build matched; spike: failures in the last day and the usual daily rate. */
  bugStatus?: BugStatus;
  lastDay?: number;
  usualPerDay?: number;
  factor?: number;
  text: string;
  evidence: AlarmEvidence[];
  reports: Record<string, AlarmChannelState>;
}

export interface AlarmsResponse {
  alarms: Alarm[];
}

const BUG_ID_RE = new RegExp(`^(${BUG_TRACKERS.join('|')}):\\S{1,200}$`);

/** GET /bugs?ids=launchpad:1,github:o/r#2 (default: every cached bug). */
export function validateBugsQuery(data: unknown): Validated<{ ids?: string[] }> {
  const q = (data ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(q)) if (key !== 'ids') return fail([key], 'unknown parameter (allowed: ids)');
  if (q.ids === undefined) return { ok: true, value: {} };
  if (typeof q.ids !== 'string' || q.ids.length > 20000)
    return fail(['ids'], 'expected a comma-separated list of tracker:id');
  const ids = q.ids.split(',').filter((s) => s !== '');
  if (ids.some((s) => !BUG_ID_RE.test(s)))
    return fail(
      ['ids'],
      `expected a comma-separated list of tracker:id (tracker ${BUG_TRACKERS.slice(0, -1).join(', ')} or ${BUG_TRACKERS.at(-1)})`,
    );
  return { ok: true, value: { ids } };
}

function dayParam(q: Record<string, unknown>, key: string): Validated<number | undefined> {
  if (q[key] === undefined) return { ok: true, value: undefined };
  const n = Number(q[key]);
  if (!Number.isInteger(n) || n < 1 || n > 3650) return fail([key], 'expected an integer from 1 to 3650');
  return { ok: true, value: n };
}

/** GET /cleanup?closedDays=&silentDays=&format=json|files */
export function validateCleanupQuery(
  data: unknown,
): Validated<{ closedDays?: number; silentDays?: number; format: 'json' | 'files' }> {
  const q = (data ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(q))
    if (!['closedDays', 'silentDays', 'format'].includes(key))
      return fail([key], 'unknown parameter (allowed: closedDays, silentDays, format)');
  const closed = dayParam(q, 'closedDays');
  if (!closed.ok) return closed;
  const silent = dayParam(q, 'silentDays');
  if (!silent.ok) return silent;
  if (q.format !== undefined && q.format !== 'json' && q.format !== 'files')
    return fail(['format'], 'expected json or files');
  return {
    ok: true,
    value: {
      closedDays: closed.value,
      silentDays: silent.value,
      format: (q.format as 'json' | 'files' | undefined) ?? 'json',
    },
  };
}

/** GET /impact?days= */
export function validateImpactQuery(data: unknown): Validated<{ days?: number }> {
  const q = (data ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(q)) if (key !== 'days') return fail([key], 'unknown parameter (allowed: days)');
  const days = dayParam(q, 'days');
  if (!days.ok) return days;
  if ((days.value ?? 0) > 90) return fail(['days'], 'expected an integer from 1 to 90');
  return { ok: true, value: { days: days.value } };
}
