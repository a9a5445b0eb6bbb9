/*
 * Failure rates (the landing page, elastic-recheck's graph page): one chart per signature of builds
 * over time by status, failed builds in 24 h and in the window, top jobs, bug link, Discover link.
 */
import React, { useMemo } from 'react';
import {
  EuiBadge,
  EuiFlexGroup,
  EuiFlexItem,
  EuiLink,
  EuiPagination,
  EuiPanel,
  EuiSpacer,
  EuiText,
  EuiTitle,
  EuiToolTip,
} from '@elastic/eui';
import type { Alarm } from '../../common/api/bugs';
import { AlarmBadges, BugSummary, useAlarms } from '../components/bug_info';
import type { SignatureRate } from '../../common/api/rates';
import type { StoredSignature } from '../../common/api/signatures';
import { effectiveQueryString } from '../../common/query/build';
import { useApp, usePageChrome } from '../services/app_context';
import { discoverPath } from '../services/discover';
import { formatNumber, plural } from '../services/format';
import { useLinkProps, useRouter } from '../services/router';
import { resolveRange } from '../services/time_range';
import { useRequest } from '../services/use_request';
import { FilterBar, hasScopeFilters, readFilters, useSetParams, windowRequest } from '../components/filter_bar';
import { LabelledSelect } from '../components/labelled_select';
import { EmptyState, ErrorState, Loading } from '../components/page_state';
import { SafeLink } from '../components/safe_link';
import { CHART_HELP, StatusChart } from '../components/status_chart';

export const RATES_PER_PAGE = 10;

/** What each count on a card means (tooltips and the page's help text). */
export const HELP = {
  fails24: 'Distinct failed builds (any failing result) with a matching log line in the last 24 hours of the range.',
  failsWindow: 'Distinct failed builds (any failing result) with a matching log line anywhere in the range shown.',
  hits: 'Matching log lines in the range, in all builds, passed or failed: one build can have many hits.',
};
export type RatesSort = 'impact' | 'nodeHours' | 'rechecks' | 'window' | 'hits' | 'bug';
export type StaleFilter = 'show' | 'hide' | 'only';

export function sortRates(list: SignatureRate[], sort: RatesSort): SignatureRate[] {
  const out = list.slice();
  const byBug = (a: SignatureRate, b: SignatureRate) => a.bug.id.localeCompare(b.bug.id, 'en', { numeric: true });
  if (sort === 'impact')
    out.sort((a, b) => b.failedBuilds24h - a.failedBuilds24h || b.failedBuilds - a.failedBuilds || byBug(a, b));
  else if (sort === 'nodeHours')
    out.sort(
      (a, b) =>
        (b.impact?.nodeHours ?? 0) - (a.impact?.nodeHours ?? 0) || b.failedBuilds - a.failedBuilds || byBug(a, b),
    );
  else if (sort === 'rechecks')
    out.sort(
      (a, b) =>
        (b.impact?.rechecks ?? 0) - (a.impact?.rechecks ?? 0) ||
        (b.impact?.nodeHours ?? 0) - (a.impact?.nodeHours ?? 0) ||
        byBug(a, b),
    );
  else if (sort === 'window')
    out.sort((a, b) => b.failedBuilds - a.failedBuilds || b.failedBuilds24h - a.failedBuilds24h || byBug(a, b));
  else if (sort === 'hits') out.sort((a, b) => b.hits - a.hits || byBug(a, b));
  else out.sort(byBug);
  return out;
}

function EditLink({ id, children }: { id: string; children: React.ReactNode }) {
  const props = useLinkProps(`/signatures/${encodeURIComponent(id)}`);
  return (
    <EuiLink {...props} data-test-subj="editSignatureLink">
      {children}
    </EuiLink>
  );
}

