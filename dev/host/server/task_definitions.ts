/*
 * Task type registration as Kibana's task manager does it
 * (x-pack/platform/plugins/shared/task_manager/server/task_type_dictionary.ts registerTaskDefinitions,
 * and taskDefinitionSchema in .../task_manager/server/task.ts):
 * - a type registered twice throws `Task <type> is already defined!`;
 * - `maxConcurrency` throws unless the type is on the host's allow list (no third-party type is);
 * - every definition of the call is then validated against the schema (title and description optional
 *   strings, timeout an interval such as `5m`, maxAttempts >= 1); a failure does NOT throw: the host logs
 *   `Could not sanitize task definitions: ...` and registers none of the call's types, so scheduling one
 *   later fails with `Unsupported task type`.
 * The host's list of removed task types is not reproduced (docs/host_compatibility.md).
 */
import type { TaskDefinition } from '../../../server/types/host';

/** What one `registerTaskDefinitions` call does: throw, or register all of `accepted`, or log and register none. */
export function checkTaskDefinitions(
  known: ReadonlySet<string>,
  defs: Record<string, TaskDefinition>,
): { accepted: Array<[string, TaskDefinition]>; logged?: string } {
  const duplicate = Object.keys(defs).find((type) => known.has(type));
  if (duplicate) throw new Error(`Task ${duplicate} is already defined!`);
  for (const [type, def] of Object.entries(defs)) {
    if ((def as { maxConcurrency?: unknown })?.maxConcurrency !== undefined)
      throw new Error(`maxConcurrency setting isn't allowed for task type: ${type}`);
  }
  for (const [type, def] of Object.entries(defs)) {
    const problem = schemaProblem(def);
    if (problem) return { accepted: [], logged: `Could not sanitize task definitions: [${type}] ${problem}` };
  }
  return { accepted: Object.entries(defs) };
}

function schemaProblem(def: TaskDefinition): string | undefined {
  if (!def || typeof def !== 'object') return 'expected an object';
  for (const key of ['title', 'description'] as const) {
    if (def[key] !== undefined && typeof def[key] !== 'string') return `[${key}]: expected value of type [string]`;
  }
  const timeout = def.timeout ?? '5m';
  if (typeof timeout !== 'string' || !/^[0-9]+[smhd]$/.test(timeout))
    return `Invalid timeout "${timeout}". Timeout must be of the form "{number}{cadence}" where number is an integer.`;
  if (def.maxAttempts !== undefined && !(typeof def.maxAttempts === 'number' && def.maxAttempts >= 1))
    return '[maxAttempts]: Value must be equal to or greater than [1].';
  return undefined;
}
