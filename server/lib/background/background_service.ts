/*
 * Wires the background pass into the host lifecycle: the task type in setup (when Kibana's task
 * manager is there), the engine client, signature source, loop and scheduler in start, the timer off
 * in stop. Off unless `elastic_recheck.schedule.enabled`.
 */
import { randomUUID } from 'crypto';
import type { RecheckConfig } from '../../config';
import type { CoreStart, ElasticRecheckSetupDeps, ElasticRecheckStartDeps, Logger } from '../../types/host';
import { EngineClient, httpEngineClient } from '../../../lib/engine_client';
import { engineFromCoreStart } from '../host_adapter';
import { SignatureStore } from '../signature_store';
import { EngineLock } from './lock';
import { RecheckLoop } from './recheck_loop';
import { bugSteps } from '../bugs/bug_work';
import { BackgroundScheduler, IntervalScheduler, registerRecheckTask, TaskManagerScheduler } from './scheduler';

export function backgroundEngine(config: RecheckConfig, core: CoreStart): EngineClient {
  const { url, username, password, apiKey, timeoutMs } = config.engine;
  if (!url) return engineFromCoreStart(core);
  return httpEngineClient(url, {
    username,
    password,
    timeoutMs,
    headers: apiKey ? { authorization: `ApiKey ${apiKey}` } : undefined,
  });
}

export class BackgroundService {
  private loop: RecheckLoop | null = null;
  private scheduler: BackgroundScheduler | null = null;
  private current: Promise<unknown> | null = null;
  /** Identifies this host instance in the lock document. */
  readonly instanceId = `instance-${randomUUID()}`;

  constructor(
    private readonly config: RecheckConfig,
    private readonly logger: Logger,
  ) {}

  setup(deps: ElasticRecheckSetupDeps): void {
    if (!this.config.schedule.enabled || !deps.taskManager) return;
    registerRecheckTask(deps.taskManager, () => this.runPass(), this.config.schedule.lockTtlMs);
  }

  start(core: CoreStart, deps: ElasticRecheckStartDeps): void {
    if (!this.config.schedule.enabled) return;
    const engine = backgroundEngine(this.config, core);
    const savedObjects = core.savedObjects.createInternalRepository();
    const loadSignatures = () => new SignatureStore(savedObjects, 'elastic-recheck').all();
    this.loop = new RecheckLoop({
      engine,
      config: this.config,
      loadSignatures,
      logger: this.logger,
      extraSteps: bugSteps({ engine, config: this.config, loadSignatures, logger: this.logger }),
    });
    const log = { debug: (m: string) => this.logger.debug(m), warn: (m: string) => this.logger.warn(m) };
    this.scheduler = deps.taskManager
      ? new TaskManagerScheduler(deps.taskManager, this.config.schedule.intervalMs, log)
      : new IntervalScheduler(
          new EngineLock(engine, this.config.state.index, 'recheck', this.instanceId, this.config.schedule.lockTtlMs),
          this.config.schedule.intervalMs,
          () => this.runPass(),
          log,
        );
    this.scheduler.start();
    this.logger.info(
      `background intake on (${deps.taskManager ? 'task manager' : 'interval with engine lock'}, every ${this.config.schedule.intervalMs} ms, tenants ${this.config.zuul.tenants.join(', ')})`,
    );
  }

  /** One pass; throws only if the service has not started (the task manager then records the failure). */
  async runPass(): Promise<void> {
    if (!this.loop) throw new Error('elastic-recheck background work has not started');
    // one pass at a time in this process: a task run the task manager gave up on (timeout) may still be working
    this.current ??= this.loop.runOnce().finally(() => (this.current = null));
    await this.current;
  }

  async stop(): Promise<void> {
    await this.scheduler?.stop();
    this.scheduler = null;
  }
}
