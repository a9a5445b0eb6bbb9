/*
 * A change's builds, newest first, and the one a developer means by "why did my change fail": the newest
 * failed build (with the patchset and job given). One search: the change's lines grouped by build, each with
 * its newest line's time and its build fields.
 */
import { CHANGE_BUILDS_LOOKED_AT } from '../../../common/api/classify';
import type { BuildInfo, BuildRef, ChangeBuildChoice } from '../../../common/api/classify';
import { FAILED_BUILD_STATUSES } from '../../../common/constants';
import { BUILD_SOURCE_FIELDS } from '../../../common/log_fields';
import { EngineClient } from '../../../lib/engine_client';
import { buildInfoFromSource, newestBuildsOf } from './readiness';

export type ChangeRef = Exclude<BuildRef, { uuid: string }>;

export type ChangeBuildPick =
  | { kind: 'failed'; choice: ChangeBuildChoice }
  | { kind: 'none_failed'; builds: number; newest: BuildInfo }
  | { kind: 'no_builds' };

const FAILED = new Set<string>(FAILED_BUILD_STATUSES);

/** The change's builds, newest (by last indexed line) first. */
export async function changeBuilds(engine: EngineClient, ref: ChangeRef, index?: string): Promise<BuildInfo[]> {
  const buckets = await newestBuildsOf(
    engine,
    ref,
    CHANGE_BUILDS_LOOKED_AT,
    { meta: { top_hits: { size: 1, _source: BUILD_SOURCE_FIELDS } } },
    index,
  );
  return buckets.map((b) => buildInfoFromSource(b.meta.hits.hits[0]._source, b.last.value_as_string));
}

export async function pickFailedBuild(engine: EngineClient, ref: ChangeRef, index?: string): Promise<ChangeBuildPick> {
  const builds = await changeBuilds(engine, ref, index);
  if (builds.length === 0) return { kind: 'no_builds' };
  const at = builds.findIndex((b) => FAILED.has(b.status));
  if (at < 0) return { kind: 'none_failed', builds: builds.length, newest: builds[0] };
  return { kind: 'failed', choice: { uuid: builds[at].uuid, builds: builds.length, newerNotFailed: at } };
}
