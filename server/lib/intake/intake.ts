/*
 * Intake: takes finished failed builds from Zuul into the results index, exactly once each.
 *
 * Zuul numbers builds (`_id`) when they are created, but they finish in any order, so "the highest
 * id seen" is not a safe checkpoint: a long build with a lower id may finish later. Each poll therefore:
 *   1. reads the newest id N and the lowest id L of a build still running (both >= the checkpoint C);
 *   2. sets the frontier F = min(L, N + 1): every build in [C, F) had finished at step 1; one poll
 *      takes `zuul.maxIdsPerPoll` ids at most, starting at the lowest id that holds a build (found by
 *      bisection, so a long gap or a first run from the beginning is crossed in a few requests);
 *   3. takes the failed builds in [C, F) (complete=true, idx_min=C, idx_max=F-1), page by page;
 *   4. writes one result document per build with op_type=create and the build uuid as id, so a
 *      build taken by an interrupted poll or by another instance is never taken twice;
 *   5. moves the checkpoint to F with a compare-and-set write.
 * A poll that fails half way leaves the checkpoint where it was: the next poll repeats the range and
 * step 4 drops what was already taken. Nothing in [C, F) can be skipped, nothing is taken twice.
 */
import type { BuildResult, StoredBuild } from '../../../common/api/results';
import type { RecheckConfig } from '../../config';
import { EngineClient } from '../../../lib/engine_client';
import { ensureResultsIndex } from '../background/results_index';
import { createDoc, ensureIndex, getDoc, replaceDoc, STATE_MAPPINGS } from '../background/store';
import { ZuulBuild, ZuulClient } from './zuul_client';

export interface Checkpoint {
  kind: 'checkpoint';
  tenant: string;
  /** The lowest Zuul build id not yet settled: every build below it was taken or filtered out. */
  idxMin: number;
  updatedAt: string;
}

export interface IntakeSummary {
  tenant: string;
  from: number;
  to: number;
  seen: number;
  taken: number;
  duplicates: number;
  filtered: number;
}

export interface IntakeDeps {
  engine: EngineClient;
  zuul: ZuulClient;
  config: RecheckConfig;
  now?: () => number;
}

export function checkpointId(tenant: string): string {
  return `checkpoint:zuul:${tenant}`;
}

export function storedBuild(b: ZuulBuild): StoredBuild {
  return {
    uuid: b.uuid,
    tenant: b.tenant,
    zuulId: b.id,
    job: b.job,
    result: b.result ?? 'UNKNOWN',
    voting: b.voting,
    pipeline: b.pipeline,
    project: b.project,
    branch: b.branch,
    change: b.change,
    patchset: b.patchset,
    ref: b.ref,
    refUrl: b.refUrl,
    logUrl: b.logUrl,
    startTime: b.startTime,
    endTime: b.endTime,
    buildset: b.buildset,
    nodeset: b.nodeset,
  };
}

/** Pipelines, job and project filters of the config (Zuul filters by result and voting itself). */
export function buildFilter(config: RecheckConfig): (b: ZuulBuild) => boolean {
  const { pipelines, jobs, projects, includeNonVoting } = config.zuul;
  const jobInclude = jobs.include ? new RegExp(jobs.include) : null;
  const jobExclude = jobs.exclude ? new RegExp(jobs.exclude) : null;
  const projectInclude = projects.include ? new RegExp(projects.include) : null;
  const projectExclude = projects.exclude ? new RegExp(projects.exclude) : null;
  return (b) =>
    (pipelines.length === 0 || pipelines.includes(b.pipeline)) &&
    (includeNonVoting || b.voting) &&
    (!jobInclude || jobInclude.test(b.job)) &&
    (!jobExclude || !jobExclude.test(b.job)) &&
    (!projectInclude || projectInclude.test(b.project)) &&
    (!projectExclude || !projectExclude.test(b.project));
}

