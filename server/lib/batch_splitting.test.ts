/** @jest-layer engine */
/*
 * A batch too big for the engine at hand is halved and run again (batches.ts `mapSplitting`): with the
 * engine's `search.max_buckets` lowered below what one request of all signatures needs, classification,
 * failure rates and the build breakdown behind the preview still answer, exactly as before, in more
 * requests. The setting is cluster-wide: it is restored after each test.
 */
import { build, createLogIndex, logDoc, TestIndex } from '../../test/fixtures/log_index';
import { sig } from '../../test/fixtures/signatures';
import { isSizeFailure } from './batches';
import { classifyBuild } from './classify/classify';
import { failureRates, HOUR_MS } from './rates/rates';
import { signatureBuilds } from './success/success';
import { compileSignatures } from './signatures/compile';

const SIGNATURES = 60;
const BUILDS = 10;
const MAX_BUCKETS = 50; // below one request of all 60 signatures (60 filter buckets + builds + hours)
const NOW = Date.now();
const END = Math.ceil(NOW / HOUR_MS) * HOUR_MS;
const ONE_REQUEST = { batchSize: 1000 };

// all share the anchor token "common", so failure rates put them in one search; tok0-tok29 occur
const compiled = compileSignatures(
  Array.from({ length: SIGNATURES }, (_, k) => sig(`s${k}`, `message:"tok${k} common"`)),
);

let index: TestIndex;
jest.setTimeout(120_000);

beforeAll(async () => {
  index = await createLogIndex('splitting');
  const docs: Array<Record<string, unknown>> = [];
  for (let b = 0; b < BUILDS; b++) {
    const fields = build(`b${b}`, { build_name: `job-${b % 3}`, build_status: b % 4 === 0 ? 'SUCCESS' : 'FAILURE' });
    for (let l = 0; l < 3; l++)
      docs.push(
        logDoc({
          build: fields,
          message: `tok${b * 3 + l} common failure`,
          timestamp: new Date(END - 2 * HOUR_MS - b * 60_000).toISOString(),
          line: l + 1,
        }),
      );
  }
  await index.add(docs);
});

afterAll(async () => {
  await setMaxBuckets(null);
  await index?.drop();
});

async function setMaxBuckets(value: number | null): Promise<void> {
  await index.engine.request({
    method: 'PUT',
    path: '/_cluster/settings',
    body: { persistent: { 'search.max_buckets': value } },
  });
}

/** `fn` once with the engine's defaults, then with max_buckets lowered; the splits seen in the second run. */
async function underLowLimit<T>(
  fn: (onSplit: (size: number, error: unknown) => void) => Promise<T>,
): Promise<{ before: T; after: T; splits: number[] }> {
  const before = await fn(() => {
    throw new Error('no split expected with the default limit');
  });
  const splits: number[] = [];
  await setMaxBuckets(MAX_BUCKETS);
  try {
    const after = await fn((size, error) => {
      expect(isSizeFailure(error)).toBe(true);
      splits.push(size);
    });
    return { before, after, splits };
  } finally {
    await setMaxBuckets(null);
  }
}

describe('a batch too big for the engine is halved, with the same answer', () => {
  it('the limit really is too low for one request of all signatures', async () => {
    await setMaxBuckets(MAX_BUCKETS);
    try {
      const error = await failureRates(index.engine, compiled, {
        index: index.name,
        end: END,
        ...ONE_REQUEST,
        // no splitting possible below one signature: a batch size of 1,000 and a splitter that refuses
        onSplit: () => {
          throw new Error('split refused');
        },
      }).catch((e) => e);
      expect(error.message).toBe('split refused');
    } finally {
      await setMaxBuckets(null);
    }
  });

  it('classification', async () => {
    const options = { index: index.name, strategy: 'filters' as const, indices: [index.name], ...ONE_REQUEST };
    const { before, after, splits } = await underLowLimit((onSplit) =>
      classifyBuild(index.engine, compiled, { uuid: 'b2' }, { ...options, onSplit }),
    );
    expect(splits[0]).toBe(SIGNATURES);
    expect({ ...after, took: 0, elapsedMs: 0 }).toEqual({ ...before, took: 0, elapsedMs: 0 });
    expect(before.kind === 'classified' && before.matches.map((m) => m.signatureId)).toEqual(['s6', 's7', 's8']);
  });

  it('failure rates (a lone search is split by its signatures)', async () => {
    const { before, after, splits } = await underLowLimit((onSplit) =>
      failureRates(index.engine, compiled, {
        index: index.name,
        end: END,
        includeSuppressed: true,
        ...ONE_REQUEST,
        onSplit,
      }),
    );
    expect(splits.length).toBeGreaterThan(0);
    expect({ ...after, took: 0 }).toEqual({ ...before, took: 0 });
    expect(before.signatures.filter((s) => s.hits > 0)).toHaveLength(30);
  });

  it("the preview's build breakdown (success check and overlap)", async () => {
    const options = { index: index.name, end: END, windowMs: 24 * HOUR_MS, ...ONE_REQUEST };
    const { before, after, splits } = await underLowLimit((onSplit) =>
      signatureBuilds(index.engine, compiled, { ...options, onSplit }),
    );
    expect(splits[0]).toBe(SIGNATURES);
    expect({ ...after, took: 0 }).toEqual({ ...before, took: 0 });
    expect([...before.builds.values()].filter((b) => b.size > 0)).toHaveLength(30);
  });

  it('other engine errors are not retried', async () => {
    const bad = compileSignatures([sig('bad', 'message:"x"')], () => ({ no_such_query: {} }));
    let split = false;
    await expect(
      classifyBuild(
        index.engine,
        [...compiled, ...bad],
        { uuid: 'b2' },
        {
          index: index.name,
          strategy: 'filters',
          indices: [index.name],
          onSplit: () => (split = true),
        },
      ),
    ).rejects.toThrow(/no_such_query|parsing_exception|unknown query/i);
    expect(split).toBe(false);
  });
});

describe('isSizeFailure', () => {
  it('finds the engine reasons that say "too big", however nested', () => {
    expect(isSizeFailure({ statusCode: 429 })).toBe(true);
    expect(
      isSizeFailure(
        new Error('x', {
          cause: { type: 'search_phase_execution_exception', caused_by: { type: 'too_many_buckets_exception' } },
        }),
      ),
    ).toBe(true);
    expect(isSizeFailure({ body: { error: { root_cause: [{ type: 'circuit_breaking_exception' }] } } })).toBe(true);
    expect(isSizeFailure({ failed_shards: [{ reason: { type: 'too_many_buckets_exception' } }] })).toBe(true);
    expect(isSizeFailure({ statusCode: 400, body: { error: { type: 'parsing_exception' } } })).toBe(false);
    expect(isSizeFailure(new Error('too_many_buckets_exception in the text only'))).toBe(false);
  });
});
