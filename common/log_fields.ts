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

/** ci-log-processing's test-result index (one document per test, `test_name`, `test_status`). */
export const DEFAULT_SUBUNIT_INDEX_PATTERN = 'subunit-*';
export const SUBUNIT_FIELDS = {
  buildUuid: 'build_uuid.keyword',
  testName: 'test_name.keyword',
  testStatus: 'test_status.keyword',
};
/** subunit statuses that mean the test failed. */
export const FAILED_TEST_STATUSES = ['fail', 'uxsuccess'];
