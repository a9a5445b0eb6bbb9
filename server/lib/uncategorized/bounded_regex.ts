/*
 * User regular expressions (the uncategorized page's excludeJobs / includeProjects) run in a worker thread
 * with a time limit, never on the host's event loop: a catastrophic pattern such as ^([a-z0-9-]+)*X$ costs
 * the request at most REGEX_TIME_LIMIT_MS and a 400, and the host keeps answering.
 */
import { Worker } from 'worker_threads';
import { REGEX_TIME_LIMIT_MS } from '../../../common/constants';
import { RequestError } from '../errors';

/** Plain JS for the worker (`eval`), so that it runs the same from the TypeScript sources and the built plugin. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const re = new RegExp(workerData.pattern);
parentPort.postMessage(workerData.values.map((v) => re.test(v)));
`;

export class RegexLimitError extends RequestError {
  constructor(message: string) {
    super(400, message);
    this.name = 'RegexLimitError';
  }
}

/** Which of `values` match `pattern`. Throws RegexLimitError (400) for an invalid pattern or one that runs too long. */
export async function matchAll(
  name: string,
  pattern: string,
  values: string[],
  timeLimitMs = REGEX_TIME_LIMIT_MS,
): Promise<Set<string>> {
  try {
    new RegExp(pattern); // compiling is linear in the pattern; only matching can explode
  } catch (error) {
    throw new RegexLimitError(`${name}: invalid regular expression "${pattern}": ${(error as Error).message}`);
  }
  const unique = [...new Set(values)];
  if (!unique.length) return new Set();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { pattern, values: unique },
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  try {
    const verdicts = await new Promise<boolean[]>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new RegexLimitError(
              `${name}: the regular expression ran longer than ${timeLimitMs} ms over ${unique.length} name(s) and was stopped; simplify it (no nested repetition such as (a+)*)`,
            ),
          ),
        timeLimitMs,
      );
      worker.once('message', (m: boolean[]) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(new RegexLimitError(`${name}: ${error.message}`));
      });
    });
    return new Set(unique.filter((_, i) => verdicts[i]));
  } finally {
    void worker.terminate();
  }
}
