/** @jest-layer engine */
/*
 * `elastic-recheck import` / `export --host` against the host stand-in (Kibana mode: route security,
 * kbn-xsrf, users `writer`, `reader`; OpenSearch Dashboards mode: osd-xsrf) running the plugin from
 * source on the real engine.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { runCli } from '../../cli/elastic_recheck_cli';
import { engineUrl } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { manifestFor } from '../../dev/build/build';
import { TARGETS } from '../../dev/build/targets';
import { SIGNATURES_PATH, signaturePath } from '../../common/api/signatures';
import { parseSignatureBundle } from '../../common/signature/bundle';
import { parseSignatureYaml } from '../../common/signature/yaml_codec';
import type { Signature } from '../../common/signature/types';

const DEMO = path.resolve(__dirname, '..', '..', 'demo', 'signatures');
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'elastic-recheck.js');

let kibana: StandIn;
const prefixes: string[] = [];
const tmp: string[] = [];

async function cli(env: Record<string, string | undefined>, ...argv: string[]) {
  const saved: Record<string, string | undefined> = {};
  for (const k of ['ELASTIC_RECHECK_USER', 'ELASTIC_RECHECK_PASSWORD', 'ELASTIC_RECHECK_API_KEY']) {
    saved[k] = process.env[k];
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  let out = '';
  let err = '';
  try {
    const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
const as = (user: string) => ({ ELASTIC_RECHECK_USER: user, ELASTIC_RECHECK_PASSWORD: 'changeme' });

function tempDir(name: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `er-hostcli-${name}-`));
  tmp.push(d);
  return d;
}

/** A file's signature without what the host adds (created/updated stamps). */
function parsedFile(file: string): Omit<Signature, 'created' | 'updated'> {
  const r = parseSignatureYaml(fs.readFileSync(file, 'utf8'), path.basename(file));
  if (!r.ok) throw new Error(`${file}: ${r.errors[0].message}`);
  const { created: _c, updated: _u, ...rest } = r.signature;
  return rest;
}

const total = async (s: StandIn) =>
  (await s.request('GET', `${SIGNATURES_PATH}?perPage=1`, { user: 'reader' })).body.total as number;

