/* A link to an engine-provided URL: a real link only for http(s), plain text otherwise. */
import React from 'react';
import { EuiLink } from '@elastic/eui';
import { safeHttpUrl } from '../services/safe_url';

export function SafeLink({
  url,
  children,
  ...rest
}: {
  url: unknown;
  children?: React.ReactNode;
  'data-test-subj'?: string;
  /** Underlined: a link inside a line of text must not be told apart by its colour alone (axe link-in-text-block). */
  underline?: boolean;
}) {
  const href = safeHttpUrl(url);
  const text = children ?? (typeof url === 'string' ? url : '');
  if (!href)
    return (
      <span data-test-subj={rest['data-test-subj']} title="Not an http(s) link">
        {text}
      </span>
    );
  return (
    <EuiLink
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      external
      data-test-subj={rest['data-test-subj']}
      style={rest.underline ? { textDecoration: 'underline' } : undefined}
    >
      {text}
    </EuiLink>
  );
}
