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
  /** Clusters scored together (more than 1 only for an OR-signature bug split by failure text). */
  clusters: number;
}

export interface ClusterMembership {
  id: string;
  builds: string[];
  query: string;
}

/** Purity a cluster needs to count towards an OR-signature bug's union of clusters. */
export const UNION_PURITY = 0.95;

/**
 * How many different messages a signature's query ORs (`message:"a" OR message:"b"` gives 2), else 1.
 * A bug whose signature ORs n failure texts may fairly come out as up to n clusters, one per text.
 */
export function messageAlternatives(query: string): number {
  const phrases = new Set<string>();
  // Lucene allows spaces after the field's colon (`message: "A"`, as in 1686542)
  const re = /message:\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(query); m; m = re.exec(query)) {
    const before = query.slice(0, m.index);
    const after = query.slice(re.lastIndex);
    if (/\bOR\s*\(?\s*$/.test(before) || /^\s*\)?\s*OR\s*\(?\s*message:/.test(after)) phrases.add(m[1]);
  }
  return Math.max(1, phrases.size);
}

/**
 * The bug's cluster (most of its builds, then the smaller cluster) and its purity and completeness.
 * With `alternatives` > 1 (its signature ORs that many messages), the next-largest pure clusters of its
 * builds (purity >= UNION_PURITY, at most `alternatives` clusters in all) count with it: completeness
 * is then over their union and purity the union's (`clusters` lists them).
 */
export function scoreBug(
  bug: string,
  bugBuilds: Set<string>,
  clusters: ClusterMembership[],
  alternatives = 1,
): Omit<BugScore, 'recall' | 'precision' | 'clusterMatch' | 'successShare'> {
  const shares = clusters
    .map((c) => ({ c, shared: c.builds.filter((u) => bugBuilds.has(u)).length }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.c.builds.length - b.c.builds.length || (a.c.id < b.c.id ? -1 : 1));
  if (!shares.length) return { bug, builds: bugBuilds.size, clusterSize: 0, purity: 0, completeness: 0, clusters: 0 };
  const best = shares[0];
  const union = [best];
  if (best.shared / best.c.builds.length >= UNION_PURITY)
    for (const x of shares.slice(1)) {
      if (union.length >= alternatives) break;
      if (x.shared / x.c.builds.length >= UNION_PURITY) union.push(x);
    }
  const shared = union.reduce((n, x) => n + x.shared, 0);
  const size = union.reduce((n, x) => n + x.c.builds.length, 0);
  return {
    bug,
    builds: bugBuilds.size,
    clusterId: best.c.id,
    clusterSize: size,
    purity: shared / size,
    completeness: shared / bugBuilds.size,
    query: best.c.query,
    clusters: union.length,
  };
}

/** Recall and precision of a proposal's matched builds against the bug's failed builds. */
export function proposalScores(matched: Set<string>, bugBuilds: Set<string>): { recall: number; precision: number } {
  let hit = 0;
  for (const u of bugBuilds) if (matched.has(u)) hit++;
  return { recall: bugBuilds.size ? hit / bugBuilds.size : 0, precision: matched.size ? hit / matched.size : 0 };
}
