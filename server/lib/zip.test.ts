import * as yauzl from 'yauzl';
import { crc32, zipFiles } from './zip';

function readZip(buffer: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: Record<string, string> = {};
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('end', () => {
            out[entry.fileName] = Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

test('crc32 of a known string', () => {
  expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
});

test('a zip that a real zip reader opens, with every entry intact', async () => {
  const files = { '1708704.yaml': 'query: >-\n  message:"x"\n', 'queries/1410969.yaml': 'query: y\nsuppress-graph: true\n', 'empty.yaml': '' };
  const zip = zipFiles(Object.entries(files).map(([name, content]) => ({ name, content })));
  expect(await readZip(zip)).toEqual(files);
});

test('bad entry names are refused', () => {
  expect(() => zipFiles([{ name: '../x.yaml', content: '' }])).toThrow('invalid zip entry name');
  expect(() => zipFiles([{ name: 'a.yaml', content: '' }, { name: 'a.yaml', content: '' }])).toThrow('duplicate zip entry');
});
