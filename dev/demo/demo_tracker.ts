/*
 * The demo bug tracker for `npm start` (no internet): a small Launchpad web service on 127.0.0.1 (the
 * same fake the tests use, test/fake_services/fake_trackers.ts) holding one bug per demo signature, so
 * that the background work fetches titles, statuses and projects as it would from Launchpad.
 *  - title: the bug's title in demo/bugs.json (titles as a tracker has them: the demo signature files carry
 *    none, as elastic-recheck's never did), else the first line of the signature file's comment, else its
 *    query's first message phrase;
 *  - status: "Fix Released" for the bugs the generated data stops hitting during the window (they show
 *    up in the cleanup report), "Fix Committed" for the most frequent bug that keeps failing (it raises
 *    a regression alarm), "Confirmed" otherwise;
 *  - projects: one of the projects of the failed demo builds, in turn (nova when there are none).
 * The statuses are saved beside the demo builds on the first start (demo_bugs.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { DataGenerator } from '../../generator';
import { FakeTrackers } from '../../test/fake_services/fake_trackers';

export interface DemoBug {
  id: string;
  status: string;
  /** ISO date of the fix (Launchpad's date_fix_committed / date_fix_released). */
  fixedAt?: string;
}

/** Bug statuses from what the generator made of each signature (called when the demo data is generated). */
export function saveDemoBugs(file: string, generator: DataGenerator): void {
  const usable = generator.usable;
  const now = Math.max(...usable.map((u) => u.activeTo));
  const active = usable.filter((u) => u.activeTo >= now);
  const busiest = [...active].sort((a, b) => b.weight - a.weight)[0];
  // the busiest bug was "fixed" three days before the end of the window, and kept failing after it
  const iso = (t: number) => new Date(t).toISOString();
  const bugs: DemoBug[] = usable.map((u) =>
    u.activeTo < now
      ? { id: u.signature.bug.id, status: 'Fix Released', fixedAt: iso(u.activeTo) }
      : u === busiest
        ? { id: u.signature.bug.id, status: 'Fix Committed', fixedAt: iso(now - 3 * 86400000) }
        : { id: u.signature.bug.id, status: 'Confirmed' },
  );
  fs.writeFileSync(file, JSON.stringify(bugs));
}

/** A title for a demo bug: the first comment line of its `<bug>.yaml`, else the query's first message phrase. */
export function titleFromYaml(text: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith('#'));
  if (line)
    return (
      line
        .replace(/^#\s*/, '')
        .replace(/[,.;:]\s*$/, '')
        .trim() || undefined
    );
  return /message:"([^"]+)"/.exec(text)?.[1].trim();
}

export interface DemoTracker {
  launchpadUrl: string;
  bugs: number;
  stop(): Promise<void>;
}

/** The demo bugs' titles (demo/bugs.json beside demo/signatures): bug id → title. */
export function readDemoTitles(file: string): Map<string, string> {
  if (!fs.existsSync(file)) return new Map();
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return new Map(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''),
  );
}

export async function startDemoTracker(
  signaturesDir: string,
  bugsFile: string,
  buildsFile: string,
  titlesFile: string = path.join(signaturesDir, '..', 'bugs.json'),
): Promise<DemoTracker> {
  const titles = readDemoTitles(titlesFile);
  const saved = new Map<string, DemoBug>(
    fs.existsSync(bugsFile) ? (JSON.parse(fs.readFileSync(bugsFile, 'utf8')) as DemoBug[]).map((b) => [b.id, b]) : [],
  );
  const builds: Array<{ project: string; status: string }> = fs.existsSync(buildsFile)
    ? JSON.parse(fs.readFileSync(buildsFile, 'utf8'))
    : [];
  const projects = [...new Set(builds.filter((b) => b.status !== 'SUCCESS').map((b) => b.project.split('/').pop()!))];
  const tracker = new FakeTrackers();
  const files = fs
    .readdirSync(signaturesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  files.forEach((file, i) => {
    const id = file.replace(/\.yaml$/, '');
    const title =
      titles.get(id) ?? titleFromYaml(fs.readFileSync(path.join(signaturesDir, file), 'utf8')) ?? `Demo bug ${id}`;
    tracker.launchpad.set(id, {
      id,
      title,
      tasks: [
        {
          target: projects.length ? projects[i % projects.length] : 'nova',
          status: saved.get(id)?.status ?? 'Confirmed',
          importance: ['High', 'Medium', 'Low'][i % 3],
          fixedAt: saved.get(id)?.fixedAt,
        },
      ],
    });
  });
  await tracker.start();
  return { launchpadUrl: tracker.urls.launchpad, bugs: files.length, stop: () => tracker.stop() };
}