/** A port nothing listens on (bound once, then closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  const indexPrefix = uniqueIndexPrefix('hostcli');
  prefixes.push(indexPrefix);
  kibana = await startSourceStandIn({ engineUrl: engineUrl(), indexPrefix });
});

afterAll(async () => {
  await kibana?.stop();
  for (const p of prefixes) await deleteStandInIndices(engineUrl(), p);
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

describe('import and export against a Kibana stand-in', () => {
  const demoFiles = fs
    .readdirSync(DEMO)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  test('the demo signatures: dry run, import, export as <bug>.yaml files and as a bundle; the round trip is equivalent', async () => {
    expect(demoFiles.length).toBeGreaterThan(10);
    const dry = await cli(as('writer'), 'import', DEMO, '--host', kibana.url, '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`dry run on ${kibana.url}: ${demoFiles.length} file(s)`);
    expect(dry.out).toContain(`  create     ${demoFiles[0].replace('.yaml', '')}  ${path.join(DEMO, demoFiles[0])}`);
    expect(dry.out).toContain(
      `${demoFiles.length} signature(s): ${demoFiles.length} to create, 0 to update, 0 unchanged, 0 conflict(s), 0 invalid`,
    );
    expect(dry.out).toContain('nothing imported (--dry-run)');
    expect(await total(kibana)).toBe(0);

    const imported = await cli(as('writer'), 'import', DEMO, '--host', kibana.url);
    expect(imported).toMatchObject({ code: 0, err: '' });
    expect(imported.out).toContain(`imported into ${kibana.url}: ${demoFiles.length} created, 0 updated, 0 unchanged`);
    expect(await total(kibana)).toBe(demoFiles.length);

    const out = tempDir('export');
    const exported = await cli(as('reader'), 'export', '--host', kibana.url, out);
    expect(exported).toMatchObject({
      code: 0,
      err: '',
      out: `wrote ${demoFiles.length} signature file(s) from ${kibana.url} to ${out}\n`,
    });
    expect(fs.readdirSync(out).sort()).toEqual(demoFiles);
    for (const f of demoFiles) expect(parsedFile(path.join(out, f))).toEqual(parsedFile(path.join(DEMO, f)));

    const bundle = path.join(tempDir('bundle'), 'all.yaml');
    expect(await cli(as('reader'), 'export', '--host', kibana.url, '--bundle', bundle)).toMatchObject({
      code: 0,
      err: '',
    });
    const parsed = parseSignatureBundle(fs.readFileSync(bundle, 'utf8'), 'all.yaml');
    if (!parsed.ok) throw new Error(parsed.errors[0].message);
    expect(parsed.signatures.map((s) => `${s.id}.yaml`)).toEqual(demoFiles);
    for (const s of parsed.signatures) {
      const { created: _c, updated: _u, ...rest } = s;
      expect(rest).toEqual(parsedFile(path.join(DEMO, `${s.id}.yaml`)));
    }

    // the exported files and the bundle import back unchanged; exporting over the files needs --overwrite
    for (const input of [out, bundle]) {
      const again = await cli(as('writer'), 'import', input, '--host', kibana.url, '--json');
      expect(again).toMatchObject({ code: 0, err: '' });
      const report = JSON.parse(again.out);
      expect(report.check.counts).toEqual({
        created: 0,
        updated: 0,
        unchanged: demoFiles.length,
        conflict: 0,
        invalid: 0,
      });
      expect(report.applied).toBeUndefined();
    }
    // the same signature twice in one import (files and a bundle) is refused
    const both = await cli(as('writer'), 'import', out, bundle, '--host', kibana.url);
    expect(both.code).toBe(1);
    expect(both.out).toContain(
      `${bundle} [${demoFiles[0].replace('.yaml', '')}]: error: signature ${demoFiles[0].replace('.yaml', '')} is also in ${demoFiles[0]}`,
    );
    const twice = await cli(as('reader'), 'export', '--host', kibana.url, out);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/^error: .* use --overwrite to replace them .*nothing written\n$/);
    fs.writeFileSync(path.join(out, '999.yaml'), 'query: message:"local only"\n');
    const over = await cli(
      as('reader'),
      'export',
      '--host',
      kibana.url,
      out,
      '--overwrite',
      '--ids',
      `${demoFiles[0].replace('.yaml', '')}`,
    );
    expect(over).toMatchObject({ code: 0, out: `wrote 1 signature file(s) from ${kibana.url} to ${out}\n` });
    const all = await cli(as('reader'), 'export', '--host', kibana.url, out, '--overwrite');
    expect(all.out).toContain(`note: 1 file(s) in ${out} are not on the host and were left as they are: 999.yaml`);
  });

  test('a changed signature is a conflict (nothing imported, exit 1) until --overwrite', async () => {
    const dir = tempDir('conflict');
    const id = fs
      .readdirSync(DEMO)
      .find((f) => f.endsWith('.yaml'))!
      .replace('.yaml', '');
    fs.writeFileSync(path.join(dir, `${id}.yaml`), 'query: message:"changed in the repository"\n');
    fs.writeFileSync(path.join(dir, '7000001.yaml'), 'query: message:"brand new"\n');
    const r = await cli(as('writer'), 'import', dir, '--host', kibana.url);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${path.join(dir, `${id}.yaml`)}: error: signature ${id} exists and differs`);
    expect(r.out).toContain(
      'nothing imported: 1 signature(s) rejected (conflicts: signatures that exist on the host and differ; --overwrite replaces them)',
    );
    expect((await kibana.request('GET', signaturePath('7000001'), { user: 'reader' })).status).toBe(404);
    const o = await cli(as('writer'), 'import', dir, '--host', kibana.url, '--overwrite');
    expect(o.code).toBe(0);
    expect(o.out).toContain(`imported into ${kibana.url}: 1 created, 1 updated, 0 unchanged`);
    expect((await kibana.request('GET', signaturePath(id), { user: 'reader' })).body.query).toBe(
      'message:"changed in the repository"',
    );
  });

  test('a bad file: the per-file report names the reason and the line, nothing is imported, exit 1', async () => {
    const dir = tempDir('bad');
    fs.writeFileSync(path.join(dir, '7100001.yaml'), 'query: message:"fine" AND tags:console\n');
    fs.writeFileSync(path.join(dir, '7100002.yaml'), 'query: message:"unbalanced AND tags:console\n');
    fs.writeFileSync(path.join(dir, '7100003.yaml'), 'query: message:"x"\nsupress-graph: true\n');
    fs.writeFileSync(path.join(dir, '7100004.yaml'), 'query: [broken\n');
    const before = await total(kibana);
    const r = await cli(as('writer'), 'import', dir, '--host', kibana.url);
    expect(r.code).toBe(1);
    const line = (file: string) =>
      r.out
        .split('\n')
        .filter((l) => l.startsWith(path.join(dir, file)))
        .join('\n');
    expect(r.out).toContain(`  invalid    -        ${path.join(dir, '7100004.yaml')}`);
    expect(line('7100002.yaml')).toContain('error: query: Lucene syntax error: unbalanced quote');
    expect(line('7100003.yaml:2')).toContain("error: supress-graph: unknown key 'supress-graph'");
    expect(line('7100004.yaml:2:1')).toContain('error: YAML:');
    expect(r.out).toContain('4 signature(s): 1 to create, 0 to update, 0 unchanged, 0 conflict(s), 3 invalid');
    expect(r.out).toContain('nothing imported: 3 signature(s) rejected\n');
    expect(await total(kibana)).toBe(before);
    expect((await kibana.request('GET', signaturePath('7100001'), { user: 'reader' })).status).toBe(404);
  });

  test('a reader gets one clear 403 line, exit 3, and nothing changes', async () => {
    const before = await total(kibana);
    const r = await cli(as('reader'), 'import', DEMO, '--host', kibana.url, '--overwrite');
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /^error: user 'reader' may not import signatures on http:\/\/127\.0\.0\.1:\d+: it needs the 'all' privilege of the elasticRecheck feature \(elasticRecheck-write\) on Kibana, or a writer role \(elastic_recheck\.access\.writers\) on OpenSearch Dashboards \(403: .*\)\n$/,
    );
    expect(await total(kibana)).toBe(before);
  });

  test('wrong password, no credentials, unknown path: one line each, exit 3', async () => {
    const wrong = await cli(
      { ELASTIC_RECHECK_USER: 'writer', ELASTIC_RECHECK_PASSWORD: 'nope' },
      'import',
      DEMO,
      '--host',
      kibana.url,
    );
    expect(wrong).toMatchObject({ code: 3, out: '' });
    expect(wrong.err).toMatch(
      /^error: http:\/\/127\.0\.0\.1:\d+ did not accept the credentials of user 'writer' \(401: .*\)\n$/,
    );
    const none = await cli({}, 'export', '--host', kibana.url, tempDir('none'));
    expect(none.err).toMatch(/^error: http:\/\/127\.0\.0\.1:\d+ requires a login \(401\): give --user .*\n$/);
    const basePath = await cli(as('reader'), 'export', '--host', `${kibana.url}/kbn`, tempDir('base'));
    expect(basePath.code).toBe(3);
    expect(basePath.err).toMatch(
      /^error: http:\/\/127\.0\.0\.1:\d+\/kbn has no \/api\/elastic_recheck\/export\?format=zip \(404: .*\): is the elastic-recheck plugin installed, and is the URL right \(base path, space\)\?\n$/,
    );
    // an id the host does not have: the 404 says so in its attributes, and the CLI says which id
    const unknown = await cli(as('reader'), 'export', '--host', kibana.url, tempDir('unknown'), '--ids', '9999999');
    expect(unknown).toMatchObject({ code: 3, out: '', err: `error: ${kibana.url}: no signature 9999999 (404)\n` });
  });

  test('the bin shim with credentials from the environment (a real process, exit codes)', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, ...as('reader') };
    const dir = tempDir('bin');
    const { stdout } = await run(process.execPath, [BIN, 'export', '--host', kibana.url, dir, '--ids', '7000001'], {
      env,
    });
    expect(stdout).toBe(`wrote 1 signature file(s) from ${kibana.url} to ${dir}\n`);
    await expect(run(process.execPath, [BIN, 'import', dir, '--host', kibana.url], { env })).rejects.toMatchObject({
      code: 3,
      stderr: expect.stringContaining('(403: '),
    });
  });
});

describe('hosts that cannot answer', () => {
  test('an unreachable host: one line, exit 3', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await cli(as('writer'), 'import', DEMO, '--host', url);
    expect(r).toMatchObject({ code: 3, out: '' });
    expect(r.err).toBe(`error: cannot reach ${url}: connect ECONNREFUSED ${url.slice('http://'.length)}\n`);
    const e = await cli(as('reader'), 'export', '--host', url, '--bundle', path.join(tempDir('unreach'), 'b.yaml'));
    expect(e.err).toBe(`error: cannot reach ${url}: connect ECONNREFUSED ${url.slice('http://'.length)}\n`);
  });

  test('a proxy answering 503, a web page that is not the API, no answer: one line each, exit 3', async () => {
    // a real HTTP server standing for what can sit at a wrong URL: a load balancer with the host down, another web app
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      if (req.url!.startsWith('/slow/')) return; // never answers
      if (req.url!.startsWith('/proxy/')) {
        // a 404 of something else whose text happens to read like ours, without the plugin's attributes
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'no signature route here' }));
      }
      if (req.url!.startsWith('/down/')) {
        res.writeHead(503, { 'content-type': 'text/html' });
        res.end('<html><head><title>503 Service Unavailable</title></head><body>upstream down</body></html>');
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><head><title>Welcome to nginx!</title></head></html>');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const down = await cli(as('writer'), 'import', DEMO, '--host', `${url}/down`);
      expect(down).toMatchObject({ code: 3, out: '' });
      expect(down.err).toBe(
        `error: ${url}/down answered POST /api/elastic_recheck/import with 503 Service Unavailable: 503 Service Unavailable\n`,
      );
      const proxy = await cli(
        as('reader'),
        'export',
        '--host',
        `${url}/proxy`,
        '--bundle',
        path.join(tempDir('p'), 'b.yaml'),
      );
      expect(proxy).toMatchObject({ code: 3, out: '' });
      expect(proxy.err).toBe(
        `error: ${url}/proxy has no /api/elastic_recheck/export?format=bundle (404: no signature route here): is the elastic-recheck plugin installed, and is the URL right (base path, space)?\n`,
      );
      const other = await cli(as('writer'), 'import', DEMO, '--host', url);
      expect(other.err).toMatch(
        /^error: http:\/\/127\.0\.0\.1:\d+ answered \/api\/elastic_recheck\/import with text\/html \(Welcome to nginx!\), not the elastic-recheck API .*\n$/,
      );
      // both hosts' XSRF headers on every request; an API key from the environment when no user is given
      expect(seen.at(-1)).toMatchObject({
        'kbn-xsrf': 'true',
        'osd-xsrf': 'true',
        authorization: `Basic ${Buffer.from('writer:changeme').toString('base64')}`,
      });
      await cli(
        { ELASTIC_RECHECK_API_KEY: 'a2V5OnNlY3JldA==' },
        'export',
        '--host',
        url,
        '--bundle',
        path.join(tempDir('key'), 'b.yaml'),
      );
      expect(seen.at(-1)).toMatchObject({ authorization: 'ApiKey a2V5OnNlY3JldA==' });
      const slow = await cli(as('writer'), 'import', DEMO, '--host', `${url}/slow`, '--timeout', '1');
      expect(slow).toMatchObject({ code: 3, err: `error: no answer from ${url}/slow within 1 s\n` });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('usage problems are found before anything is sent: exit 2', async () => {
    expect(await cli({}, 'import', DEMO)).toMatchObject({
      code: 2,
      err: expect.stringContaining('import needs --host URL'),
    });
    expect((await cli({}, 'import', '--host', 'http://writer:changeme@127.0.0.1:1', DEMO)).err).toBe(
      'error: --host must not contain credentials: use --user with ELASTIC_RECHECK_PASSWORD (or --password)\n',
    );
    expect((await cli({}, 'import', '--host', 'ftp://127.0.0.1', DEMO)).code).toBe(2);
    expect((await cli({}, 'import', '--host', 'http://127.0.0.1:1', '--user', 'writer', DEMO)).err).toBe(
      "error: no password for user 'writer': set ELASTIC_RECHECK_PASSWORD (or give --password)\n",
    );
    expect((await cli(as('writer'), 'import', '--host', 'http://127.0.0.1:1', path.join(DEMO, 'missing'))).err).toBe(
      `error: no such file or directory: ${path.join(DEMO, 'missing')}\n`,
    );
    const dup = tempDir('dup');
    fs.mkdirSync(path.join(dup, 'a'));
    fs.writeFileSync(path.join(dup, 'a', '1.yaml'), 'query: x\n');
    expect(
      (
        await cli(
          as('writer'),
          'import',
          '--host',
          'http://127.0.0.1:1',
          path.join(dup, 'a'),
          path.join(dup, 'a', '1.yaml'),
        )
      ).err,
    ).toContain('two files named 1.yaml');
    expect((await cli(as('reader'), 'export', '--host', 'http://127.0.0.1:1')).code).toBe(2);
  });
});

describe('OpenSearch Dashboards stand-in (osd-xsrf)', () => {
  let osd: StandIn;
  beforeAll(async () => {
    const dir = tempDir('osd');
    fs.writeFileSync(
      path.join(dir, 'opensearch_dashboards.json'),
      JSON.stringify(manifestFor(TARGETS.find((t) => t.host === 'osd')!)),
    );
    const indexPrefix = uniqueIndexPrefix('hostcli-osd');
    prefixes.push(indexPrefix);
    osd = await startSourceStandIn({ host: 'osd', pluginDir: dir, engineUrl: engineUrl(), indexPrefix });
  });
  afterAll(async () => osd?.stop());

  test('import and export work the same', async () => {
    const r = await cli(as('writer'), 'import', DEMO, '--host', osd.url);
    expect(r).toMatchObject({ code: 0, err: '' });
    const out = tempDir('osd-export');
    expect((await cli(as('writer'), 'export', '--host', osd.url, out)).code).toBe(0);
    const names = fs.readdirSync(DEMO).filter((f) => f.endsWith('.yaml'));
    expect(fs.readdirSync(out).sort()).toEqual(names.sort());
    for (const f of names) expect(parsedFile(path.join(out, f))).toEqual(parsedFile(path.join(DEMO, f)));
  });
});
