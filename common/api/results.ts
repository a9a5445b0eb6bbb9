/*
 * A stored classification result: one document per failed Zuul build in the results index
 * (`elastic_recheck.results.index`), written by the background intake, updated by the classify and
 * report steps. Also the answer of the past-results routes.
 */
import type { SignatureMatch } from './classify';

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
