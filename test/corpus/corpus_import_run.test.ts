/** @jest-layer engine */
/*
 * Every elastic-recheck file, the 91 current and 875 historical ones, imported through the REST API of the host
 * stand-in into a host whose log indices have ci-log-processing's mapping (text + .keyword), then run: the rates
 * of all of them, a build classified against all of them, the uncategorized page. A file that cannot be imported
 * must say which field and why. Skipped when the corpus is not there.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS_DIR, describeWithCorpus, engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { SIGNATURES_IMPORT_PATH } from '../../common/api/signatures';
import { CLASSIFY_PATH } from '../../common/api/classify';
import { RATES_PATH } from '../../common/api/rates';
import { UNCATEGORIZED_PATH } from '../../common/api/uncategorized';
import { build, logDoc, LOG_MAPPING } from '../fixtures/log_index';

let standIn: StandIn;
const indexPrefix = uniqueIndexPrefix('corpusrun');
const logsPrefix = uniqueName('er-corpusrun');
const UUID = 'c0ffee00000000000000000000000001';

const filesOf = (sub: string) =>
  fs
    .readdirSync(path.join(CORPUS_DIR, sub))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, content: fs.readFileSync(path.join(CORPUS_DIR, sub, name), 'utf8') }));

describeWithCorpus('the elastic-recheck corpus imports and runs through the REST API', () => {
  beforeAll(async () => {
    standIn = await startSourceStandIn({
      engineUrl: engineUrl(),
      indexPrefix,
      config: { logs: { indexPattern: `${logsPrefix}-*` } },
    });
    const index = `${logsPrefix}-logs`;
    await engineRequest('PUT', `/${index}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: LOG_MAPPING,
    });
    const at = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const lines: string[] = [];
    const docs = [
      ...['tempest-full-py3', 'grenade', 'sahara-tests-scenario', 'swift-tox-py36'].map((job, i) =>
        logDoc({
          build: build(`${i}`.padEnd(32, 'b'), { build_name: job }),
          message: 'setup line',
          timestamp: at(30 + i),
        }),
      ),
      logDoc({
        build: build(UUID),
        message: 'Details: SSHTimeout: Connection to the 10.0.0.5 via SSH timed out.',
        timestamp: at(20),
      }),
      logDoc({
        build: build(UUID),
        message: 'POST-RUN START: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post-logs.yaml@master]',
        timestamp: at(19),
      }),
    ];
    // ci-log-processing still writes the old node fields, as constants (reference §3.2)
    for (const d of docs) Object.assign(d, { build_node: 'zuul-executor', node_provider: 'local' });
    for (const d of docs) lines.push(JSON.stringify({ index: { _index: index } }), JSON.stringify(d));
    await engineRequest('POST', '/_bulk?refresh=true', lines.join('\n') + '\n', 'application/x-ndjson');
  });
  afterAll(async () => {
    await standIn?.stop();
    await deleteStandInIndices(engineUrl(), indexPrefix);
    await engineRequest('DELETE', `/${logsPrefix}-*`).catch(() => undefined);
  });

  const tally: Record<string, unknown> = {};
  afterAll(() => console.log(`elastic-recheck corpus through the REST API: ${JSON.stringify(tally)}`));

  test.each([
    ['queries', 91],
    ['queries-historical', 875],
  ] as const)(
    '%s: every file imports, or says which field and why',
    async (sub, count) => {
      const files = filesOf(sub);
      expect(files).toHaveLength(count);
      const dry = await standIn.request('POST', SIGNATURES_IMPORT_PATH, { user: 'writer', body: { files } });
      expect(dry.status).toBe(200);
      const invalid = dry.body.items.filter((i: any) => i.outcome === 'invalid');
      for (const item of invalid) for (const e of item.errors) expect(e.message).toMatch(/'[^']+'.*: .+/);
      const rewritten = dry.body.items.filter((i: any) => i.rewrites?.length).length;
      const leading = dry.body.items.filter((i: any) =>
        i.warnings.some((w: any) => /leading wildcard/.test(w.message)),
      ).length;
      tally[sub] = {
        ...dry.body.counts,
        rewritten,
        leadingWildcardsAccepted: leading,
        invalid: invalid.map((i: any) => `${i.file}: ${i.errors[0].message}`),
      };
      // every file elastic-recheck could run imports: nothing is invalid
      expect(invalid.map((i: any) => `${i.file}: ${i.errors.map((e: any) => e.message).join('; ')}`)).toEqual([]);
      expect(dry.body.counts.created).toBe(count);
      const applied = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
        user: 'writer',
        body: { files, dryRun: false },
      });
      expect(applied.body.counts.created).toBe(count);
    },
    600_000,
  ); // 875 saved objects and their history entries, on a shared machine

  test('all 966 run: rates, classify and uncategorized answer over every signature', async () => {
    const rates = await standIn.request('GET', `${RATES_PATH}?days=1`, { user: 'reader' });
    expect(rates.status).toBe(200);
    const graphed = [...filesOf('queries'), ...filesOf('queries-historical')].filter(
      (f) => !/^suppress-graph:\s*true/m.test(f.content),
    ).length;
    expect(rates.body.signatures).toHaveLength(graphed);
    const classified = await standIn.request('POST', CLASSIFY_PATH, { user: 'reader', body: { uuid: UUID } });
    expect(classified.status).toBe(200);
    expect(classified.body).toMatchObject({ kind: 'classified', signaturesChecked: 966 });
    const uncategorized = await standIn.request('GET', `${UNCATEGORIZED_PATH}?days=1`, { user: 'reader' });
    expect(uncategorized.status).toBe(200);
    tally.run = {
      graphed,
      classifyMatches: classified.body.matches.map((m: any) => m.signatureId),
      uncategorized: `${uncategorized.body.explainedBuilds}/${uncategorized.body.failedBuilds}`,
    };
  }, 120_000);
});
