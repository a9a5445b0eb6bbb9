import { crc32, zipFiles } from './zip';
import { unzipToText } from '../test/fixtures/unzip';

test('crc32 of a known string', () => {
  expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
});

test('a zip that a real zip reader opens, with every entry intact', async () => {
  const files = {
    '1708704.yaml': 'query: >-\n  message:"x"\n',
    'queries/1410969.yaml': 'query: y\nsuppress-graph: true\n',
    'empty.yaml': '',
  };
  const zip = zipFiles(Object.entries(files).map(([name, content]) => ({ name, content })));
  expect(await unzipToText(zip)).toEqual(files);
});

test('bad entry names are refused', () => {
  expect(() => zipFiles([{ name: '../x.yaml', content: '' }])).toThrow('invalid zip entry name');
  expect(() =>
    zipFiles([
      { name: 'a.yaml', content: '' },
      { name: 'a.yaml', content: '' },
    ]),
  ).toThrow('duplicate zip entry');
});
