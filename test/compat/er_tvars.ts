/*
 * elastic-recheck-uncategorized's template variables (reference §1.4) from our exact computation:
 * the `integrated_gate` and `others` groups, `rate` as "%.1f" strings, `jobs` with unclassified
 * failures, `total_job_failures`, and the unexplained builds' log directories newest first.
 */
import type { UncategorizedResult } from '../../common/api/uncategorized';
import type { CompiledSignature } from '../../server/lib/signatures/compile';
import type { EngineClient } from '../../lib/engine_client';
import { uncategorizedFailures, UncategorizedOptions } from '../../server/lib/uncategorized/uncategorized';

export const ER_INTEGRATED_GATE_PROJECTS = [
  'openstack/cinder',
  'openstack/glance',
  'openstack/keystone',
  'openstack/neutron',
  'openstack/nova',
  'openstack/requirements',
  'openstack/tempest',
  'openstack-dev/devstack',
  'openstack-dev/grenade',
  'openstack-infra/devstack-gate',
];
export const ER_EXCLUDED_JOBS = '(api-site|operations-guide|openstack-manuals|ansible|puppet)';
export const ER_INCLUDED_PROJECTS = '(^openstack/|devstack|grenade)';

export interface ErUrl {
  build_uuid: string;
  log: string;
  timestamp: string;
}

export interface ErTvars {
  count: number;
  total: number;
  uncounted: number;
  rate: Record<string, string>;
  jobs: Array<[string, number]>;
  total_job_failures: Record<string, number>;
  urls: Record<string, ErUrl[]>;
  generated_at: string;
}

/** Python's "%.1f" (round half to even on the binary value, as printf does). */
export function pct1(value: number): string {
  return value.toFixed(1);
}

export function toErTvars(result: UncategorizedResult, generatedAt: string): ErTvars {
  const rate: Record<string, string> = { overall: pct1(result.rate ?? 0) };
  const jobs: Array<[string, number]> = [];
  const total: Record<string, number> = {};
  for (const j of result.jobs) {
    total[j.job] = j.failedBuilds;
    if (j.unexplainedBuilds > 0) {
      rate[j.job] = pct1(100 - (100 * j.unexplainedBuilds) / j.failedBuilds);
      jobs.push([j.job, j.unexplainedBuilds]);
    }
  }
  const urls: Record<string, ErUrl[]> = {};
  for (const b of result.unexplained) {
    (urls[b.job] ??= []).push({ build_uuid: b.uuid, log: b.logRoot ?? '', timestamp: b.timestamp.slice(0, 16) });
  }
  return {
    count: result.explainedBuilds,
    total: result.failedBuilds,
    uncounted: result.failedBuilds - result.explainedBuilds,
    rate,
    jobs,
    total_job_failures: total,
    urls,
    generated_at: generatedAt,
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Both of ER's pages: integrated gate projects, and the other included projects. */
export async function erUncategorizedTvars(
  engine: EngineClient,
  signatures: CompiledSignature[],
  options: UncategorizedOptions & { generatedAt: string },
): Promise<{ integrated_gate: ErTvars; others: ErTvars }> {
  const integrated = `^(?:${ER_INTEGRATED_GATE_PROJECTS.map(escape).join('|')})$`;
  const base = { excludeJobs: ER_EXCLUDED_JOBS, perPage: 10000, ...options };
  const [gate, others] = await Promise.all([
    uncategorizedFailures(engine, signatures, { ...base, includeProjects: integrated }),
    uncategorizedFailures(engine, signatures, {
      ...base,
      includeProjects: `^(?!${integrated.slice(1, -1)}$)(?=[\\s\\S]*${ER_INCLUDED_PROJECTS})`,
    }),
  ]);
  return { integrated_gate: toErTvars(gate, options.generatedAt), others: toErTvars(others, options.generatedAt) };
}
