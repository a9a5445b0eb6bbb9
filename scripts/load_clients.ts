/*
 * The simulated users of `npm run bench:load`, run in a child process of the bench so that their
 * requests and timers do not share the event loop of the host they measure (bench_load.ts forks this
 * file; it answers one message with the timings). Each user loads the pages in turn (rates,
 * uncategorized, signatures list, results) and previews a stored signature's query, until `seconds`
 * have passed or `requests` requests were made in all.
 */
import { performance } from 'perf_hooks';
import { RATES_PATH } from '../common/api/rates';
import { UNCATEGORIZED_PATH } from '../common/api/uncategorized';
import { SIGNATURES_PATH } from '../common/api/signatures';
import { RESULTS_PATH } from '../common/api/results';
import { QUERY_PREVIEW_PATH } from '../common/api/query';

export const LOAD_KINDS = ['rates', 'uncategorized', 'signatures', 'results', 'preview'] as const;
export type LoadKind = (typeof LOAD_KINDS)[number];

export interface ClientsSpec {
  /** The host's base URL and the headers of the simulated user (authorization, the xsrf header). */
  url: string;
  headers: Record<string, string>;
  users: number;
  seconds?: number;
  requests?: number;
  /** Queries the users preview, in turn. */
  previews: string[];
}

export interface ClientsResult {
  times: Record<LoadKind, number[]>;
  errors: Record<LoadKind, number>;
  /** Non-2xx answers by status (0: no answer). */
  errorsByStatus: Record<string, number>;
  seconds: number;
}

export async function runClients(spec: ClientsSpec): Promise<ClientsResult> {
  if (spec.seconds === undefined && spec.requests === undefined) throw new Error('runClients: seconds or requests');
  const call = async (kind: LoadKind, i: number): Promise<number> => {
    const post = kind === 'preview';
    const path = {
      rates: RATES_PATH,
      uncategorized: UNCATEGORIZED_PATH,
      signatures: SIGNATURES_PATH,
      results: RESULTS_PATH,
      preview: QUERY_PREVIEW_PATH,
    }[kind];
    const res = await fetch(`${spec.url}${path}`, {
      method: post ? 'POST' : 'GET',
      headers: { ...spec.headers, ...(post ? { 'content-type': 'application/json' } : {}) },
      body: post ? JSON.stringify({ query: spec.previews[i % spec.previews.length] }) : undefined,
    });
    await res.arrayBuffer();
    return res.status;
  };
  const times = Object.fromEntries(LOAD_KINDS.map((k) => [k, [] as number[]])) as Record<LoadKind, number[]>;
  const errors = Object.fromEntries(LOAD_KINDS.map((k) => [k, 0])) as Record<LoadKind, number>;
  const errorsByStatus: Record<string, number> = {};
  let issued = 0;
  const start = performance.now();
  const more = () =>
    spec.requests !== undefined ? issued < spec.requests : performance.now() - start < spec.seconds! * 1000;
  // the n-th request issued, whichever user issues it, asks the n-th kind in turn: the mix does not
  // depend on which user's answers come back first
  const user = async () => {
    while (more()) {
      const step = issued++;
      const kind = LOAD_KINDS[step % LOAD_KINDS.length];
      const t0 = performance.now();
      let status: number;
      try {
        status = await call(kind, step);
      } catch {
        status = 0;
      }
      times[kind].push(performance.now() - t0);
      if (status < 200 || status > 299) {
        errors[kind]++;
        errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.users }, () => user()));
  return { times, errors, errorsByStatus, seconds: (performance.now() - start) / 1000 };
}

// as a child process: one spec in, one result out
if (require.main === module && process.send) {
  process.once('message', (spec: ClientsSpec) => {
    runClients(spec).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error) => process.send!({ error: String(error?.stack ?? error) }, () => process.exit(1)),
    );
  });
}
