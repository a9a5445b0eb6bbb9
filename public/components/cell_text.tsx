/*
 * Table cell text: names cut to the column show the whole name on hover (title), and single tokens
 * such as build statuses never break mid-word ("POST_FAILURE", not "POST_FAILUR E").
 */
import React from 'react';

/** One line, cut with an ellipsis when too long for the column, the whole text as its tooltip. */
export function CutText({ text, testSubj }: { text: string | undefined; testSubj?: string }) {
  if (!text) return <>–</>;
  return (
    <span className="eui-textTruncate" title={text} style={{ display: 'block' }} data-test-subj={testSubj}>
      {text}
    </span>
  );
}

/** A token kept whole on one line. */
export function Token({ text }: { text: string | undefined }) {
  return <span style={{ whiteSpace: 'nowrap' }}>{text ?? '–'}</span>;
}
