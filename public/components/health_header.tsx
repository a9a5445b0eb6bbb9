/* Engine health and log freshness for the range on screen, shown above every page. */
import React from 'react';
import { EuiBadge, EuiFlexGroup, EuiFlexItem, EuiText, EuiToolTip } from '@elastic/eui';
import type { HealthResponse } from '../../common/api/health';
import { freshness } from '../services/freshness';
import { describeError } from '../services/errors';
import { resolveRange, TimeRange } from '../services/time_range';

const STATUS_COLOR: Record<string, string> = { green: 'success', yellow: 'warning', red: 'danger' };

export function HealthHeader({
  health,
  error,
  range,
}: {
  health?: HealthResponse;
  error?: string;
  /** The range the page shows (the URL's from/to), when it has one. */
  range?: TimeRange;
}) {
  if (error) {
    const d = describeError(error);
    return (
      <EuiText size="s" color="danger" data-test-subj="healthError">
        Engine health unavailable: {d.label.toLowerCase()}
      </EuiText>
    );
  }
  if (!health)
    return (
      <EuiText size="s" color="subdued">
        Checking the engine…
      </EuiText>
    );
  if (!health.engine.reachable)
    return (
      <EuiText size="s" color="danger" data-test-subj="engineUnreachable" role="status">
        <strong>Engine unreachable</strong>: no data can be shown until it is back
      </EuiText>
    );
  // judged at the server's time of the answer, the same clock as the lag
  const now = Date.parse(health.checkedAt);
  const resolved = range ? resolveRange(range, new Date(now)) : undefined;
  const f = freshness(
    health.logs.newestTimestamp,
    health.logs.indexPattern,
    now,
    resolved?.ok ? resolved : undefined,
    health.intakeIntervalSeconds,
  );
  return (
    <EuiFlexGroup gutterSize="m" alignItems="center" responsive={false} data-test-subj="engineHealth">
      <EuiFlexItem grow={false}>
        <EuiToolTip content={`Cluster ${health.engine.clusterName ?? ''}`}>
          <EuiBadge
            color={STATUS_COLOR[health.engine.status ?? ''] ?? 'default'}
            data-test-subj="engineStatus"
            tabIndex={0}
          >
            {health.engine.status}
          </EuiBadge>
        </EuiToolTip>
      </EuiFlexItem>
      <EuiFlexItem grow={false}>
        <EuiToolTip content={f.explain}>
          <EuiText size="s" data-test-subj="indexingLag" color={f.color} tabIndex={0}>
            {f.text}
          </EuiText>
        </EuiToolTip>
      </EuiFlexItem>
    </EuiFlexGroup>
  );
}
