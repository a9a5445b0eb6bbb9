/*
 * `elastic-recheck clusters --host URL`: the uncategorized failures of a running host clustered, each with
 * its proposed signature (GET /api/elastic_recheck/clusters, docs/api.md), as text or JSON.
 */
import { CLUSTERS_PATH, ClustersQuery, ClustersResult, validateClustersQuery } from '../common/api/clusters';
import { CallPurpose, HostClient, READ_PRIVILEGE } from './host_client';
import { LocalInputError } from './host_commands';

const READ: CallPurpose = {
  action: 'read clusters of uncategorized failures',
  privilege: READ_PRIVILEGE,
};

/** The route's query from CLI options (`--max-builds` → maxBuilds); a bad value is a LocalInputError naming the option. */
export function clustersQueryFromOptions(options: Record<string, unknown>): ClustersQuery {
  const raw: Record<string, unknown> = {};
  const names: Record<string, string> = {
    days: 'days',
    from: 'from',
    to: 'to',
    queues: 'queues',
    projects: 'projects',
    branches: 'branches',
    jobs: 'jobs',
    'max-builds': 'maxBuilds',
    sort: 'sort',
    search: 'search',
    page: 'page',
    'per-page': 'perPage',
  };
  for (const [opt, key] of Object.entries(names)) if (options[opt] !== undefined) raw[key] = options[opt];
  const v = validateClustersQuery(raw);
  if (!v.ok) {
    const key = v.path[0];
    const opt = Object.entries(names).find(([, k]) => k === key)?.[0] ?? key;
    throw new LocalInputError(`--${opt}: ${v.message.slice(key.length + 2)}`);
  }
  return v.value;
}

export async function fetchClusters(client: HostClient, query: ClustersQuery): Promise<ClustersResult> {
  const params = new URLSearchParams();
  const { window, ...rest } = query;
  if (window) {
    params.set('from', String(window.from));
    params.set('to', String(window.to));
  }
  for (const [k, v] of Object.entries(rest))
    if (v !== undefined) params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  const qs = params.toString();
  return client.json<ClustersResult>('GET', `${CLUSTERS_PATH}${qs ? `?${qs}` : ''}`, READ);
}

/** The common part of a sample line between [[ and ]]. */
function marked(line: string, common: Array<[number, number]>): string {
  let out = '';
  let at = 0;
  for (const [s, e] of common) {
    out += `${line.slice(at, s)}[[${line.slice(s, e)}]]`;
    at = e;
  }
  return out + line.slice(at);
}

export function formatClusters(r: ClustersResult): string {
  const out: string[] = [];
  out.push(
    `${r.clusteredBuilds} of ${r.uncategorizedBuilds} uncategorized builds in ${r.totalClusters} clusters` +
      `${r.matchingClusters === undefined ? '' : `, ${r.matchingClusters} of them matching the search`}` +
      `${r.withoutLines ? ` (${r.withoutLines} without log lines)` : ''}, ${new Date(r.start).toISOString()} to ${new Date(r.end).toISOString()}; page ${r.page} (${r.perPage} per page)`,
  );
  r.clusters.forEach((c, i) => {
    const n = (r.page - 1) * r.perPage + i + 1;
    out.push('');
    out.push(
      `#${n} cluster ${c.id}: ${c.size} builds, ${c.jobs.length} jobs, ${c.projects.length} projects, ${c.firstSeen} .. ${c.lastSeen}, trend ${c.trend.join(' ')}, growth ${c.growth.toFixed(2)}`,
    );
    out.push(
      `   jobs: ${c.jobs
        .slice(0, 5)
        .map((j) => `${j.job} (${j.builds})`)
        .join(', ')}${c.jobs.length > 5 ? ', ...' : ''}`,
    );
    for (const s of c.samples.slice(0, 3)) out.push(`   ${s.file ?? '?'}: ${marked(s.line, s.common)}`);
    out.push(`   proposed signature: ${c.proposal.query}`);
    const k = c.proposal.check;
    out.push(
      k
        ? `   matches ${k.clusterBuilds} of ${c.size} cluster builds, ${k.otherFailedBuilds} other failed, ${k.successBuilds} successful builds${k.precision === null ? '' : ` (precision ${(100 * k.precision).toFixed(1)} %)`}${k.warning ? ' WARNING: more than 10 % succeeded' : ''}`
        : '   not checked on the engine (beyond the largest clusters)',
    );
  });
  return out.join('\n') + '\n';
}
