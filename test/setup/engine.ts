/* Helpers for tests that talk to the real engine started by global_setup.ts. */
import * as fs from 'fs';
import * as path from 'path';

export function engineUrl(): string {
  if (process.env.ELASTIC_RECHECK_TEST_LAYER === 'unit') {
    throw new Error(
      'this test reaches the engine but runs in the unit layer, which starts none: put the docblock tag ' +
        '`@jest-layer engine` in the first lines of the test file (see jest.config.js)',
    );
  }
  const url = process.env.ENGINE_URL;
  if (!url) throw new Error('ENGINE_URL is not set: run the tests through jest (global setup starts the engine)');
  return url.replace(/\/$/, '');
}

/** Plain JSON call to the engine; throws with the engine's error text on a non-2xx answer. */
export async function engineRequest<T = any>(
  method: string,
  urlPath: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const res = await fetch(`${engineUrl()}${urlPath}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath} -> ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : (undefined as T);
}

/** A name unique to this test file and run, for indices the test creates and deletes. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`.toLowerCase();
}

/**
 * The shared corpus (../shared/corpus/elastic-recheck) when it sits beside the checkout, or the directory
 * named by ELASTIC_RECHECK_CORPUS_DIR (pointing it at a missing directory shows that the suites skip).
 */
export const CORPUS_DIR = process.env.ELASTIC_RECHECK_CORPUS_DIR
  ? path.resolve(process.env.ELASTIC_RECHECK_CORPUS_DIR)
  : path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'elastic-recheck');
export const corpusAvailable = fs.existsSync(CORPUS_DIR);
/**
 * `describe` when the corpus is present; otherwise the suite is reported as skipped without running its
 * body (jest runs a `describe.skip` body to collect its tests, and these bodies read corpus files).
 */
export function describeWithCorpus(name: string, body: () => void): void {
  if (corpusAvailable) describe(name, body);
  else describe.skip(name, () => test(`needs the shared corpus at ${CORPUS_DIR}`, () => undefined));
}