export function newResult(build: ZuulBuild, now: number): BuildResult {
  const at = new Date(now).toISOString();
  return {
    build: storedBuild(build),
    stage: 'waiting',
    takenAt: at,
    updatedAt: at,
    matches: [],
    explained: false,
    reports: {},
    reportPending: false,
  };
}

export async function pollTenant(deps: IntakeDeps, tenant: string): Promise<IntakeSummary> {
  const { engine, zuul, config } = deps;
  const now = deps.now ?? Date.now;
  const stateIndex = config.state.index;
  const resultsIndex = config.results.index;
  await ensureIndex(engine, stateIndex, STATE_MAPPINGS);
  await ensureResultsIndex(engine, resultsIndex);
  const pageSize = config.zuul.pageSize;

  const newest = await zuul.builds(tenant, { limit: 1 });
  const newestId = newest[0]?.id ?? 0;
  let current = await getDoc<Checkpoint>(engine, stateIndex, checkpointId(tenant));
  if (!current) {
    const start: Checkpoint = {
      kind: 'checkpoint',
      tenant,
      idxMin: config.zuul.startFrom === 'now' ? newestId + 1 : 0,
      updatedAt: new Date(now()).toISOString(),
    };
    await createDoc(engine, stateIndex, checkpointId(tenant), start, true);
    current = await getDoc<Checkpoint>(engine, stateIndex, checkpointId(tenant));
    if (!current) throw new Error(`checkpoint ${checkpointId(tenant)} vanished after creation`);
  }
  const from = current.source.idxMin;
  const running = await zuul.allBuilds(tenant, { complete: false, idxMin: from }, pageSize);
  const lowestRunning = running.reduce((min, b) => Math.min(min, b.id), Number.POSITIVE_INFINITY);
  let frontier = Math.max(from, Math.min(lowestRunning, newestId + 1));
  // A backlog larger than one poll: bisect for the lowest window that holds a build. Invariant: no
  // build has an id in [from, lo); each probe asks Zuul for one build of a range.
  const max = config.zuul.maxIdsPerPoll;
  let lo = from;
  let hi = frontier;
  while (hi - lo > max) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const any = await zuul.builds(tenant, { idxMin: lo, idxMax: mid - 1, limit: 1 });
    if (any.length) hi = mid;
    else lo = mid;
  }
  frontier = Math.min(frontier, lo + max);
  const summary: IntakeSummary = { tenant, from, to: frontier, seen: 0, taken: 0, duplicates: 0, filtered: 0 };
  if (frontier === from) return summary;

  const pipeline = config.zuul.pipelines.length === 1 ? config.zuul.pipelines[0] : undefined;
  const failed = await zuul.allBuilds(
    tenant,
    {
      complete: true,
      result: config.zuul.results,
      idxMin: from,
      idxMax: frontier - 1,
      pipeline,
      voting: config.zuul.includeNonVoting ? undefined : true,
    },
    pageSize,
  );
  const keep = buildFilter(config);
  // Oldest first, so that a poll interrupted half way has taken a prefix.
  for (const build of failed.sort((a, b) => a.id - b.id)) {
    summary.seen++;
    if (
      build.id < from ||
      build.id >= frontier ||
      build.result === null ||
      !config.zuul.results.includes(build.result) ||
      !keep(build)
    ) {
      summary.filtered++;
      continue;
    }
    if (await createDoc(engine, resultsIndex, build.uuid, newResult(build, now()))) summary.taken++;
    else summary.duplicates++;
  }
  await engine.request({ method: 'POST', path: `/${encodeURIComponent(resultsIndex)}/_refresh` });
  const next: Checkpoint = { kind: 'checkpoint', tenant, idxMin: frontier, updatedAt: new Date(now()).toISOString() };
  // A conflict means another instance moved the checkpoint meanwhile; its value is at least as far.
  await replaceDoc(engine, stateIndex, checkpointId(tenant), next, current, true);
  return summary;
}
