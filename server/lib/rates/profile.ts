/*
 * Where the engine spends a search's time: the `profile` section of a search answer (`profile: true`)
 * summed over shards into phases, in milliseconds (`query.build_scorer`, `aggs.collect`, ...). Only the
 * top-level query and aggregations are read: their breakdowns already include their children's time.
 * Benchmarks use it to name the dominant phase of a missed target.
 */
export type PhaseTimes = Record<string, number>;

export function profilePhases(profile: any, into: PhaseTimes = {}): PhaseTimes {
  for (const shard of profile?.shards ?? []) {
    for (const search of shard.searches ?? []) for (const q of search.query ?? []) add(into, 'query', q.breakdown);
    for (const a of shard.aggregations ?? []) add(into, 'aggs', a.breakdown);
  }
  return into;
}

function add(into: PhaseTimes, prefix: string, breakdown: Record<string, number> | undefined): void {
  for (const [k, v] of Object.entries(breakdown ?? {})) {
    if (k.endsWith('_count') || typeof v !== 'number') continue;
    into[`${prefix}.${k}`] = (into[`${prefix}.${k}`] ?? 0) + v / 1e6;
  }
}

/** The largest phases, largest first, as `name ms` text (e.g. `aggs.collect 812 ms, query.build_scorer 95 ms`). */
export function dominantPhases(phases: PhaseTimes, n = 3): string {
  return Object.entries(phases)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
    .join(', ');
}
