/*
 * The signature model. One signature fingerprints one known bug with a Lucene query over CI logs.
 * The first block of fields mirrors elastic-recheck's `queries/<bug>.yaml`; the rest is ours.
 */
/** The trackers a signature's bug may live in. */
export const BUG_TRACKERS = ['launchpad', 'github', 'jira', 'storyboard'] as const;
export type BugTracker = (typeof BUG_TRACKERS)[number];

/** A signature id: also its file name (`<id>.yaml`) and a saved-object id. */
export const SIGNATURE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A Zuul build uuid, or the prefix of one (elastic-recheck's short uuids). */
export const BUILD_UUID_RE = /^[0-9a-fA-F-]{7,64}$/;

export interface BugRef {
  tracker: BugTracker;
  /** Tracker-local id: "1260311" (Launchpad), "owner/repo#12" (GitHub), "PROJ-12" (Jira), "2006737" (Storyboard). */
  id: string;
  url: string;
}

/** `explains`: a match explains the failure (reported, counts as categorized). `track`: graphed only. */
export const SIGNATURE_MODES = ['explains', 'track'] as const;
export type SignatureMode = (typeof SIGNATURE_MODES)[number];

export interface SignatureScope {
  projects?: string[];
  branches?: string[];
  /** Zuul pipelines, e.g. check, gate, periodic. */
  queues?: string[];
}

export interface Signature {
  /** Stable id; for elastic-recheck files the file stem (the Launchpad bug number). */
  id: string;
  bug: BugRef;
  /** Lucene query-string text as written, without the implied `AND voting:1`. */
  query: string;
  /** elastic-recheck `allow-nonvoting`: when false, `AND voting:1` is implied. */
  allowNonvoting: boolean;
  /** elastic-recheck `suppress-graph`: left out of failure-rate graphs. */
  suppressGraph: boolean;
  /** elastic-recheck `suppress-notification`: never reported to Gerrit or chat, never classified on demand. */
  suppressNotification: boolean;
  /** elastic-recheck `test_ids`: a hit counts only if one of these tests failed in the build. */
  testIds?: string[];
  /**
   * elastic-recheck `resolved_at` (historical, 2013-12..2014-02: the query was skipped while set). Kept as written
   * so that old files round-trip; treat a resolved signature as inactive, as elastic-recheck did.
   */
  resolvedAt?: string;
  title?: string;
  owner?: string;
  mode: SignatureMode;
  scope?: SignatureScope;
  /** ISO-8601 timestamps. */
  created?: string;
  updated?: string;
}
