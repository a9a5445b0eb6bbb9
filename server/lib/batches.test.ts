/** @jest-layer engine */
/*
 * Batching many signatures (batches.ts): on the real engine, rates, classification, the editor
 * preview (success check and overlap) and the signature list's hits give exactly what one unbatched
 * request gives, and no request body carries more signatures than the batch bound.
 */
import { build, createLogIndex, logDoc, TestIndex } from '../../test/fixtures/log_index';
import { sig } from '../../test/fixtures/signatures';
import { EngineClient, EngineRequest, msearch } from '../../lib/engine_client';
import { FAILED_BUILD_STATUSES } from '../../common/constants';
import { LOG_FIELDS } from '../../common/log_fields';
import { classifyBuild } from './classify/classify';
import { draftSignature, PREVIEW_ID, previewSignature } from './preview';
import { overlapOf, signatureBuilds, successChecks } from './success/success';
import { failureRates, HOUR_MS, windowFilter } from './rates/rates';
import { signatureHits } from './signature_hits';
import { uncategorizedFailures } from './uncategorized/uncategorized';
import { compileSignatures } from './signatures/compile';

const N = 3000;
const BATCH = 200;
const UNBATCHED = { batchSize: 1_000_000 };
const BATCHED = { batchSize: BATCH, concurrency: 3 };
const SMALL = { batchSize: 50, concurrency: 3 };
const BUILDS = 30;
const NOW = Date.now();
const END = Math.ceil(NOW / HOUR_MS) * HOUR_MS;

// Cheap, distinct signatures of three shapes: a token of its own (most never occur), a phrase on a
// shared token, and a token plus a job name; a few cannot be anchored (leading wildcard).
const signatures = Array.from({ length: N }, (_, i) => {
  if (i % 500 === 7) return sig(`s${i}`, `message:*ok${i % 50}`);
  if (i % 3 === 0) return sig(`s${i}`, `message:"tok${i % 120} common"`);
  if (i % 3 === 1) return sig(`s${i}`, `message:tok${i}`);
  return sig(`s${i}`, `message:tok${i % 120} AND build_name:"job-${i % 4}"`);
});
const compiled = compileSignatures(signatures);

let index: TestIndex;

// thousands of filters on a shared, busy engine: generous, and never a measure of speed
jest.setTimeout(300_000);

beforeAll(async () => {
  index = await createLogIndex('batches');
  const docs: Array<Record<string, unknown>> = [];
  for (let b = 0; b < BUILDS; b++) {
    const fields = build(`b${b}`, { build_name: `job-${b % 4}`, build_status: b % 5 === 0 ? 'SUCCESS' : 'FAILURE' });
    for (let l = 0; l < 12; l++) {
      const k = (b * 7 + l * 13) % 150; // tokens 120-149 are no signature's
      docs.push(
        logDoc({
          build: fields,
          message: `step ${l}: tok${k} common failure`,
          timestamp: new Date(NOW - ((b * 12 + l) % 72) * 60_000 - HOUR_MS).toISOString(),
          line: l + 1,
        }),
      );
    }
  }
  await index.add(docs);
});

afterAll(async () => {
  await index?.drop();
});

/** The real client, with every request recorded and the requests in flight counted. */
function recorded(engine: EngineClient): {
  client: EngineClient;
  requests: EngineRequest[];
  maxInFlight: () => number;
} {
  const requests: EngineRequest[] = [];
  let inFlight = 0;
  let max = 0;
  return {
    requests,
    maxInFlight: () => max,
    client: {
      async request<T>(req: EngineRequest): Promise<T> {
        requests.push(req);
        max = Math.max(max, ++inFlight);
        try {
          return await engine.request<T>(req);
        } finally {
          inFlight--;
        }
      },
    },
  };
}

/** Filters (one per signature or token) in a request body, over all its searches. */
function filtersIn(x: unknown): number {
  if (!x || typeof x !== 'object') return 0;
  let n = 0;
  for (const [k, v] of Object.entries(x)) {
    if (k === 'filters' && v && typeof v === 'object' && 'filters' in v && typeof (v as any).filters === 'object')
      n += Object.keys((v as any).filters).length;
    else n += filtersIn(v);
  }
  return n;
}

