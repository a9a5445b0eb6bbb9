/* The effective query text of a signature and elastic-recheck's loader, without an engine. */
import * as fs from 'fs';
import * as path from 'path';
import { effectiveQueryString, legacyEffectiveQuery } from './build';
import { clauseOccurs, parseLucene } from './lucene';
import { sig } from '../../test/fixtures/signatures';
import { CORPUS_DIR, describeWithCorpus } from '../../test/setup/engine';
import { parseSignatureYaml } from '../signature/yaml_codec';

describe('effective query text', () => {
  it('legacyEffectiveQuery appends " AND voting:1" after rstrip, as loader.py did', () => {
    expect(legacyEffectiveQuery(sig('1', 'message:"x" AND tags:console\n'))).toBe(
      'message:"x" AND tags:console AND voting:1',
    );
    expect(legacyEffectiveQuery(sig('1', 'message:"x"\n', { allowNonvoting: true }))).toBe('message:"x"');
  });

  it('effectiveQueryString parenthesizes the signature before adding the voting clause', () => {
    expect(effectiveQueryString(sig('1', 'a OR b\n'))).toBe('(a OR b) AND voting:1');
    expect(effectiveQueryString(sig('1', 'a OR b', { allowNonvoting: true }))).toBe('a OR b');
  });

  it('the appended clause changes the meaning of a query with OR at the top level (classic Lucene has no precedence)', () => {
    const legacy = parseLucene(legacyEffectiveQuery(sig('1', 'message:a OR message:b')));
    if (!legacy.ok) throw new Error('parse');
    // message:a becomes optional: it no longer selects anything
    expect(clauseOccurs(legacy.ast)).toEqual(['should', 'must', 'must']);
  });
});

describeWithCorpus("compatibility with elastic-recheck's loader (golden/loader_*.json)", () => {
  const cases: [string, string][] = [
    ['loader_queries.json', 'fixtures/elastic_recheck/tests/unit/queries'],
    ['loader_queries_with_filters.json', 'fixtures/elastic_recheck/tests/unit/queries_with_filters'],
    ['loader_suppressed_queries.json', 'fixtures/elastic_recheck/tests/unit/suppressed_queries'],
    ['loader_production_queries.json', 'queries'],
  ];
  it.each(cases)('%s: same bug ids, same query with the voting suffix, same flags', (golden, dir) => {
    const expected: any[] = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'golden', golden), 'utf8'));
    const files = fs
      .readdirSync(path.join(CORPUS_DIR, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const got = files.map((f) => {
      const r = parseSignatureYaml(fs.readFileSync(path.join(CORPUS_DIR, dir, f), 'utf8'), f);
      if (!r.ok) throw new Error(`${f}: ${r.errors.map((e) => e.message).join('; ')}`);
      const s = r.signature;
      const o: any = { bug: s.bug.id, query: legacyEffectiveQuery(s) };
      if (s.suppressGraph) o['suppress-graph'] = true;
      if (s.suppressNotification) o['suppress-notification'] = true;
      if (s.allowNonvoting) o['allow-nonvoting'] = true;
      if (s.testIds) o.test_ids = s.testIds;
      return o;
    });
    const norm = (xs: any[]) => [...xs].sort((a, b) => a.bug.localeCompare(b.bug));
    // one deliberate difference: with allow-nonvoting, loader.py kept the text unstripped (a folded scalar's final
    // newline); we always drop trailing whitespace, which has no meaning in Lucene
    const want = expected.map((e) => (e['allow-nonvoting'] ? { ...e, query: e.query.replace(/\s+$/, '') } : e));
    expect(norm(got)).toEqual(norm(want));
  });

  it("counts the production signatures whose meaning elastic-recheck's suffix changed", () => {
    const dir = path.join(CORPUS_DIR, 'queries');
    const changed: string[] = [];
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      const r = parseSignatureYaml(fs.readFileSync(path.join(dir, f), 'utf8'), f);
      if (!r.ok || r.signature.allowNonvoting) continue;
      const own = parseLucene(r.signature.query);
      if (!own.ok) continue;
      const occ = clauseOccurs(own.ast);
      const legacy = parseLucene(legacyEffectiveQuery(r.signature));
      if (!legacy.ok) throw new Error(`${f}: legacy text does not parse`);
      const legacyOcc = clauseOccurs(legacy.ast);
      // the suffix keeps the meaning iff the signature's own clauses keep their occurs and the added one is required
      const same =
        legacyOcc.length === occ.length + 1 &&
        occ.every((o, i) => o === legacyOcc[i] || (o === 'should' && occ.length === 1));
      const last = occ[occ.length - 1];
      const predicted = occ.length > 1 && last === 'should';
      expect({ f, changed: !same }).toEqual({ f, changed: predicted });
      if (!same)
        changed.push(
          `${f}${occ.includes('must') ? ' (optional last clause made required)' : ' (OR list cut to its last clause)'}`,
        );
    }
    process.stdout.write(
      `production signatures whose meaning elastic-recheck's unparenthesized " AND voting:1" changed: ${changed.length}\n${changed.join('\n')}\n`,
    );
  });
});
