/** @jest-layer engine */
/*
 * Each old-schema rewrite (common/query/legacy.ts) applied where signatures run, on the real engine: classify (both
 * strategies), failure rates, uncategorized and the editor's preview all see the translated query that
 * common/query/build.ts signatureEngineQuery decides, while the signature keeps the author's text.
 */
import { build, createLogIndex, logDoc, TestIndex } from '../../../test/fixtures/log_index';
import { sig } from '../../../test/fixtures/signatures';
import { logMappings } from '../../../generator/mapping';
import { forgetPercolatorIndex } from '../classify/percolator';
import { classifyBuild } from '../classify/classify';
import { previewSignature } from '../preview';
import { failureRates, DAY_MS } from '../rates/rates';
import { uncategorizedFailures } from '../uncategorized/uncategorized';
import { engineRequest, uniqueName } from '../../../test/setup/engine';
import { compileSignatures } from './compile';

// the preview's window ends now (server/lib/preview.ts): the lines are placed in the last day
const END = Math.ceil(Date.now() / 3600_000) * 3600_000;
const at = (hours: number) => new Date(END - hours * 3600_000).toISOString();

// one failed build per rewrite kind, each holding the lines only its signature matches
const KINDS = [
  // id, query as written (old schema), build fields, lines [message, filename]
  [
    'path-filename',
    'message:"Volume gamma stuck" AND filename:"logs/screen-c-vol.txt"',
    {},
    [['Volume gamma stuck in attaching', 'screen-c-vol.txt']],
  ],
  [
    'wild-filename',
    'message:"eta overflow" AND filename:logs*screen-n-cpu.txt',
    {},
    [['eta overflow in resize', 'screen-n-cpu.txt']],
  ],
  [
    'at-message',
    '@message:"kernel oops alpha" AND @tags:"job-output.txt"',
    {},
    [['kernel oops alpha', 'job-output.txt']],
  ],
  [
    'at-fields',
    '@fields.build_name:"grenade-py3" AND message:"epsilon lost"',
    { build_name: 'grenade-py3' },
    [['epsilon lost', 'job-output.txt']],
  ],
  [
    'status-failure',
    'message:"rsync broken delta" AND build_status:FAILURE',
    { build_status: 'POST_FAILURE' },
    [['rsync broken delta', 'job-output.txt']],
  ],
  ['short-uuid', 'message:"zeta mismatch" AND build_short_uuid:5a7c0e1', {}, [['zeta mismatch', 'job-output.txt']]],
] as const;
const UUID = (i: number) =>
  (i === 5 ? '5a7c0e1f00000000000000000000000' : `${i}0000000000000000000000000000000`).padEnd(32, '0');

let logs: TestIndex;
const PERCOLATOR_PREFIX = `${uniqueName('er-legacy-perc')}-`;

beforeAll(async () => {
  logs = await createLogIndex('er-legacy-everywhere', logMappings());
  const docs: Array<Record<string, unknown>> = [];
  KINDS.forEach(([, , fields, lines], i) => {
    const b = build(UUID(i), { ...fields });
    docs.push(logDoc({ build: b, message: 'setup line', timestamp: at(i + 1.5) }));
    lines.forEach(([message, filename], j) =>
      docs.push(logDoc({ build: b, message, filename, timestamp: at(i + 1 - j / 100) })),
    );
  });
  // a failure no signature explains, and a successful build with every line (rewrites do not widen the match)
  docs.push(logDoc({ build: build('f'.repeat(32)), message: 'something nobody knows', timestamp: at(20) }));
  await logs.add(docs);
});
afterAll(async () => {
  await logs?.drop();
  forgetPercolatorIndex();
  await engineRequest('DELETE', `/${PERCOLATOR_PREFIX}*`).catch(() => undefined);
});

const signatures = KINDS.map(([id, query]) => sig(id, query));

describe('every old-schema rewrite where signatures run', () => {
  it('is decided once: the compiled query is the translated text, the signature keeps the written one', () => {
    const compiled = compileSignatures(signatures);
    for (const c of compiled) {
      expect(c.rewrites?.length).toBeGreaterThan(0);
      expect(c.translated).not.toBe(c.signature.query);
      expect(c.signature.query).toBe(KINDS.find(([id]) => id === c.signature.id)![1]);
    }
  });

  it.each(['filters', 'percolator'] as const)(
    'classify (%s): each build is explained by the signature of its kind',
    async (strategy) => {
      const compiled = compileSignatures(signatures);
      for (let i = 0; i < KINDS.length; i++) {
        const r = await classifyBuild(
          logs.engine,
          compiled,
          { uuid: UUID(i) },
          { index: logs.name, strategy, percolatorPrefix: PERCOLATOR_PREFIX },
        );
        if (r.kind !== 'classified') throw new Error(`${KINDS[i][0]}: ${r.kind}`);
        expect(r.matches.map((m) => m.signatureId)).toEqual([KINDS[i][0]]);
        expect(r.matches[0].ranAs).toBe(compiled[i].translated);
      }
    },
  );

  it('rates: each signature counts its one failed build', async () => {
    const r = await failureRates(logs.engine, compileSignatures(signatures), {
      index: logs.name,
      end: END,
      windowMs: 10 * DAY_MS,
      skipAbsent: false,
    });
    const byId = Object.fromEntries(r.signatures.map((s) => [s.signatureId, s.failedBuilds]));
    expect(byId).toEqual(Object.fromEntries(KINDS.map(([id]) => [id, 1])));
  });

  it('uncategorized: only the build no signature explains is left', async () => {
    const r = await uncategorizedFailures(logs.engine, compileSignatures(signatures), {
      index: logs.name,
      end: END,
      windowMs: 10 * DAY_MS,
    });
    expect(r).toMatchObject({ failedBuilds: KINDS.length + 1, explainedBuilds: KINDS.length });
    expect(r.unexplained.map((u) => u.uuid)).toEqual(['f'.repeat(32)]);
  });

  it('preview: the written query finds its build', async () => {
    for (let i = 0; i < KINDS.length; i++) {
      const p = await previewSignature(logs.engine, { query: KINDS[i][1], days: 10 }, [], {
        index: logs.name,
        defaultDays: 10,
      });
      expect(p.samples.map((s) => s.uuid)).toEqual([UUID(i)]);
    }
  });
});
