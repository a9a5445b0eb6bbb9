/*
 * POST /api/elastic_recheck/classify: its path, the build reference it takes and its validator, and the
 * result types of build classification and log readiness (shown by the browser, sent by routes).
 */
import { API_BASE_PATH } from '../constants';
import { BUILD_UUID_RE } from '../signature/types';
import type { BugRef, SignatureMode } from '../signature/types';
import { fail, type Validated } from './validation';

export const CLASSIFY_PATH = `${API_BASE_PATH}/classify`;

/**
 * A build named by its Zuul uuid, or by its change with optional patchset and job: the newest matching build that
 * failed is taken (the question is "why did my change fail"); a change with no failed build is answered
 * `no_failed_build`.
 */
export type BuildRef = { uuid: string } | { change: number; patchset?: string; job?: string };

export interface BuildInfo {
  uuid: string;
  job: string;
  status: string;
  project?: string;
  branch?: string;
  queue?: string;
  change?: number;
  patchset?: string;
  voting?: number;
  /** Time of the build's newest indexed line (ISO-8601). */
  lastTimestamp?: string;
  /** The build's log root: `log_url` of any file up to its last `/`. */
  logRoot?: string;
}

export interface MatchedLine {
  file: string;
  line: string;
  timestamp: string;
  /** Link to the line: `log_url#L<n>` when the document carries its line number, else `log_url`. */
  link: string;
}

export interface SignatureMatch {
  signatureId: string;
  bug: BugRef;
  title?: string;
  mode: SignatureMode;
  /** Number of the build's log lines the signature matched (exact). */
  hits: number;
  /** The first matching lines, oldest first. */
  lines: MatchedLine[];
  /** For signatures with test_ids: which of them failed in this build. */
  failedTestIds?: string[];
  /** The query as it ran, when old-schema rewrites changed the author's text (common/query/legacy.ts). */
  ranAs?: string;
}

export interface UnconfirmedMatch {
  signatureId: string;
  hits: number;
  /** Why the log match did not count: the test_ids condition is not met or cannot be checked. */
  reason: 'test_ids_not_failed' | 'no_test_results';
  testIds: string[];
}

export interface ReadinessReport {
  ready: boolean;
  build?: BuildInfo;
  /** Files seen for the build (basenames), sorted. */
  files: string[];
  /** Required files (for this job) not indexed yet. */
  missingFiles: string[];
  /** Concrete indices holding the build's lines (classification then searches only these). */
  indices?: string[];
  /** Number of indexed lines of the build. */
  lines?: number;
  /** Whether the end-of-log marker line was found (undefined when no marker is configured). */
  markerFound?: boolean;
  attempts: number;
  waitedMs: number;
}

export type ClassifyResult =
  | {
      kind: 'classified';
      build: BuildInfo;
      /** Matching signatures, in the order the signatures were given. */
      matches: SignatureMatch[];
      /** True when at least one `explains` signature matched. */
      explained: boolean;
      /** Signatures whose log query matched but whose test_ids condition did not hold. */
      unconfirmed: UnconfirmedMatch[];
      /** suppress-notification signatures that matched (on-demand only; never in `matches`). */
      suppressed: SignatureMatch[];
      signaturesChecked: number;
      /** How the signatures were run: percolating the build's lines, or one filters aggregation. */
      strategy?: 'percolator' | 'filters';
      /** Engine `took` of the classification request(s), and their wall-clock time (ms). */
      took: number;
      elapsedMs: number;
      /**
       * Set when the build's logs were not fully indexed (missing files, no end-of-log line) and it was classified
       * on demand anyway: matches in the lines still to come are missing.
       */
      incomplete?: ReadinessReport;
      /** For a change reference: which of the change's builds was taken, and how many newer ones did not fail. */
      taken?: ChangeBuildChoice;
    }
  | { kind: 'not_ready'; readiness: ReadinessReport }
  | { kind: 'not_found'; ref: BuildRef }
  /** The change has indexed builds but none failed: nothing to explain. */
  | { kind: 'no_failed_build'; ref: BuildRef; builds: number; newest: BuildInfo };

export interface ChangeBuildChoice {
  /** The build taken: the newest failed build of the change (with the patchset and job given). */
  uuid: string;
  /** The change's indexed builds (with the patchset and job given), at most CHANGE_BUILDS_LOOKED_AT. */
  builds: number;
  /** Builds of the change newer than the one taken that did not fail (they passed). */
  newerNotFailed: number;
}

/** How many of a change's builds (newest first) are looked at for its newest failed one. */
export const CHANGE_BUILDS_LOOKED_AT = 200;

/** `{ uuid }` or `{ change }` with optional `patchset` and `job`. */
export function validateClassifyBody(body: unknown): Validated<BuildRef> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return fail(['body'], 'expected { uuid } or { change, patchset, job }');
  const b = body as Record<string, unknown>;
  if ('uuid' in b) {
    const extra = Object.keys(b).filter((k) => k !== 'uuid');
    if (extra.length) return fail([extra[0]], 'unknown field next to uuid');
    if (typeof b.uuid !== 'string' || !BUILD_UUID_RE.test(b.uuid))
      return fail(['uuid'], 'expected a Zuul build uuid (hex)');
    return { ok: true, value: { uuid: b.uuid } };
  }
  for (const key of Object.keys(b))
    if (!['change', 'patchset', 'job'].includes(key))
      return fail([key], 'unknown field (allowed: uuid, or change, patchset, job)');
  if (b.change === undefined) return fail(['change'], 'required when no uuid is given');
  const change = Number(b.change);
  if (!Number.isInteger(change) || change < 1) return fail(['change'], 'expected a change number');
  const ref: { change: number; patchset?: string; job?: string } = { change };
  // patchset and job narrow the choice; without them the change's newest build is taken (its latest patchset)
  if (b.patchset !== undefined) {
    if ((typeof b.patchset !== 'string' && typeof b.patchset !== 'number') || !/^\d+$/.test(String(b.patchset)))
      return fail(['patchset'], 'expected a patchset number');
    ref.patchset = String(b.patchset);
  }
  if (b.job !== undefined) {
    if (typeof b.job !== 'string' || b.job.trim() === '' || b.job.length > 200)
      return fail(['job'], 'expected a job name');
    ref.job = b.job;
  }
  return { ok: true, value: ref };
}
