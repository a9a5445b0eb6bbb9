/** @jest-layer engine */
/* `npm run generate` as a user runs it: bad input is one clear line and exit code 2; a good run indexes and writes the ground truth. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineRequest, engineUrl, uniqueName } from '../test/setup/engine';
import { deleteGeneratedData } from '../generator';
import { httpEngineClient } from '../lib/engine_client';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function run(args: string[]) {
  const r = spawnSync(TSX, ['scripts/generate.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DEBUG: '' },
    timeout: 60000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLineError(r: ReturnType<typeof run>, pattern: RegExp) {
  expect(r.status).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

jest.setTimeout(60000);

describe('npm run generate', () => {
  it('rejects an unknown option', () => {
    expectOneLineError(run(['--bogus', '1']), /^error: unknown option --bogus/);
  });

  it('rejects a bad value', () => {
    expectOneLineError(run(['--lines', 'many']), /^error: option --lines expects a whole number, got "many"$/);
    expectOneLineError(run(['--days', '0']), /^error: option --days must be greater than 0$/);
    expectOneLineError(run(['--now', 'tomorrow']), /^error: option --now expects an ISO-8601 time/);
    expectOneLineError(run(['--index-prefix', 'Bad*Prefix']), /^error: option --index-prefix/);
    expectOneLineError(
      run(['--index-prefix', 'x-logs-', '--subunit-prefix', 'x-logs-sub-']),
      /^error: option --subunit-prefix "x-logs-sub-" overlaps --index-prefix "x-logs-"$/,
    );
  });

  it('rejects a missing signature directory', () => {
    expectOneLineError(
      run(['--signatures', 'no/such/dir', '--dry-run']),
      /^error: option --signatures: directory not found: no\/such\/dir$/,
    );
  });

  it('says so when the engine cannot be reached', () => {
    const r = run(['--builds', '2', '--engine', 'http://127.0.0.1:1', '--out', os.tmpdir()]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^error: engine unreachable at http:\/\/127\.0\.0\.1:1/);
  });

  it('indexes a small data set and writes its ground truth', async () => {
    const prefix = `${uniqueName('gencli')}-`;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-'));
    try {
      const r = run([
        '--builds',
        '15',
        '--lines-per-build',
        '8',
        '--seed',
        'cli',
        '--index-prefix',
        prefix,
        '--engine',
        engineUrl(),
        '--out',
        out,
        '--verify',
      ]);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/lines\/s/);
      expect(r.stdout).toMatch(/verified on the engine: 34 signatures, \d+ build-signature matches, no mismatch/);
      const truth = JSON.parse(fs.readFileSync(path.join(out, 'ground_truth.json'), 'utf8'));
      expect(truth.builds).toHaveLength(15);
      const count = await engineRequest<{ count: number }>('GET', `/${prefix}*/_count`);
      expect(count.count).toBe(truth.counts.lines);
      expect(truth.subunitPattern).toBe(`subunit-${prefix}*`);
      const tests = await engineRequest<{ count: number }>('GET', `/${truth.subunitPattern}/_count`);
      expect(tests.count).toBe(truth.counts.tests);
    } finally {
      await deleteGeneratedData(httpEngineClient(engineUrl()), prefix);
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
