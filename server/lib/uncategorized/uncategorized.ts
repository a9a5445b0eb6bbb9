/*
 * Failed builds in a window that no `explains` signature explains (elastic-recheck-uncategorized,
 * reference §1.4), with exact categorization rates overall and per job.
 *
 * One aggregation request enumerates every failed build in the window (multi_terms over build_uuid,
 * job and project: exact, no hit cap; a window with more builds than `maxBuilds` is refused rather
 * than undercounted). Beside it, the explaining signatures are asked only which failed builds they
 * explain (a terms aggregation over the lines their OR matches, in batches; dormant signatures, whose
 * required tokens no line holds, skipped): explained = the union, unexplained = the rest. Before, every
 * batch of 500 signatures enumerated all failed builds again. Signatures with test_ids are evaluated
 * apart: their log match only counts when one of the ids failed in the build (`subunit-*`, one extra
 * request only when such a signature matched a failed build). A last request fetches log links for
 * the requested page only (collapse on build_uuid).
 *
 * As in elastic-recheck, suppress-notification signatures do count as explaining (they are known
 * bugs, only not announced); `track` signatures do not. ER's percentage bug (always 1/total per job)
 * does not exist here: per-job rates are explained/failed builds of that job.
 */
import { matchAll } from './bounded_regex';
import type { JobCategorization, UncategorizedResult, UnexplainedBuild } from '../../../common/api/uncategorized';
import { DEFAULT_LOG_INDEX_PATTERN, FAILED_BUILD_STATUSES } from '../../../common/constants';
import {
  DEFAULT_SUBUNIT_INDEX_PATTERN,
  FAILED_TEST_STATUSES,
  LOG_FIELDS,
  LogDocument,
  logRootOf,
  logSourceFields,
  readLogDocument,
  SUBUNIT_FIELDS,
} from '../../../common/log_fields';
import type { RatesFilters } from '../../../common/api/rates';
import { EngineClient, search } from '../../../lib/engine_client';
import type { CompiledSignature } from '../signatures/compile';
import { bareTestId } from '../classify/classify';
import { batchSizeOf, chunks, MAX_CONCURRENT_BATCHES, mapBounded } from '../batches';
import { anchorFilter } from '../signatures/anchors';
import { buildTerms } from '../build_terms';
import { liveSignatures } from '../rates/dormant';
import { DAY_MS, IncompleteCountError, windowFilter } from '../rates/rates';

export interface UncategorizedOptions extends RatesFilters {
  index?: string;
  subunitIndex?: string;
  /** Window [end - windowMs, end), epoch ms. Default: the last 10 days up to now. */
  end?: number;
  windowMs?: number;
  /** Count only voting jobs (default true, as elastic-recheck's ALL_FAILS_QUERY). */
  votingOnly?: boolean;
  /**
   * A build counts as a failure only if one of its lines in the window matches this query (ER required
   * the console's final line, i.e. a fully indexed build). Default: every failed build counts.
   */
  failuresQuery?: object;
  /** Regular expression: jobs to leave out (ER: `(api-site|operations-guide|openstack-manuals|ansible|puppet)`). */
  excludeJobs?: string;
  /** Regular expression: only builds of matching projects. */
  includeProjects?: string;
  page?: number;
  perPage?: number;
  maxBuilds?: number;
  /** Most explaining signatures per engine request, and requests in flight (server/lib/batches.ts). */
  batchSize?: number;
  concurrency?: number;
  /** Fetch the page's builds' status, change, queue, branch and log URL (default true; the clusters need none). */
  details?: boolean;
}

interface FailedBuild {
  uuid: string;
  job: string;
  project: string;
  last: number;
  explained: boolean;
}