function expectBounded(requests: EngineRequest[]): void {
  const sizes = requests.map((r) => filtersIn(r.body) + filtersIn(r.bulkBody));
  expect(Math.max(...sizes)).toBeLessThanOrEqual(BATCH);
  // the work really was split: more than one request carried signatures
  expect(sizes.filter((s) => s > 0).length).toBeGreaterThan(1);
}

/** A word of letters only for a number (anchor tokens are words of letters: signatures/anchors.ts). */
const letters = (n: number): string =>
  (n < 26 ? '' : letters(Math.floor(n / 26) - 1)) + String.fromCharCode(97 + (n % 26));

const withoutTook = <T extends object>(r: T) => ({ ...r, took: 0, elapsedMs: 0 });

describe('batched signatures give exactly the unbatched results', () => {
  it('failure rates, in requests of at most the batch size, a bounded number at a time', async () => {
    const options = { index: index.name, end: END, includeSuppressed: true };
    const one = recorded(index.engine);
    const whole = await failureRates(one.client, compiled, { ...options, ...UNBATCHED });
    // the unbatched path sends all the anchored searches in one request
    expect(Math.max(...one.requests.map((r) => filtersIn(r.bulkBody)))).toBeGreaterThan(BATCH);
    const rec = recorded(index.engine);
    const batched = await failureRates(rec.client, compiled, { ...options, ...BATCHED });
    expect(withoutTook(batched)).toEqual(withoutTook(whole));
    expect(whole.signatures.filter((s) => s.failedBuilds > 0).length).toBeGreaterThan(100);
    expect(whole.signatures.some((s) => s.buildsByStatus.SUCCESS > 0)).toBe(true);
    expectBounded(rec.requests);
    expect(rec.maxInFlight()).toBeLessThanOrEqual(BATCHED.concurrency);
  });

  it('classification (filters strategy) of two builds', async () => {
    let matched = 0;
    for (const b of [3, 17]) {
      const options = { index: index.name, strategy: 'filters' as const, indices: [index.name] };
      const whole = await classifyBuild(index.engine, compiled, { uuid: `b${b}` }, { ...options, ...UNBATCHED });
      const rec = recorded(index.engine);
      const batched = await classifyBuild(rec.client, compiled, { uuid: `b${b}` }, { ...options, ...BATCHED });
      expect(withoutTook(batched)).toEqual(withoutTook(whole));
      expect(rec.requests).toHaveLength(Math.ceil(N / BATCH));
      expectBounded(rec.requests);
      expect(rec.maxInFlight()).toBeLessThanOrEqual(BATCHED.concurrency);
      if (whole.kind === 'classified') matched += whole.matches.length;
    }
    expect(matched).toBeGreaterThan(10);
  });

  it('the editor preview with all stored signatures (success check and overlap)', async () => {
    const req = { query: 'message:tok3', days: 10 };
    const options = { index: index.name, defaultDays: 10 };
    const whole = await previewSignature(index.engine, req, signatures, { ...options, ...UNBATCHED });
    const rec = recorded(index.engine);
    const batched = await previewSignature(rec.client, req, signatures, { ...options, ...BATCHED });
    // both windows end "now": compare what does not depend on the exact bucket boundaries
    const stable = (p: typeof whole) => ({
      hits: p.hits,
      buildsByStatus: p.buildsByStatus,
      samples: p.samples,
      success: p.success,
      overlap: p.overlap,
    });
    expect(stable(batched)).toEqual(stable(whole));
    expect(whole.overlap.length).toBeGreaterThan(10);
    // the overlap (only signatures found in the draft's builds are counted in full) is what all stored
    // signatures' builds over the whole window give
    const all = await signatureBuilds(index.engine, compileSignatures([draftSignature(req), ...signatures]), {
      index: index.name,
      end: whole.end,
      windowMs: 10 * 24 * HOUR_MS,
      ...UNBATCHED,
    });
    expect(whole.overlap).toEqual(overlapOf(all, PREVIEW_ID).overlaps);
    expect(whole.success).toEqual(successChecks(all).find((c) => c.signatureId === PREVIEW_ID));
    expectBounded(rec.requests);
  });

  it("the preview's overlap over daily indices: only the indices holding the draft's builds, only the stored signatures that can match there, the same answer as the full breakdown", async () => {
    // three "daily" indices: the draft's builds in the first two, the third holds other builds only
    const days = [
      await createLogIndex('preview-a'),
      await createLogIndex('preview-b'),
      await createLogIndex('preview-c'),
    ];
    try {
      const at = (h: number) => new Date(NOW - h * HOUR_MS).toISOString();
      const lines = (uuid: string, messages: string[], h: number, status = 'FAILURE') =>
        messages.map((message, l) =>
          logDoc({ build: build(uuid, { build_status: status }), message, timestamp: at(h), line: l + 1 }),
        );
      await days[0].add([0, 1, 2, 3].flatMap((d) => lines(`d${d}`, ['draftmark alpha one', 'plain line'], 30 + d)));
      await days[1].add([
        ...[4, 5].flatMap((d) => lines(`d${d}`, ['draftmark gamma', 'other words'], 10 + d, 'SUCCESS')),
        ...lines('o1', ['alpha one', 'delta'], 12),
      ]);
      await days[2].add([2, 3, 4, 5].flatMap((o) => lines(`o${o}`, ['alpha one', 'delta', 'epsilon'], 2 + o)));
      const stored = [
        sig('alpha', 'message:"alpha one"'), // in draft builds (first index) and in o1..o5
        sig('gamma', 'message:gamma'), // in d4, d5 only
        sig('delta', 'message:delta'), // never in a draft build: its anchor is absent there, skipped
        sig('wild', 'message:*amma'), // cannot be anchored: always searched
        sig('eps', 'message:"one alpha"'), // its tokens occur in the draft builds, its phrase does not
        // dormant bugs: a word of letters of their own (an anchor), in no line
        ...Array.from({ length: 300 }, (_, i) => sig(`dormant${i}`, `message:dormant${letters(i)}`)),
      ];
      const pattern = days.map((d) => d.name).join(',');
      const req = { query: 'message:draftmark', days: 10 };
      const rec = recorded(index.engine);
      const steps: string[] = [];
      const preview = await previewSignature(rec.client, req, stored, {
        index: pattern,
        defaultDays: 10,
        ...BATCHED,
        profile: (step) => steps.push(step),
      });
      const all = await signatureBuilds(index.engine, compileSignatures([draftSignature(req), ...stored]), {
        index: pattern,
        end: preview.end,
        windowMs: 10 * 24 * HOUR_MS,
        ...UNBATCHED,
      });
      expect(preview.overlap).toEqual(overlapOf(all, PREVIEW_ID).overlaps);
      expect(preview.overlap.map((o) => [o.signatureId, o.sharedBuilds, o.shareOfOther])).toEqual([
        ['alpha', 4, 4 / 9],
        ['gamma', 2, 1],
        ['wild', 2, 1],
      ]);
      expect(preview.success).toEqual(successChecks(all).find((c) => c.signatureId === PREVIEW_ID));
      // the stored signatures over the draft's builds: the two indices that hold them, and only the
      // signatures that can match a line there
      const within = rec.requests.filter(
        (r) => (r.body as any)?.aggs?.signatures && JSON.stringify(r.body).includes('"terms":{"build_uuid'),
      );
      expect(within).toHaveLength(1);
      expect(decodeURIComponent(within[0].path)).toBe(`/${days[0].name},${days[1].name}/_search`);
      expect(Object.keys((within[0].body as any).aggs.signatures.filters.filters).sort()).toEqual([
        'alpha',
        'eps',
        'gamma',
        'wild',
      ]);
      // the draft's three requests run at the same time, then the overlap's steps one after the other
      expect(steps.slice(0, 3).sort()).toEqual(['draft builds', 'draft rates', 'draft samples']);
      expect(steps.slice(3)).toEqual([
        'indices of the draft builds',
        'stored signatures possible there (absent anchor tokens)',
        '4 of 305 stored signatures over the draft builds',
        '3 sharing stored signatures over the window',
      ]);
    } finally {
      for (const d of days) await d.drop();
    }
  });

  it("the signature list's hits", async () => {
    const whole = await signatureHits(index.engine, compiled, index.name, END - 10 * 24 * HOUR_MS, END, UNBATCHED);
    const rec = recorded(index.engine);
    const batched = await signatureHits(rec.client, compiled, index.name, END - 10 * 24 * HOUR_MS, END, BATCHED);
    expect(batched).toEqual(whole);
    expect(Object.values(whole).filter((h) => h.hits > 0).length).toBeGreaterThan(100);
    expectBounded(rec.requests);
  });
});

