/*
 * Signatures: a searchable, paginated table (bug, title, mode, hits in window, last hit, owner,
 * updated, the bug's title and status from its tracker), the way to the editor, and import / export
 * of elastic-recheck YAML.
 */
import React, { useEffect, useState } from 'react';
import type { BugInfo, BugStatus } from '../../common/api/bugs';
import { BugSummary } from '../components/bug_info';
import {
  EuiBadge,
  EuiBasicTable,
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiFieldSearch,
  EuiFilePicker,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFlyout,
  EuiFlyoutBody,
  EuiFlyoutHeader,
  EuiFormRow,
  EuiLink,
  EuiSpacer,
  EuiSwitch,
  EuiText,
  EuiTitle,
  EuiToolTip,
} from '@elastic/eui';
import type { ImportFile, ImportItemReport, ImportReport, StoredSignature } from '../../common/api/signatures';
import { useApp, usePageChrome, writeRequirement } from '../services/app_context';
import { formatAge, formatDate, formatNumber, plural } from '../services/format';
import { useLinkProps, useRouter } from '../services/router';
import { errorMessage, useRequest } from '../services/use_request';
import { useSetParams } from '../components/filter_bar';
import { LabelledSelect } from '../components/labelled_select';
import { EmptyState, ErrorState, Loading } from '../components/page_state';
import { SafeLink } from '../components/safe_link';

export const SIGNATURES_PER_PAGE = 20;
type Row = StoredSignature & { hitsInWindow?: number; lastHit?: string; bugInfo?: BugInfo };

function EditorLink({ id, children }: { id: string; children: React.ReactNode }) {
  const props = useLinkProps(`/signatures/${encodeURIComponent(id)}`);
  return (
    <EuiLink {...props} data-test-subj="signatureLink">
      {children}
    </EuiLink>
  );
}

function readFile(file: File): Promise<ImportFile> {
  if (typeof file.text === 'function') return file.text().then((content) => ({ name: file.name, content }));
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ name: file.name, content: String(reader.result) });
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

