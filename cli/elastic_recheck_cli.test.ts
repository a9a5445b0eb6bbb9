/* The CLI without an engine: lint, usage errors, bundles, the bin shim (elastic_recheck_cli_engine.test.ts: lint --engine). */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { runCli } from './elastic_recheck_cli';

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
