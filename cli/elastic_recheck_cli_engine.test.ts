/** @jest-layer engine */
/* elastic-recheck lint --engine on the real engine (the rest of the CLI: elastic_recheck_cli.test.ts). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from './elastic_recheck_cli';
import { build, createLogIndex, logDoc, TestIndex } from '../test/fixtures/log_index';
import { engineUrl } from '../test/setup/engine';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('elastic-recheck lint --engine (real engine)', () => {
  let logs: TestIndex;
  let dir: string;
  beforeAll(async () => {
    logs = await createLogIndex('er-cli-lint');
    const now = Date.now();
    const docs: Record<string, unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const b = build(`c${i}`, { build_status: i < 6 ? 'FAILURE' : 'SUCCESS' });
      const timestamp = new Date(now - (i + 1) * 3600_000).toISOString();
      if (i < 6) docs.push(logDoc({ build: b, message: 'Kernel panic here', timestamp }));
      docs.push(logDoc({ build: b, message: 'Connection reset by peer', timestamp }));
    }
    await logs.add(docs);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-cli-engine-'));
    fs.writeFileSync(path.join(dir, '1.yaml'), 'query: message:"Kernel panic"\n');
    fs.writeFileSync(path.join(dir, '2.yaml'), 'query: message:"Connection reset"\n');
    fs.writeFileSync(path.join(dir, '3.yaml'), 'query: message:"x" AND zuul_executor:ze01\n');
    fs.writeFileSync(path.join(dir, '4.yaml'), 'query: \'@message:"Kernel panic"\'\n');
  });
  afterAll(async () => {
    await logs?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checks fields against the mapping, validates on the engine and estimates precision from successful builds', async () => {
    const r = await cli('lint', dir, '--engine', engineUrl(), '--index', logs.name, '--json');
    const report = JSON.parse(r.out);
    expect(report.fields).toBe('engine');
    const f = (id: string) => report.files.find((x: any) => x.id === id);
    expect(f('1')).toMatchObject({
      outcome: 'as-is',
      engine: { valid: true },
      success: { failedBuilds: 6, successBuilds: 0, precision: 1, warning: false },
    });
    expect(f('2').success).toMatchObject({ failedBuilds: 6, successBuilds: 4, warning: true });
    expect(f('2').warnings[0].message).toContain("more than elastic-recheck's 10 % rule");
    // zuul_executor is in the built-in list but not in this index: the engine's mapping decides
    expect(f('3')).toMatchObject({
      outcome: 'rejected',
      errors: [expect.objectContaining({ code: 'unknown_field', field: 'zuul_executor' })],
    });
    // the old-schema query runs translated, as everywhere else (common/query/build.ts signatureEngineQuery)
    expect(f('4')).toMatchObject({
      outcome: 'rewritten',
      translated: 'message:"Kernel panic"',
      engine: { valid: true },
      success: { failedBuilds: 6, successBuilds: 0 },
    });
    expect(r.code).toBe(1);
  });
});
