/*
 * Helpers for tests that run the plugin in the stand-in.
 *  - startSourceStandIn: the plugin from the source tree (server/index.ts through jest's transform), no
 *    build, no browser: the quick way to test routes end to end on the real engine.
 *  - buildForTest: `npm run build`'s output for one host in a fresh temporary folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildAll, REPO_ROOT, TargetBuild } from '../build/build';
import { HostKind, TARGETS } from '../build/targets';
import { StandIn, StandInOptions, startStandIn } from './stand_in';

/** A unique lowercase index prefix (saved objects, tasks) for one test file. */
export function uniqueIndexPrefix(name: string): string {
  return `.kibana-test-${name}-${process.pid}-${Date.now().toString(36)}`.toLowerCase();
}

export async function startSourceStandIn(
  options: Omit<StandInOptions, 'pluginDir'> & { pluginDir?: string },
): Promise<StandIn> {
  return startStandIn({
    pluginDir: REPO_ROOT,
    serverEntry: path.join(REPO_ROOT, 'server', 'index.ts'),
    browser: false,
    logLevel: 'warn',
    onLog: () => undefined,
    ...options,
  });
}

/** Deletes the stand-in's indices (saved objects and tasks) after a test. */
export async function deleteStandInIndices(engineUrl: string, indexPrefix: string): Promise<void> {
  await fetch(`${engineUrl}/${indexPrefix},${indexPrefix}_task_manager?ignore_unavailable=true`, { method: 'DELETE' });
}

export interface TestBuild {
  dir: string;
  build: TargetBuild;
  cleanup(): void;
}

export async function buildForTest(host: HostKind = 'kibana'): Promise<TestBuild> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-build-'));
  const [build] = await buildAll({ targets: TARGETS.filter((t) => t.host === host), outDir: dir });
  return { dir, build, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
