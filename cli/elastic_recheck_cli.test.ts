/** @jest-layer engine */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { runCli } from './elastic_recheck_cli';
import { build, createLogIndex, logDoc, TestIndex } from '../test/fixtures/log_index';
import { engineUrl } from '../test/setup/engine';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('elastic-recheck CLI', () => {
  let dir: string;
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lint: a clean directory exits 0', async () => {
    write('100.yaml', 'query: message:"Kernel panic" AND tags:console\n');
    const r = await cli('lint', dir);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('1 file(s): 1 as-is, 0 with legacy rewrites, 0 flagged, 0 rejected; 0 error(s)');
  });

  it('lint: every kind of problem is named, and the exit code is 1', async () => {
    write('101.yaml', 'query: message:"unbalanced AND tags:console\n');
    write('102.yaml', 'query: x\nsupress-graph: true\n');
    write('103.yaml', 'query: [broken\n');
    write('104.yaml', 'query: message:"x" AND build_nam:tempest\n');
    write('105.yaml', 'query: message:"x" AND build_name:*grenade*\n');
    write('106.yaml', 'query: message:"x" AND filename:"logs/screen-n-cpu.txt"\n');
    write('107.yaml', `query: message:"${'x'.repeat(1024 * 1024)}"\n`);
    write('108.yaml', 'query: message:/.*Traceback.*/\n');
    const r = await cli('lint', dir);
    expect(r.code).toBe(1);
    const line = (file: string) =>
      r.out
        .split('\n')
        .filter((l) => l.startsWith(file))
        .join('\n');
    expect(line('101.yaml')).toContain('error: Lucene syntax error: unbalanced quote');
    expect(line('102.yaml:2')).toContain("error: unknown key 'supress-graph'");
    expect(line('103.yaml:2:1')).toContain('error: YAML:');
    expect(line('104.yaml')).toContain("unknown field 'build_nam'");
    expect(line('105.yaml')).toContain("leading wildcard in '*grenade*'");
    expect(line('106.yaml')).toContain('rewrite: filename:"logs/screen-n-cpu.txt"  ->  filename:"screen-n-cpu.txt"');
    expect(line('107.yaml')).toContain('query is too long: 1048586 characters');
    expect(line('108.yaml')).toContain('regular expression /.*Traceback.*/ is too costly');
    expect(r.out).toContain('8 file(s): 0 as-is, 1 with legacy rewrites, 0 flagged, 7 rejected');
  });

  it('lint --json gives the same findings as data', async () => {
    write('106.yaml', 'query: message:"x" AND build_status:FAILURE\n');
    const r = await cli('lint', dir, '--json');
    const report = JSON.parse(r.out);
    expect(report.files[0]).toMatchObject({
      file: '106.yaml',
      id: '106',
      outcome: 'rewritten',
      translated: expect.stringContaining('TIMED_OUT'),
    });
    expect(r.code).toBe(0);
  });

  it('usage errors exit 2 with one line', async () => {
    expect(await cli('lint')).toMatchObject({ code: 2, err: 'error: lint needs exactly one directory\n' });
    expect((await cli('lint', dir, '--nope')).err).toContain('unknown option --nope');
    expect((await cli('frobnicate')).err).toContain('unknown command "frobnicate"');
    expect((await cli('import', dir)).err).toContain('import needs --host URL');
    expect((await cli('export', dir, '--ids', 'a')).err).toContain('--ids needs --host');
    expect((await cli('export', dir, '--host', 'http://127.0.0.1:5601', '--bundle', 'b.yaml')).err).toContain(
      'or --bundle FILE (not both)',
    );
  });

  it('export --bundle and import-bundle round-trip a directory; a bad bundle writes nothing', async () => {
    write('100.yaml', 'query: >\n  message:"a" AND\n  tags:console\nsuppress-graph: true\n');
    write(
      'gh-7.yaml',
      'bug: https://github.com/o/r/issues/7\nquery: message:"b"\nscope:\n  projects: [openstack/nova]\n',
    );
    const bundle = path.join(dir, 'b.yaml');
    expect((await cli('export', dir, '--bundle', bundle)).code).toBe(0);
    const out = path.join(dir, 'imported');
    expect(await cli('import-bundle', bundle, '--dir', out)).toMatchObject({
      code: 0,
      out: `wrote 2 signature file(s) to ${out}\n`,
    });
    const again = path.join(dir, 'b2.json');
    expect((await cli('export', out, '--bundle', again, '--format', 'json')).code).toBe(0);
    const a = JSON.parse(fs.readFileSync(again, 'utf8'));
    expect(a.signatures.map((s: any) => s.id)).toEqual(['100', 'gh-7']);
    expect(a.signatures[1].scope).toEqual({ projects: ['openstack/nova'] });

    fs.writeFileSync(bundle, fs.readFileSync(bundle, 'utf8').replace('suppress-graph: true', 'suppress-graph: maybe'));
    const bad = path.join(dir, 'never');
    const r = await cli('import-bundle', bundle, '--dir', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain("suppress-graph: 'suppress-graph' must be true or false");
    expect(fs.existsSync(bad)).toBe(false);
  });

  it('runs as `elastic-recheck` through the bin shim', async () => {
    write('100.yaml', 'query: message:"x" AND tags:console\n');
    const bin = path.resolve(__dirname, '..', 'bin', 'elastic-recheck.js');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'lint', dir]);
    expect(stdout).toContain('1 file(s): 1 as-is');
    await expect(promisify(execFile)(process.execPath, [bin, 'lint', path.join(dir, 'missing')])).rejects.toMatchObject(
      { code: 2 },
    );
  });
});

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
