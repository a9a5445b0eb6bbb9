/* Query errors and warnings shown in place: the offending line with a marker under the column. */
import React from 'react';
import { EuiText } from '@elastic/eui';
import type { QueryProblem } from '../../common/query/validate';

export function ProblemList({
  query,
  problems,
  kind,
}: {
  query: string;
  problems: QueryProblem[];
  kind: 'error' | 'warning';
}) {
  if (!problems.length) return null;
  const lines = query.split('\n');
  return (
    <div
      data-test-subj={kind === 'error' ? 'queryErrors' : 'queryWarnings'}
      role={kind === 'error' ? 'alert' : undefined}
    >
      {problems.map((p, i) => (
        <EuiText size="xs" color={kind === 'error' ? 'danger' : 'warning'} key={i}>
          <p style={{ marginBottom: 2 }}>
            {p.line !== undefined ? `Line ${p.line}, column ${p.column}: ` : ''}
            {p.message}
          </p>
          {p.line !== undefined && p.column !== undefined && (
            <pre
              style={{ margin: '0 0 6px', fontSize: 12, whiteSpace: 'pre', overflowX: 'auto' }}
              data-test-subj="problemMarker"
              aria-hidden="true"
            >
              {lines[p.line - 1] ?? ''}
              {'\n'}
              {' '.repeat(Math.max(0, p.column - 1))}^
            </pre>
          )}
        </EuiText>
      ))}
    </div>
  );
}
