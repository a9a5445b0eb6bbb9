/** @jest-layer engine */
/*
 * Every real elastic-recheck signature: the 91 in use in 2020 must load (as they are, or with legacy rewrites, or
 * flagged); each of the 875 historical ones loads or is rejected with a precise reason. Prints the tally.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS_DIR, describeWithCorpus } from '../setup/engine';
import { readSignatureDirectory } from '../../lib/signature_files';
import { formatSignatureYaml, parseSignatureYaml } from '../../common/signature/yaml_codec';
import { lintSignature, LintOutcome, SignatureLint } from '../../common/signature/lint';
import { parseLucene, printLucene, stripPositions } from '../../common/query/lucene';
import { signatureQuery } from '../../common/query/build';
import { CI_LOG_PROCESSING_FIELDS } from '../../common/query/fields';
import { validateOnEngine } from '../../server/lib/signatures/engine_validation';
import { createLogIndex, TestIndex } from '../fixtures/log_index';
import { logMappings } from '../../generator/mapping';

interface Tally {
  files: number;
  outcomes: Record<LintOutcome, number>;
  rejectedReasons: Record<string, number>;
  rewriteKinds: Record<string, number>;
  flaggedFields: Record<string, number>;
}

function tallyDirectory(dir: string): {
  tally: Tally;
  perFile: Map<string, { lint?: SignatureLint; loadError?: string }>;
} {
  const loaded = readSignatureDirectory(dir);
  const tally: Tally = {
    files: 0,
    outcomes: { 'as-is': 0, rewritten: 0, flagged: 0, rejected: 0 },
    rejectedReasons: {},
    rewriteKinds: {},
    flaggedFields: {},
  };
  const perFile = new Map<string, { lint?: SignatureLint; loadError?: string }>();
  const bump = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);
  for (const e of loaded.errors) {
    if (perFile.has(e.file)) continue;
    perFile.set(e.file, { loadError: `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}` });
    tally.outcomes.rejected++;
    bump(tally.rejectedReasons, e.message.startsWith('YAML') ? 'yaml' : `file: ${e.key ?? 'structure'}`);
  }
  for (const s of loaded.signatures) {
    const lint = lintSignature(s);
    perFile.set(loaded.files[s.id], { lint });
    tally.outcomes[lint.outcome]++;
    if (lint.outcome === 'rejected') bump(tally.rejectedReasons, lint.errors[0].code);
    for (const r of lint.rewrites) bump(tally.rewriteKinds, r.reason.split(/[:;(]/)[0].trim());
    if (lint.outcome === 'flagged')
      for (const w of lint.warnings.filter((x) => x.code === 'legacy_field')) bump(tally.flaggedFields, w.field!);
  }
  tally.files = perFile.size;
  return { tally, perFile };
}

function print(title: string, t: Tally) {
  const lines = [
    `${title}: ${t.files} files`,
    `  loaded as-is:          ${t.outcomes['as-is']}`,
    `  loaded with rewrites:  ${t.outcomes.rewritten}`,
    `  flagged:               ${t.outcomes.flagged}  ${JSON.stringify(t.flaggedFields)}`,
    `  rejected:              ${t.outcomes.rejected}  ${JSON.stringify(t.rejectedReasons)}`,
    `  rewrites applied:      ${JSON.stringify(t.rewriteKinds)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

describeWithCorpus('the elastic-recheck signature corpus', () => {
  it('loads every one of the 91 current signatures (as-is, rewritten or flagged; none rejected)', () => {
    const dir = path.join(CORPUS_DIR, 'queries');
    const { tally, perFile } = tallyDirectory(dir);
    print('current signatures (queries/)', tally);
    expect(tally.files).toBe(91);
    const rejected = [...perFile]
      .filter(([, v]) => v.loadError || v.lint?.outcome === 'rejected')
      .map(([f, v]) => `${f}: ${v.loadError ?? v.lint!.errors[0].message}`);
    expect(rejected).toEqual([]);
  });

  it('loads each of the 875 historical signatures or rejects it with a precise reason', () => {
    const dir = path.join(CORPUS_DIR, 'queries-historical');
    const { tally, perFile } = tallyDirectory(dir);
    print('historical signatures (queries-historical/)', tally);
    expect(tally.files).toBe(875);
    expect(Object.values(tally.outcomes).reduce((a, b) => a + b, 0)).toBe(875);
    for (const [file, v] of perFile) {
      if (v.loadError) continue;
      const lint = v.lint!;
      if (lint.outcome === 'rejected') {
        // a reason with a code, a message naming the problem and a position
        expect({
          file,
          ok: lint.errors.length > 0 && lint.errors.every((e) => e.message.length > 10 && e.offset !== undefined),
        }).toEqual({ file, ok: true });
      } else {
        // anything loaded must run on the engine as our validator understands it
        const q = lint.translated ?? '';
        if (q) expect({ file, ok: parseLucene(q).ok }).toEqual({ file, ok: true });
      }
    }
  });

  it('writes every signature back equivalent in meaning (round trip of all 966 files)', () => {
    let n = 0;
    for (const sub of ['queries', 'queries-historical']) {
      const dir = path.join(CORPUS_DIR, sub);
      for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
        const r = parseSignatureYaml(fs.readFileSync(path.join(dir, f), 'utf8'), f);
        if (!r.ok) continue;
        const again = parseSignatureYaml(formatSignatureYaml(r.signature), f);
        expect(again.ok && again.signature).toEqual(r.signature);
        n++;
      }
    }
    expect(n).toBe(966);
  });

  it('parses every query and prints it back to text with the same parse tree', () => {
    for (const sub of ['queries', 'queries-historical']) {
      const { signatures } = readSignatureDirectory(path.join(CORPUS_DIR, sub));
      for (const s of signatures) {
        const a = parseLucene(s.query);
        if (!a.ok) throw new Error(`${s.id}: ${a.error.message}`);
        const b = parseLucene(printLucene(a.ast));
        expect(b.ok && stripPositions(b.ast)).toEqual(stripPositions(a.ast));
      }
    }
  });

  it('mutated corpus queries never crash the parser: a precise error or a tree that prints back the same', () => {
    const queries = ['queries', 'queries-historical'].flatMap((sub) =>
      readSignatureDirectory(path.join(CORPUS_DIR, sub)).signatures.map((s) => s.query),
    );
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const noise = '()"\\:*?~^[]{}/ -+!&|\n';
    const outcomes = { valid: 0, rejected: 0 };
    for (let i = 0; i < 3000; i++) {
      let q = queries[Math.floor(rnd() * queries.length)];
      for (let j = 0; j < 2; j++) {
        const p = Math.floor(rnd() * q.length);
        q =
          rnd() < 0.5
            ? q.slice(0, p) + q.slice(p + 1)
            : q.slice(0, p) + noise[Math.floor(rnd() * noise.length)] + q.slice(p);
      }
      const r = parseLucene(q);
      if (!r.ok) {
        outcomes.rejected++;
        expect({
          q,
          bad: /disagreement|^syntax error:/.test(r.error.message) || r.error.offset < 0 || r.error.offset > q.length,
        }).toEqual({ q, bad: false });
        continue;
      }
      outcomes.valid++;
      const again = parseLucene(printLucene(r.ast));
      expect(again.ok && stripPositions(again.ast)).toEqual(stripPositions(r.ast));
    }
    process.stdout.write(`mutated queries: ${JSON.stringify(outcomes)}\n`);
  });

  describe.each([
    ['the production ci-log-processing mapping', () => productionMapping()],
    ["the generator's index template", () => logMappings()],
  ])('on the real engine with %s', (_name, mapping) => {
    let index: TestIndex;
    beforeAll(async () => {
      index = await createLogIndex('er-corpus-validate', mapping());
    });
    afterAll(() => index?.drop());

    it('every current signature and a fixed 20 % slice of the historical ones are accepted by the engine as we would run them', async () => {
      const rejectedByEngine: string[] = [];
      const matchNothing: string[] = [];
      const work: {
        sub: string;
        s: ReturnType<typeof readSignatureDirectory>['signatures'][number];
        lint: SignatureLint;
      }[] = [];
      for (const sub of ['queries', 'queries-historical']) {
        const { signatures } = readSignatureDirectory(path.join(CORPUS_DIR, sub));
        signatures.forEach((s, i) => {
          if (sub === 'queries-historical' && i % 5 !== 0) return;
          const lint = lintSignature(s);
          if (lint.outcome !== 'rejected') work.push({ sub, s, lint });
        });
      }
      // a few requests in flight at once keep this quick on a small engine
      let next = 0;
      const worker = async () => {
        while (next < work.length) {
          const { sub, s, lint } = work[next++];
          const r = await validateOnEngine(index.engine, index.name, signatureQuery(s));
          if (!r.valid) rejectedByEngine.push(`${sub}/${s.id}: ${r.error}`);
          if (r.matchesNothing) {
            matchNothing.push(`${sub}/${s.id}: ${r.matchesNothing.join('; ')}`);
            // our pure lint saw it coming: a flagged old field or an unfielded term that also hits number fields
            expect({
              id: s.id,
              seen: lint.outcome === 'flagged' || lint.warnings.some((w) => w.code === 'no_field'),
            }).toEqual({ id: s.id, seen: true });
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      process.stdout.write(
        `engine-validated ${work.length} signatures; parts the engine turns into match-nothing: ${matchNothing.length}\n${matchNothing.sort().join('\n')}\n`,
      );
      expect(work.filter((w) => w.sub === 'queries')).toHaveLength(91);
      expect(rejectedByEngine).toEqual([]);
    });
  });
});

/** Explicit mapping for every ci-log-processing field (production maps them dynamically as text + keyword). */
function productionMapping(): object {
  const properties: Record<string, object> = {};
  for (const [f, type] of Object.entries(CI_LOG_PROCESSING_FIELDS)) {
    if (f.startsWith('_') || f.endsWith('.keyword')) continue;
    properties[f] =
      type === 'text' ? { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } } : { type };
  }
  return { properties };
}
