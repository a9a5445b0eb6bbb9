/** @jest-layer engine */
/*
 * The query core against generated data with exact ground truth (generator/, test/fixtures/generated_data.ts):
 * classification agrees with the truth for every build (no false negatives, no false positives), and
 * failure rates, uncategorized counts and success checks equal counts computed here from the truth.
 */
import type { BuildTruth } from '../../generator';
import { FAILED_BUILD_STATUSES } from '../../common/constants';
import type { ClassifyResult } from '../../common/api/classify';
import { classifyBuild } from '../../server/lib/classify/classify';
import { failureRates } from '../../server/lib/rates/rates';
import { compileSignatures, CompiledSignature } from '../../server/lib/signatures/compile';
import { successCheck } from '../../server/lib/success/success';
import { uncategorizedFailures } from '../../server/lib/uncategorized/uncategorized';
import { GeneratedData, indexGeneratedData } from '../fixtures/generated_data';
import { engineRequest, uniqueName } from '../setup/engine';
import { forgetPercolatorIndex } from '../../server/lib/classify/percolator';

const NOW = Date.UTC(2026, 10, 20, 6, 0, 0);
const DAY = 24 * 3600_000;
const failed = (b: BuildTruth) => (FAILED_BUILD_STATUSES as readonly string[]).includes(b.status);

const PERCOLATOR_PREFIX = `${uniqueName('er-core-gen-perc')}-`;
let data: GeneratedData;
let compiled: CompiledSignature[];

beforeAll(async () => {
  data = await indexGeneratedData({ builds: 240, seed: 'query-core', now: NOW });
  compiled = compileSignatures(data.signatures);
}, 120_000);
afterAll(async () => {
  await data?.cleanup();
  forgetPercolatorIndex();
  await engineRequest('DELETE', `/${PERCOLATOR_PREFIX}*`).catch(() => undefined);
});

// The whole window, with room for builds that ran past `now`.
const windowOpts = () => ({ index: data.indexPattern, end: NOW + 2 * DAY, windowMs: (data.truth.days + 4) * DAY });

