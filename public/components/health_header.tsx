/* Engine health and indexing lag, shown above every page ("Indexing behind by N hours"). */
import React from 'react';
import { EuiBadge, EuiFlexGroup, EuiFlexItem, EuiText, EuiToolTip } from '@elastic/eui';
import type { HealthResponse } from '../../common/api/health';
import { formatDate, formatLag } from '../services/format';

const STATUS_COLOR: Record<string, string> = { green: 'success', yellow: 'warning', red: 'danger' };
/** Lag above which the header warns (elastic-recheck showed the lag when logs were behind). */
export const LAG_WARNING_SECONDS = 30 * 60;

export function HealthHeader({ health, error }: { health?: HealthResponse; error?: string }) {
  if (error) {
    return (
      <EuiText size="s" color="danger" data-test-subj="healthError">
        Engine health unavailable: {error}
      </EuiText>
    );
  }
  if (!health)
    return (
      <EuiText size="s" color="subdued">
        Checking the engine…
      </EuiText>
    );
  const lag = health.logs.lagSeconds ?? 0;
  return (
    <EuiFlexGroup gutterSize="m" alignItems="center" responsive={false} data-test-subj="engineHealth">
      <EuiFlexItem grow={false}>
        <EuiToolTip
          content={
            health.engine.reachable
              ? `Cluster ${health.engine.clusterName ?? ''}`
              : (health.engine.error ?? 'unreachable')
          }
        >
          <EuiBadge
            color={health.engine.reachable ? (STATUS_COLOR[health.engine.status ?? ''] ?? 'default') : 'danger'}
            data-test-subj="engineStatus"
            tabIndex={0}
          >
            {health.engine.reachable ? health.engine.status : 'unreachable'}
          </EuiBadge>
        </EuiToolTip>
      </EuiFlexItem>
      <EuiFlexItem grow={false}>
        <EuiText
          size="s"
          data-test-subj="indexingLag"
          color={health.logs.newestTimestamp !== null && lag > LAG_WARNING_SECONDS ? 'danger' : 'default'}
        >
          {health.logs.newestTimestamp === null
            ? `No log documents in ${health.logs.indexPattern}`
            : lag > LAG_WARNING_SECONDS
              ? `Indexing behind by ${formatLag(lag)} (newest log ${formatDate(health.logs.newestTimestamp)})`
              : `Indexing up to date (newest log ${formatDate(health.logs.newestTimestamp)}, ${formatLag(lag)} ago)`}
        </EuiText>
      </EuiFlexItem>
    </EuiFlexGroup>
  );
}
