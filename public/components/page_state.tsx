/* Loading, error and empty states shared by every page. */
import React from 'react';
import { EuiButton, EuiCallOut, EuiEmptyPrompt, EuiFlexGroup, EuiFlexItem, EuiLoadingSpinner } from '@elastic/eui';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <EuiFlexGroup justifyContent="center" data-test-subj="loading" aria-busy="true">
      <EuiFlexItem grow={false}>
        <EuiLoadingSpinner size="xl" aria-label={label} />
      </EuiFlexItem>
    </EuiFlexGroup>
  );
}

export function ErrorState({ title, error, onRetry }: { title: string; error: string; onRetry?: () => void }) {
  return (
    <EuiCallOut title={title} color="danger" iconType="alert" data-test-subj="errorState" role="alert">
      <p>{error}</p>
      {onRetry && (
        <EuiButton size="s" color="danger" onClick={onRetry} data-test-subj="retryButton">
          Retry
        </EuiButton>
      )}
    </EuiCallOut>
  );
}

export function EmptyState({ title, body }: { title: string; body?: React.ReactNode }) {
  return (
    <EuiEmptyPrompt iconType="search" title={<h3>{title}</h3>} body={body} data-test-subj="emptyState" titleSize="xs" />
  );
}
