/*
 * Field names of the indexed log documents (ci-log-processing logsender schema, see
 * reference §3.2) as the query core uses them. Strings are `text` with a `.keyword` sub-field
 * (dynamic mapping); `build_change` and `voting` are `long`. Exact filters and aggregations use
 * the keyword fields; signatures themselves are free Lucene text over the analysed fields.
 */
export interface LogFields {
  timestamp: string;
  message: string;
  buildUuid: string;
  buildName: string;
  buildStatus: string;
  buildChange: string;
  buildPatchset: string;
  buildQueue: string;
  buildBranch: string;
  project: string;
  filename: string;
  logUrl: string;
  voting: string;
  /** Optional line number of the log line inside its file (for `log_url#L<n>` links). */
  lineNumber: string;
}

export const LOG_FIELDS: LogFields = {
  timestamp: '@timestamp',
  message: 'message',
  buildUuid: 'build_uuid.keyword',
  buildName: 'build_name.keyword',
  buildStatus: 'build_status.keyword',
  buildChange: 'build_change',
  buildPatchset: 'build_patchset.keyword',
  buildQueue: 'build_queue.keyword',
  buildBranch: 'build_branch.keyword',
  project: 'project.keyword',
  filename: 'filename.keyword',
  logUrl: 'log_url.keyword',
  voting: 'voting',
  lineNumber: 'line_number',
};

/** The `_source` name of a field (the keyword sub-field's parent). */
export function sourceName(field: string): string {
  return field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field;
}

/** The `_source` fields that describe a build (every line of a build carries them). */
export const BUILD_SOURCE_FIELDS = (
  [
    'buildUuid',
    'buildName',
    'buildStatus',
    'project',
    'buildBranch',
    'buildQueue',
    'buildChange',
    'buildPatchset',
    'voting',
    'logUrl',
  ] as const
).map((k) => sourceName(LOG_FIELDS[k]));

/**
 * One log document as our code reads it: every `_source` read goes through readLogDocument, so the field
 * names live in LOG_FIELDS only. Every field is optional: a line carries what its sender gave it.
 */
export interface LogDocument {
  timestamp?: string;
  message?: string;
  buildUuid?: string;
  buildName?: string;
  buildStatus?: string;
  /** `build_change` is a number; an empty value (a periodic build) is left out. */
  buildChange?: number;
  buildPatchset?: string;
  buildQueue?: string;
  buildBranch?: string;
  project?: string;
  filename?: string;
  logUrl?: string;
  voting?: number;
  lineNumber?: number | string;
}

const TEXT_FIELDS = [
  'timestamp',
  'message',
  'buildUuid',
  'buildName',
  'buildStatus',
  'buildQueue',
  'buildBranch',
  'project',
  'filename',
  'logUrl',
] as const satisfies ReadonlyArray<keyof LogFields>;

/** The `_source` of a log document (a search hit's `_source`, possibly filtered) by LOG_FIELDS. */
export function readLogDocument(source: unknown): LogDocument {
  const src = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const raw = (key: keyof LogFields) => src[sourceName(LOG_FIELDS[key])];
  const doc: LogDocument = {};
  for (const key of TEXT_FIELDS) {
    const v = raw(key);
    if (v !== undefined && v !== null) doc[key] = String(v);
  }
  const change = raw('buildChange');
  if (change !== undefined && change !== '') doc.buildChange = Number(change);
  const patchset = raw('buildPatchset');
  if (patchset !== undefined) doc.buildPatchset = String(patchset);
  const voting = raw('voting');
  if (voting !== undefined) doc.voting = Number(voting);
  const line = raw('lineNumber');
  if (line !== undefined && line !== null) doc.lineNumber = line as number | string;
  return doc;
}

/** The `_source` filter that fetches these fields of a log document. */
export function logSourceFields(...keys: Array<keyof LogFields>): string[] {
  return keys.map((k) => sourceName(LOG_FIELDS[k]));
}

/** The link to a line: its file's URL, with `#<line number>` when the document has one. */
export function lineLink(doc: LogDocument): string {
  const url = doc.logUrl ?? '';
  return doc.lineNumber === undefined || url === '' ? url : `${url}#${doc.lineNumber}`;
}

/** The build's log folder: the file URL up to its last slash. */
export function logRootOf(logUrl: string | undefined): string | undefined {
  return logUrl ? logUrl.slice(0, logUrl.lastIndexOf('/') + 1) : undefined;
}

/** ci-log-processing's test-result index (one document per test, `test_name`, `test_status`). */
export const DEFAULT_SUBUNIT_INDEX_PATTERN = 'subunit-*';
export const SUBUNIT_FIELDS = {
  buildUuid: 'build_uuid.keyword',
  testName: 'test_name.keyword',
  testStatus: 'test_status.keyword',
};
/** subunit statuses that mean the test failed. */
export const FAILED_TEST_STATUSES = ['fail', 'uxsuccess'];
