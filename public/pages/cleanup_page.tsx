/*
 * Cleanup: the signatures a maintainer could delete (GET /cleanup): those whose bug is fixed or closed
 * without a fix and that had no hit for N days, then those with no hit for M days whatever their bug;
 * each with its bug's status and last hit. Nothing is deleted here: the file list is what a change to
 * the queries repository would remove, and a signature is deleted from its editor.
 */
import React, { useEffect, useState } from 'react';
import {
  EuiBadge,
  EuiBasicTable,
  EuiButton,
  EuiButtonEmpty,
  EuiFieldNumber,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiLink,
  EuiSpacer,
  EuiText,
} from '@elastic/eui';
import type { CleanupItem } from '../../common/api/bugs';
import { useApp, usePageChrome } from '../services/app_context';
import { formatAge, formatDate, formatNumber } from '../services/format';
import { useLinkProps, useRouter } from '../services/router';
import { useRequest } from '../services/use_request';
import { useSetParams } from '../components/filter_bar';
import { BugStatusBadge } from '../components/bug_info';
import { EmptyState, ErrorState, Loading } from '../components/page_state';
import { SafeLink } from '../components/safe_link';

function EditorLink({ id }: { id: string }) {
  const props = useLinkProps(`/signatures/${encodeURIComponent(id)}`);
  return (
    <EuiLink {...props} data-test-subj="cleanupSignatureLink">
      {id}
    </EuiLink>
  );
}

const days = (v: string | null): number | undefined => {
  const n = Number(v);
  return v !== null && Number.isInteger(n) && n >= 1 && n <= 3650 ? n : undefined;
};

export function CleanupPage() {
  usePageChrome([{ text: 'Cleanup' }]);
  const { services } = useApp();
  const router = useRouter();
  const setParams = useSetParams();
  const params = router.location.params;
  const closedDays = days(params.get('closedDays'));
  const silentDays = days(params.get('silentDays'));
  const [closedText, setClosedText] = useState(String(closedDays ?? ''));
  const [silentText, setSilentText] = useState(String(silentDays ?? ''));
  const report = useRequest(
    (signal) => services.api.cleanup({ closedDays, silentDays }, signal),
    [closedDays, silentDays],
  );
  useEffect(() => {
    if (report.data) {
      setClosedText(String(report.data.closedDays));
      setSilentText(String(report.data.silentDays));
    }
  }, [report.data]);

  const columns = [
    { name: 'Signature', width: '130px', render: (i: CleanupItem) => <EditorLink id={i.signatureId} /> },
    {
      name: 'Bug',
      render: (i: CleanupItem) => (
        <span>
          <SafeLink url={i.bug.url}>{`Bug ${i.bug.id}`}</SafeLink> {i.title ?? ''}
        </span>
      ),
    },
    {
      name: 'Bug status',
      width: '150px',
      render: (i: CleanupItem) => (
        <BugStatusBadge
          info={{
            tracker: i.bug.tracker,
            id: i.bug.id,
            url: i.bug.url,
            availability: i.availability,
            status: i.bugStatus,
            tasks: [],
            attempts: 0,
          }}
        />
      ),
    },
    {
      name: 'Last hit',
      width: '130px',
      render: (i: CleanupItem) => (
        <span title={i.lastHit ? formatDate(i.lastHit) : undefined}>
          {i.lastHit ? formatAge(i.lastHit) : 'none kept'}
        </span>
      ),
    },
    {
      name: 'Why',
      width: '220px',
      render: (i: CleanupItem) =>
        i.reason === 'bug_closed_and_silent' ? (
          <EuiBadge color="warning">bug closed, no hit for {report.data?.closedDays} days</EuiBadge>
        ) : (
          <EuiBadge color="default">no hit for {report.data?.silentDays} days</EuiBadge>
        ),
    },
    { name: 'File', width: '200px', render: (i: CleanupItem) => <code>{i.file}</code> },
  ];

  const apply = () =>
    setParams({
      closedDays: days(closedText) === undefined ? undefined : closedText,
      silentDays: days(silentText) === undefined ? undefined : silentText,
    });
  return (
    <div data-test-subj="cleanupPage">
      <EuiText size="s">
        <p>
          Signatures that could be deleted: those whose bug is fixed or closed without a fix and that have had no hit
          for a while, then those with no hit for longer whatever their bug. Nothing is deleted here: download the file
          list for a change to the queries repository, or delete a signature from its editor.
        </p>
      </EuiText>
      <EuiSpacer size="s" />
      <EuiFlexGroup gutterSize="s" alignItems="flexEnd" wrap>
        <EuiFlexItem grow={false}>
          <EuiFormRow label="Bug closed, no hit for (days)" display="rowCompressed">
            <EuiFieldNumber
              compressed
              min={1}
              max={3650}
              value={closedText}
              onChange={(e) => setClosedText(e.target.value)}
              data-test-subj="closedDays"
            />
          </EuiFormRow>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiFormRow label="Any bug, no hit for (days)" display="rowCompressed">
            <EuiFieldNumber
              compressed
              min={1}
              max={3650}
              value={silentText}
              onChange={(e) => setSilentText(e.target.value)}
              data-test-subj="silentDays"
            />
          </EuiFormRow>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButton size="s" onClick={apply} data-test-subj="applyCleanup">
            Apply
          </EuiButton>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButtonEmpty
            size="s"
            iconType="download"
            href={services.api.cleanupFilesHref({ closedDays, silentDays })}
            isDisabled={!report.data?.items.length}
            data-test-subj="cleanupFiles"
          >
            Download file list
          </EuiButtonEmpty>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="m" />
      {report.error && (
        <ErrorState
          title="Could not build the cleanup report"
          error={report.failure ?? report.error}
          onRetry={report.reload}
        />
      )}
      {report.loading && !report.data && <Loading label="Looking for dead signatures" />}
      {report.data &&
        (report.data.items.length ? (
          <>
            <EuiText size="s" color="subdued" data-test-subj="cleanupSummary">
              {formatNumber(report.data.items.filter((i) => i.reason === 'bug_closed_and_silent').length)} with a closed
              bug, {formatNumber(report.data.items.filter((i) => i.reason === 'silent').length)} silent
            </EuiText>
            <EuiBasicTable
              items={report.data.items}
              columns={columns}
              tableCaption="Signatures that could be deleted"
              data-test-subj="cleanupTable"
              rowProps={(i: CleanupItem) => ({ 'data-test-subj': `cleanupRow-${i.signatureId}` })}
            />
          </>
        ) : (
          <EmptyState
            title="Nothing to clean up"
            body={
              <p>
                Every signature has had a hit recently, or its bug is still open. Bug statuses come from the trackers
                once the background work has fetched them.
              </p>
            }
          />
        ))}
    </div>
  );
}
