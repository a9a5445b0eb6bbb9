/*
 * The demo Zuul feed for `npm start`: the builds of the generated demo data, served by the same small
 * Zuul web API server the intake tests use (test/fake_services/fake_zuul.ts: /api/tenant/{t}/builds with
 * its filters, newest first), so the plugin's background loop takes the failed builds in, classifies
 * them against the stored signatures and records the results (Gerrit and chat stay off).
 * The build list is saved beside the engine data on the first start and served again on the next.
 */
import * as fs from 'fs';
import type { BuildTruth } from '../../generator';
import { FakeZuul } from '../../test/fake_services/fake_zuul';

export interface DemoBuild {
  uuid: string;
  buildSet: string;
  job: string;
  project: string;
  branch: string;
  queue: string;
  voting: boolean;
  status: string;
  change: number | null;
  patchset: string | null;
  tenant: string;
  start: string;
  end: string;
  logUrl?: string;
}

export function toDemoBuilds(builds: BuildTruth[]): DemoBuild[] {
  return builds.map((b) => ({
    uuid: b.uuid,
    buildSet: b.buildSet,
    job: b.job,
    project: b.project,
    branch: b.branch,
    queue: b.queue,
    voting: b.voting === 1,
    status: b.status,
    change: b.change ?? null,
    patchset: b.patchset ?? null,
    tenant: b.tenant,
    start: b.start,
    end: b.end,
    // the build's log root: the cause line's file URL up to the build's short-uuid folder
    logUrl: b.cause?.logUrl ? b.cause.logUrl.slice(0, b.cause.logUrl.indexOf(b.uuid.slice(0, 7)) + 7) + '/' : undefined,
  }));
}

export function saveDemoBuilds(file: string, builds: BuildTruth[]): void {
  fs.writeFileSync(file, JSON.stringify(toDemoBuilds(builds)));
}

export interface DemoZuul {
  url: string;
  tenants: string[];
  builds: number;
  stop(): Promise<void>;
}

export async function startDemoZuul(file: string): Promise<DemoZuul> {
  const builds: DemoBuild[] = JSON.parse(fs.readFileSync(file, 'utf8'));
  const zuul = new FakeZuul();
  // Zuul's build ids grow with the time builds were queued.
  for (const b of [...builds].sort((x, y) => x.start.localeCompare(y.start))) {
    const fields: Parameters<FakeZuul['addBuild']>[1] = {
      uuid: b.uuid,
      job_name: b.job,
      result: b.status,
      voting: b.voting,
      pipeline: b.queue,
      project: b.project,
      branch: b.branch,
      change: b.change,
      patchset: b.patchset,
      start_time: b.start.slice(0, 19),
      end_time: b.end.slice(0, 19),
      duration: Math.round((Date.parse(b.end) - Date.parse(b.start)) / 1000),
      buildset: { uuid: b.buildSet },
    };
    if (b.logUrl) fields.log_url = b.logUrl;
    zuul.addBuild(b.tenant, fields);
  }
  await zuul.start();
  return {
    url: zuul.url,
    tenants: [...new Set(builds.map((b) => b.tenant))],
    builds: builds.length,
    stop: () => zuul.stop(),
  };
}
