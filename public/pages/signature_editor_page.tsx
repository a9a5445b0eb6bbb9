/*
 * The signature editor: query with syntax errors shown in place (validated in the browser by the
 * shared validateQuery), flags and scope as form fields, the YAML view, a live preview as you type
 * (debounced: hits over time by status, sample lines with matched terms marked, success hits with
 * the >10 % warning, overlap), save for writers, history with diffs and revert.
 * /signatures/new?query=...&from=...&to=... and ?build=<uuid> open it pre-filled.
 */
import React, { useEffect, useMemo, useRef, useState } from 'react';
import {
  EuiBadge,
  EuiButton,
  EuiCallOut,
  EuiCodeBlock,
  EuiFieldText,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiLink,
  EuiPanel,
  EuiSelect,
  EuiSpacer,
  EuiSwitch,
  EuiTab,
  EuiTabs,
  EuiText,
  EuiTextArea,
  EuiTitle,
  EuiToolTip,
} from '@elastic/eui';
import { bugKey } from '../../common/api/bugs';
import { BugSummary, useBugs } from '../components/bug_info';
import type { PreviewResponse } from '../../common/api/preview';
import type { SignatureHistoryEntry, StoredSignature } from '../../common/api/signatures';
import { BUG_TRACKERS } from '../../common/signature/types';
import { effectiveQueryString } from '../../common/query/build';
import { formatSignatureYaml } from '../../common/signature/yaml_codec';
import { useApp, usePageChrome, writeRequirement } from '../services/app_context';
import { buildQuery, discoverPath } from '../services/discover';
import { BROAD_QUERY_FAILED_BUILDS, HIGH_OVERLAP_SHARE } from '../../common/constants';
import { formatDate, formatNumber, formatPercent, plural } from '../services/format';
import { useLeaveGuard, useLinkProps, useRouter } from '../services/router';
import { resolveRange, windowDays } from '../services/time_range';
import { errorMessage } from '../services/use_request';
import {
  EMPTY_FORM,
  editorQueryCheck,
  ERROR_LINES_QUERY,
  formFromSignature,
  formToInput,
  formToSignature,
  inputFromSignature,
  queryFromLine,
  SignatureForm,
  splitList,
  tellingLine,
  titleFromLine,
} from '../services/signature_form';
import { ErrorState, Loading } from '../components/page_state';
import { kqlToLucene } from '../discover/query_conversion';
import { ProblemList } from '../components/query_problems';
import { HighlightedLine, highlightTerms } from '../components/highlight';
import { SafeLink } from '../components/safe_link';
import { StatusChart } from '../components/status_chart';
import { YamlDiff } from '../components/yaml_diff';

export const PREVIEW_DEBOUNCE_MS = 500;

/** A link to another signature, named by its title (id when it has none). */
function SignatureLink({ id, title }: { id: string; title?: string }) {
  const link = useLinkProps(`/signatures/${encodeURIComponent(id)}`);
  return (
    <EuiLink {...link} data-test-subj="overlapLink">
      {title ? `${title} (${id})` : id}
    </EuiLink>
  );
}

