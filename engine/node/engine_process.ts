/*
 * Starts and stops the real OpenSearch node built by ../pom.xml.
 *
 * The node runs in its own JVM (EngineMain), bound to 127.0.0.1, with a throw-away home directory.
 * It is stopped by its own process id, never by name, and it also exits by itself when our end of
 * its stdin closes, so a crashed parent never leaves an engine behind.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const ENGINE_DIR = path.resolve(__dirname, '..');
const CLASSPATH_FILE = path.join(ENGINE_DIR, 'target', 'cp.txt');
const MAIN_CLASS_FILE = path.join(
  ENGINE_DIR,
  'target',
  'classes',
  'org',
  'elasticrecheck',
  'engine',
  'EngineMain.class',
);
const MAIN_CLASS = 'org.elasticrecheck.engine.EngineMain';
const SOURCES = [
  path.join(ENGINE_DIR, 'pom.xml'),
  path.join(ENGINE_DIR, 'src', 'main', 'java', 'org', 'elasticrecheck', 'engine', 'EngineMain.java'),
];

/** An error whose message is one line meant for a person; CLIs print it and exit non-zero. */
export class EngineError extends Error {}

export interface EngineOptions {
  /** HTTP port; transport uses port + 100. Default: a free port. */
  port?: number;
  /** Data directory; default a fresh temporary one, removed on stop. */
  home?: string;
  clusterName?: string;
  /** JVM heap, e.g. "1g". */
  heap?: string;
  /** Milliseconds to wait for the node to report yellow health. */
  startTimeoutMs?: number;
  /** Receives every line the JVM prints (for debugging); default: kept in a bounded buffer. */
  onLog?: (line: string) => void;
}

export interface RunningEngine {
  url: string;
  pid: number;
  home: string;
  stop(): Promise<void>;
}

/** Locates `java`: $JAVA_HOME/bin/java first, then the PATH. Throws one readable line when absent. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.JAVA_HOME) candidates.push(path.join(env.JAVA_HOME, 'bin', 'java'));
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir) candidates.push(path.join(dir, 'java'));
  }
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new EngineError('java not found: install a JDK 17 or newer, or set JAVA_HOME');
}

function newestMtime(files: string[]): number {
  return Math.max(...files.map((f) => fs.statSync(f).mtimeMs));
}

/**
 * Compiles the launcher and resolves its classpath with Maven when needed. The first run downloads
 * OpenSearch's artifacts from Maven Central into ~/.m2; later runs reuse them and skip Maven entirely
 * when nothing changed.
 */
export function ensureEngineBuilt(log: (line: string) => void = () => undefined): string {
  const upToDate =
    fs.existsSync(CLASSPATH_FILE) &&
    fs.existsSync(MAIN_CLASS_FILE) &&
    fs.statSync(CLASSPATH_FILE).mtimeMs >= newestMtime(SOURCES) &&
    fs.statSync(MAIN_CLASS_FILE).mtimeMs >= newestMtime(SOURCES);
  if (!upToDate) {
    log('building the engine launcher with Maven (first run downloads OpenSearch from Maven Central)...');
    const mvn = spawnSync(
      'mvn',
      ['-q', '-B', 'compile', 'dependency:build-classpath', '-Dmdep.outputFile=target/cp.txt'],
      {
        cwd: ENGINE_DIR,
        encoding: 'utf8',
      },
    );
    if (mvn.error) {
      throw new EngineError(
        `mvn could not run (${(mvn.error as NodeJS.ErrnoException).code ?? mvn.error.message}): install Apache Maven 3.8+`,
      );
    }
    if (mvn.status !== 0) {
      const detail =
        `${mvn.stdout}\n${mvn.stderr}`.split('\n').find((l) => l.includes('ERROR')) ?? `exit ${mvn.status}`;
      throw new EngineError(`building the engine launcher failed: ${detail.trim()}`);
    }
    // Maven leaves the file untouched when the classpath did not change; mark it current.
    const now = new Date();
    fs.utimesSync(CLASSPATH_FILE, now, now);
  }
  return `${path.join(ENGINE_DIR, 'target', 'classes')}${path.delimiter}${fs.readFileSync(CLASSPATH_FILE, 'utf8').trim()}`;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port p such that p and p + 100 (transport) are both free on 127.0.0.1. The runner only accepts
 * HTTP ports up to 9299 (it probes baseHttpPort + 1 .. 9299), hence the range.
 */
export async function findFreePort(from = 9200, to = 9300): Promise<number> {
  const start = from + Math.floor(Math.random() * (to - from));
  for (let i = 0; i < to - from; i++) {
    const port = from + ((start - from + i) % (to - from));
    if ((await canBind(port)) && (await canBind(port + 100))) return port;
  }
  throw new EngineError(`no free port pair between ${from} and ${to} on 127.0.0.1`);
}

export async function assertPortFree(port: number): Promise<void> {
  if (!Number.isInteger(port) || port < 1025 || port > 9299) {
    throw new EngineError(`invalid port ${port}: the embedded engine takes an HTTP port from 1025 to 9299`);
  }
  for (const p of [port, port + 100]) {
    if (!(await canBind(p))) throw new EngineError(`port ${p} on 127.0.0.1 is already in use`);
  }
}

async function waitForHealth(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=5s`);
      if (res.ok) {
        const body = (await res.json()) as { status?: string };
        if (body.status === 'yellow' || body.status === 'green') return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new EngineError(`engine at ${url} did not reach yellow health in time`);
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startEngine(options: EngineOptions = {}): Promise<RunningEngine> {
  const java = findJava();
  const port = options.port ?? (await findFreePort());
  await assertPortFree(port);
  const classpath = ensureEngineBuilt(options.onLog);
  const ownsHome = options.home === undefined;
  const home = options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'elastic-recheck-engine-'));
  const heap = options.heap ?? '1g';
  const recent: string[] = [];
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
    options.onLog?.(line);
  };

  const child = spawn(
    java,
    [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-cp',
      classpath,
      MAIN_CLASS,
      String(port),
      home,
      options.clusterName ?? 'elastic-recheck',
      ownsHome ? 'clean' : 'keep',
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdoutBuffer = '';
  let announced: string | undefined;
  let failure: string | undefined;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    stdoutBuffer += chunk;
    let newline: number;
    while ((newline = stdoutBuffer.indexOf('\n')) >= 0) {
      const line = stdoutBuffer.slice(0, newline);
      stdoutBuffer = stdoutBuffer.slice(newline + 1);
      onLine(line);
      const ready = /READY (http:\/\/\S+)/.exec(line);
      if (ready) announced = ready[1];
      const error = /^ERROR (.*)$/.exec(line);
      if (error) failure = error[1];
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach(onLine));

  const cleanup = () => {
    if (ownsHome) fs.rmSync(home, { recursive: true, force: true });
  };
  const stop = async () => {
    child.stdin!.end();
    if (!(await waitForExit(child, 15000)) && child.pid) {
      process.kill(child.pid, 'SIGTERM');
      if (!(await waitForExit(child, 10000))) process.kill(child.pid, 'SIGKILL');
      await waitForExit(child, 5000);
    }
    cleanup();
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 120000);
  while (!announced) {
    if (failure) {
      await stop();
      throw new EngineError(failure);
    }
    if (child.exitCode !== null) {
      cleanup();
      throw new EngineError(
        `engine exited with code ${child.exitCode} before it was ready: ${recent.slice(-3).join(' | ')}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new EngineError('engine did not start in time');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitForHealth(announced, deadline);
  return { url: announced, pid: child.pid!, home, stop };
}
