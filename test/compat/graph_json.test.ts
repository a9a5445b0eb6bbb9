/** @jest-layer engine */
/*
 * Compatibility with elastic-recheck's graph.json (golden/graph_all.json, graph_gate.json: clock frozen
 * at 2013-10-19T00:30Z, test queries answered by the canned samples). The samples are indexed into the
 * real engine and the graph is computed by our one aggregation request.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { Signature } from '../../common/signature/types';
import { CORPUS_DIR, describeWithCorpus } from '../setup/engine';
import { fakeEsQuery, indexSamples, sampleDocs, sampleForBug, UNIT_DIR } from '../fixtures/er_samples';
import { sig } from '../fixtures/signatures';
import type { TestIndex } from '../fixtures/log_index';
import type { CompiledSignature } from '../../server/lib/signatures/compile';
import { encodeLogstashQuery, ErGraphJson, graphJson, pythonQuote } from './graph_json';

const NOW = Date.UTC(2013, 9, 19, 0, 30);
const HOUR = 3600_000;
const NOW_HOUR = Math.floor(NOW / HOUR) * HOUR;
const START = NOW_HOUR - 240 * HOUR;

function loadTestQueries(): Signature[] {
  const dir = path.join(UNIT_DIR, 'queries');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const doc = yaml.load(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, any>;
      return sig(f.replace(/\.yaml$/, ''), doc.query, {
        allowNonvoting: !!doc['allow-nonvoting'],
        suppressGraph: !!doc['suppress-graph'],
      });
    });
}

/** ER's loader text: query.rstrip() + " AND voting:1"; with allow-nonvoting the text as read (trailing newline kept). */
const erQueryText = (s: Signature) => (s.allowNonvoting ? s.query : s.query.replace(/\s+$/, '') + ' AND voting:1');

/** Counts from the sample files themselves (what the samples say, independent of the engine). */
function independent(id: string, queue?: string) {
  const stem = sampleForBug(id);
  const docs = stem ? sampleDocs(stem) : [];
  const t = (d: any) => Date.parse(d['@timestamp']);
  const failed = (d: any) => d.build_status === 'FAILURE' && (!queue || d.build_queue === queue);
  const distinct = (pred: (d: any) => boolean) => new Set(docs.filter(pred).map((d: any) => d.build_uuid)).size;
  return {
    allHits: distinct(failed),
    inWindow: distinct((d) => failed(d) && t(d) >= START && t(d) < NOW_HOUR),
    last24: distinct((d) => failed(d) && t(d) >= NOW_HOUR - 24 * HOUR && t(d) < NOW_HOUR),
  };
}

