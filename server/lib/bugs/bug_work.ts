/*
 * The background steps of this folder, run after intake, classify and report in each pass
 * (RecheckLoop `extraSteps`): refresh the bug data of the stored signatures, then raise and deliver
 * alarms (alarms.ts).
 */
import type { RecheckConfig } from '../../config';
import type { Signature } from '../../../common/signature/types';
import type { EngineClient } from '../../../lib/engine_client';
import { refreshBugs } from './bug_cache';
import { AlarmDeps, deliverAlarms, raiseAlarms } from './alarms';

export interface BugWorkDeps {
  engine: EngineClient;
  config: RecheckConfig;
  loadSignatures: () => Promise<Signature[]>;
  logger: { info(m: string): void; warn(m: string): void; debug(m: string): void };
  now?: () => number;
}

export function bugSteps(deps: BugWorkDeps): Array<{ name: string; run: () => Promise<void> }> {
  const now = deps.now ?? Date.now;
  const { config } = deps;
  if (!config.bugs.enabled) return [];
  const alarmDeps = (): AlarmDeps => ({ engine: deps.engine, config, now, logger: deps.logger });
  return [
    {
      name: 'bugs',
      run: async () => {
        const signatures = await deps.loadSignatures();
        const s = await refreshBugs(
          deps.engine,
          config.state.index,
          { ...config.bugs },
          signatures.map((x) => x.bug),
          now,
        );
        if (s.fetched || s.failed)
          deps.logger.info(`bug data: ${s.fetched} fetched, ${s.failed} failed, ${s.deferred} left for later`);
      },
    },
    {
      name: 'alarms',
      run: async () => {
        const signatures = await deps.loadSignatures();
        await raiseAlarms(alarmDeps(), signatures);
        await deliverAlarms(alarmDeps());
      },
    },
  ];
}
