/* Success check (hits on successful builds, precision) and overlap between signatures. */
export interface SuccessCheck {
  signatureId: string;
  /** Matching log lines and distinct builds per build status, in the window (exact). */
  hitsByStatus: Record<string, number>;
  buildsByStatus: Record<string, number>;
  failedBuilds: number;
  successBuilds: number;
  /** failed / (failed + successful) builds: how often a match means a failed build. null without matches. */
  precision: number | null;
  /** successful / (failed + successful) builds, as a fraction. */
  successShare: number | null;
  /** True above the threshold (elastic-recheck's guideline: at most 10 % of hits on successful builds). */
  warning: boolean;
}

export interface OverlapEntry {
  signatureId: string;
  /** Builds matched by both signatures. */
  sharedBuilds: number;
  /** shared / builds of the other signature. */
  shareOfOther: number;
  /** Jaccard index of the two build sets. */
  jaccard: number;
}

export interface OverlapResult {
  signatureId: string;
  builds: number;
  /** Other signatures sharing at least one build, most shared first. */
  overlaps: OverlapEntry[];
}