function SignatureCard({
  rate,
  signature,
  from,
  to,
  alarms,
  window,
}: {
  rate: SignatureRate;
  signature?: StoredSignature;
  from: string;
  to: string;
  alarms: Alarm[];
  /** The answer's window and bucket width (the chart's x domain). */
  window: { start: number; end: number; bucketMs: number };
}) {
  const { services, indexPattern } = useApp();
  const stale = rate.hits === 0;
  const title = rate.title ?? rate.bugInfo?.title;
  const query = signature ? effectiveQueryString(signature) : undefined;
  const discover = signature
    ? services.core.http.basePath.prepend(
        discoverPath({ query: effectiveQueryString(signature), dataViewId: indexPattern, from, to }),
      )
    : undefined;
  return (
    <EuiPanel
      paddingSize="m"
      hasBorder
      data-test-subj={`rate-${rate.signatureId}`}
      // stale: a subdued panel, not faded text (faded text fails the contrast check)
      color={stale ? 'subdued' : undefined}
      aria-label={stale ? `${rate.signatureId} (no hits in the window)` : undefined}
    >
      <EuiFlexGroup gutterSize="m" wrap>
        <EuiFlexItem style={{ minWidth: 280 }}>
          <EuiTitle size="xs">
            <h3>
              <SafeLink url={rate.bug.url} data-test-subj="bugLink" underline>
                {`Bug ${rate.bug.id}`}
              </SafeLink>{' '}
              {title ? <span data-test-subj="signatureTitle">{title}</span> : <em>(no title)</em>}
            </h3>
          </EuiTitle>
          {query && (
            <details data-test-subj="signatureQuery">
              <summary style={{ fontSize: 12, cursor: 'pointer' }}>Query</summary>
              <EuiText size="xs">
                <code style={{ wordBreak: 'break-word' }}>{query}</code>
              </EuiText>
            </details>
          )}
          <BugSummary info={rate.bugInfo} />
          <EuiSpacer size="xs" />
          <EuiFlexGroup gutterSize="s" wrap responsive={false}>
            <EuiFlexItem grow={false}>
              <EuiToolTip content={HELP.fails24}>
                <EuiBadge color={rate.failedBuilds24h > 0 ? 'danger' : 'hollow'} data-test-subj="fails24" tabIndex={0}>
                  {formatNumber(rate.failedBuilds24h)} failed in 24 h
                </EuiBadge>
              </EuiToolTip>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiToolTip content={HELP.failsWindow}>
                <EuiBadge
                  color={rate.failedBuilds > 0 ? 'warning' : 'hollow'}
                  data-test-subj="failsWindow"
                  tabIndex={0}
                >
                  {formatNumber(rate.failedBuilds)} failed in window
                </EuiBadge>
              </EuiToolTip>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiToolTip content={HELP.hits}>
                <EuiBadge color="hollow" data-test-subj="logHits" tabIndex={0}>
                  {formatNumber(rate.hits)} log {plural(rate.hits, 'hit')}
                </EuiBadge>
              </EuiToolTip>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiBadge color={rate.mode === 'explains' ? 'primary' : 'default'}>{rate.mode}</EuiBadge>
            </EuiFlexItem>
            {rate.impact && (
              <EuiFlexItem grow={false}>
                <EuiToolTip
                  content={`Node-hours of the failed builds it explains${rate.impact.withoutDuration ? ` (${rate.impact.withoutDuration} without a duration left out)` : ''}, and how many of them were run again`}
                >
                  <EuiBadge color="hollow" data-test-subj="impact">
                    {formatNumber(Math.round(rate.impact.nodeHours * 10) / 10)} node-hours ·{' '}
                    {formatNumber(rate.impact.rechecks)} rechecks
                  </EuiBadge>
                </EuiToolTip>
              </EuiFlexItem>
            )}
            <AlarmBadges alarms={alarms} />
            {!rate.voting && (
              <EuiFlexItem grow={false}>
                <EuiBadge color="default">non-voting included</EuiBadge>
              </EuiFlexItem>
            )}
            {stale && (
              <EuiFlexItem grow={false}>
                <EuiBadge color="default" data-test-subj="staleBadge">
                  stale
                </EuiBadge>
              </EuiFlexItem>
            )}
          </EuiFlexGroup>
          <EuiSpacer size="s" />
          <EuiText size="xs">
            <strong>Top jobs:</strong>{' '}
            {rate.topJobs.length
              ? rate.topJobs
                  .slice(0, 5)
                  .map((j) => `${j.job} (${formatNumber(j.failedBuilds)})`)
                  .join(', ')
              : 'none'}
          </EuiText>
          <EuiSpacer size="s" />
          <EuiFlexGroup gutterSize="s" responsive={false}>
            <EuiFlexItem grow={false}>
              <EditLink id={rate.signatureId}>Edit signature</EditLink>
            </EuiFlexItem>
            {discover && (
              <EuiFlexItem grow={false}>
                <EuiLink href={discover} data-test-subj="discoverLink">
                  Open in Discover
                </EuiLink>
              </EuiFlexItem>
            )}
          </EuiFlexGroup>
        </EuiFlexItem>
        <EuiFlexItem grow={2} style={{ minWidth: 320 }}>
          {stale ? (
            <EuiText size="s" color="subdued">
              No hits in the window.
            </EuiText>
          ) : (
            <StatusChart
              id={`chart-${rate.signatureId}`}
              series={rate.series}
              title={`Bug ${rate.bug.id}${title ? `: ${title}` : ''}`}
              bucketMs={window.bucketMs}
              domain={window}
            />
          )}
        </EuiFlexItem>
      </EuiFlexGroup>
    </EuiPanel>
  );
}

