/** @jest-layer engine */
/* Bad input to the launcher is one clear line, and nothing is left running. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { assertPortFree, EngineError, findFreePort, findJava, startEngine } from './engine_process';

const ROOT = path.resolve(__dirname, '..', '..');

describe('engine launcher input checks', () => {
  it('names a missing java in one line', () => {
    expect(() => findJava({ PATH: '/nonexistent', JAVA_HOME: '' })).toThrow(
      new EngineError('java not found: install a JDK 17 or newer, or set JAVA_HOME'),
    );
  });

  it('refuses a port that is in use, before starting a JVM', async () => {
    const port = await findFreePort();
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      await expect(assertPortFree(port)).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
      await expect(startEngine({ port })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      server.close();
    }
  });

  it('refuses an invalid port number', async () => {
    await expect(assertPortFree(70000)).rejects.toThrow(
      'invalid port 70000: the embedded engine takes an HTTP port from 1025 to 9299',
    );
  });

  it('the engine command rejects an unknown option with one line and a non-zero exit', () => {
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/engine.ts', '--prot', '9200'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('error: unknown option --prot (known: --port, --data, --heap, --help)');
  });

  it('the engine command says when java is missing', () => {
    // A PATH with node alone (the system bin folder would hold java too).
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'node-only-'));
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/engine.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30000,
      env: { ...process.env, PATH: bin, JAVA_HOME: '' },
    });
    fs.rmSync(bin, { recursive: true, force: true });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('error: java not found: install a JDK 17 or newer, or set JAVA_HOME');
  });
});