describe('batched uncategorized', () => {
  it('explains exactly the builds the unbatched request explains', async () => {
    // only own-token signatures (tokens 100-149 occur) and a few test_ids ones: some builds stay unexplained
    const subset = compiled
      .filter((_, i) => i % 3 === 1 && i >= 100)
      .map((c, i) => (i % 400 === 5 ? compileSignatures([{ ...c.signature, testIds: ['tempest.t'] }])[0] : c))
      .concat(compileSignatures([sig('dormant', 'message:"zebra common"')]));
    const options = {
      index: index.name,
      subunitIndex: `${index.name}-no-subunit`,
      end: END,
      windowMs: 10 * 24 * HOUR_MS,
      perPage: 100,
    };
    const whole = await uncategorizedFailures(index.engine, subset, { ...options, ...UNBATCHED });
    const rec = recorded(index.engine);
    const batched = await uncategorizedFailures(rec.client, subset, { ...options, ...SMALL });
    expect({ ...batched, took: 0 }).toEqual({ ...whole, took: 0 });
    expect(whole.failedBuilds).toBe(BUILDS - BUILDS / 5);
    expect(whole.unexplained.length).toBeGreaterThan(0);
    expect(whole.unexplained.length).toBeLessThan(whole.failedBuilds);
    // the old way, independently: a failed voting build is explained when one of its lines in the window
    // matches a signature (one search per signature; the test_ids ones have no failed tests here)
    const reference = new Set<string>();
    const plain = subset.filter((c) => !c.signature.testIds?.length);
    for (let i = 0; i < plain.length; i += 100) {
      const res = await msearch(
        index.engine,
        plain.slice(i, i + 100).map((c) => ({
          index: index.name,
          body: {
            size: 0,
            query: {
              bool: {
                filter: [
                  ...windowFilter(END - 10 * 24 * HOUR_MS, END, {}),
                  { terms: { [LOG_FIELDS.buildStatus]: [...FAILED_BUILD_STATUSES] } },
                  { term: { [LOG_FIELDS.voting]: 1 } },
                  c.query,
                ],
              },
            },
            aggs: { b: { terms: { field: LOG_FIELDS.buildUuid, size: 100 } } },
          },
        })),
      );
      for (const r of res.responses) {
        expect(r.error).toBeUndefined();
        for (const b of r.aggregations.b.buckets) reference.add(String(b.key));
      }
    }
    expect(whole.explainedBuilds).toBe(reference.size);
    expect(whole.unexplained.length).toBe(whole.failedBuilds - reference.size);
    expect(whole.unexplained.filter((b) => reference.has(b.uuid))).toEqual([]);
    // the failed builds are enumerated once; each explaining request ORs at most the batch size of
    // signatures, and the dormant ones (own token absent from the window) are not sent at all
    const bodies = rec.requests.map((r: any) => r.body).filter(Boolean);
    expect(bodies.filter((b: any) => b.aggs?.builds?.multi_terms)).toHaveLength(1);
    const perRequest = bodies.filter((b: any) => b.query?.bool?.should).map((b: any) => b.query.bool.should.length);
    expect(Math.max(...perRequest)).toBeLessThanOrEqual(SMALL.batchSize);
    expect(perRequest.length).toBeGreaterThan(1);
    // (tokN holds digits: no anchor plan, so only the one with an absent word is dormant)
    expect(perRequest.reduce((a: number, b: number) => a + b, 0)).toBe(subset.length - 1);
  });
});
