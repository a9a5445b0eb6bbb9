/* Minimal landing page: engine health and indexing lag (the browser-app issue replaces the content). */
import React, { useEffect, useState } from 'react';
import { EuiBadge, EuiCallOut, EuiFlexGroup, EuiFlexItem, EuiLink, EuiLoadingSpinner, EuiPanel, EuiSpacer, EuiText, EuiTitle } from '@elastic/eui';
import { PLUGIN_NAME } from '../../common/constants';
import type { HealthResponse } from '../../common/api/health';
import type { AppServices } from '../application';

const STATUS_COLOR: Record<string, string> = { green: 'success', yellow: 'warning', red: 'danger' };

export function formatLag(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function HealthPage({ services }: { services: AppServices }) {
  const [health, setHealth] = useState<HealthResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    services.api.health(abort.signal).then(setHealth, (e: any) => {
      if (abort.signal.aborted) return;
      const message = e?.body?.message ?? e?.message ?? String(e);
      setError(message);
      services.core.notifications.toasts.addDanger({ title: 'Could not read engine health', text: message });
    });
    return () => abort.abort();
  }, [services]);

  return (
    <EuiPanel paddingSize="l" data-test-subj="elasticRecheckApp">
      <EuiTitle size="l">
        <h1>{PLUGIN_NAME}</h1>
      </EuiTitle>
      <EuiSpacer />
      {error && (
        <EuiCallOut title="Engine health unavailable" color="danger" iconType="alert" data-test-subj="healthError">
          <p>{error}</p>
        </EuiCallOut>
      )}
      {!health && !error && <EuiLoadingSpinner size="l" />}
      {health && (
        <EuiFlexGroup data-test-subj="engineHealth" gutterSize="l" alignItems="center">
          <EuiFlexItem grow={false}>
            <EuiText size="s">
              <strong>Engine</strong>{' '}
              {health.engine.reachable ? (
                <EuiBadge color={STATUS_COLOR[health.engine.status ?? ''] ?? 'default'} data-test-subj="engineStatus">
                  {health.engine.status}
                </EuiBadge>
              ) : (
                <EuiBadge color="danger" data-test-subj="engineStatus">unreachable</EuiBadge>
              )}
            </EuiText>
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiText size="s" data-test-subj="indexingLag">
              {health.logs.newestTimestamp === null
                ? `No log documents in ${health.logs.indexPattern}`
                : `Indexing behind by ${formatLag(health.logs.lagSeconds ?? 0)} (newest log ${health.logs.newestTimestamp})`}
            </EuiText>
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiLink href={services.core.http.basePath.prepend('/app/discover')} data-test-subj="discoverLink">
              Open logs in Discover
            </EuiLink>
          </EuiFlexItem>
        </EuiFlexGroup>
      )}
    </EuiPanel>
  );
}
