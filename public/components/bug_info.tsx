/*
 * The bug behind a signature as its tracker has it (common/api/bugs.ts): title, a status badge and the
 * affected projects, with elastic-recheck's texts when the bug is private or the tracker unreachable;
 * and the alarm badges (regression, spike) of a signature.
 */
import React from 'react';
import { EuiBadge, EuiText, EuiToolTip } from '@elastic/eui';
import { affectsText, Alarm, bugKey, BugInfo, bugTitleText } from '../../common/api/bugs';
import type { BugRef } from '../../common/signature/types';
import { useApp } from '../services/app_context';
import { useRequest } from '../services/use_request';

const STATUS_COLOR: Record<BugInfo['status'], string> = {
  open: 'warning',
  fixed: 'success',
  invalid: 'default',
  unknown: 'hollow',
};

export function BugStatusBadge({ info }: { info?: BugInfo }) {
  const status = info?.status ?? 'unknown';
  const detail = !info
    ? 'Not fetched from the tracker yet (the background work fetches bug data).'
    : info.error
      ? `${info.trackerStatus ?? status}; last fetch failed: ${info.error}`
      : (info.trackerStatus ?? affectsText(info));
  return (
    <EuiToolTip content={detail}>
      <EuiBadge color={STATUS_COLOR[status]} data-test-subj="bugStatus">
        {status === 'unknown' ? 'bug status unknown' : `bug ${status}`}
      </EuiBadge>
    </EuiToolTip>
  );
}

/** Title (or why there is none) and "Projects: (nova - Confirmed), ..." as elastic-recheck showed them. */
export function BugSummary({ info, compact }: { info?: BugInfo; compact?: boolean }) {
  const title = bugTitleText(info);
  const readable = info?.availability === 'ok' && !!info.title;
  return (
    <EuiText size="xs" data-test-subj="bugSummary">
      <span data-test-subj="bugTitle" style={readable ? undefined : { fontStyle: 'italic' }}>
        {title}
      </span>{' '}
      <BugStatusBadge info={info} />
      {!compact && info && info.tasks.length > 0 && (
        <div data-test-subj="bugProjects">
          <strong>Projects:</strong> {affectsText(info)}
        </div>
      )}
    </EuiText>
  );
}

export function AlarmBadges({ alarms }: { alarms: Alarm[] }) {
  if (!alarms.length) return null;
  return (
    <>
      {alarms.map((a) => (
        <EuiToolTip key={a.id} content={a.text}>
          <EuiBadge color="danger" iconType="alert" data-test-subj={`alarm-${a.kind}`}>
            {a.kind === 'regression' ? 'fixed bug is back' : 'failure spike'}
          </EuiBadge>
        </EuiToolTip>
      ))}
    </>
  );
}

/** Bug data of the given bugs (every signature's when none are given), keyed by `tracker:id`. */
export function useBugs(refs?: BugRef[]): Map<string, BugInfo> {
  return useBugData(refs).bugs;
}

/** The bugs' data and whether it is still being read (so a page does not say "no title" before it knows). */
export function useBugData(refs?: BugRef[]): { bugs: Map<string, BugInfo>; loading: boolean } {
  const { services } = useApp();
  const ids = refs ? [...new Set(refs.map(bugKey))].sort() : undefined;
  const key = ids?.join(',') ?? '*';
  const state = useRequest(
    (signal) => (ids && !ids.length ? Promise.resolve({ bugs: [] }) : services.api.bugs(ids, signal)),
    [key],
  );
  return { bugs: new Map((state.data?.bugs ?? []).map((b) => [bugKey(b), b])), loading: state.loading };
}

/** Alarms by signature id (empty while loading or when they cannot be read). */
export function useAlarms(): Map<string, Alarm[]> {
  const { services } = useApp();
  const state = useRequest((signal) => services.api.alarms(signal), []);
  const out = new Map<string, Alarm[]>();
  for (const a of state.data?.alarms ?? []) out.set(a.signatureId, [...(out.get(a.signatureId) ?? []), a]);
  return out;
}
