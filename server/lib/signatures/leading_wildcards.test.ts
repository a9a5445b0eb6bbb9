/** @jest-layer engine */
/*
 * Leading wildcards on the real engine: accepted with a warning on keyword fields (pure check, the product's
 * index template), measured on analysed text (ci-log-processing's text + .keyword mapping): a field of names is
 * accepted with the count, `message` with more distinct values than the limit is refused with the count.
 */
import { build, createLogIndex, logDoc, LOG_MAPPING, TestIndex } from '../../../test/fixtures/log_index';
import { logMappings } from '../../../generator/mapping';
import { sig } from '../../../test/fixtures/signatures';
import { classifyBuild } from '../classify/classify';
import { compileSignatures } from './compile';
import { validateSignatureOnEngine } from './engine_validation';

let text: TestIndex;
let keyword: TestIndex;
const T = '2026-11-20T10:00:';
const JOBS = ['tempest-full-py3', 'tempest-multinode-full', 'grenade', 'neutron-functional'];

beforeAll(async () => {
  text = await createLogIndex('er-lw-text', LOG_MAPPING);
  keyword = await createLogIndex('er-lw-keyword', logMappings());
  const docs = JOBS.flatMap((job, i) =>
    [0, 1, 2].map((j) =>
      logDoc({
        build: build(`${i}${j}`.padEnd(32, 'a'), { build_name: job }),
        message: `line ${i} ${j} unique-${i * 10 + j}`,
        timestamp: `${T}${10 + i * 3 + j}Z`,
      }),
    ),
  );
  await text.add(docs);
  await keyword.add(docs);
});
afterAll(async () => {
  await text?.drop();
  await keyword?.drop();
});

const Q = 'message:"line" AND build_name:*tempest*';

describe('leading wildcards', () => {
  it('on a keyword field: accepted with a warning naming the cost, and they run', async () => {
    const v = await validateSignatureOnEngine(keyword.engine, keyword.name, { query: Q, allowNonvoting: false });
    expect(v.ok).toBe(true);
    expect(v.warnings.find((w) => w.code === 'leading_wildcard')).toMatchObject({
      field: 'build_name',
      message: expect.stringContaining("on the keyword field 'build_name': each search scans every distinct value"),
    });
    const compiled = compileSignatures([sig('lw', Q)]);
    const hits = await Promise.all(
      JOBS.map((_, i) =>
        classifyBuild(
          keyword.engine,
          compiled,
          { uuid: `${i}0`.padEnd(32, 'a') },
          { index: keyword.name, strategy: 'filters' },
        ),
      ),
    );
    expect(hits.map((r) => (r.kind === 'classified' ? r.matches.length : -1))).toEqual([1, 1, 0, 0]);
  });

  it('on analysed text: the distinct values are counted on the engine and decide', async () => {
    const names = await validateSignatureOnEngine(text.engine, text.name, { query: Q, allowNonvoting: false });
    expect(names.ok).toBe(true);
    expect(names.warnings.find((w) => w.code === 'leading_wildcard')!.message).toContain(
      `build_name has ${JOBS.length} distinct value(s) in ${JOBS.length * 3} log line(s) sampled`,
    );
    // message: one value per line here, above a limit of 5
    const { measureLeadingWildcards } = await import('./leading_wildcards');
    const v = await validateSignatureOnEngine(text.engine, text.name, {
      query: 'message:*unique*',
      allowNonvoting: false,
    });
    expect(v.ok).toBe(true); // 12 lines: under the default limit
    const strict = await measureLeadingWildcards(
      text.engine,
      text.name,
      'message:*unique*',
      [{ code: 'leading_wildcard', message: 'x', field: 'message', offset: 0 }],
      { fields: { message: 'text', 'message.keyword': 'keyword' }, maxDistinct: 5 },
    );
    expect(strict.warnings).toEqual([]);
    expect(strict.errors[0].message).toBe(
      `leading wildcard in '*unique*' on 'message': message has 12 distinct values in 12 log line(s) sampled from '${text.name}', more than 5: each search would visit all their terms; list the values with OR or anchor the start`,
    );
  });

  it('a text field with no keyword form cannot be measured and is refused, saying so', async () => {
    const { measureLeadingWildcards } = await import('./leading_wildcards');
    const r = await measureLeadingWildcards(
      text.engine,
      text.name,
      'message:*unique*',
      [{ code: 'leading_wildcard', message: 'x', field: 'message', offset: 0 }],
      { fields: { message: 'text' } },
    );
    expect(r.errors[0].message).toContain("its cost cannot be measured (no keyword form of 'message'");
  });
});
