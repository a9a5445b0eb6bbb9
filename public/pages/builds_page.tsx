/*
 * Builds, the developer's page: find a build from its change number, uuid or job (every field is a URL
 * parameter, so /builds?change=964960 works and the search round-trips into the URL), see which known bugs
 * it matched (title, matching line, log and Discover links), and for an unexplained failure what to do next.
 * The list is the background intake's stored results; a build can also be classified on demand.
 */
import React, { useEffect, useRef, useState } from 'react';
import {
  EuiBadge,
  EuiBasicTable,
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiFieldText,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiIconTip,
  EuiLink,
  EuiPanel,
  EuiSelect,
  EuiSpacer,
  EuiSuperDatePicker,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import { FAILED_BUILD_STATUSES } from '../../common/constants';
import { effectiveQueryString } from '../../common/query/build';
import { buildQuery, discoverPath } from '../services/discover';
import { DAY_MS, resolveRange, TimeRange } from '../services/time_range';
import { bugKey } from '../../common/api/bugs';
import { BugStatusBadge, BugSummary, useBugData, useBugs } from '../components/bug_info';
import type { BuildInfo, BuildRef, ClassifyResult, SignatureMatch } from '../../common/api/classify';
import type { BuildResult, ReportState } from '../../common/api/results';
import { BUILD_UUID_RE } from '../../common/signature/types';
import { useApp, usePageChrome } from '../services/app_context';
import { formatDate, formatNumber, plural } from '../services/format';
import { queryString, useLinkProps, useRouter } from '../services/router';
import { useRequest } from '../services/use_request';
import { RangeLabel, useSetParams, windowRequest } from '../components/filter_bar';
import { EmptyState, ErrorState, Loading } from '../components/page_state';
import { SafeLink } from '../components/safe_link';
import { HighlightedLine } from '../components/highlight';
import { Token } from '../components/cell_text';

export const RESULTS_PER_PAGE = 20;
/** The intake time the list covers unless the URL says otherwise (the routes' longest window). */
export const DEFAULT_BUILDS_RANGE: TimeRange = { from: 'now-90d', to: 'now' };

const REPORT_COLOR: Record<string, string> = {
  sent: 'success',
  pending: 'warning',
  sending: 'warning',
  failed: 'danger',
  skipped: 'default',
};

export interface BuildForm {
  uuid: string;
  change: string;
  patchset: string;
  job: string;
}

/** Which field is wrong and why, or the build to classify: a uuid, or a change with optional patchset and job. */
export function buildRefFrom(form: BuildForm): BuildRef | { field: keyof BuildForm; message: string } {
  const uuid = form.uuid.trim();
  if (uuid) return BUILD_UUID_RE.test(uuid) ? { uuid } : { field: 'uuid', message: 'expected a Zuul build uuid (hex)' };
  const change = form.change.trim();
  const patchset = form.patchset.trim();
  const job = form.job.trim();
  if (!change) return { field: 'change', message: 'enter a change number (or a build uuid)' };
  if (!/^\d+$/.test(change)) return { field: 'change', message: 'expected a change number such as 964960' };
  if (patchset && !/^\d+$/.test(patchset))
    return { field: 'patchset', message: 'expected a patchset number (leave empty for the latest)' };
  return { change: Number(change), ...(patchset ? { patchset } : {}), ...(job ? { job } : {}) };
}

function SignatureBadge({ id, label }: { id: string; label: string }) {
  const router = useRouter();
  return (
    <EuiBadge
      color="primary"
      data-test-subj="matchBadge"
      onClick={() => router.navigate(`/signatures/${encodeURIComponent(id)}`)}
      // the visible label is part of the name (WCAG 2.5.3), so speech input can say what it sees
      onClickAriaLabel={`Open ${label}`}
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

/** Discover over this build's lines, narrowed to a signature's query when it is known. */
function useDiscoverHref(uuid: string, query?: string): string {
  const { services, indexPattern } = useApp();
  return services.core.http.basePath.prepend(
    discoverPath({ query: buildQuery(uuid, query), dataViewId: indexPattern, from: 'now-90d', to: 'now' }),
  );
}

function DiscoverLink({ uuid, query, children }: { uuid: string; query?: string; children: React.ReactNode }) {
  const href = useDiscoverHref(uuid, query);
  return (
    <EuiLink href={href} data-test-subj="discoverLink">
      {children}
    </EuiLink>
  );
}

function MatchList({ uuid, matches }: { uuid: string; matches: SignatureMatch[] }) {
  const { services } = useApp();
  const { bugs, loading: bugsLoading } = useBugData(matches.map((m) => m.bug));
  // the signatures' queries, for Discover links narrowed to what matched
  const sigs = useRequest((signal) => services.api.signatures({ perPage: 1000 }, signal), []);
  const queries = new Map((sigs.data?.signatures ?? []).map((s) => [s.id, effectiveQueryString(s)]));
  return (
    <>
      {matches.map((m) => {
        const info = bugs.get(bugKey(m.bug));
        const title = m.title ?? info?.title;
        return (
          <EuiPanel key={m.signatureId} paddingSize="s" hasBorder data-test-subj={`match-${m.signatureId}`}>
            <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap>
              <EuiFlexItem grow={false}>
                <SafeLink url={m.bug.url} data-test-subj="matchBugLink">{`Bug ${m.bug.id}`}</SafeLink>
              </EuiFlexItem>
              <EuiFlexItem>
                <EuiText size="s" data-test-subj="matchTitle">
                  <strong>{title ?? (bugsLoading ? 'Loading the title…' : 'No title')}</strong>
                </EuiText>
                <BugSummary info={info} compact />
              </EuiFlexItem>
              <EuiFlexItem grow={false}>
                <EuiText size="xs">
                  {formatNumber(m.hits)} matching {plural(m.hits, 'line')} · {m.mode}
                </EuiText>
              </EuiFlexItem>
              <EuiFlexItem grow={false}>
                <SignatureBadge id={m.signatureId} label={`Signature ${m.signatureId}`} />
              </EuiFlexItem>
            </EuiFlexGroup>
            {m.ranAs && (
              <EuiText size="xs" color="subdued" data-test-subj={`ranAs-${m.signatureId}`}>
                Ran as (old-schema fields translated): <code>{m.ranAs}</code>
              </EuiText>
            )}
            {m.lines.slice(0, 3).map((l, i) => (
              <EuiText size="xs" key={i} data-test-subj="matchLine">
                <SafeLink url={l.link}>{l.file}</SafeLink> <HighlightedLine text={l.line} terms={[]} />
              </EuiText>
            ))}
            <EuiText size="xs">
              <DiscoverLink uuid={uuid} query={queries.get(m.signatureId)}>
                Matching lines in Discover
              </DiscoverLink>
            </EuiText>
          </EuiPanel>
        );
      })}
    </>
  );
}

/** For a failure no known bug explains: what the developer can do now, said plainly. */
function NextSteps({ build, explained }: { build: BuildInfo; explained: boolean }) {
  const { canWrite } = useApp();
  // the editor previews a window ending now: from a day before the build's last line, so the build is in it
  const lastLine = build.lastTimestamp ? Date.parse(build.lastTimestamp) : NaN;
  const editor = useLinkProps(
    `/signatures/new${queryString({
      build: build.uuid,
      ...(Number.isFinite(lastLine) ? { from: new Date(lastLine - DAY_MS).toISOString(), to: 'now' } : {}),
    })}`,
  );
  const discover = useDiscoverHref(build.uuid);
  return (
    <EuiCallOut
      color={explained ? 'success' : 'warning'}
      iconType={explained ? 'check' : 'help'}
      title={explained ? 'A known bug explains this failure' : 'No known bug explains this failure: what to do next'}
      data-test-subj="nextSteps"
    >
      {explained ? (
        <p>
          It is not your change: comment <code>recheck</code> on the change in Gerrit to run the jobs again, and add
          what you saw to the bug above if it helps fix it.
        </p>
      ) : (
        <ol>
          <li>
            Read the failure in its logs:{' '}
            <SafeLink url={build.logRoot} data-test-subj="nextLogs">
              open the build&apos;s logs
            </SafeLink>{' '}
            or{' '}
            <EuiLink href={discover} data-test-subj="nextDiscover">
              search its lines in Discover
            </EuiLink>
            .
          </li>
          <li>
            If your change caused it, fix the change. If it is unrelated (an infrastructure or a flaky failure),{' '}
            <EuiLink {...editor} data-test-subj="nextNewSignature">
              {canWrite ? 'create a signature from its telling line' : 'try a query from its telling line'}
            </EuiLink>{' '}
            (the editor opens pre-filled with the build&apos;s most telling error line) so the next build that fails the
            same way is recognised{canWrite ? '' : '; saving it needs write access'}.
          </li>
          <li>
            Then comment <code>recheck</code> on the change in Gerrit. Recheck only failures unrelated to the change: a
            recheck without a signature hides the bug from everyone else.
          </li>
        </ol>
      )}
    </EuiCallOut>
  );
}

/** The builds list searched by the change (the intake's results of its failed builds, and their stages). */
function ChangeBuildsLink({ change }: { change?: number }) {
  const props = useLinkProps(`/builds${queryString({ change })}`);
  return (
    <EuiLink {...props} data-test-subj="changeBuildsLink">
      the builds of change {change}
    </EuiLink>
  );
}

/** A change whose builds all passed: nothing to explain, said plainly. */
function NoFailedBuild({ result }: { result: Extract<ClassifyResult, { kind: 'no_failed_build' }> }) {
  const n = result.newest;
  const change = 'change' in result.ref ? result.ref.change : n.change;
  return (
    <EuiCallOut
      color="success"
      iconType="check"
      title={`No failed build of change ${change}`}
      data-test-subj="classifyNoFailed"
    >
      <p>
        Nothing to explain: none of the {formatNumber(result.builds)} indexed {plural(result.builds, 'build')} of the
        change{'patchset' in result.ref && result.ref.patchset ? ` (patchset ${result.ref.patchset})` : ''}
        {'job' in result.ref && result.ref.job ? ` for job ${result.ref.job}` : ''} failed. The newest is{' '}
        <strong>{n.job}</strong>, {n.status}, build <code>{n.uuid}</code>.
      </p>
      <p>
        If a build of the change failed and is not counted, its logs are not indexed yet (they are shipped when the
        build ends): look again later, or see <ChangeBuildsLink change={change} />.
      </p>
    </EuiCallOut>
  );
}

function ClassifyAnswer({ result }: { result: ClassifyResult }) {
  if (result.kind === 'not_found')
    return (
      <EuiCallOut color="warning" title="No indexed logs for this build" data-test-subj="classifyNotFound">
        <p>
          No log line of this build is in the log indices: check the number, or wait until its logs are indexed (they
          are shipped when the build ends).
        </p>
      </EuiCallOut>
    );
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
  if (result.kind === 'no_failed_build') return <NoFailedBuild result={result} />;
  const b = result.build;
  const passed = b.status === 'SUCCESS';
  return (
    <EuiPanel hasBorder data-test-subj="classifyResult">
      <EuiText size="s">
        <p data-test-subj="classifyBuild">
          <strong>{b.job}</strong> {b.project ?? ''}{' '}
          {b.change !== undefined ? `change ${b.change}${b.patchset ? `, patchset ${b.patchset}` : ''}` : ''} ·{' '}
          {b.status} · <SafeLink url={b.logRoot}>logs</SafeLink> · build <code>{b.uuid}</code>
        </p>
        <p data-test-subj="classifyVerdict">
          {passed
            ? 'This build passed'
            : result.explained
              ? 'Explained by a known bug'
              : result.matches.length
                ? 'Matched tracked signatures only (not explained)'
                : 'No signature matched: uncategorized'}{' '}
          · {formatNumber(result.signaturesChecked)} signatures checked in {formatNumber(result.elapsedMs)} ms
        </p>
      </EuiText>
      {result.taken && (
        <EuiText size="s" data-test-subj="classifyTaken">
          <p>
            Taken: the newest failed build of change {b.change}, of its {formatNumber(result.taken.builds)} indexed{' '}
            {plural(result.taken.builds, 'build')}.
            {result.taken.newerNotFailed > 0 && (
              <>
                {' '}
                {formatNumber(result.taken.newerNotFailed)} newer {plural(result.taken.newerNotFailed, 'build')} of the
                change passed; see <ChangeBuildsLink change={b.change} />.
              </>
            )}
          </p>
        </EuiText>
      )}
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
      <MatchList uuid={b.uuid} matches={result.matches} />
      {result.unconfirmed.length > 0 && (
        <EuiText size="xs" color="subdued">
          Log matches whose test_ids condition did not hold: {result.unconfirmed.map((u) => u.signatureId).join(', ')}
        </EuiText>
      )}
      {!passed && (
        <>
          <EuiSpacer size="s" />
          <NextSteps build={b} explained={result.explained} />
        </>
      )}
    </EuiPanel>
  );
}

/** The list's search, from the URL. */
function readSearch(params: URLSearchParams) {
  return {
    change: params.get('change') ?? '',
    job: params.get('job') ?? '',
    project: params.get('project') ?? '',
    status: params.get('status') ?? '',
    range: { from: params.get('from') || DEFAULT_BUILDS_RANGE.from, to: params.get('to') || DEFAULT_BUILDS_RANGE.to },
  };
}

export function BuildsPage() {
  usePageChrome([{ text: 'Builds' }]);
  const { services } = useApp();
  const bugs = useBugs();
  const router = useRouter();
  const setParams = useSetParams();
  const params = router.location.params;
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const search = readSearch(params);
  const urlForm: BuildForm = {
    uuid: params.get('uuid') ?? '',
    change: search.change,
    patchset: params.get('patchset') ?? '',
    job: search.job,
  };
  const [form, setForm] = useState<BuildForm>(urlForm);
  const [project, setProject] = useState(search.project);
  const [status, setStatus] = useState(search.status);
  // the fields follow the URL (back/forward, links from other pages)
  const urlKey = JSON.stringify([urlForm, search.project, search.status]);
  useEffect(() => {
    setForm(urlForm);
    setProject(search.project);
    setStatus(search.status);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the URL's values
  }, [urlKey]);
  const [formError, setFormError] = useState<{ field: keyof BuildForm; message: string }>();
  const [classifying, setClassifying] = useState(false);
  const [answer, setAnswer] = useState<ClassifyResult>();
  const [classifyError, setClassifyError] = useState<unknown>();

  const listKey = JSON.stringify([search, page]);
  const results = useRequest(
    async (signal) =>
      services.api.results(
        {
          change: /^\d+$/.test(search.change) ? Number(search.change) : undefined,
          job: search.job || undefined,
          project: search.project || undefined,
          status: search.status ? [search.status] : undefined,
          ...windowRequest(search.range),
          page,
          perPage: RESULTS_PER_PAGE,
        },
        signal,
      ),
    [listKey],
  );

  const classify = async (ref: BuildRef) => {
    setClassifying(true);
    setClassifyError(undefined);
    setAnswer(undefined);
    try {
      setAnswer(await services.api.classify(ref));
    } catch (e) {
      setClassifyError(e);
    } finally {
      setClassifying(false);
    }
  };

  // Deep links: /builds?uuid=... or /builds?change=...[&patchset=...][&job=...] classify on load, once per URL.
  const ref = buildRefFrom(urlForm);
  const refKey = 'field' in ref ? '' : JSON.stringify(ref);
  const classifyRef = useRef(classify);
  classifyRef.current = classify;
  useEffect(() => {
    if (refKey) void classifyRef.current(JSON.parse(refKey));
  }, [refKey]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const next = buildRefFrom(form);
    if ('field' in next) {
      setFormError(next);
      return;
    }
    setFormError(undefined);
    const q =
      'uuid' in next
        ? { uuid: next.uuid }
        : { change: next.change, patchset: next.patchset, job: next.job, project, status };
    const target = `/builds${queryString({ ...q, from: params.get('from'), to: params.get('to') })}`;
    if (`${router.location.pathname}${router.location.search}` === target) void classify(next);
    else router.navigate(target);
  };

  const applyListSearch = () =>
    setParams({
      uuid: undefined,
      change: form.change.trim() || undefined,
      patchset: undefined,
      job: form.job.trim() || undefined,
      project: project.trim() || undefined,
      status: status || undefined,
      page: undefined,
    });
  const activeSearch = !!(search.change || search.job || search.project || search.status || params.get('from'));
  const clearSearch = () =>
    setParams({
      uuid: undefined,
      change: undefined,
      patchset: undefined,
      job: undefined,
      project: undefined,
      status: undefined,
      from: undefined,
      to: undefined,
      page: undefined,
    });

  const fieldError = (field: keyof BuildForm) => (formError?.field === field ? formError.message : undefined);

  const columns = [
    {
      name: (
        <span>
          Taken in{' '}
          <EuiIconTip
            type="questionInCircle"
            content="When the background intake took the failed build in (it looks for new failures every minute or so), not when the build ran: the build's end time is under it."
            aria-label="About the intake time"
          />
        </span>
      ),
      width: '190px',
      render: (r: BuildResult) => (
        <span>
          {formatDate(r.takenAt)}
          {r.build.endTime && (
            <>
              <br />
              <EuiText size="xs" color="subdued" component="span">
                build ended {formatDate(r.build.endTime)}
              </EuiText>
            </>
          )}
        </span>
      ),
    },
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
          aria-label={`Classify build ${r.build.uuid}`}
        >
          Classify
        </EuiButton>
      ),
    },
  ];

  const resolvedRange = resolveRange(search.range);

  return (
    <div data-test-subj="buildsPage">
      <EuiTitle size="xs">
        <h2>Find a build</h2>
      </EuiTitle>
      <EuiText size="xs" color="subdued">
        <p>
          A change number alone is enough: its newest failed build is classified, and the list below shows its failed
          builds. Add a patchset or a job to pick among them, or give a build uuid.
        </p>
      </EuiText>
      <EuiSpacer size="s" />
      <form onSubmit={submit} data-test-subj="classifyForm" noValidate>
        <EuiFlexGroup gutterSize="s" alignItems="flexStart" wrap>
          <EuiFlexItem grow={false} style={{ width: 130 }}>
            <EuiFormRow
              label="Change"
              display="rowCompressed"
              isInvalid={!!fieldError('change')}
              error={fieldError('change')}
            >
              <EuiFieldText
                compressed
                value={form.change}
                placeholder="964960"
                isInvalid={!!fieldError('change')}
                onChange={(e) => setForm({ ...form, change: e.target.value })}
                data-test-subj="classifyChange"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem grow={false} style={{ width: 120 }}>
            <EuiFormRow
              label="Patchset"
              display="rowCompressed"
              isInvalid={!!fieldError('patchset')}
              error={fieldError('patchset')}
              helpText="empty: latest"
            >
              <EuiFieldText
                compressed
                value={form.patchset}
                isInvalid={!!fieldError('patchset')}
                onChange={(e) => setForm({ ...form, patchset: e.target.value })}
                data-test-subj="classifyPatchset"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem style={{ minWidth: 200 }}>
            <EuiFormRow label="Job" display="rowCompressed" helpText="empty: any job">
              <EuiFieldText
                compressed
                value={form.job}
                onChange={(e) => setForm({ ...form, job: e.target.value })}
                data-test-subj="classifyJob"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem style={{ minWidth: 180 }}>
            <EuiFormRow label="Project" display="rowCompressed" helpText="filters the list">
              <EuiFieldText
                compressed
                value={project}
                placeholder="openstack/nova"
                onChange={(e) => setProject(e.target.value)}
                data-test-subj="searchProject"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem grow={false} style={{ width: 160 }}>
            <EuiFormRow label="Result" display="rowCompressed" helpText="filters the list">
              <EuiSelect
                compressed
                value={status}
                onChange={(e) => setStatus(e.target.value)}
                options={[
                  { value: '', text: 'any failure' },
                  ...FAILED_BUILD_STATUSES.map((s) => ({ value: s, text: s })),
                ]}
                data-test-subj="searchStatus"
              />
            </EuiFormRow>
          </EuiFlexItem>
          <EuiFlexItem style={{ minWidth: 300 }}>
            <EuiFormRow
              label="Build uuid"
              display="rowCompressed"
              isInvalid={!!fieldError('uuid')}
              error={fieldError('uuid')}
            >
              <EuiFieldText
                compressed
                value={form.uuid}
                isInvalid={!!fieldError('uuid')}
                onChange={(e) => setForm({ ...form, uuid: e.target.value })}
                data-test-subj="classifyUuid"
              />
            </EuiFormRow>
          </EuiFlexItem>
        </EuiFlexGroup>
        <EuiSpacer size="s" />
        <EuiFlexGroup gutterSize="s" alignItems="center" wrap responsive={false}>
          <EuiFlexItem grow={false}>
            <EuiButton type="submit" size="s" fill isLoading={classifying} data-test-subj="classifySubmit">
              Classify build
            </EuiButton>
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiButton size="s" onClick={applyListSearch} data-test-subj="searchSubmit">
              Search the list
            </EuiButton>
          </EuiFlexItem>
          {activeSearch && (
            <EuiFlexItem grow={false}>
              <EuiButtonEmpty size="s" iconType="cross" onClick={clearSearch} data-test-subj="clearSearch">
                Clear search
              </EuiButtonEmpty>
            </EuiFlexItem>
          )}
        </EuiFlexGroup>
      </form>
      {formError && (
        <EuiText size="s" color="danger" data-test-subj="classifyFormError" role="alert">
          {formError.field === 'uuid' ? 'Build uuid' : formError.field[0].toUpperCase() + formError.field.slice(1)}:{' '}
          {formError.message}
        </EuiText>
      )}
      <EuiSpacer size="s" />
      {classifyError !== undefined && <ErrorState title="Classification failed" error={classifyError} />}
      {classifying && <Loading label="Classifying" />}
      {answer && <ClassifyAnswer result={answer} />}
      <EuiSpacer />
      <EuiFlexGroup gutterSize="s" alignItems="center" wrap responsive={false}>
        <EuiFlexItem>
          <EuiTitle size="xs">
            <h2>Classified failures taken in by the intake</h2>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiSuperDatePicker
            start={search.range.from}
            end={search.range.to}
            isLoading={results.loading}
            onTimeChange={({ start, end }) => setParams({ from: start, to: end, page: undefined })}
            onRefresh={results.reload}
            data-test-subj="buildsDatePicker"
          />
        </EuiFlexItem>
      </EuiFlexGroup>
      <RangeLabel range={search.range} />
      <EuiSpacer size="s" />
      {results.error && (
        <ErrorState title="Could not load results" error={results.failure ?? results.error} onRetry={results.reload} />
      )}
      {results.loading && !results.data && <Loading label="Loading results" />}
      {results.data &&
        !results.error &&
        (results.data.results.length || page > 1 ? (
          <EuiBasicTable
            items={results.data.results}
            columns={columns}
            tableCaption="Classified failures taken in by the intake"
            data-test-subj="resultsTable"
            pagination={{
              pageIndex: page - 1,
              pageSize: RESULTS_PER_PAGE,
              totalItemCount: Math.min(results.data.total, 10000),
              showPerPageOptions: false,
            }}
            onChange={({ page: p }: { page?: { index: number } }) => p && setParams({ page: p.index + 1 })}
          />
        ) : activeSearch ? (
          <EmptyState
            title="No classified failure matches this search"
            body={
              <p>
                Nothing the intake took in {resolvedRange.ok ? `(${resolvedRange.label.toLowerCase()})` : ''} has
                {search.change ? ` change ${search.change}` : ''}
                {search.job ? ` job ${search.job}` : ''}
                {search.project ? ` project ${search.project}` : ''}
                {search.status ? ` result ${search.status}` : ''}. The build may not have failed, or the intake has not
                reached it: classify it above.
              </p>
            }
            onClearFilters={clearSearch}
          />
        ) : (
          <EmptyState
            title="No classified failures yet"
            body={<p>The background intake has not stored any result in this range.</p>}
          />
        ))}
    </div>
  );
}