export function ImportReportTable({ report }: { report: ImportReport }) {
  const columns = [
    { field: 'file', name: 'File' },
    { field: 'id', name: 'Signature', render: (id?: string) => id ?? '–' },
    {
      field: 'outcome',
      name: 'Outcome',
      render: (o: string) => (
        <EuiBadge color={o === 'invalid' || o === 'conflict' ? 'danger' : o === 'unchanged' ? 'default' : 'success'}>
          {o}
        </EuiBadge>
      ),
    },
    {
      name: 'Problems',
      render: (item: ImportItemReport) =>
        [
          ...item.errors.map((e) => ({ ...e, kind: 'error' })),
          ...item.warnings.map((w) => ({ ...w, kind: 'warning' })),
        ].map((p, i) => (
          <EuiText size="xs" key={i} color={p.kind === 'error' ? 'danger' : 'default'}>
            {p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `:${p.column}` : ''}: ` : ''}
            {p.key ? `${p.key}: ` : ''}
            {p.message}
          </EuiText>
        )),
    },
  ];
  return (
    <>
      <EuiText size="s" data-test-subj="importCounts">
        {report.dryRun ? 'Dry run (nothing changed): ' : 'Imported: '}
        {Object.entries(report.counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ') || 'nothing'}
      </EuiText>
      <EuiSpacer size="s" />
      <EuiBasicTable
        items={report.items}
        columns={columns}
        tableCaption="Import report per file"
        data-test-subj="importReport"
      />
    </>
  );
}

function ImportFlyout({ onClose, onImported }: { onClose: () => void; onImported: () => void }) {
  const { services, canWrite, access } = useApp();
  const [files, setFiles] = useState<ImportFile[]>([]);
  const [overwrite, setOverwrite] = useState(false);
  const [report, setReport] = useState<ImportReport>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // As the CLI: an import applies every file or none, so a check that rejects a file blocks it.
  const rejected = report?.dryRun ? report.counts.invalid + report.counts.conflict : 0;
  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      // the check is the read-privileged dry run, so readers can check files too
      const r = dryRun
        ? await services.api.checkImport({ files, overwrite })
        : await services.api.importFiles({ files, dryRun, overwrite });
      setReport(r);
      if (!dryRun) {
        const refused = r.counts.invalid + r.counts.conflict;
        const text = `${r.counts.created} created, ${r.counts.updated} updated, ${r.counts.unchanged} unchanged`;
        if (refused)
          services.core.notifications.toasts.addWarning({
            title: `${refused} ${plural(refused, 'file')} refused: the signatures changed since the check`,
            text: `${text}. Check again to see what changed.`,
          });
        else services.core.notifications.toasts.addSuccess({ title: 'Signatures imported', text });
        onImported();
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <EuiFlyout onClose={onClose} size="m" aria-labelledby="importTitle" data-test-subj="importFlyout">
      <EuiFlyoutHeader hasBorder>
        <EuiTitle size="s">
          <h2 id="importTitle">Import elastic-recheck YAML</h2>
        </EuiTitle>
      </EuiFlyoutHeader>
      <EuiFlyoutBody>
        {!canWrite && (
          <EuiCallOut
            color="primary"
            iconType="lock"
            title={`Read-only: you can check files, but importing them needs ${writeRequirement(access)}.`}
            data-test-subj="importReadOnly"
          />
        )}
        <EuiFormRow label="queries/<bug>.yaml files or a bundle">
          <EuiFilePicker
            multiple
            accept=".yaml,.yml,.json"
            onChange={async (list) => {
              setReport(undefined);
              setFiles(list ? await Promise.all(Array.from(list).map(readFile)) : []);
            }}
            data-test-subj="importFiles"
          />
        </EuiFormRow>
        <EuiSwitch
          label="Replace signatures that exist"
          checked={overwrite}
          onChange={(e) => {
            setReport(undefined); // the check was made with the other setting
            setOverwrite(e.target.checked);
          }}
          data-test-subj="importOverwrite"
        />
        <EuiSpacer />
        <EuiFlexGroup gutterSize="s">
          <EuiFlexItem grow={false}>
            <EuiButton
              onClick={() => run(true)}
              isDisabled={!files.length}
              isLoading={busy}
              data-test-subj="importDryRun"
            >
              Check {files.length ? `${files.length} ${plural(files.length, 'file')}` : ''}
            </EuiButton>
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiToolTip
              content={
                !canWrite
                  ? `Read-only: importing needs ${writeRequirement(access)}`
                  : !report?.dryRun
                    ? 'Check the files first'
                    : rejected > 0
                      ? 'Every file must pass the check'
                      : undefined
              }
            >
              <EuiButton
                fill
                onClick={() => run(false)}
                isDisabled={!report?.dryRun || !canWrite || rejected > 0}
                isLoading={busy}
                data-test-subj="importConfirm"
              >
                Import
              </EuiButton>
            </EuiToolTip>
          </EuiFlexItem>
        </EuiFlexGroup>
        <EuiSpacer />
        {error && <ErrorState title="Import failed" error={error} />}
        {rejected > 0 && (
          <EuiCallOut
            color="danger"
            title={`Nothing can be imported while ${rejected} ${plural(rejected, 'file')} ${rejected > 1 ? 'are' : 'is'} rejected`}
            data-test-subj="importBlocked"
          >
            An import applies every file or none. Fix or remove the files marked invalid below; for a conflict, turn on
            “Replace signatures that exist” if the file should win. Then check again.
          </EuiCallOut>
        )}
        {rejected > 0 && <EuiSpacer size="s" />}
        {report && <ImportReportTable report={report} />}
      </EuiFlyoutBody>
    </EuiFlyout>
  );
}

export function SignaturesPage() {
  usePageChrome([{ text: 'Signatures' }]);
  const { services, canWrite } = useApp();
  const router = useRouter();
  const setParams = useSetParams();
  const params = router.location.params;
  const search = params.get('search') ?? '';
  const mode = params.get('mode') ?? '';
  const stale = params.get('stale') ?? '';
  const bugStatus = params.get('bugStatus') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [text, setText] = useState(search);
  const [importing, setImporting] = useState(false);
  useEffect(() => setText(search), [search]);

  const list = useRequest(
    (signal) =>
      services.api.signatures(
        {
          search: search || undefined,
          mode: (mode || undefined) as 'explains' | 'track' | undefined,
          stale: stale === '' ? undefined : stale === 'true',
          bugStatus: (bugStatus || undefined) as BugStatus | undefined,
          page,
          perPage: SIGNATURES_PER_PAGE,
        },
        signal,
      ),
    [search, mode, stale, bugStatus, page],
  );
  const newProps = useLinkProps('/signatures/new');

  const columns = [
    { name: 'Bug', width: '150px', render: (s: Row) => <EditorLink id={s.id}>{s.bug.id}</EditorLink> },
    {
      name: 'Title',
      render: (s: Row) => (
        <div>
          {s.title
            ? s.title
            : !s.bugInfo?.title && (
                <EuiText size="xs" color="subdued">
                  {s.query.slice(0, 80)}
                </EuiText>
              )}
          <BugSummary info={s.bugInfo} compact />
        </div>
      ),
    },
    {
      name: 'Mode',
      width: '90px',
      render: (s: Row) => <EuiBadge color={s.mode === 'explains' ? 'primary' : 'default'}>{s.mode}</EuiBadge>,
    },
    {
      name: 'Hits in window',
      width: '110px',
      render: (s: Row) => <span data-test-subj="hitsInWindow">{formatNumber(s.hitsInWindow)}</span>,
    },
    {
      name: 'Last hit',
      width: '110px',
      render: (s: Row) => <span title={s.lastHit ? formatDate(s.lastHit) : undefined}>{formatAge(s.lastHit)}</span>,
    },
    { name: 'Owner', width: '120px', render: (s: Row) => s.owner ?? '–' },
    { name: 'Updated', width: '170px', render: (s: Row) => formatDate(s.updated) },
    { name: 'Bug link', width: '80px', render: (s: Row) => <SafeLink url={s.bug.url}>open</SafeLink> },
  ];

  return (
    <div data-test-subj="signaturesPage">
      <EuiFlexGroup gutterSize="s" alignItems="flexEnd" wrap>
        <EuiFlexItem style={{ minWidth: 260 }}>
          <EuiFieldSearch
            placeholder="Search bug, title, query, owner"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onSearch={(value) => setParams({ search: value || undefined, page: undefined })}
            isClearable
            fullWidth
            data-test-subj="signatureSearch"
            aria-label="Search signatures"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <LabelledSelect
            label="Mode"
            value={mode}
            onChange={(value) => setParams({ mode: value || undefined, page: undefined })}
            options={[
              { value: '', text: 'Any' },
              { value: 'explains', text: 'explains' },
              { value: 'track', text: 'track' },
            ]}
            testSubj="modeFilter"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <LabelledSelect
            label="Hits"
            value={stale}
            onChange={(value) => setParams({ stale: value || undefined, page: undefined })}
            options={[
              { value: '', text: 'Any' },
              { value: 'false', text: 'With hits' },
              { value: 'true', text: 'Stale (no hits)' },
            ]}
            testSubj="staleSelect"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <LabelledSelect
            label="Bug status"
            value={bugStatus}
            onChange={(value) => setParams({ bugStatus: value || undefined, page: undefined })}
            options={[
              { value: '', text: 'Any' },
              { value: 'open', text: 'Open' },
              { value: 'fixed', text: 'Fixed' },
              { value: 'invalid', text: 'Closed without fix' },
              { value: 'unknown', text: 'Unknown' },
            ]}
            testSubj="bugStatusFilter"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          {canWrite ? (
            <EuiButton size="s" fill iconType="plusInCircle" {...newProps} data-test-subj="newSignature">
              New signature
            </EuiButton>
          ) : (
            // readers may try a query in the editor's preview; saving stays with writers
            <EuiToolTip content="Read-only: you can try a query in the preview, not save it">
              <EuiButton size="s" iconType="search" {...newProps} data-test-subj="tryQuery">
                Try a query
              </EuiButton>
            </EuiToolTip>
          )}
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButtonEmpty
            size="s"
            iconType="importAction"
            onClick={() => setImporting(true)}
            data-test-subj="importButton"
          >
            {canWrite ? 'Import' : 'Check import files'}
          </EuiButtonEmpty>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButtonEmpty
            size="s"
            iconType="exportAction"
            href={services.api.exportHref('bundle')}
            data-test-subj="exportBundle"
          >
            Export bundle
          </EuiButtonEmpty>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButtonEmpty
            size="s"
            iconType="exportAction"
            href={services.api.exportHref('zip')}
            data-test-subj="exportZip"
          >
            Export zip
          </EuiButtonEmpty>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="m" />
      {list.error && (
        <ErrorState title="Could not load signatures" error={list.failure ?? list.error} onRetry={list.reload} />
      )}
      {list.loading && !list.data && <Loading label="Loading signatures" />}
      {list.data &&
        (list.data.signatures.length || page > 1 ? (
          <EuiBasicTable
            items={list.data.signatures}
            columns={columns}
            loading={list.loading}
            tableCaption="Signatures"
            data-test-subj="signaturesTable"
            rowProps={(s: Row) => ({
              'data-test-subj': `signatureRow-${s.id}`,
              // no hits in the window: a subdued row, not faded text (faded text fails the contrast check)
              style: (s.hitsInWindow ?? 1) === 0 ? { background: 'rgba(105, 112, 125, 0.08)' } : undefined,
            })}
            pagination={{
              pageIndex: page - 1,
              pageSize: SIGNATURES_PER_PAGE,
              totalItemCount: list.data.total,
              showPerPageOptions: false,
            }}
            onChange={({ page: p }: { page?: { index: number } }) => p && setParams({ page: p.index + 1 })}
          />
        ) : (
          <EmptyState
            title="No signature matches"
            body={
              <p>
                {search
                  ? `Nothing matches "${search}".`
                  : 'No signatures yet: create one or import elastic-recheck YAML.'}
              </p>
            }
          />
        ))}
      {importing && <ImportFlyout onClose={() => setImporting(false)} onImported={list.reload} />}
    </div>
  );
}
