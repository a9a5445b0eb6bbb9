import * as path from 'path';
import { DataGenerator, type GeneratedBuild } from './generate';
import { EvalDoc, evaluate, parseQuery } from './lucene_eval';
import { loadSignatureDirectory } from './signatures';
import { logFieldType } from './mapping';

const DEMO = path.resolve(__dirname, '..', 'demo', 'signatures');
const { signatures } = loadSignatureDirectory(DEMO);
const NOW = '2026-11-20T12:00:00Z';
const collect = (g: DataGenerator): GeneratedBuild[] => [...g.builds()];

describe('DataGenerator', () => {
  const gen = new DataGenerator({ signatures, builds: 2500, linesPerBuild: 10, seed: 'unit', now: NOW });
  const builds = collect(gen);
  const bySig = new Map(signatures.map((s) => [s.id, s]));

  it('uses every demo signature', () => {
    expect(gen.skipped).toEqual([]);
    expect(gen.usable).toHaveLength(signatures.length);
    expect(signatures.length).toBeGreaterThanOrEqual(20);
  });

  it('is deterministic for a seed and a fixed now, and differs across seeds', () => {
    const again = collect(new DataGenerator({ signatures, builds: 40, linesPerBuild: 10, seed: 'unit', now: NOW }));
    expect(JSON.stringify(again)).toEqual(JSON.stringify(builds.slice(0, 40)));
    const other = collect(new DataGenerator({ signatures, builds: 40, linesPerBuild: 10, seed: 'other', now: NOW }));
    expect(other.map((b) => b.truth.uuid)).not.toEqual(again.map((b) => b.truth.uuid));
  });

  it('produces realistic proportions of statuses, queues, voting and causes', () => {
    const share = (pred: (b: GeneratedBuild) => boolean) => builds.filter(pred).length / builds.length;
    expect(share((b) => b.truth.status === 'SUCCESS')).toBeGreaterThan(0.7);
    expect(share((b) => b.truth.status === 'SUCCESS')).toBeLessThan(0.86);
    for (const s of ['FAILURE', 'TIMED_OUT', 'POST_FAILURE', 'NODE_FAILURE', 'RETRY_LIMIT'])
      expect(share((b) => b.truth.status === s)).toBeGreaterThan(0);
    for (const q of ['check', 'gate', 'periodic']) expect(share((b) => b.truth.queue === q)).toBeGreaterThan(0.05);
    expect(share((b) => b.truth.voting === 0)).toBeGreaterThan(0.01);
    expect(share((b) => b.truth.branch !== 'master')).toBeGreaterThan(0.1);
    const failed = builds.filter((b) => b.truth.status !== 'SUCCESS');
    const fshare = (k: string) => failed.filter((b) => b.truth.cause.kind === k).length / failed.length;
    expect(fshare('known')).toBeGreaterThan(0.3);
    expect(fshare('unknown')).toBeGreaterThan(0.1);
    expect(fshare('infra')).toBeGreaterThan(0.1);
    expect(builds.filter((b) => b.truth.falsePositive).length).toBeGreaterThan(5);
    expect(new Set(builds.map((b) => b.truth.job)).size).toBeGreaterThan(20);
    expect(new Set(builds.map((b) => b.truth.project)).size).toBeGreaterThan(10);
  });

  it('spreads builds over the window and keeps every line inside it', () => {
    const end = Date.parse(NOW);
    const start = end - 10 * 86_400_000;
    let outside = 0;
    for (const b of builds)
      for (const f of b.files) for (const l of f.lines) if (l.time < start || l.time > end) outside++;
    expect(outside).toBe(0);
    const days = new Set(builds.map((b) => b.truth.start.slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(10);
  });

  it('writes documents in the ci-log-processing schema, with logsender tags and a log_url per file', () => {
    for (const b of builds.slice(0, 200)) {
      for (const f of b.files) {
        for (const key of Object.keys(f.fields)) expect(logFieldType(key)).toBeDefined();
        const filename = String(f.fields.filename);
        expect(f.fields.tags).toContain(filename);
        if (filename === 'job-output.txt') expect(f.fields.tags).toEqual(['console', 'console.html', 'job-output.txt']);
        if (b.truth.status !== 'NODE_FAILURE')
          expect(String(f.fields.log_url)).toMatch(
            new RegExp(`/${b.truth.uuid.slice(0, 7)}/(.*/)?${filename.replace(/\./g, '\\.')}$`),
          );
        expect(f.fields.build_uuid).toBe(b.truth.uuid);
        expect(f.fields.voting).toBe(b.truth.voting);
      }
    }
  });

  it('gives each known cause a line its signature matches, and no other signature', () => {
    const known = builds.filter((b) => b.truth.cause.kind === 'known');
    expect(known.length).toBeGreaterThan(100);
    for (const b of known) {
      const sig = bySig.get(b.truth.cause.signature!)!;
      const file = b.files.find((f) => f.fields.log_url === b.truth.cause.logUrl)!;
      const line = file.lines.find((l) => l.lineNumber === b.truth.cause.line)!;
      expect(line.message).toBe(b.truth.cause.message);
      expect(evaluate(parseQuery(sig.query), new EvalDoc({ ...file.fields, message: line.message }))).toBe(true);
      const counts = sig.allowNonvoting || b.truth.voting === 1;
      expect(b.truth.expectedSignatures).toEqual(counts ? [sig.id] : []);
    }
    // signature semantics: without allow-nonvoting a hit only counts on voting builds
    for (const b of builds.filter((x) => x.truth.voting === 0))
      for (const id of b.truth.expectedSignatures) expect(bySig.get(id)!.allowNonvoting).toBe(true);
  });

  it('leaves unknown and infrastructure failures unmatched by every signature', () => {
    const exprs = gen.usable.map((u) => u.expr);
    for (const b of builds.filter((x) => x.truth.cause.kind === 'unknown' || x.truth.cause.kind === 'infra')) {
      expect(b.truth.expectedSignatures).toEqual([]);
      const file = b.files.find(
        (f) => f.fields.filename === b.truth.cause.file && (f.fields.log_url ?? undefined) === b.truth.cause.logUrl,
      );
      if (!file) continue;
      const line = file.lines.find((l) => l.lineNumber === b.truth.cause.line)!;
      for (const e of exprs) expect(evaluate(e, new EvalDoc({ ...file.fields, message: line.message }))).toBe(false);
    }
  });

  it('marks false positives as SUCCESS builds with a known line', () => {
    for (const b of builds.filter((x) => x.truth.falsePositive)) {
      expect(b.truth.status).toBe('SUCCESS');
      expect(b.truth.cause.kind).toBe('none');
      expect(b.truth.cause.message).toBeDefined();
    }
  });

  it('writes test results and applies the test_ids rule to the ground truth', () => {
    const withTests = builds.filter((b) => b.truth.hasTestResults);
    expect(withTests.length).toBeGreaterThan(builds.length * 0.5);
    for (const b of builds) {
      expect(b.truth.failedTests).toEqual(b.tests.filter((t) => t.status === 'fail').map((t) => t.name));
      if (b.truth.status === 'SUCCESS') expect(b.truth.failedTests).toEqual([]);
      for (const id of b.truth.confirmedSignatures) expect(b.truth.expectedSignatures).toContain(id);
      for (const id of b.truth.expectedSignatures) {
        const ids = bySig.get(id)!.testIds ?? [];
        const confirmed =
          ids.length === 0 || b.truth.failedTests.some((t) => ids.includes(t.replace(/\[[^\]]*\]$/, '')));
        expect(b.truth.confirmedSignatures.includes(id)).toBe(confirmed);
      }
    }
    const testIdSig = signatures.find((s) => s.testIds?.length)!;
    const causes = builds.filter((b) => b.truth.cause.signature === testIdSig.id && b.truth.expectedSignatures.length);
    expect(causes.some((b) => b.truth.confirmedSignatures.includes(testIdSig.id))).toBe(true);
    expect(causes.some((b) => b.truth.hasTestResults && !b.truth.confirmedSignatures.includes(testIdSig.id))).toBe(
      true,
    );
  });

  it('rejects bad options', () => {
    expect(() => new DataGenerator({ signatures, builds: 1, days: 0 })).toThrow(/days/);
    expect(() => new DataGenerator({ signatures, builds: 1, now: 'yesterday-ish' })).toThrow(/now/);
    expect(() => new DataGenerator({ signatures, builds: 1.5 })).toThrow(/builds/);
  });

  it('skips signatures it cannot satisfy, with the reason', () => {
    const g = new DataGenerator({
      builds: 0,
      signatures: [
        { ...signatures[0], id: 'old-field', query: 'message:"x y" AND loglevel:ERROR' },
        { ...signatures[0], id: 'path', query: 'message:"x y" AND filename:"logs/screen-n-cpu.txt"' },
        { ...signatures[0], id: 'noise', query: 'tags:console' },
        { ...signatures[0], id: 'syntax', query: 'message:"x' },
        { ...signatures[0], id: 'fine', query: 'message:"x y" AND tags:console' },
      ],
    });
    const reasons = Object.fromEntries(g.skipped.map((s) => [s.id, s.reason]));
    expect(reasons['old-field']).toMatch(/loglevel.*not in the ci-log-processing schema/);
    expect(reasons.path).toMatch(/is a path/);
    expect(reasons.noise).toMatch(/matches ordinary log lines/);
    expect(reasons.syntax).toMatch(/does not parse/);
    expect(g.signatureIds).toEqual(['fine']);
  });
});