describeWithCorpus('graph.json compatibility (golden/graph_all.json, graph_gate.json)', () => {
  const golden: ErGraphJson = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'golden', 'graph_all.json'), 'utf8'));
  const goldenGate: ErGraphJson = JSON.parse(
    fs.readFileSync(path.join(CORPUS_DIR, 'golden', 'graph_gate.json'), 'utf8'),
  );
  const signatures = loadTestQueries();
  const compiled: CompiledSignature[] = signatures.map((s) => ({ signature: s, query: fakeEsQuery(s.id) }));
  const bugData = (s: Signature) => golden.buglist.find((b) => b.number === s.id)!.bug_data;
  let index: TestIndex;
  let ours: ErGraphJson;

  beforeAll(async () => {
    index = await indexSamples('er-core-graph');
    ours = await graphJson(index.engine, compiled, { index: index.name, now: NOW, queryText: erQueryText, bugData });
  });
  afterAll(async () => index?.drop());

  it('has the header of elastic-recheck-graph', () => {
    expect(ours.now).toBe(golden.now);
    // golden last_indexed came from a stub; ours is the newest gate/check console line of the samples
    const consoles =
      Object.keys(golden.buglist).length &&
      signatures.flatMap((s) => (sampleForBug(s.id) ? sampleDocs(sampleForBug(s.id)!) : []));
    const newest = Math.max(
      ...(consoles as any[])
        .filter(
          (d) => ['console.html', 'job-output.txt'].includes(d.filename) && ['gate', 'check'].includes(d.build_queue),
        )
        .map((d) => Date.parse(d['@timestamp'])),
    );
    expect(ours.last_indexed).toBe(newest);
    expect(ours.behind).toBe(NOW_HOUR - newest);
    expect(['green', 'yellow']).toContain(ours.status);
  });

  it('lists the same bugs with the same query text, voting flag, bug data and link (minus the ".0s" bug)', () => {
    expect(ours.buglist.map((b) => b.number).sort()).toEqual(golden.buglist.map((b) => b.number).sort());
    for (const g of golden.buglist) {
      const o = ours.buglist.find((b) => b.number === g.number)!;
      expect(o.query).toBe(g.query);
      expect(o.voting).toBe(g.voting);
      expect(o.bug_data).toEqual(g.bug_data);
      // ER printed `from=864000.0s` (a Python 3 float); Kibana wants whole seconds
      expect(g.logstash_url.endsWith('&from=864000.0s')).toBe(true);
      expect(o.logstash_url).toBe(g.logstash_url.replace('&from=864000.0s', '&from=864000s'));
    }
  });

  it('draws exactly the hourly series of the original (240 buckets, distinct builds per status)', () => {
    for (const g of golden.buglist) {
      const o = ours.buglist.find((b) => b.number === g.number)!;
      for (const series of g.data) {
        const mine = o.data.find((d) => d.label === series.label);
        if (series.data.every(([, n]) => n === 0)) {
          // ER added a label for statuses seen only outside the graphed range (all zeros); we only draw what is in it
          expect(mine).toBeUndefined();
        } else {
          expect(mine!.data).toEqual(series.data);
        }
      }
      expect(o.data.every((d) => g.data.some((s) => s.label === d.label))).toBe(true);
    }
  });

  it('fixes fails (ER counted hits outside the window) and fails24 (ER summed 23 buckets)', () => {
    let outside = 0;
    let shortDay = 0;
    for (const g of golden.buglist) {
      const o = ours.buglist.find((b) => b.number === g.number)!;
      const exp = independent(g.number);
      expect(o.fails).toBe(exp.inWindow);
      expect(o.fails24).toBe(exp.last24);
      expect(g.fails).toBe(exp.allHits); // the original's count: every returned hit, in range or not
      const failure = g.data.find((d) => d.label === 'FAILURE');
      const summed23 = failure
        ? failure.data.filter(([ts]) => ts > NOW_HOUR - 24 * HOUR).reduce((n, [, c]) => n + c, 0)
        : 0;
      expect(g.fails24).toBe(summed23);
      if (g.fails !== o.fails) outside++;
      if (g.fails24 !== o.fails24) shortDay++;
    }
    // e.g. 1284371: 353 "fails" in the golden, all from 2014, none in the graphed 2013 window
    expect(ours.buglist.find((b) => b.number === '1284371')!.fails).toBe(0);
    expect(golden.buglist.find((b) => b.number === '1284371')!.fails).toBe(353);
    // 1239856 has a failed build in the 24th hour that ER's 23 buckets missed
    expect(ours.buglist.find((b) => b.number === '1239856')!.fails24).toBe(2);
    expect(golden.buglist.find((b) => b.number === '1239856')!.fails24).toBe(1);
    expect(outside).toBeGreaterThan(0);
    expect(shortDay).toBe(1);
  });

  it('sorts by -(fails24 * 100000 + fails) as the original', () => {
    const keys = ours.buglist.map((b) => b.fails24 * 100000 + b.fails);
    expect([...keys].sort((a, b) => b - a)).toEqual(keys);
  });

  it('-q gate filters the queue (ER appended build_queue twice, so its gate graph was empty)', async () => {
    const gate = await graphJson(index.engine, compiled, {
      index: index.name,
      now: NOW,
      queryText: erQueryText,
      bugData,
      queue: 'gate',
    });
    expect(goldenGate.buglist.every((b) => b.fails === 0 && b.data.length === 0)).toBe(true);
    for (const g of goldenGate.buglist) {
      const o = gate.buglist.find((b) => b.number === g.number)!;
      expect(o.query).toBe(g.query);
      expect(o.fails).toBe(independent(g.number, 'gate').inWindow);
    }
    expect(gate.buglist.find((b) => b.number === '1240256')!.fails).toBe(12);
  });

  it('encodes links like Python quote', () => {
    expect(pythonQuote('a b/"~é')).toBe('a%20b/%22~%C3%A9');
    expect(encodeLogstashQuery('message:"x"', 864000)).toBe('query=message%3A%5C%22x%5C%22&from=864000s');
  });
});
