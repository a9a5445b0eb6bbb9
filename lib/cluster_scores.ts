/*
 * Scores of clusters against the generator's ground truth (scripts/evaluate_clusters.ts): per
 * withheld bug, the purity and completeness of the cluster holding most of its builds, and the
 * recall and precision of that cluster's proposed signature.
 */

export interface BugScore {
  bug: string;
  /** The bug's builds that were clustered. */
  builds: number;
  clusterId?: string;
  clusterSize: number;
  purity: number;
  completeness: number;
  /** Of the proposal: the bug's builds it matches / the bug's builds; matched builds that are the bug's / all it matched. */
  recall: number;
  precision: number;
  /** Of the proposal: the cluster's builds it matches / cluster size, and successful / matched builds. */
  clusterMatch: number;
  successShare: number;
  query?: string;
}

export interface ClusterMembership {
  id: string;
  builds: string[];
  query: string;
}

/** The bug's cluster (most of its builds, then the smaller cluster) and its purity and completeness. */
export function scoreBug(
  bug: string,
  bugBuilds: Set<string>,
  clusters: ClusterMembership[],
): Omit<BugScore, 'recall' | 'precision' | 'clusterMatch' | 'successShare'> {
  let best: ClusterMembership | undefined;
  let bestShared = 0;
  for (const c of clusters) {
    const shared = c.builds.filter((u) => bugBuilds.has(u)).length;
    if (shared > bestShared || (shared === bestShared && shared > 0 && best && c.builds.length < best.builds.length)) {
      best = c;
      bestShared = shared;
    }
  }
  if (!best) return { bug, builds: bugBuilds.size, clusterSize: 0, purity: 0, completeness: 0 };
  return {
    bug,
    builds: bugBuilds.size,
    clusterId: best.id,
    clusterSize: best.builds.length,
    purity: bestShared / best.builds.length,
    completeness: bestShared / bugBuilds.size,
    query: best.query,
  };
}

/** Recall and precision of a proposal's matched builds against the bug's failed builds. */
export function proposalScores(matched: Set<string>, bugBuilds: Set<string>): { recall: number; precision: number } {
  let hit = 0;
  for (const u of bugBuilds) if (matched.has(u)) hit++;
  return { recall: bugBuilds.size ? hit / bugBuilds.size : 0, precision: matched.size ? hit / matched.size : 0 };
}