export function RatesPage() {
  usePageChrome([]);
  const { services } = useApp();
  const router = useRouter();
  const setParams = useSetParams();
  const params = router.location.params;
  const filters = readFilters(params);
  const sort = (params.get('sort') as RatesSort) || 'impact';
  const stale = (params.get('stale') as StaleFilter) || 'show';
  const page = Math.max(0, Number(params.get('page') ?? 1) - 1) || 0;
  const key = JSON.stringify([filters.range, filters.queues, filters.projects, filters.branches]);
  const resolved = resolveRange(filters.range);
  const rangeLabel = resolved.ok ? resolved.label.replace(/^Last/, 'the last') : 'the range';

  const rates = useRequest(
    async (signal) =>
      services.api.rates(
        {
          ...windowRequest(filters.range),
          queues: filters.queues,
          projects: filters.projects,
          branches: filters.branches,
        },
        signal,
      ),
    [key],
  );
  const sigs = useRequest((signal) => services.api.signatures({ perPage: 1000 }, signal), []);
  const alarms = useAlarms();
  const byId = useMemo(() => new Map((sigs.data?.signatures ?? []).map((s) => [s.id, s])), [sigs.data]);

  const visible = useMemo(() => {
    const list = rates.data?.signatures ?? [];
    const filtered = list.filter((r) => (stale === 'hide' ? r.hits > 0 : stale === 'only' ? r.hits === 0 : true));
    return sortRates(filtered, sort);
  }, [rates.data, sort, stale]);
  const pageCount = Math.ceil(visible.length / RATES_PER_PAGE);
  const shown = visible.slice(page * RATES_PER_PAGE, (page + 1) * RATES_PER_PAGE);
  const staleCount = (rates.data?.signatures ?? []).filter((r) => r.hits === 0).length;

  return (
    <div data-test-subj="ratesPage">
      <FilterBar filters={filters} onRefresh={rates.reload} isLoading={rates.loading} />
      <EuiSpacer size="m" />
      <EuiFlexGroup gutterSize="m" alignItems="flexEnd" wrap>
        <EuiFlexItem grow={false}>
          <LabelledSelect
            label="Sort by"
            value={sort}
            onChange={(value) => setParams({ sort: value, page: undefined })}
            options={[
              { value: 'impact', text: 'Recent impact (failed in 24 h)' },
              { value: 'nodeHours', text: 'Node-hours lost' },
              { value: 'rechecks', text: 'Rechecks caused' },
              { value: 'window', text: 'Failed builds in window' },
              { value: 'hits', text: 'Log hits' },
              { value: 'bug', text: 'Bug' },
            ]}
            testSubj="ratesSort"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <LabelledSelect
            label="Stale signatures"
            value={stale}
            onChange={(value) => setParams({ stale: value, page: undefined })}
            options={[
              { value: 'show', text: 'Show (faded)' },
              { value: 'hide', text: 'Hide' },
              { value: 'only', text: 'Only stale' },
            ]}
            testSubj="staleFilter"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          {rates.data && (
            <EuiText size="s" color="subdued" data-test-subj="ratesSummary">
              {formatNumber(rates.data.signatures.length)} graphed signatures, {formatNumber(staleCount)} without hits
              in {rangeLabel}
            </EuiText>
          )}
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiText size="xs" color="subdued" data-test-subj="ratesHelp">
        <p>
          <strong>failed in window</strong>: {HELP.failsWindow} <strong>log hits</strong>: {HELP.hits} Charts:{' '}
          {CHART_HELP}
        </p>
      </EuiText>
      <EuiSpacer size="m" />
      {rates.error && (
        <ErrorState title="Could not load failure rates" error={rates.failure ?? rates.error} onRetry={rates.reload} />
      )}
      {rates.loading && !rates.data && <Loading label="Loading failure rates" />}
      {rates.data && visible.length > 0 && staleCount === rates.data.signatures.length && hasScopeFilters(filters) && (
        <EmptyState
          title="No signature has a hit with these filters"
          body={
            <p>
              Every signature is stale for queues {filters.queues.join(', ') || 'any'}, projects{' '}
              {filters.projects.join(', ') || 'any'}, branches {filters.branches.join(', ') || 'any'}: is a name
              mistyped?
            </p>
          }
          onClearFilters={() =>
            setParams({ queues: undefined, projects: undefined, branches: undefined, page: undefined })
          }
        />
      )}
      {rates.data && !visible.length && (
        <EmptyState
          title="No signatures to show"
          body={<p>No graphed signature matches these filters.</p>}
          onClearFilters={
            hasScopeFilters(filters) || stale !== 'show'
              ? () =>
                  setParams({
                    queues: undefined,
                    projects: undefined,
                    branches: undefined,
                    stale: undefined,
                    page: undefined,
                  })
              : undefined
          }
        />
      )}
      {shown.map((r) => (
        <React.Fragment key={r.signatureId}>
          <SignatureCard
            rate={r}
            signature={byId.get(r.signatureId)}
            from={filters.range.from}
            to={filters.range.to}
            alarms={alarms.get(r.signatureId) ?? []}
            window={rates.data!}
          />
          <EuiSpacer size="s" />
        </React.Fragment>
      ))}
      {pageCount > 1 && (
        <EuiFlexGroup justifyContent="center">
          <EuiFlexItem grow={false}>
            <EuiPagination
              pageCount={pageCount}
              activePage={Math.min(page, pageCount - 1)}
              onPageClick={(p) => setParams({ page: p + 1 })}
              data-test-subj="ratesPagination"
              aria-label="Signature pages"
            />
          </EuiFlexItem>
        </EuiFlexGroup>
      )}
    </div>
  );
}
