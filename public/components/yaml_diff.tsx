/* A line diff of two signature YAML texts, rendered as text with +/- markers. */
import React from 'react';
import { diffLines } from 'diff';

export function diffRows(before: string, after: string): Array<{ kind: '+' | '-' | ' '; text: string }> {
  const rows: Array<{ kind: '+' | '-' | ' '; text: string }> = [];
  for (const part of diffLines(before, after)) {
    const kind = part.added ? '+' : part.removed ? '-' : ' ';
    for (const line of part.value.replace(/\n$/, '').split('\n')) rows.push({ kind, text: line });
  }
  return rows;
}

export function YamlDiff({ before, after }: { before: string; after: string }) {
  const rows = diffRows(before, after);
  return (
    <pre data-test-subj="yamlDiff" style={{ fontSize: 12, margin: 0, whiteSpace: 'pre-wrap' }}>
      {rows.map((r, i) => (
        <div key={i} style={{ background: r.kind === '+' ? '#e6f4ea' : r.kind === '-' ? '#fde8e8' : undefined }}>
          {r.kind} {r.text}
        </div>
      ))}
    </pre>
  );
}