function Preview({
  form,
  signatureId,
  days,
  span,
  label,
  from,
  to,
}: {
  form: SignatureForm;
  signatureId?: string;
  days: number;
  /** The page's range resolved once (epoch ms); days ending now when it could not be resolved. */
  span?: { from: number; to: number };
  /** What the range is, said exactly ("Last 36 hours", "2026-11-10 to 2026-11-20 UTC"). */
  label: string;
  from: string;
  to: string;
}) {
  const { services, indexPattern } = useApp();
  const [state, setState] = useState<{ loading: boolean; data?: PreviewResponse; error?: string }>({ loading: false });
  const validation = useMemo(() => editorQueryCheck(form.query), [form.query]);
  const { query, allowNonvoting, projects, branches, queues, testIds } = form;
  const request = useMemo(() => {
    const scope: Record<string, string[]> = {};
    const lists = { projects, branches, queues };
    for (const k of ['projects', 'branches', 'queues'] as const)
      if (splitList(lists[k]).length) scope[k] = splitList(lists[k]);
    return {
      query,
      allowNonvoting,
      ...(Object.keys(scope).length ? { scope } : {}),
      ...(splitList(testIds).length ? { testIds: splitList(testIds) } : {}),
      ...(signatureId ? { signatureId } : {}),
      ...(span ? { from: span.from, to: span.to } : { days }),
    };
  }, [query, allowNonvoting, projects, branches, queues, testIds, signatureId, days, span]);
  const key = JSON.stringify(request);
  useEffect(() => {
    if (!form.query.trim() || !validation.ok) {
      setState({ loading: false });
      return;
    }
    const abort = new AbortController();
    setState((s) => ({ loading: true, data: s.data }));
    const timer = setTimeout(() => {
      services.api.preview(request, abort.signal).then(
        (data) => !abort.signal.aborted && setState({ loading: false, data }),
        (e) => !abort.signal.aborted && setState({ loading: false, error: errorMessage(e) }),
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
    // Keyed by the request's JSON: an edit that leaves the request equal (spaces in a list) fetches nothing.
  }, [key, validation.ok]); // eslint-disable-line react-hooks/exhaustive-deps -- see the line above

  const terms = useMemo(() => highlightTerms(form.query), [form.query]);
  if (!form.query.trim())
    return (
      <EuiText size="s" color="subdued">
        Type a query to see what it matches.
      </EuiText>
    );
  if (!validation.ok)
    return (
      <EuiText size="s" color="subdued">
        Fix the query to see a preview.
      </EuiText>
    );
  if (state.error) return <ErrorState title="Preview failed" error={state.error} />;
  if (!state.data) return <Loading label="Previewing" />;
  const d = state.data;
  const share = d.success.successShare;
  const highOverlap = d.overlap.filter((o) => o.shareOfOther >= HIGH_OVERLAP_SHARE);
  const discoverHref = services.core.http.basePath.prepend(
    discoverPath({
      query: effectiveQueryString({ query: form.query, allowNonvoting: form.allowNonvoting }),
      dataViewId: indexPattern,
      from,
      to,
    }),
  );
  return (
    <div data-test-subj="preview" aria-busy={state.loading}>
      <EuiFlexGroup gutterSize="s" wrap responsive={false} alignItems="center">
        <EuiFlexItem grow={false}>
          <EuiBadge color="hollow" data-test-subj="previewHits">
            {formatNumber(d.hits)} matching {plural(d.hits, 'line')}
          </EuiBadge>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color="hollow" data-test-subj="previewFailedBuilds">
            {formatNumber(d.success.failedBuilds)} failed {plural(d.success.failedBuilds, 'build')}
          </EuiBadge>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color="hollow" data-test-subj="previewSuccessBuilds">
            {formatNumber(d.success.successBuilds)} successful {plural(d.success.successBuilds, 'build')}
          </EuiBadge>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiToolTip content="Successful builds matched / all builds matched. elastic-recheck's rule: at most 10 %.">
            <EuiBadge
              color={d.success.warning ? 'warning' : share === null ? 'hollow' : 'success'}
              data-test-subj="previewSuccessShare"
              tabIndex={0}
            >
              {share === null ? 'no builds matched' : `${formatPercent(share * 100)} on successful builds`}
            </EuiBadge>
          </EuiToolTip>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiLink href={discoverHref} data-test-subj="previewDiscoverLink">
            Open in Discover
          </EuiLink>
        </EuiFlexItem>
        {state.loading && (
          <EuiFlexItem grow={false}>
            <EuiText size="xs" color="subdued">
              updating…
            </EuiText>
          </EuiFlexItem>
        )}
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      {d.success.warning && (
        <EuiCallOut
          color="warning"
          iconType="alert"
          title={`${formatPercent((share ?? 0) * 100)} of the matched builds succeeded`}
          data-test-subj="successWarning"
        >
          <p>
            elastic-recheck's rule of thumb: at most 10 % of a signature's hits may be on successful builds. Make the
            query more specific.
          </p>
        </EuiCallOut>
      )}
      {d.success.failedBuilds > BROAD_QUERY_FAILED_BUILDS && (
        <EuiCallOut
          color="warning"
          iconType="alert"
          size="s"
          title={`Broad query: it matches ${formatNumber(d.success.failedBuilds)} failed builds (${label})`}
          data-test-subj="broadQueryWarning"
        >
          <p>
            A signature should match one bug. Over {BROAD_QUERY_FAILED_BUILDS} failed builds usually means the query
            matches a common word; add the exception, a distinctive phrase, a job or a file.
          </p>
        </EuiCallOut>
      )}
      {highOverlap.length > 0 && (
        <EuiCallOut
          color="warning"
          iconType="copy"
          size="s"
          title={`Overlaps ${highOverlap.length} ${plural(highOverlap.length, 'signature')} at ${formatPercent(HIGH_OVERLAP_SHARE * 100, 0)} or more of their builds`}
          data-test-subj="overlapWarning"
        >
          <p>
            This query matches most builds another signature already explains: it may be the same bug, or too broad. See
            the overlap below.
          </p>
        </EuiCallOut>
      )}
      {d.hits > 0 ? (
        <StatusChart id="preview" series={d.series} title="Preview" />
      ) : (
        <EuiText size="s">No matching lines ({label}).</EuiText>
      )}
      <EuiSpacer size="s" />
      {d.samples.length > 0 && (
        <>
          <EuiTitle size="xxs">
            <h4>Sample matching lines</h4>
          </EuiTitle>
          {d.samples.map((s, i) => (
            <EuiText size="xs" key={i} data-test-subj="previewSample">
              <p style={{ marginBottom: 4 }}>
                {formatDate(s.timestamp)} · {s.job} · {s.status} · <SafeLink url={s.link}>{s.file}</SafeLink> ·{' '}
                <EuiLink
                  href={services.core.http.basePath.prepend(
                    discoverPath({ query: buildQuery(s.uuid, form.query), dataViewId: indexPattern, from, to }),
                  )}
                  data-test-subj="sampleDiscoverLink"
                >
                  this build in Discover
                </EuiLink>
                <br />
                <HighlightedLine text={s.line} terms={terms} />
              </p>
            </EuiText>
          ))}
        </>
      )}
      <EuiSpacer size="s" />
      <EuiTitle size="xxs">
        <h4>Overlap with other signatures</h4>
      </EuiTitle>
      {d.overlap.length ? (
        <ul data-test-subj="overlap">
          {d.overlap.slice(0, 10).map((o) => (
            <li key={o.signatureId}>
              <EuiText size="xs">
                <SignatureLink id={o.signatureId} title={o.title} />: {formatNumber(o.sharedBuilds)} shared{' '}
                {plural(o.sharedBuilds, 'build')} ({formatPercent(o.shareOfOther * 100)} of its builds)
              </EuiText>
            </li>
          ))}
        </ul>
      ) : (
        <EuiText size="xs" color="subdued">
          No other signature matches the same builds.
        </EuiText>
      )}
    </div>
  );
}

function History({
  id,
  current,
  readOnly,
  onReverted,
}: {
  id: string;
  current?: StoredSignature;
  readOnly: boolean;
  onReverted: (s: StoredSignature) => void;
}) {
  const { services } = useApp();
  const [entries, setEntries] = useState<SignatureHistoryEntry[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const abort = new AbortController();
    services.api.history(id, abort.signal).then(
      (h) => setEntries(h.entries),
      (e) => !abort.signal.aborted && setError(errorMessage(e)),
    );
    return () => abort.abort();
  }, [id, current?.version, services.api]);
  const revert = async (e: SignatureHistoryEntry) => {
    if (!e.after) return;
    try {
      const saved = await services.api.updateSignature(id, {
        ...inputFromSignature(e.after),
        ...(current?.version ? { version: current.version } : {}),
      });
      services.core.notifications.toasts.addSuccess({ title: `Reverted ${id} to the version of ${formatDate(e.at)}` });
      onReverted(saved);
    } catch (err) {
      services.core.notifications.toasts.addDanger({ title: 'Revert failed', text: errorMessage(err) });
    }
  };
  if (error) return <ErrorState title="Could not load the history" error={error} />;
  if (!entries) return <Loading label="Loading history" />;
  return (
    <div data-test-subj="history">
      {entries.map((e, i) => (
        <EuiPanel key={i} paddingSize="s" hasBorder>
          <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false}>
            <EuiFlexItem>
              <EuiText size="xs">
                <strong>{e.action}</strong> by {e.user} at {formatDate(e.at)}
              </EuiText>
            </EuiFlexItem>
            {i > 0 && e.after && (
              <EuiFlexItem grow={false}>
                <EuiButton size="s" onClick={() => revert(e)} isDisabled={readOnly} data-test-subj="revertButton">
                  Restore this version
                </EuiButton>
              </EuiFlexItem>
            )}
          </EuiFlexGroup>
          <YamlDiff
            before={e.before ? formatSignatureYaml(e.before) : ''}
            after={e.after ? formatSignatureYaml(e.after) : ''}
          />
        </EuiPanel>
      ))}
    </div>
  );
}

/** The note for a query that came from Discover in KQL or another language (signatures are Lucene). */
export function discoverQueryNote(
  kql: string | null,
  language: string | null,
): { ok: boolean; title: string; text: string } | undefined {
  if (kql !== null) {
    const c = kqlToLucene(kql);
    return c.ok
      ? {
          ok: true,
          title: 'Converted from Discover’s KQL query',
          text: `Discover’s query was KQL: ${kql} — it is shown here in Lucene, the language of signatures. Check the preview.`,
        }
      : {
          ok: false,
          title: 'Discover’s KQL query could not be converted to Lucene',
          text: `${c.reason}. The query is shown as typed in Discover; rewrite it in Lucene (field:value, "a phrase", AND, OR, NOT).`,
        };
  }
  if (language)
    return {
      ok: false,
      title: `Discover’s query is ${language}`,
      text: `Signatures are Lucene queries; the ${language} query is shown as typed, rewrite it in Lucene.`,
    };
  return undefined;
}

export function SignatureEditorPage({ id }: { id?: string }) {
  const { services, canWrite, access } = useApp();
  const router = useRouter();
  const params = router.location.params;
  usePageChrome([{ text: 'Signatures', path: '/signatures' }, { text: id ? `Signature ${id}` : 'New signature' }]);
  const [form, setForm] = useState<SignatureForm>(() => ({
    ...EMPTY_FORM,
    query: params.get('query') ?? '',
    title: params.get('title') ?? '',
  }));
  // The form as last loaded, saved or pre-filled: edits are what differs from it.
  const [baseline, setBaseline] = useState<SignatureForm>(form);
  const loaded = (f: SignatureForm) => {
    setForm(f);
    setBaseline(f);
  };
  const [stored, setStored] = useState<StoredSignature>();
  const bugs = useBugs(stored ? [stored.bug] : []);
  const [loadError, setLoadError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [tab, setTab] = useState<'preview' | 'yaml' | 'history'>('preview');
  const [buildNote, setBuildNote] = useState<string>();
  // From Discover's "Save as signature" (public/discover/save_as_signature.tsx): say what became of its query.
  const [discoverNote] = useState(() => discoverQueryNote(params.get('kql'), params.get('language')));
  const readOnly = !canWrite;
  const from = params.get('from') || 'now-10d';
  const to = params.get('to') || 'now';
  const days = windowDays({ from, to });
  // resolved once per range, so a relative range does not move (and re-run the preview) on every render
  const resolved = useMemo(() => resolveRange({ from, to }), [from, to]);
  const span = useMemo(() => (resolved.ok ? { from: resolved.from, to: resolved.to } : undefined), [resolved]);
  const rangeLabel = resolved.ok ? resolved.label : `Last ${days} ${plural(days, 'day')}`;

  useEffect(() => {
    if (!id) return;
    const abort = new AbortController();
    services.api.signature(id, abort.signal).then(
      (s) => {
        setStored(s);
        loaded(formFromSignature(s));
      },
      (e) => !abort.signal.aborted && setLoadError(errorMessage(e)),
    );
    return () => abort.abort();
  }, [id, services.api]);

  // ?build=<uuid>: find the build's most telling error line and start from it.
  const build = params.get('build');
  const started = useRef(false);
  useEffect(() => {
    if (id || !build || started.current) return;
    started.current = true;
    setBuildNote(`Looking for the most telling error line of build ${build}…`);
    const lookup = (query: string) =>
      services.api.preview({ query, allowNonvoting: true, days: Math.max(days, 10), samples: 100 });
    // Lines that say error/exception/failed first; when none does, all of the build's lines.
    lookup(buildQuery(build, ERROR_LINES_QUERY))
      .then((p) => (p.samples.length ? p : lookup(buildQuery(build))))
      .then(
        (p) => {
          const line = tellingLine(p.samples);
          if (!line) {
            setBuildNote(`No log line found for build ${build}; write the query yourself.`);
            return;
          }
          setForm((f) => {
            const next = { ...f, query: queryFromLine(line.line), title: f.title || titleFromLine(line.line) };
            setBaseline(next);
            return next;
          });
          setBuildNote(`Pre-filled from build ${build} (${line.job}, ${line.file}): ${line.line}`);
        },
        (e) => setBuildNote(`Could not read build ${build}: ${errorMessage(e)}`),
      );
  }, [build, id, days, services.api]);

  const validation = useMemo(() => editorQueryCheck(form.query), [form.query]);
  const input = useMemo(() => formToInput(form), [form]);
  const signature = useMemo(
    () => formToSignature(form, stored?.id, stored ? { created: stored.created, updated: stored.updated } : undefined),
    [form, stored],
  );
  const set = <K extends keyof SignatureForm>(key: K, value: SignatureForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(baseline), [form, baseline]);
  // Readers may try queries; only a writer's edits are work that can be lost.
  useLeaveGuard(
    canWrite && dirty
      ? `Your changes to ${id ? `signature ${id}` : 'the new signature'} are not saved. Leave and lose them?`
      : undefined,
  );
  // Each validation error at its field (the codec's path), not as one line at the top.
  const fieldError = (...keys: string[]): string | undefined =>
    !input.ok && (dirty || form.query.trim() !== '') && keys.includes(input.path.join('.'))
      ? input.message.replace(/^[\w.]+: /, '')
      : undefined;
  const fieldRow = (...keys: string[]) => {
    const error = fieldError(...keys);
    return { isInvalid: error !== undefined, error };
  };
  /** A compressed text field bound to one form field, with the errors of `errorKeys` shown at it. */
  const textRow = (
    label: string,
    key: 'bugId' | 'bugUrl' | 'title' | 'owner' | 'testIds' | 'projects' | 'branches' | 'queues',
    testSubj: string,
    errorKeys: string[],
    opts: { fullWidth?: boolean; readOnly?: boolean } = {},
  ) => (
    <EuiFormRow label={label} {...fieldRow(...errorKeys)} display="rowCompressed" fullWidth={opts.fullWidth}>
      <EuiFieldText
        compressed
        fullWidth={opts.fullWidth}
        readOnly={opts.readOnly}
        value={form[key]}
        onChange={(e) => set(key, e.target.value)}
        data-test-subj={testSubj}
      />
    </EuiFormRow>
  );
  const saveBlocked = readOnly
    ? `Read-only: saving needs ${writeRequirement(access)}`
    : !validation.ok
      ? 'Fix the query first'
      : !input.ok
        ? `Fix the field marked in red (${input.path.join('.')})`
        : stored && !dirty
          ? 'No changes to save'
          : undefined;

  const save = async () => {
    if (!input.ok || !validation.ok) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = stored
        ? await services.api.updateSignature(stored.id, {
            ...input.value,
            ...(stored.version ? { version: stored.version } : {}),
          })
        : await services.api.createSignature(input.value);
      services.core.notifications.toasts.addSuccess({ title: `Signature ${saved.id} saved` });
      setStored(saved);
      loaded(formFromSignature(saved));
      // saved: nothing to lose any more, so the router must not ask on the way to the saved signature
      router.guard.set(undefined);
      if (!id) router.navigate(`/signatures/${encodeURIComponent(saved.id)}`, { replace: true });
    } catch (e) {
      setSaveError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <ErrorState title={`Could not load signature ${id}`} error={loadError} />;
  if (id && !stored) return <Loading label="Loading signature" />;

  return (
    <div data-test-subj="signatureEditor">
      <EuiFlexGroup alignItems="center" justifyContent="spaceBetween">
        <EuiFlexItem grow={false}>
          <EuiTitle size="s">
            <h2>{id ? `Signature ${id}` : 'New signature'}</h2>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiToolTip content={saveBlocked} data-test-subj="saveBlockedReason">
            <EuiButton
              fill
              onClick={save}
              isLoading={saving}
              isDisabled={saveBlocked !== undefined}
              data-test-subj="saveSignature"
            >
              Save
            </EuiButton>
          </EuiToolTip>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      {readOnly && (
        <EuiCallOut
          color="primary"
          iconType="lock"
          title={`Read-only: you can try queries in the preview but not save them (that needs ${writeRequirement(access)}).`}
          data-test-subj="readOnlyNotice"
        />
      )}
      {discoverNote && (
        <EuiCallOut
          size="s"
          color={discoverNote.ok ? 'primary' : 'warning'}
          title={discoverNote.title}
          data-test-subj="discoverQueryNote"
        >
          <p>{discoverNote.text}</p>
        </EuiCallOut>
      )}
      {params.get('cluster') && !id && (
        <EuiCallOut
          size="s"
          color="primary"
          title={`From cluster ${params.get('cluster')} of ${params.get('clusterSize') ?? '?'} unexplained builds`}
          data-test-subj="clusterNote"
        >
          <p>
            The query is the text these builds share; the preview shows what it matches in the time range. Builds of the
            cluster: {(params.get('builds') ?? '').split(',').filter(Boolean).join(', ')}
            {Number(params.get('clusterSize')) > (params.get('builds') ?? '').split(',').filter(Boolean).length
              ? ', …'
              : ''}
            . Saving makes them explained.
          </p>
        </EuiCallOut>
      )}
      {buildNote && (
        <EuiText size="xs" color="subdued" data-test-subj="buildNote">
          <p>{buildNote}</p>
        </EuiText>
      )}
      {saveError && <ErrorState title="Save failed" error={saveError} />}
      <EuiSpacer size="s" />
      <EuiFormRow
        label="Query (Lucene)"
        fullWidth
        isInvalid={(!validation.ok && form.query.trim() !== '') || fieldError('query') !== undefined}
        error={fieldError('query')}
        helpText="elastic-recheck's implied AND voting:1 is added unless non-voting jobs are allowed."
      >
        <EuiTextArea
          fullWidth
          rows={4}
          value={form.query}
          isInvalid={!validation.ok && form.query.trim() !== ''}
          onChange={(e) => set('query', e.target.value)}
          style={{ fontFamily: 'monospace' }}
          data-test-subj="queryInput"
        />
      </EuiFormRow>
      {form.query.trim() !== '' && (
        <>
          {validation.translated !== undefined && (
            <EuiPanel paddingSize="s" color="subdued" data-test-subj="translatedQuery">
              <EuiText size="xs">
                <p>
                  <strong>Runs as</strong> (old-schema fields translated; the signature keeps your text):
                </p>
                <pre style={{ margin: '0 0 4px', whiteSpace: 'pre-wrap' }}>{validation.translated}</pre>
                {validation.rewrites.map((r, i) => (
                  <p key={i} style={{ marginBottom: 2 }} data-test-subj="queryRewrite">
                    <code>{r.from}</code> → <code>{r.to}</code>: {r.reason}
                  </p>
                ))}
              </EuiText>
            </EuiPanel>
          )}
          <ProblemList query={validation.translated ?? form.query} problems={validation.errors} kind="error" />
          <ProblemList query={validation.translated ?? form.query} problems={validation.warnings} kind="warning" />
          <ProblemList query={form.query} problems={validation.writtenWarnings} kind="warning" />
        </>
      )}
      <EuiSpacer size="m" />
      <EuiFlexGroup gutterSize="l" wrap>
        <EuiFlexItem style={{ minWidth: 320, maxWidth: 460 }}>
          <EuiPanel paddingSize="m" hasBorder>
            <EuiFlexGroup gutterSize="s">
              <EuiFlexItem grow={false} style={{ width: 130 }}>
                <EuiFormRow label="Tracker" {...fieldRow('bug.tracker')} display="rowCompressed">
                  <EuiSelect
                    compressed
                    disabled={readOnly}
                    value={form.tracker}
                    onChange={(e) => set('tracker', e.target.value as SignatureForm['tracker'])}
                    options={BUG_TRACKERS.map((t) => ({ value: t, text: t }))}
                    data-test-subj="bugTracker"
                  />
                </EuiFormRow>
              </EuiFlexItem>
              <EuiFlexItem>{textRow('Bug id', 'bugId', 'bugId', ['bug.id'], { readOnly })}</EuiFlexItem>
            </EuiFlexGroup>
            {textRow('Bug URL (optional for Launchpad, GitHub, Storyboard)', 'bugUrl', 'bugUrl', ['bug.url', 'bug'], {
              fullWidth: true,
              readOnly,
            })}
            {stored && (
              <EuiFormRow label="On the tracker" display="rowCompressed" fullWidth>
                <BugSummary info={bugs.get(bugKey(stored.bug))} />
              </EuiFormRow>
            )}
            {textRow('Title', 'title', 'sigTitle', ['title'], { fullWidth: true, readOnly })}
            <EuiFlexGroup gutterSize="s">
              <EuiFlexItem>{textRow('Owner', 'owner', 'sigOwner', ['owner'], { readOnly })}</EuiFlexItem>
              <EuiFlexItem grow={false} style={{ width: 130 }}>
                <EuiFormRow label="Mode" {...fieldRow('mode')} display="rowCompressed">
                  <EuiSelect
                    compressed
                    disabled={readOnly}
                    value={form.mode}
                    onChange={(e) => set('mode', e.target.value as SignatureForm['mode'])}
                    options={[
                      { value: 'explains', text: 'explains' },
                      { value: 'track', text: 'track' },
                    ]}
                    data-test-subj="sigMode"
                  />
                </EuiFormRow>
              </EuiFlexItem>
            </EuiFlexGroup>
            <EuiSpacer size="s" />
            <EuiSwitch
              compressed
              label="Allow non-voting jobs"
              checked={form.allowNonvoting}
              onChange={(e) => set('allowNonvoting', e.target.checked)}
              data-test-subj="allowNonvoting"
            />
            <EuiSpacer size="xs" />
            <EuiSwitch
              compressed
              disabled={readOnly}
              label="Leave out of the graphs"
              checked={form.suppressGraph}
              onChange={(e) => set('suppressGraph', e.target.checked)}
              data-test-subj="suppressGraph"
            />
            <EuiSpacer size="xs" />
            <EuiSwitch
              compressed
              disabled={readOnly}
              label="Never report"
              checked={form.suppressNotification}
              onChange={(e) => set('suppressNotification', e.target.checked)}
              data-test-subj="suppressNotification"
            />
            <EuiSpacer size="s" />
            {textRow('Test ids (a hit counts only if one failed)', 'testIds', 'testIds', ['testIds'], {
              fullWidth: true,
            })}
            {textRow('Scope: projects', 'projects', 'scopeProjects', ['scope.projects', 'scope'], { fullWidth: true })}
            {textRow('Scope: branches', 'branches', 'scopeBranches', ['scope.branches'], { fullWidth: true })}
            {textRow('Scope: queues', 'queues', 'scopeQueues', ['scope.queues'], { fullWidth: true })}
            {stored && (
              <EuiText size="xs" color="subdued">
                <p>
                  Created {formatDate(stored.created)}, updated {formatDate(stored.updated)}
                  {stored.updatedBy ? ` by ${stored.updatedBy}` : ''} · <SafeLink url={stored.bug.url}>bug</SafeLink>
                </p>
              </EuiText>
            )}
          </EuiPanel>
        </EuiFlexItem>
        <EuiFlexItem style={{ minWidth: 420 }}>
          <EuiTabs size="s">
            <EuiTab isSelected={tab === 'preview'} onClick={() => setTab('preview')} data-test-subj="tabPreview">
              Preview ({rangeLabel})
            </EuiTab>
            <EuiTab isSelected={tab === 'yaml'} onClick={() => setTab('yaml')} data-test-subj="tabYaml">
              YAML
            </EuiTab>
            {id && (
              <EuiTab isSelected={tab === 'history'} onClick={() => setTab('history')} data-test-subj="tabHistory">
                History
              </EuiTab>
            )}
          </EuiTabs>
          <EuiSpacer size="s" />
          {tab === 'preview' && (
            <Preview
              form={form}
              signatureId={stored?.id}
              days={days}
              span={span}
              label={rangeLabel}
              from={from}
              to={to}
            />
          )}
          {tab === 'yaml' &&
            (signature ? (
              <EuiCodeBlock language="yaml" fontSize="s" paddingSize="s" isCopyable data-test-subj="yamlView">
                {`# queries/${signature.id}.yaml\n${formatSignatureYaml(signature)}`}
              </EuiCodeBlock>
            ) : (
              <EuiText size="s" color="subdued" data-test-subj="yamlUnavailable">
                {input.ok ? '' : `Complete the form to see the YAML (${input.message}).`}
              </EuiText>
            ))}
          {tab === 'history' && id && (
            <History
              id={id}
              current={stored}
              readOnly={readOnly}
              onReverted={(s) => {
                setStored(s);
                loaded(formFromSignature(s));
              }}
            />
          )}
        </EuiFlexItem>
      </EuiFlexGroup>
    </div>
  );
}
