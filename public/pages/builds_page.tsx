/*
 * Builds: recent classified failures from the background intake (what each matched, where it was
 * reported) and on-demand classification of any build by uuid or change/patchset/job.
 */
import React, { useEffect, useRef, useState } from 'react';
import {
  EuiBadge,
  EuiBasicTable,
  EuiButton,
  EuiCallOut,
  EuiFieldText,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiPanel,
  EuiSpacer,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { bugKey } from '../../common/api/bugs';
import { BugStatusBadge, BugSummary, useBugs } from '../components/bug_info';
import type { BuildRef, ClassifyResult, SignatureMatch } from '../../common/api/classify';
import type { BuildResult, ReportState } from '../../common/api/results';
import { BUILD_UUID_RE } from '../../common/signature/types';
import { useApp, usePageChrome } from '../services/app_context';
import { formatDate, formatNumber } from '../services/format';
import { queryString, useRouter } from '../services/router';
import { errorMessage, useRequest } from '../services/use_request';
import { useSetParams } from '../components/filter_bar';
import { EmptyState, ErrorState, Loading } from '../components/page_state';
import { SafeLink } from '../components/safe_link';
import { HighlightedLine } from '../components/highlight';
import { Token } from '../components/cell_text';

export const RESULTS_PER_PAGE = 20;

const REPORT_COLOR: Record<string, string> = {
  sent: 'success',
  pending: 'warning',
  sending: 'warning',
  failed: 'danger',
  skipped: 'default',
};

/** `{uuid}` or `{change, patchset, job}` from the form; an error message naming the field otherwise. */
export function buildRefFrom(form: { uuid: string; change: string; patchset: string; job: string }): BuildRef | string {
  const uuid = form.uuid.trim();
  if (uuid) return BUILD_UUID_RE.test(uuid) ? { uuid } : 'Build uuid: expected a Zuul build uuid (hex)';
  if (!form.change.trim() && !form.patchset.trim() && !form.job.trim())
    return 'Enter a build uuid, or a change, patchset and job';
  if (!/^\d+$/.test(form.change.trim())) return 'Change: expected a change number';
  if (!/^\d+$/.test(form.patchset.trim())) return 'Patchset: expected a patchset number';
  if (!form.job.trim()) return 'Job: required with change and patchset';
  return { change: Number(form.change.trim()), patchset: form.patchset.trim(), job: form.job.trim() };
}

function SignatureBadge({ id, label }: { id: string; label: string }) {
  const router = useRouter();
  return (
    <EuiBadge
      color="primary"
      data-test-subj="matchBadge"
      onClick={() => router.navigate(`/signatures/${encodeURIComponent(id)}`)}
      onClickAriaLabel={`Open signature ${id}`}
    >
      {label}
    </EuiBadge>
  );
}

function Reports({ reports }: { reports: Record<string, ReportState> }) {
  const list = Object.values(reports ?? {});
  if (!list.length) return <>–</>;
  return (
    <EuiFlexGroup gutterSize="xs" wrap responsive={false}>
      {list.map((r) => (
        <EuiFlexItem grow={false} key={r.channel}>
          <EuiBadge
            color={REPORT_COLOR[r.status] ?? 'default'}
            title={r.lastError ?? r.reason ?? (r.sentAt ? `sent ${r.sentAt}` : r.status)}
          >
            {r.channel}: {r.status}
          </EuiBadge>
        </EuiFlexItem>
      ))}
    </EuiFlexGroup>
  );
}

function MatchList({ matches }: { matches: SignatureMatch[] }) {
  const bugs = useBugs(matches.map((m) => m.bug));
  return (
    <>
      {matches.map((m) => (
        <EuiPanel key={m.signatureId} paddingSize="s" hasBorder data-test-subj={`match-${m.signatureId}`}>
          <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap>
            <EuiFlexItem grow={false}>
              <SignatureBadge id={m.signatureId} label={`${m.signatureId}`} />
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <SafeLink url={m.bug.url}>{`Bug ${m.bug.id}`}</SafeLink>
            </EuiFlexItem>
            <EuiFlexItem>
              <EuiText size="s">{m.title ?? ''}</EuiText>
              <BugSummary info={bugs.get(bugKey(m.bug))} compact />
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiText size="xs">
                {formatNumber(m.hits)} lines · {m.mode}
              </EuiText>
            </EuiFlexItem>
          </EuiFlexGroup>
          {m.ranAs && (
            <EuiText size="xs" color="subdued" data-test-subj={`ranAs-${m.signatureId}`}>
              Ran as (old-schema fields translated): <code>{m.ranAs}</code>
            </EuiText>
          )}
          {m.lines.slice(0, 3).map((l, i) => (
            <EuiText size="xs" key={i}>
              <SafeLink url={l.link}>{l.file}</SafeLink> <HighlightedLine text={l.line} terms={[]} />
            </EuiText>
          ))}
        </EuiPanel>
      ))}
    </>
  );
}

function ClassifyAnswer({ result }: { result: ClassifyResult }) {
  if (result.kind === 'not_found')
    return <EuiCallOut color="warning" title="No indexed logs for this build" data-test-subj="classifyNotFound" />;
  if (result.kind === 'not_ready')
    return (
      <EuiCallOut
        color="warning"
        title="The build's logs are not completely indexed yet"
        data-test-subj="classifyNotReady"
      >
        <p>Missing files: {result.readiness.missingFiles.join(', ') || 'none'}</p>
        {result.readiness.markerFound === false && <p>The end-of-log line has not been indexed yet.</p>}
      </EuiCallOut>
    );
  const b = result.build;
  return (
    <EuiPanel hasBorder data-test-subj="classifyResult">
      <EuiText size="s">
        <p>
          <strong>{b.job}</strong> {b.project ?? ''}{' '}
          {b.change !== undefined ? `change ${b.change},${b.patchset ?? ''}` : ''} · {b.status} ·{' '}
          <SafeLink url={b.logRoot}>logs</SafeLink>
        </p>
        <p data-test-subj="classifyVerdict">
          {result.explained
            ? 'Explained by a known bug'
            : result.matches.length
              ? 'Matched tracked signatures only (not explained)'
              : 'No signature matched: uncategorized'}{' '}
          · {formatNumber(result.signaturesChecked)} signatures checked in {formatNumber(result.elapsedMs)} ms
        </p>
      </EuiText>
      {result.incomplete && (
        <EuiCallOut
          color="warning"
          size="s"
          title="Classified on incomplete logs: matches in lines not indexed yet are missing"
          data-test-subj="classifyIncomplete"
        >
          <p>
            {result.incomplete.missingFiles.length
              ? `Missing files: ${result.incomplete.missingFiles.join(', ')}. `
              : ''}
            {result.incomplete.markerFound === false ? 'The end-of-log line has not been indexed yet.' : ''}
          </p>
        </EuiCallOut>
      )}
      <EuiSpacer size="s" />
      <MatchList matches={result.matches} />
      {result.unconfirmed.length > 0 && (
        <EuiText size="xs" color="subdued">
          Log matches whose test_ids condition did not hold: {result.unconfirmed.map((u) => u.signatureId).join(', ')}
        </EuiText>
      )}
    </EuiPanel>
  );
}

export function BuildsPage() {
  usePageChrome([{ text: 'Builds' }]);
  const { services } = useApp();
  const bugs = useBugs();
  const router = useRouter();
  const setParams = useSetParams();
  const params = router.location.params;
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [form, setForm] = useState({
    uuid: params.get('uuid') ?? '',
    change: params.get('change') ?? '',
    patchset: params.get('patchset') ?? '',
    job: params.get('job') ?? '',
  });
  const [formError, setFormError] = useState<string>();
  const [classifying, setClassifying] = useState(false);
  const [answer, setAnswer] = useState<ClassifyResult>();
  const [classifyError, setClassifyError] = useState<string>();

  const results = useRequest((signal) => services.api.results({ page, perPage: RESULTS_PER_PAGE }, signal), [page]);

  const classify = async (ref: BuildRef) => {
    setClassifying(true);
    setClassifyError(undefined);
    setAnswer(undefined);
    try {
      setAnswer(await services.api.classify(ref));
    } catch (e) {
      setClassifyError(errorMessage(e));
    } finally {
      setClassifying(false);
    }
  };

  // Deep link: /builds?uuid=... classifies on load.
  // Once per uuid in the URL, not on every render (classify is a new function each render).
  const deepUuid = params.get('uuid');
  const classifyRef = useRef(classify);
  classifyRef.current = classify;
  useEffect(() => {
    if (deepUuid && BUILD_UUID_RE.test(deepUuid)) void classifyRef.current({ uuid: deepUuid });
  }, [deepUuid]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const ref = buildRefFrom(form);
    if (typeof ref === 'string') {
      setFormError(ref);
      return;
    }
    setFormError(undefined);
    const q = 'uuid' in ref ? { uuid: ref.uuid } : { change: ref.change, patchset: ref.patchset, job: ref.job };
    router.navigate(`/builds${queryString(q)}`, { replace: true });
    if (!('uuid' in ref)) void classify(ref);
  };

  const columns = [
    { name: 'Taken', width: '170px', render: (r: BuildResult) => formatDate(r.takenAt) },
    {
      name: 'Build',
      render: (r: BuildResult) => (
        <span>
          <strong>{r.build.job}</strong>
          <br />
          {r.build.project}
          {r.build.change !== undefined ? ` · ${r.build.change},${r.build.patchset ?? ''}` : ''} ·{' '}
          <SafeLink url={r.build.logUrl}>logs</SafeLink>
        </span>
      ),
    },
    { name: 'Result', width: '130px', render: (r: BuildResult) => <Token text={r.build.result} /> },
    {
      name: 'Stage',
      width: '130px',
      render: (r: BuildResult) => (
        <EuiBadge color={r.stage === 'classified' ? (r.explained ? 'success' : 'warning') : 'default'}>
          {r.stage === 'classified' ? (r.explained ? 'explained' : 'unexplained') : r.stage}
        </EuiBadge>
      ),
    },
    {
      name: 'Matched',
      render: (r: BuildResult) =>
        r.matches.length ? (
          <EuiFlexGroup gutterSize="xs" wrap responsive={false}>
            {r.matches.map((m) => (
              <EuiFlexItem grow={false} key={m.signatureId}>
                <SignatureBadge
                  id={m.signatureId}
                  label={`${m.bug.id}${m.title ? `: ${m.title}` : bugs.get(bugKey(m.bug))?.title ? `: ${bugs.get(bugKey(m.bug))!.title}` : ''}`}
                />
                {bugs.has(bugKey(m.bug)) && <BugStatusBadge info={bugs.get(bugKey(m.bug))} />}
              </EuiFlexItem>
            ))}
          </EuiFlexGroup>
        ) : (
          '–'
        ),
    },
    { name: 'Reported', render: (r: BuildResult) => <Reports reports={r.reports} /> },
    {
      name: '',
      width: '110px',
      render: (r: BuildResult) => (
        <EuiButton
          size="s"
          onClick={() => router.navigate(`/builds${queryString({ uuid: r.build.uuid })}`)}
          data-test-subj="reclassify"
          aria-label={`Classify build ${r.build.uuid} now`}
        >
          Classify
        </EuiButton>
      ),
    },
  ];

  return (
    <div data-test-subj="buildsPage">
      <EuiTitle size="xs">
        <h2>Classify a build</h2>
      </EuiTitle>
      <EuiSpacer size="s" />
      <form onSubmit={submit} data-test-subj="classifyForm">
        <EuiFlexGroup gutterSize="s" alignItems="flexEnd" wrap>
          <EuiFlexItem style={{ minWidth: 300 }}>
            <EuiFormRow label="Build uuid" display="rowCompressed">
              <EuiFieldText
                compressed
                value={form.uuid}
                onChange={(e) => setForm({ ...form, uuid: e.target.value })}
                data-test-subj="classifyUuid"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiText size="s">or</EuiText>
          </EuiFlexItem>
          <EuiFlexItem grow={false} style={{ width: 110 }}>
            <EuiFormRow label="Change" display="rowCompressed">
              <EuiFieldText
                compressed
                value={form.change}
                onChange={(e) => setForm({ ...form, change: e.target.value })}
                data-test-subj="classifyChange"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem grow={false} style={{ width: 90 }}>
            <EuiFormRow label="Patchset" display="rowCompressed">
              <EuiFieldText
                compressed
                value={form.patchset}
                onChange={(e) => setForm({ ...form, patchset: e.target.value })}
                data-test-subj="classifyPatchset"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem style={{ minWidth: 200 }}>
            <EuiFormRow label="Job" display="rowCompressed">
              <EuiFieldText
                compressed
                value={form.job}
                onChange={(e) => setForm({ ...form, job: e.target.value })}
                data-test-subj="classifyJob"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiButton type="submit" size="s" fill isLoading={classifying} data-test-subj="classifySubmit">
              Classify
            </EuiButton>
          </EuiFlexItem>
        </EuiFlexGroup>
      </form>
      {formError && (
        <EuiText size="s" color="danger" data-test-subj="classifyFormError" role="alert">
          {formError}
        </EuiText>
      )}
      <EuiSpacer size="s" />
      {classifyError && <ErrorState title="Classification failed" error={classifyError} />}
      {classifying && <Loading label="Classifying" />}
      {answer && <ClassifyAnswer result={answer} />}
      <EuiSpacer />
      <EuiTitle size="xs">
        <h2>Recent classified failures</h2>
      </EuiTitle>
      <EuiSpacer size="s" />
      {results.error && (
        <ErrorState title="Could not load results" error={results.failure ?? results.error} onRetry={results.reload} />
      )}
      {results.loading && !results.data && <Loading label="Loading results" />}
      {results.data &&
        (results.data.results.length || page > 1 ? (
          <EuiBasicTable
            items={results.data.results}
            columns={columns}
            tableCaption="Recent classified failures"
            data-test-subj="resultsTable"
            pagination={{
              pageIndex: page - 1,
              pageSize: RESULTS_PER_PAGE,
              totalItemCount: Math.min(results.data.total, 10000),
              showPerPageOptions: false,
            }}
            onChange={({ page: p }: { page?: { index: number } }) => p && setParams({ page: p.index + 1 })}
          />
        ) : (
          <EmptyState
            title="No classified failures yet"
            body={<p>The background intake has not stored any result.</p>}
          />
        ))}
    </div>
  );
}