describe('query core on generated data (ground truth)', () => {
  it('classifies every build exactly as the ground truth says', async () => {
    const wrong: string[] = [];
    let matchedBuilds = 0;
    const builds = data.truth.builds;
    const results: ClassifyResult[] = [];
    for (let i = 0; i < builds.length; i += 8) {
      // every other build by each strategy: both must agree with the truth
      results.push(
        ...(await Promise.all(
          builds.slice(i, i + 8).map((b, k) =>
            classifyBuild(
              data.engine,
              compiled,
              { uuid: b.uuid },
              {
                index: data.indexPattern,
                subunitIndex: data.subunitPattern,
                strategy: k % 2 ? 'filters' : 'percolator',
                percolatorPrefix: PERCOLATOR_PREFIX,
              },
            ),
          ),
        )),
      );
    }
    builds.forEach((b, i) => {
      const r = results[i];
      if (r.kind !== 'classified') {
        wrong.push(`${b.uuid}: ${r.kind}`);
        return;
      }
      // on demand: suppress-notification signatures are evaluated too, reported apart
      const got = [...r.matches, ...r.suppressed].map((m) => m.signatureId).sort();
      if (JSON.stringify(got) !== JSON.stringify(b.confirmedSignatures))
        wrong.push(`${b.uuid}: got [${got}] expected [${b.confirmedSignatures}]`);
      const notConfirmed = b.expectedSignatures.filter((s) => !b.confirmedSignatures.includes(s)).sort();
      expect(r.unconfirmed.map((u) => u.signatureId).sort()).toEqual(notConfirmed);
      if (got.length) matchedBuilds++;
      // the cause line is among the reported lines' file set, and lines link to log_url#line
      if (b.cause.kind === 'known' && b.cause.signature && got.includes(b.cause.signature)) {
        const m = [...r.matches, ...r.suppressed].find((x) => x.signatureId === b.cause.signature)!;
        expect(m.lines.length).toBeGreaterThan(0);
        expect(m.lines.every((l) => /#\d+$/.test(l.link))).toBe(true);
      }
    });
    expect(wrong).toEqual([]);
    expect(matchedBuilds).toBeGreaterThan(5);
    const notify = await classifyBuild(
      data.engine,
      compiled,
      { uuid: data.truth.builds[0].uuid },
      { index: data.indexPattern, subunitIndex: data.subunitPattern, purpose: 'notification', strategy: 'filters' },
    );
    expect(notify.kind === 'classified' && notify.suppressed).toEqual([]);
  }, 120_000);

  it('failure rates equal the counts from the ground truth', async () => {
    const rates = await failureRates(data.engine, compiled, {
      ...windowOpts(),
      bucketMs: 3600_000,
      includeSuppressed: true,
    });
    for (const row of rates.signatures) {
      const builds = data.truth.builds.filter((b) => b.expectedSignatures.includes(row.signatureId));
      expect([row.signatureId, row.failedBuilds]).toEqual([row.signatureId, builds.filter(failed).length]);
      const byStatus: Record<string, number> = {};
      for (const b of builds) byStatus[b.status] = (byStatus[b.status] ?? 0) + 1;
      expect(row.buildsByStatus).toEqual(byStatus);
      const jobs = new Map<string, number>();
      for (const b of builds.filter(failed)) jobs.set(b.job, (jobs.get(b.job) ?? 0) + 1);
      const top = [...jobs.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 5)
        .map(([job, failedBuilds]) => ({ job, failedBuilds }));
      expect(row.topJobs).toEqual(top);
    }
    expect(rates.signatures.some((r) => r.failedBuilds > 0)).toBe(true);
    // suppress-graph signatures are left out by default
    const graphed = await failureRates(data.engine, compiled, windowOpts());
    expect(graphed.signatures.map((r) => r.signatureId).sort()).toEqual(
      data.signatures
        .filter((s) => !s.suppressGraph)
        .map((s) => s.id)
        .sort(),
    );
  });

  it('uncategorized counts and rates equal the counts from the ground truth', async () => {
    const r = await uncategorizedFailures(data.engine, compiled, {
      ...windowOpts(),
      subunitIndex: data.subunitPattern,
      perPage: 10000,
    });
    const explains = new Set(data.signatures.filter((s) => s.mode === 'explains').map((s) => s.id));
    const failures = data.truth.builds.filter((b) => failed(b) && b.voting === 1);
    const explained = failures.filter((b) => b.confirmedSignatures.some((s) => explains.has(s)));
    expect(r.failedBuilds).toBe(failures.length);
    expect(r.explainedBuilds).toBe(explained.length);
    expect(r.rate).toBe((100 * explained.length) / failures.length);
    const unexplained = failures.filter((b) => !explained.includes(b));
    expect(r.unexplained.map((b) => b.uuid).sort()).toEqual(unexplained.map((b) => b.uuid).sort());
    for (const job of r.jobs) {
      const fj = failures.filter((b) => b.job === job.job);
      expect([job.job, job.failedBuilds, job.explainedBuilds]).toEqual([
        job.job,
        fj.length,
        fj.filter((b) => explained.includes(b)).length,
      ]);
    }
    // newest first
    const times = r.unexplained.map((b) => Date.parse(b.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('success checks equal the counts from the ground truth', async () => {
    const checks = await successCheck(data.engine, compiled, windowOpts());
    for (const c of checks) {
      const builds = data.truth.builds.filter((b) => b.expectedSignatures.includes(c.signatureId));
      expect([c.signatureId, c.successBuilds, c.failedBuilds]).toEqual([
        c.signatureId,
        builds.filter((b) => b.status === 'SUCCESS').length,
        builds.filter(failed).length,
      ]);
    }
  });
});