export async function uncategorizedFailures(
  engine: EngineClient,
  signatures: CompiledSignature[],
  options: UncategorizedOptions = {},
): Promise<UncategorizedResult> {
  const index = options.index ?? DEFAULT_LOG_INDEX_PATTERN;
  const end = options.end ?? Date.now();
  const start = end - (options.windowMs ?? 10 * DAY_MS);
  const page = options.page ?? 1;
  const perPage = options.perPage ?? 50;
  if (!Number.isInteger(page) || page < 1) throw new Error(`page must be a whole number >= 1, got ${page}`);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 10000)
    throw new Error(`perPage must be a whole number from 1 to 10000, got ${perPage}`);
  const maxBuilds = options.maxBuilds ?? 65000;

  const explaining = signatures.filter((c) => c.signature.mode === 'explains');
  const withTests = explaining.filter((c) => c.signature.testIds?.length);
  const filter = windowFilter(start, end, options);
  filter.push({ terms: { [LOG_FIELDS.buildStatus]: [...FAILED_BUILD_STATUSES] } });
  if (options.votingOnly !== false) filter.push({ term: { [LOG_FIELDS.voting]: 1 } });

  // One request enumerates the failed builds (no signature involved). Beside it, the explaining
  // signatures ask only which failed builds they explain: dormant ones (a required token absent from
  // the window, rates/dormant.ts) are skipped, the others run in batches of at most batchSize (the
  // engine's clause limit and breakers, server/lib/batches.ts), each batch's OR as the query (narrowed
  // by its anchors) and the matching lines' builds as terms; a build is explained when any batch
  // explains it. test_ids signatures have their own batches, with a filter per signature.
  const bucketsOf = (agg: any): any[] => {
    if (agg?.sum_other_doc_count > 0) throw new IncompleteCountError(['(failed builds)'], maxBuilds);
    return agg?.buckets ?? [];
  };
  const enumerate = search(
    engine,
    index,
    {
      size: 0,
      track_total_hits: false,
      query: { bool: { filter } },
      aggs: {
        builds: {
          ...buildTerms([LOG_FIELDS.buildName, LOG_FIELDS.project], maxBuilds),
          aggs: {
            last: { max: { field: LOG_FIELDS.timestamp } },
            ...(options.failuresQuery ? { selected: { filter: options.failuresQuery } } : {}),
          },
        },
      },
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  const explainedBy = async (): Promise<{
    explained: Set<string>;
    testMatches: Map<string, number[]>;
    took: number;
  }> => {
    const live = await liveSignatures(engine, index, explaining, filter, options);
    const anchorsOf = new Map(live.signatures.map((c, i) => [c, live.anchors[i]]));
    const plain = live.signatures.filter((c) => !c.signature.testIds?.length);
    const tested = live.signatures.filter((c) => c.signature.testIds?.length);
    const size = batchSizeOf(options);
    const batches = [
      ...chunks(plain, size).map((part) => ({ part, tests: false })),
      ...chunks(tested, size).map((part) => ({ part, tests: true })),
    ];
    const builds = { terms: { field: LOG_FIELDS.buildUuid, size: maxBuilds, shard_size: maxBuilds } };
    const answers = await mapBounded(batches, options.concurrency ?? MAX_CONCURRENT_BATCHES, ({ part, tests }) => {
      const narrow = anchorFilter(part.map((c) => anchorsOf.get(c)));
      const testFilters: Record<string, object> = {};
      for (const c of part) testFilters[`t${withTests.indexOf(c)}`] = c.query;
      return search(
        engine,
        index,
        {
          size: 0,
          track_total_hits: false,
          query: {
            bool: {
              filter: [...filter, ...(narrow ? [narrow] : [])],
              should: part.map((c) => c.query),
              minimum_should_match: 1,
            },
          },
          aggs: tests ? { tests: { filters: { filters: testFilters }, aggs: { builds } } } : { builds },
        },
        { ignore_unavailable: true, allow_no_indices: true },
      );
    });
    const explained = new Set<string>();
    const testMatches = new Map<string, number[]>(); // build -> indices (in withTests) of matched test_ids signatures
    for (const res of answers) {
      for (const b of bucketsOf(res.aggregations?.builds)) explained.add(String(b.key));
      for (const [key, t] of Object.entries<any>(res.aggregations?.tests?.buckets ?? {}))
        for (const b of bucketsOf(t.builds)) {
          const list = testMatches.get(String(b.key)) ?? [];
          list.push(Number(key.slice(1)));
          testMatches.set(String(b.key), list);
        }
    }
    return { explained, testMatches, took: answers.reduce((sum, r) => sum + (r.took ?? 0), 0) };
  };
  const [all, why] = await Promise.all([enumerate, explainedBy()]);
  const agg = { buckets: bucketsOf(all.aggregations?.builds) };
  let took = (all.took ?? 0) + why.took;

  // user patterns run in a worker with a time limit (bounded_regex.ts), once per distinct name
  const keys = agg.buckets.map((b: any) => b.key as string[]);
  const excluded =
    options.excludeJobs !== undefined
      ? await matchAll(
          'excludeJobs',
          options.excludeJobs,
          keys.map((k: string[]) => k[1]),
        )
      : undefined;
  const included =
    options.includeProjects !== undefined
      ? await matchAll(
          'includeProjects',
          options.includeProjects,
          keys.map((k: string[]) => k[2]),
        )
      : undefined;

  const builds: FailedBuild[] = [];
  const candidates = new Map<string, string[][]>(); // build -> test id lists of matched test_ids signatures
  for (const b of agg.buckets) {
    const [uuid, job, project] = b.key as string[];
    if (options.failuresQuery && b.selected.doc_count === 0) continue;
    if (excluded?.has(job)) continue;
    if (included && !included.has(project)) continue;
    const build: FailedBuild = { uuid, job, project, last: b.last.value, explained: why.explained.has(uuid) };
    if (!build.explained) {
      const lists = (why.testMatches.get(uuid) ?? []).sort((x, y) => x - y).map((i) => withTests[i].signature.testIds!);
      if (lists.length) candidates.set(uuid, lists);
    }
    builds.push(build);
  }

  if (candidates.size) {
    const sub = await search(
      engine,
      options.subunitIndex ?? DEFAULT_SUBUNIT_INDEX_PATTERN,
      {
        size: 0,
        query: {
          bool: {
            filter: [
              { terms: { [SUBUNIT_FIELDS.buildUuid]: [...candidates.keys()] } },
              { terms: { [SUBUNIT_FIELDS.testStatus]: FAILED_TEST_STATUSES } },
            ],
          },
        },
        aggs: {
          builds: {
            terms: { field: SUBUNIT_FIELDS.buildUuid, size: candidates.size },
            aggs: { tests: { terms: { field: SUBUNIT_FIELDS.testName, size: 65000 } } },
          },
        },
      },
      { ignore_unavailable: true, allow_no_indices: true },
    );
    took += sub.took;
    const failedTests = new Map<string, Set<string>>();
    for (const b of sub.aggregations?.builds?.buckets ?? [])
      failedTests.set(b.key, new Set(b.tests.buckets.map((t: any) => bareTestId(String(t.key)))));
    for (const build of builds) {
      const lists = candidates.get(build.uuid);
      const failed = failedTests.get(build.uuid);
      if (lists && failed && lists.some((ids) => ids.some((id) => failed.has(bareTestId(id))))) build.explained = true;
    }
  }

  const perJob = new Map<string, JobCategorization>();
  for (const b of builds) {
    const j = perJob.get(b.job) ?? { job: b.job, failedBuilds: 0, explainedBuilds: 0, unexplainedBuilds: 0, rate: 0 };
    j.failedBuilds++;
    if (b.explained) j.explainedBuilds++;
    else j.unexplainedBuilds++;
    perJob.set(b.job, j);
  }
  const jobs = [...perJob.values()]
    .map((j) => ({ ...j, rate: (100 * j.explainedBuilds) / j.failedBuilds }))
    .sort((a, b) => b.unexplainedBuilds - a.unexplainedBuilds || (a.job < b.job ? -1 : a.job > b.job ? 1 : 0));
  const explainedBuilds = builds.filter((b) => b.explained).length;
  const unexplainedAll = builds
    .filter((b) => !b.explained)
    .sort((a, b) => b.last - a.last || (a.uuid < b.uuid ? -1 : 1));
  const pageBuilds = unexplainedAll.slice((page - 1) * perPage, page * perPage);

  const details = new Map<string, LogDocument>();
  if (pageBuilds.length && options.details !== false) {
    const d = await search(
      engine,
      index,
      {
        size: pageBuilds.length,
        query: { bool: { filter: [{ terms: { [LOG_FIELDS.buildUuid]: pageBuilds.map((b) => b.uuid) } }] } },
        collapse: { field: LOG_FIELDS.buildUuid },
        sort: [{ [LOG_FIELDS.timestamp]: 'desc' }],
        _source: logSourceFields(
          'buildUuid',
          'buildStatus',
          'logUrl',
          'buildChange',
          'buildPatchset',
          'buildQueue',
          'buildBranch',
        ),
      },
      { ignore_unavailable: true, allow_no_indices: true },
    );
    took += d.took;
    for (const h of d.hits.hits) {
      const doc = readLogDocument(h._source);
      details.set(doc.buildUuid!, doc);
    }
  }
  const unexplained: UnexplainedBuild[] = pageBuilds.map((b) => {
    const doc: LogDocument = details.get(b.uuid) ?? {};
    return {
      uuid: b.uuid,
      job: b.job,
      project: b.project,
      status: doc.buildStatus!,
      timestamp: new Date(b.last).toISOString(),
      logUrl: doc.logUrl,
      logRoot: logRootOf(doc.logUrl),
      change: doc.buildChange,
      patchset: doc.buildPatchset,
      queue: doc.buildQueue,
      branch: doc.buildBranch,
    };
  });
  return {
    start,
    end,
    failedBuilds: builds.length,
    explainedBuilds,
    rate: builds.length ? (100 * explainedBuilds) / builds.length : null,
    jobs,
    unexplained,
    page,
    perPage,
    took,
  };
}
