/*
 * A task manager that really schedules, with the contract of Kibana's taskManager plugin
 * (x-pack/platform/plugins/shared/task_manager/README.md): definitions registered in setup; in start
 * schedule / ensureScheduled (idempotent by id, updates the interval) / runSoon / get / remove /
 * removeIfExists. Task instances and their state persist in an engine index, so a restart resumes them.
 * A poller claims due tasks (optimistic concurrency on the document, so two stand-ins never run the
 * same task), runs them with the definition's timeout, stores the returned state and reschedules
 * recurring ones; failures retry up to maxAttempts. `tick()` runs one poll cycle for tests.
 */
import { randomUUID } from 'crypto';
import type {
  ConcreteTaskInstance,
  Logger,
  TaskDefinition,
  TaskInstanceInput,
  TaskManagerSetupContract,
  TaskManagerStartContract,
  TaskRunResult,
} from '../../../server/types/host';
import { EngineClient, EngineRequestError } from '../../../lib/engine_client';
import { checkTaskDefinitions } from './task_definitions';

export function parseIntervalMs(interval: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(interval);
  if (!m) throw new Error(`Invalid interval "${interval}": expected a number followed by s, m, h or d`);
  return Number(m[1]) * { s: 1000, m: 60000, h: 3600000, d: 86400000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

interface TaskDoc {
  taskType: string;
  params: Record<string, any>;
  state: Record<string, any>;
  schedule?: { interval: string };
  runAt: string;
  scheduledAt: string;
  startedAt: string | null;
  attempts: number;
  status: 'idle' | 'claiming' | 'running' | 'failed';
  scope?: string[];
  ownerId?: string | null;
  lastError?: string;
}

export interface TaskManagerOptions {
  pollIntervalMs?: number;
  /** Delay before a failed one-off task is retried. */
  retryDelayMs?: number;
  maxWorkers?: number;
  logger: Logger;
}

export class StandInTaskManager {
  private readonly definitions = new Map<string, TaskDefinition>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly running = new Set<Promise<void>>();
  /** Final writes of finished runs that the engine did not take (it was down): retried on every poll. */
  private readonly unsettled = new Map<string, Partial<TaskDoc> | null>();
  private readonly ownerId = `standin-${randomUUID()}`;
  private started = false;
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly maxWorkers: number;

  constructor(
    private readonly engine: EngineClient,
    readonly index: string,
    private readonly options: TaskManagerOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 3000;
    this.retryDelayMs = options.retryDelayMs ?? 30000;
    this.maxWorkers = options.maxWorkers ?? 10;
  }

  setupContract(): TaskManagerSetupContract {
    return {
      registerTaskDefinitions: (defs) => {
        if (this.started) throw new Error('Cannot register task definitions after the task manager has started');
        const { accepted, logged } = checkTaskDefinitions(new Set(this.definitions.keys()), defs);
        if (logged) this.options.logger.error(logged);
        for (const [type, def] of accepted) {
          // The stand-in's own check (Kibana finds a missing runner only when the task runs).
          if (typeof def.createTaskRunner !== 'function')
            throw new Error(`Task ${type}: a definition needs createTaskRunner`);
          this.definitions.set(type, def);
        }
      },
    };
  }

  async start(): Promise<TaskManagerStartContract> {
    this.started = true;
    const exists = await this.engine.request<boolean>({ method: 'HEAD', path: `/${this.index}` });
    if (!exists) {
      try {
        await this.engine.request({
          method: 'PUT',
          path: `/${this.index}`,
          body: {
            settings: { number_of_shards: 1, auto_expand_replicas: '0-1', refresh_interval: '100ms' },
            mappings: {
              dynamic: 'strict',
              properties: {
                taskType: { type: 'keyword' },
                params: { type: 'object', enabled: false },
                state: { type: 'object', enabled: false },
                schedule: { type: 'object', enabled: false },
                runAt: { type: 'date' },
                scheduledAt: { type: 'date' },
                startedAt: { type: 'date' },
                attempts: { type: 'integer' },
                status: { type: 'keyword' },
                scope: { type: 'keyword' },
                ownerId: { type: 'keyword' },
                lastError: { type: 'text', index: false },
              },
            },
          },
        });
      } catch (error) {
        if (!(error instanceof EngineRequestError && error.type === 'resource_already_exists_exception')) throw error;
      }
    }
    // Tasks left "running" by a stand-in that died are idle again (Kibana: retryAt expiry).
    await this.engine.request({
      method: 'POST',
      path: `/${this.index}/_update_by_query`,
      querystring: { refresh: true, conflicts: 'proceed' },
      body: {
        query: { term: { status: 'running' } },
        script: { source: "ctx._source.status = 'idle'; ctx._source.ownerId = null", lang: 'painless' },
      },
    });
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.timer.unref?.();
    return {
      schedule: (task) => this.schedule(task, false),
      ensureScheduled: (task) => this.schedule(task, true),
      runSoon: (id) => this.runSoon(id),
      get: (id) => this.get(id),
      remove: (id) => this.remove(id, false),
      removeIfExists: (id) => this.remove(id, true),
    };
  }

  /** One poll cycle, awaited to the end of every task it started (tests). */
  async tick(): Promise<void> {
    await this.poll();
    await Promise.all([...this.running]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    await Promise.all([...this.running]);
  }

  private docPath(id: string): string {
    return `/${this.index}/_doc/${encodeURIComponent(id)}`;
  }

  private toInstance(id: string, d: TaskDoc): ConcreteTaskInstance {
    return {
      id,
      taskType: d.taskType,
      params: d.params ?? {},
      state: d.state ?? {},
      schedule: d.schedule,
      runAt: new Date(d.runAt),
      scheduledAt: new Date(d.scheduledAt),
      startedAt: d.startedAt ? new Date(d.startedAt) : null,
      attempts: d.attempts,
      status: d.status,
      scope: d.scope,
    };
  }

  private async schedule(task: TaskInstanceInput, ensure: boolean): Promise<ConcreteTaskInstance> {
    if (!task || typeof task.taskType !== 'string') throw new Error('a task needs a taskType');
    if (!this.definitions.has(task.taskType))
      throw new Error(
        `Unsupported task type "${task.taskType}". Supported types are ${[...this.definitions.keys()].join(', ')}`,
      );
    if (task.schedule) parseIntervalMs(task.schedule.interval);
    const id = task.id ?? randomUUID();
    const now = new Date();
    const doc: TaskDoc = {
      taskType: task.taskType,
      params: task.params ?? {},
      state: task.state ?? {},
      schedule: task.schedule,
      runAt: (task.runAt ?? now).toISOString(),
      scheduledAt: now.toISOString(),
      startedAt: null,
      attempts: 0,
      status: 'idle',
      scope: task.scope,
      ownerId: null,
    };
    try {
      await this.engine.request({
        method: 'PUT',
        path: this.docPath(id),
        querystring: { op_type: 'create', refresh: 'wait_for' },
        body: doc,
      });
      return this.toInstance(id, doc);
    } catch (error) {
      if (!(error instanceof EngineRequestError && error.statusCode === 409)) throw error;
      if (!ensure) throw Object.assign(new Error(`Task [${id}] already exists`), { statusCode: 409 });
    }
    const existing = await this.get(id);
    if (task.schedule && existing.schedule?.interval !== task.schedule.interval) {
      await this.engine.request({
        method: 'POST',
        path: `/${this.index}/_update/${encodeURIComponent(id)}`,
        querystring: { refresh: 'wait_for' },
        body: { doc: { schedule: task.schedule } },
      });
      return { ...existing, schedule: task.schedule };
    }
    return existing;
  }

  private async get(id: string): Promise<ConcreteTaskInstance> {
    try {
      const r = await this.engine.request<any>({ method: 'GET', path: this.docPath(id) });
      return this.toInstance(id, r._source);
    } catch (error) {
      if (error instanceof EngineRequestError && error.statusCode === 404)
        throw Object.assign(new Error(`Saved object [task/${id}] not found`), { statusCode: 404 });
      throw error;
    }
  }

  private async runSoon(id: string): Promise<{ id: string }> {
    const task = await this.get(id);
    if (task.status === 'running' || task.status === 'claiming')
      throw new Error(`Failed to run task "${id}" as it is currently running`);
    await this.engine.request({
      method: 'POST',
      path: `/${this.index}/_update/${encodeURIComponent(id)}`,
      querystring: { refresh: 'wait_for' },
      body: { doc: { runAt: new Date().toISOString(), status: 'idle' } },
    });
    setImmediate(() => void this.poll());
    return { id };
  }

  private async remove(id: string, ifExists: boolean): Promise<void> {
    try {
      await this.engine.request({ method: 'DELETE', path: this.docPath(id), querystring: { refresh: 'wait_for' } });
    } catch (error) {
      if (error instanceof EngineRequestError && error.statusCode === 404) {
        if (ifExists) return;
        throw Object.assign(new Error(`Saved object [task/${id}] not found`), { statusCode: 404 });
      }
      throw error;
    }
  }

  private poll(): Promise<void> {
    if (!this.polling) {
      this.polling = this.claimAndRun()
        .catch((error) => this.options.logger.warn(`task poll failed: ${error?.message ?? error}`))
        .finally(() => {
          this.polling = undefined;
        });
    }
    return this.polling;
  }

  private async claimAndRun(): Promise<void> {
    for (const [id, update] of [...this.unsettled]) {
      await this.settle(id, update);
      this.unsettled.delete(id);
    }
    const free = this.maxWorkers - this.running.size;
    if (free <= 0 || this.definitions.size === 0) return;
    const r = await this.engine.request<any>({
      method: 'POST',
      path: `/${this.index}/_search`,
      querystring: { seq_no_primary_term: true, ignore_unavailable: true },
      body: {
        size: free,
        query: {
          bool: {
            filter: [
              { term: { status: 'idle' } },
              { range: { runAt: { lte: 'now' } } },
              { terms: { taskType: [...this.definitions.keys()] } },
            ],
          },
        },
        sort: [{ runAt: 'asc' }],
      },
    });
    for (const hit of r.hits.hits) {
      const startedAt = new Date().toISOString();
      try {
        await this.engine.request({
          method: 'PUT',
          path: this.docPath(hit._id),
          querystring: { if_seq_no: hit._seq_no, if_primary_term: hit._primary_term, refresh: 'wait_for' },
          body: { ...hit._source, status: 'running', startedAt, ownerId: this.ownerId },
        });
      } catch (error) {
        if (error instanceof EngineRequestError && error.statusCode === 409) continue; // claimed by another instance
        throw error;
      }
      const run = this.runTask(hit._id, { ...hit._source, status: 'running', startedAt })
        .catch((error) =>
          this.options.logger.warn(
            `task ${hit._source.taskType} "${hit._id}" could not run: ${error?.message ?? error}`,
          ),
        )
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  private async runTask(id: string, doc: TaskDoc): Promise<void> {
    const def = this.definitions.get(doc.taskType)!;
    const instance = this.toInstance(id, doc);
    const abortController = new AbortController();
    const runner = def.createTaskRunner({ taskInstance: instance, abortController });
    const timeoutMs = parseIntervalMs(def.timeout ?? '5m');
    let timer: NodeJS.Timeout | undefined;
    let result: TaskRunResult | void = undefined;
    let failure: unknown;
    try {
      result = await Promise.race([
        runner.run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            abortController.abort();
            void runner.cancel?.();
            reject(new Error(`task ${doc.taskType} "${id}" timed out after ${def.timeout ?? '5m'}`));
          }, timeoutMs);
        }),
      ]);
      if (result && result.error) failure = result.error;
    } catch (error) {
      failure = error;
    } finally {
      if (timer) clearTimeout(timer);
    }
    const now = Date.now();
    const schedule = (result && result.schedule) || doc.schedule;
    let update: Partial<TaskDoc> | null;
    if (failure) {
      const attempts = doc.attempts + 1;
      const message = failure instanceof Error ? failure.message : String(failure);
      this.options.logger.warn(`task ${doc.taskType} "${id}" failed (attempt ${attempts}): ${message}`);
      if (schedule)
        update = {
          status: 'idle',
          attempts,
          runAt: new Date(now + parseIntervalMs(schedule.interval)).toISOString(),
          lastError: message,
        };
      else if (attempts < (def.maxAttempts ?? 3))
        update = {
          status: 'idle',
          attempts,
          runAt: new Date(now + this.retryDelayMs * attempts).toISOString(),
          lastError: message,
        };
      else update = { status: 'failed', attempts, lastError: message };
    } else if (schedule) {
      update = {
        status: 'idle',
        attempts: 0,
        state: (result && result.state) ?? doc.state,
        schedule,
        runAt: (result && result.runAt
          ? result.runAt
          : new Date(now + parseIntervalMs(schedule.interval))
        ).toISOString(),
      };
    } else if (result && result.runAt) {
      update = { status: 'idle', attempts: 0, state: result.state ?? doc.state, runAt: result.runAt.toISOString() };
    } else {
      update = null; // a one-off task that succeeded is removed
    }
    try {
      await this.settle(id, update);
    } catch (error: any) {
      // the engine went away: keep the outcome and write it on a later poll (a real Kibana keeps running too)
      this.options.logger.warn(
        `task ${doc.taskType} "${id}": could not record the run, will retry: ${error?.message ?? error}`,
      );
      this.unsettled.set(id, update);
    }
  }

  /** Writes a finished run's outcome: the update, or the removal of a one-off task. */
  private async settle(id: string, update: Partial<TaskDoc> | null): Promise<void> {
    try {
      if (update) {
        await this.engine.request({
          method: 'POST',
          path: `/${this.index}/_update/${encodeURIComponent(id)}`,
          querystring: { refresh: 'wait_for' },
          body: { doc: { ...update, ownerId: null } },
        });
      } else {
        await this.engine.request({ method: 'DELETE', path: this.docPath(id), querystring: { refresh: 'wait_for' } });
      }
    } catch (error) {
      // removed while running: nothing to update
      if (!(error instanceof EngineRequestError && error.statusCode === 404)) throw error;
    }
  }
}
