/* The stand-in's task type registration against the plugin's real task and what Kibana's task manager refuses. */
import { checkTaskDefinitions } from './task_definitions';
import { StandInTaskManager } from './task_manager';
import { registerRecheckTask } from '../../../server/lib/background/scheduler';
import { httpEngineClient } from '../../../lib/engine_client';
import type { TaskDefinition } from '../../../server/types/host';

const DICTIONARY = 'x-pack/platform/plugins/shared/task_manager/server/task_type_dictionary.ts';
const SCHEMA = 'x-pack/platform/plugins/shared/task_manager/server/task.ts taskDefinitionSchema';

const runner = () => ({ run: async () => undefined });
const def = (extra: Partial<TaskDefinition> & Record<string, unknown> = {}): TaskDefinition =>
  ({ title: 't', createTaskRunner: runner, ...extra }) as TaskDefinition;

function standIn() {
  const logged: string[] = [];
  const log = (m: string) => logged.push(m);
  // setup only: the engine is not reached before start()
  const tm = new StandInTaskManager(httpEngineClient('http://127.0.0.1:9'), 'unused', {
    logger: {
      debug: log,
      info: log,
      warn: log,
      error: log,
      fatal: log,
      trace: log,
      log,
      get: () => undefined,
    } as never,
  });
  return { setup: tm.setupContract(), logged };
}

describe('task definitions', () => {
  it(`the plugin's recheck task registers as Kibana's ${DICTIONARY} accepts it`, () => {
    const { setup, logged } = standIn();
    registerRecheckTask(setup, async () => undefined, 60_000);
    expect(logged).toEqual([]);
    expect(() => registerRecheckTask(setup, async () => undefined, 60_000)).toThrow(/is already defined!$/);
  });

  it(`${DICTIONARY}: a type registered twice throws`, () => {
    expect(() => checkTaskDefinitions(new Set(['a']), { a: def() })).toThrow('Task a is already defined!');
  });

  it(`${DICTIONARY}: maxConcurrency throws for a type off the host's allow list`, () => {
    expect(() => checkTaskDefinitions(new Set(), { a: def({ maxConcurrency: 1 }) })).toThrow(
      "maxConcurrency setting isn't allowed for task type: a",
    );
  });

  it(`${SCHEMA}: title is optional, timeout defaults to 5m`, () => {
    const { title: _title, ...untitled } = def();
    expect(checkTaskDefinitions(new Set(), { a: untitled as TaskDefinition })).toEqual({
      accepted: [['a', untitled]],
    });
  });

  it.each([
    ['timeout', { timeout: '5 minutes' }, /Invalid timeout "5 minutes"/],
    ['timeout fraction', { timeout: '1.5m' }, /Invalid timeout "1.5m"/],
    ['maxAttempts', { maxAttempts: 0 }, /\[maxAttempts\]/],
    ['title type', { title: 5 }, /\[title\]/],
  ])(`${SCHEMA}: a bad %s is logged and none of the call's types registers`, (_name, extra, message) => {
    const { setup, logged } = standIn();
    setup.registerTaskDefinitions({ good: def(), bad: def(extra as never) });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^Could not sanitize task definitions: \[bad\] /);
    expect(logged[0]).toMatch(message);
    // nothing of that call was registered, so the good type can be registered again
    setup.registerTaskDefinitions({ good: def() });
    expect(logged).toHaveLength(1);
  });
});
