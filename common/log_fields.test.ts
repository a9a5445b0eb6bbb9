/* The one reader of log documents: fields by LOG_FIELDS names, the conversions the build info needs. */
import { lineLink, logRootOf, logSourceFields, readLogDocument } from './log_fields';

const SOURCE = {
  '@timestamp': '2026-11-20T10:00:00.000Z',
  message: 'Kernel panic',
  build_uuid: 'a1b2c3d4',
  build_name: 'tempest-full',
  build_status: 'FAILURE',
  build_change: '4242',
  build_patchset: 3,
  build_queue: 'gate',
  build_branch: 'master',
  project: 'openstack/nova',
  filename: 'job-output.txt',
  log_url: 'https://logs.example.org/42/a1b2c3d4/job-output.txt',
  voting: '1',
  line_number: 17,
};

test('reads every field of a log document by its LOG_FIELDS name', () => {
  expect(readLogDocument(SOURCE)).toEqual({
    timestamp: '2026-11-20T10:00:00.000Z',
    message: 'Kernel panic',
    buildUuid: 'a1b2c3d4',
    buildName: 'tempest-full',
    buildStatus: 'FAILURE',
    buildChange: 4242,
    buildPatchset: '3',
    buildQueue: 'gate',
    buildBranch: 'master',
    project: 'openstack/nova',
    filename: 'job-output.txt',
    logUrl: 'https://logs.example.org/42/a1b2c3d4/job-output.txt',
    voting: 1,
    lineNumber: 17,
  });
});

test('leaves out what the document lacks, and the empty change of a periodic build', () => {
  expect(readLogDocument({ message: 'x', build_change: '' })).toEqual({ message: 'x' });
  expect(readLogDocument(undefined)).toEqual({});
});

test('links a line to its file, with the line number when there is one', () => {
  const doc = readLogDocument(SOURCE);
  expect(lineLink(doc)).toBe('https://logs.example.org/42/a1b2c3d4/job-output.txt#17');
  expect(lineLink({ ...doc, lineNumber: undefined })).toBe('https://logs.example.org/42/a1b2c3d4/job-output.txt');
  expect(lineLink({ lineNumber: 17 })).toBe('');
  expect(logRootOf(doc.logUrl)).toBe('https://logs.example.org/42/a1b2c3d4/');
});

test('names the _source fields to fetch', () => {
  expect(logSourceFields('timestamp', 'buildUuid', 'logUrl', 'lineNumber')).toEqual([
    '@timestamp',
    'build_uuid',
    'log_url',
    'line_number',
  ]);
});
