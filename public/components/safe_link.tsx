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
    <EuiLink href={href} target="_blank" rel="noopener noreferrer" external data-test-subj={rest['data-test-subj']}>
      {text}
    </EuiLink>
  );
}
