import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSignatureDirectory, writeSignatureDirectory } from './signature_files';

describe('signature directories', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'er-sigs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads only *.yaml, in name order, and reports bad files with line and column without stopping', () => {
    fs.writeFileSync(path.join(dir, '200.yaml'), 'query: message:"b"\n');
    fs.writeFileSync(path.join(dir, '100.yaml'), 'query: message:"a"\nsuppress-graph: true\n');
    fs.writeFileSync(path.join(dir, '300.yaml'), 'query: [unclosed\n');
    fs.writeFileSync(path.join(dir, '400.yaml'), 'query: x\nsupress-notification: true\n');
    fs.writeFileSync(path.join(dir, 'README.md'), '# not a signature');
    fs.writeFileSync(path.join(dir, '500.yml'), 'query: x\n'); // elastic-recheck only globbed *.yaml
    const r = readSignatureDirectory(dir);
    expect(r.signatures.map((s) => s.id)).toEqual(['100', '200']);
    expect(r.signatures[0].suppressGraph).toBe(true);
    expect(r.errors).toEqual([
      expect.objectContaining({ file: '300.yaml', line: 2, column: 1, message: expect.stringMatching(/^YAML: /) }),
      expect.objectContaining({
        file: '400.yaml',
        line: 2,
        key: 'supress-notification',
        message: expect.stringContaining("unknown key 'supress-notification'"),
      }),
    ]);
    expect(r.files).toEqual({ '100': '100.yaml', '200': '200.yaml' });
  });

  it('reports a missing directory as an error', () => {
    const r = readSignatureDirectory(path.join(dir, 'nope'));
    expect(r.signatures).toEqual([]);
    expect(r.errors[0].message).toContain('cannot read the directory');
  });

  it('writes signatures back as <id>.yaml that read back the same, and refuses to overwrite unless asked', () => {
    fs.writeFileSync(path.join(dir, '100.yaml'), 'query: >\n  message:"a"\n  AND tags:console\ntest_ids:\n  - t.x\n');
    const first = readSignatureDirectory(dir);
    const out = path.join(dir, 'out');
    writeSignatureDirectory(out, first.signatures);
    expect(readSignatureDirectory(out).signatures).toEqual(first.signatures);
    expect(() => writeSignatureDirectory(out, first.signatures)).toThrow('would overwrite 1 file(s), e.g. 100.yaml');
    expect(() =>
      writeSignatureDirectory(out, [{ ...first.signatures[0], id: '../evil' }], { overwrite: true }),
    ).toThrow('cannot be a file name');
  });
});
