/*
 * When the background pass runs (host-contracts §3):
 *  - Kibana with its task manager: a task type registered in setup and one task ensured in start; the
 *    task manager persists it, retries it and runs it on one Kibana instance at a time.
 *  - otherwise (OpenSearch Dashboards, Kibana without task manager): a timer in this process, and a
 *    lease document in the engine so that two host instances never run a pass at the same time.
 */
import { PLUGIN_ID } from '../../../common/constants';
import type { TaskManagerSetupContract, TaskManagerStartContract } from '../../types/host';
import { EngineLock } from './lock';

export const RECHECK_TASK_TYPE = `${PLUGIN_ID}:recheck`;
export const RECHECK_TASK_ID = `${PLUGIN_ID}:recheck:default`;

export interface SchedulerLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export interface BackgroundScheduler {
  /** Called from the plugin's start(); must not block. */
  start(): void;
  stop(): Promise<void>;
}

/** `1m`-style interval for the task manager from milliseconds (whole seconds at least). */
export function taskInterval(ms: number): string {
  if (ms % 3600000 === 0) return `${ms / 3600000}h`;
  if (ms % 60000 === 0) return `${ms / 60000}m`;
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

/** Setup half of the task-manager path: the task type, whose runner calls `run`. */
export function registerRecheckTask(
  taskManager: TaskManagerSetupContract,
  run: () => Promise<unknown>,
  timeoutMs: number,
): void {
  taskManager.registerTaskDefinitions({
    [RECHECK_TASK_TYPE]: {
      title: 'elastic-recheck: Zuul intake, classification and reporting',
      timeout: taskInterval(Math.max(timeoutMs, 1000)),
      maxAttempts: 1,
      createTaskRunner: () => ({
        async run() {
          await run();
          return { state: { lastRunAt: new Date().toISOString() } };
        },
      }),
    },
  });
}

export class TaskManagerScheduler implements BackgroundScheduler {
  constructor(
    private readonly taskManager: TaskManagerStartContract,
    private readonly intervalMs: number,
    private readonly logger: SchedulerLogger,
  ) {}

  start(): void {
    this.taskManager
      .ensureScheduled({
        id: RECHECK_TASK_ID,
        taskType: RECHECK_TASK_TYPE,
        schedule: { interval: taskInterval(this.intervalMs) },
        params: {},
        state: {},
        scope: [PLUGIN_ID],
      })
      .catch((error) =>
        this.logger.warn(`elastic-recheck: could not schedule the background task: ${error?.message ?? error}`),
      );
  }

  async stop(): Promise<void> {
    // the task manager owns the task; it stays scheduled for the next start
  }
}

export type TickOutcome = 'ran' | 'locked' | 'failed';

export class IntervalScheduler implements BackgroundScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TickOutcome> | null = null;
  private stopped = false;

  constructor(
    private readonly lock: EngineLock,
    private readonly intervalMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly logger: SchedulerLogger,
  ) {}

  /** One attempt: take the lease, run a pass, give the lease back. */
  async tick(): Promise<TickOutcome> {
    if (this.running) return this.running;
    this.running = (async (): Promise<TickOutcome> => {
      let held = false;
      try {
        held = await this.lock.acquire();
        if (!held) {
          this.logger.debug(`elastic-recheck: pass skipped, another instance holds lock ${this.lock.name}`);
          return 'locked';
        }
        await this.run();
        return 'ran';
      } catch (error: any) {
        this.logger.warn(`elastic-recheck: background pass failed: ${error?.message ?? error}`);
        return 'failed';
      } finally {
        if (held) await this.lock.release().catch(() => undefined);
      }
    })();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(async () => {
        await this.tick();
        loop();
      }, this.intervalMs);
      this.timer.unref?.();
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => undefined);
  }
}
