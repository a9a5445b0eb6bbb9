/*
 * elastic-recheck's `graph.json` (reference §1.2), computed by failureRates() in one aggregation.
 *
 * Same shape and window as `elastic-recheck-graph`: 240 hourly buckets ending at the current hour
 * (excluded), buglist sorted by -(fails24 * 100000 + fails), one series per build status. Better, on
 * purpose (graph_json.test.ts shows each against golden/graph_all.json):
 *  - `fails` counts distinct failed builds inside the 10-day window, not every hit the search returned;
 *  - `fails24` counts distinct failed builds over 24 buckets (ER summed 23 per-hour counts);
 *  - `-q QUEUE` filters the queue once, as a filter (ER appended `build_queue` twice to the text);
 *  - the Kibana link ends in `&from=864000s` (ER printed `864000.0s` under Python 3).
 */
import type { Signature } from '../../common/signature/types';
import { DEFAULT_LOG_INDEX_PATTERN } from '../../common/constants';
import { LOG_FIELDS } from '../../common/log_fields';
import { EngineClient, search } from '../../lib/engine_client';
import type { CompiledSignature } from '../../server/lib/signatures/compile';
import { DAY_MS, failureRates, HOUR_MS } from '../../server/lib/rates/rates';

export interface ErBugData {
  name: string;
  affects: string;
  reviews: number[];
}

export interface ErGraphBug {
  number: string;
  query: string;
  logstash_url: string;
  bug_data: ErBugData;
  fails: number;
  fails24: number;
  data: Array<{ label: string; data: Array<[number, number]> }>;
  voting: boolean;
}

export interface ErGraphJson {
  now: number;
  last_indexed: number;
  behind: number;
  status: string;
  buglist: ErGraphBug[];
}

export interface GraphJsonOptions {
  index?: string;
  /** The clock (epoch ms). */
  now: number;
  /** elastic-recheck's `-q QUEUE`. */
  queue?: string;
  /** Kibana base for `logstash_url` (ER's `ls_url`). */
  logstashUrl?: string;
  /** Bug tracker data per signature (ER asked Launchpad and Gerrit). */
  bugData?: (sig: Signature) => ErBugData | Promise<ErBugData>;
  /** The query text shown (ER: the effective query incl. `AND voting:1`). */
  queryText: (sig: Signature) => string;
  days?: number;
}

/** Python's urllib.parse.quote with its default safe set ("/"): what ER used for the Kibana link. */
export function pythonQuote(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9_.\-~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** ER's encode_logstash_query: the query JSON-string-escaped without its quotes, URL-quoted. */
export function encodeLogstashQuery(query: string, timeframeSeconds: number): string {
  return `query=${pythonQuote(JSON.stringify(query).slice(1, -1))}&from=${timeframeSeconds}s`;
}

/** Newest console line of a gate or check build (ER's most_recent_event), epoch ms; 0 when none. */
export async function lastIndexed(engine: EngineClient, index = DEFAULT_LOG_INDEX_PATTERN): Promise<number> {
  const res = await search(
    engine,
    index,
    {
      size: 0,
      track_total_hits: false,
      query: {
        bool: {
          filter: [
            { terms: { [LOG_FIELDS.filename]: ['console.html', 'job-output.txt'] } },
            { terms: { [LOG_FIELDS.buildQueue]: ['gate', 'check'] } },
          ],
          must_not: [{ term: { 'tags.keyword': '_grokparsefailure' } }],
        },
      },
      aggs: { newest: { max: { field: LOG_FIELDS.timestamp } } },
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  return res.aggregations?.newest?.value ?? 0;
}

export async function graphJson(
  engine: EngineClient,
  signatures: CompiledSignature[],
  options: GraphJsonOptions,
): Promise<ErGraphJson> {
  const days = options.days ?? 10;
  const nowHour = Math.floor(options.now / HOUR_MS) * HOUR_MS;
  const [rates, indexed, health] = await Promise.all([
    failureRates(engine, signatures, {
      index: options.index,
      end: nowHour,
      windowMs: days * DAY_MS,
      bucketMs: HOUR_MS,
      queues: options.queue ? [options.queue] : undefined,
    }),
    lastIndexed(engine, options.index),
    engine.request<{ status: string }>({ method: 'GET', path: '/_cluster/health' }),
  ]);
  const byId = new Map(signatures.map((c) => [c.signature.id, c.signature]));
  const base = options.logstashUrl ?? 'http://logstash.openstack.org';
  const buglist: ErGraphBug[] = [];
  for (const row of rates.signatures) {
    const sig = byId.get(row.signatureId)!;
    const query = options.queue ? `${options.queryText(sig)} AND build_queue:${options.queue}` : options.queryText(sig);
    buglist.push({
      number: sig.id,
      query,
      logstash_url: `${base}/#/dashboard/file/logstash.json?${encodeLogstashQuery(query, days * 24 * 3600)}`,
      bug_data: options.bugData ? await options.bugData(sig) : { name: sig.title ?? '', affects: '', reviews: [] },
      fails: row.failedBuilds,
      fails24: row.failedBuilds24h,
      data: row.series.map((s) => ({ label: s.status, data: s.data })),
      voting: row.voting,
    });
  }
  return { now: options.now, last_indexed: indexed, behind: nowHour - indexed, status: health.status, buglist };
}
