/* Loading, error and empty states shared by every page: an error names its cause and offers Retry. */
import React, { useContext } from 'react';
import {
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiEmptyPrompt,
  EuiFlexGroup,
  EuiFlexItem,
  EuiLoadingSpinner,
  EuiScreenReaderOnly,
} from '@elastic/eui';
import { AppContext } from '../services/app_context';
import { describeError } from '../services/errors';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <EuiFlexGroup justifyContent="center" data-test-subj="loading" aria-busy="true" role="status">
      <EuiFlexItem grow={false}>
        {/* the label as text: OUI's spinner is a plain span, where aria-label is not allowed (axe) */}
        <EuiLoadingSpinner size="xl" />
        <EuiScreenReaderOnly>
          <span>{label}</span>
        </EuiScreenReaderOnly>
      </EuiFlexItem>
    </EuiFlexGroup>
  );
}

/**
 * `error` is the request's error (object or message). Retry re-runs the request and re-checks the engine's
 * health, so the header follows too.
 */
export function ErrorState({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  const app = useContext(AppContext);
  const engineDown = app?.health ? !app.health.engine.reachable : false;
  const d = describeError(error, engineDown);
  return (
    <EuiCallOut
      title={d.label ? `${title}: ${d.label.toLowerCase()}` : title}
      color={d.cause === 'bad_input' || d.cause === 'not_found' ? 'warning' : 'danger'}
      iconType={d.cause === 'permission' ? 'lock' : 'alert'}
      data-test-subj="errorState"
      data-cause={d.cause}
      role="alert"
    >
      <p data-test-subj="errorMessage">{d.message}</p>
      {onRetry && (
        <EuiButton
          size="s"
          color="danger"
          iconType="refresh"
          onClick={() => {
            app?.refreshHealth?.();
            onRetry();
          }}
          data-test-subj="retryButton"
        >
          Retry
        </EuiButton>
      )}
    </EuiCallOut>
  );
}

/** No results; with active filters, a button that clears them (the empty list is often a mistyped filter). */
export function EmptyState({
  title,
  body,
  onClearFilters,
}: {
  title: string;
  body?: React.ReactNode;
  onClearFilters?: () => void;
}) {
  return (
    <EuiEmptyPrompt
      iconType="search"
      title={<h3>{title}</h3>}
      body={body}
      actions={
        onClearFilters ? (
          <EuiButtonEmpty iconType="cross" onClick={onClearFilters} data-test-subj="clearFilters">
            Clear filters
          </EuiButtonEmpty>
        ) : undefined
      }
      data-test-subj="emptyState"
      titleSize="xs"
    />
  );
}
