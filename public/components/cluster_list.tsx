/*
 * Uncategorized failures grouped by cluster (issue 15): one page of clusters (largest or fastest-growing
 * first) with their sample lines (common part marked), jobs, projects, first/last seen, trend, and the
 * proposed signature with its check; "Create signature" opens the editor with the query, the time
 * range and the cluster's builds. Server-side pagination keeps the page light with hundreds of clusters.
 */
import React, { useEffect, useState } from 'react';
import {
  EuiBadge,
  EuiButton,
  EuiCode,
  EuiFieldSearch,
  EuiFlexGroup,
  EuiFlexItem,
  EuiPagination,
  EuiPanel,
  EuiSpacer,
  EuiText,
  EuiTitle,
  EuiToolTip,
} from '@elastic/eui';
import {
  CLUSTERS_PER_PAGE,
  MAX_CHECKED_PROPOSALS,
  type BuildCluster,
  type ClusterSample,
  type ClusterSort,
} from '../../common/api/clusters';
import { useApp } from '../services/app_context';
import { formatDate, formatNumber, formatPercent } from '../services/format';
import { queryString, useRouter } from '../services/router';
import { useRequest } from '../services/use_request';
import type { TimeRange } from '../services/time_range';
import { windowRequest } from './filter_bar';
import { LabelledSelect } from './labelled_select';
import { EmptyState, ErrorState, Loading } from './page_state';

/** Build uuids passed to the editor in its URL (the count is passed too). */
const EDITOR_BUILDS = 20;

/** A sample line with its common part in <mark> elements (text only, never HTML). */
export function CommonLine({ sample }: { sample: ClusterSample }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  sample.common.forEach(([s, e], i) => {
    if (s > at) parts.push(sample.line.slice(at, s));
    parts.push(<mark key={i}>{sample.line.slice(s, e)}</mark>);
    at = e;
  });
  if (at < sample.line.length) parts.push(sample.line.slice(at));
  return (
    <EuiText size="xs">
      <code data-test-subj="clusterSampleLine" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {parts}
      </code>
    </EuiText>
  );
}

/** Builds per bucket as a row of bars (text, so it needs no chart per cluster). */
function Trend({ trend }: { trend: number[] }) {
  const max = Math.max(1, ...trend);
  const bars = '▁▂▃▄▅▆▇█';
  return (
    <EuiToolTip content={`Builds per tenth of the window, oldest first: ${trend.join(', ')}`}>
      <span data-test-subj="clusterTrend" aria-label={`trend ${trend.join(' ')}`} style={{ fontFamily: 'monospace' }}>
        {trend.map((n) => (n === 0 ? '·' : bars[Math.min(7, Math.floor((n / max) * 7))])).join('')}
      </span>
    </EuiToolTip>
  );
}

export function editorPathFor(c: BuildCluster, range: TimeRange): string {
  return `/signatures/new${queryString({
    query: c.proposal.query,
    title: c.proposal.title,
    from: range.from,
    to: range.to,
    cluster: c.id,
    clusterSize: c.size,
    builds: c.builds.slice(0, EDITOR_BUILDS).join(','),
  })}`;
}

function ClusterPanel({ cluster, range }: { cluster: BuildCluster; range: TimeRange }) {
  const router = useRouter();
  const { canWrite } = useApp();
  const check = cluster.proposal.check;
  const path = editorPathFor(cluster, range);
  const top = (list: Array<{ builds: number }>, name: (x: any) => string) =>
    list
      .slice(0, 3)
      .map((x) => `${name(x)} (${x.builds})`)
      .join(', ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');
  return (
    <EuiPanel hasBorder paddingSize="m" data-test-subj="clusterPanel" data-cluster-id={cluster.id}>
      <EuiFlexGroup justifyContent="spaceBetween" alignItems="flexStart" gutterSize="m">
        <EuiFlexItem>
          <EuiTitle size="xxs">
            <h3>
              {formatNumber(cluster.size)} build{cluster.size === 1 ? '' : 's'} · {cluster.jobs.length} job
              {cluster.jobs.length === 1 ? '' : 's'} · {cluster.projects.length} project
              {cluster.projects.length === 1 ? '' : 's'} <Trend trend={cluster.trend} />{' '}
              {cluster.growth > 1.5 && <EuiBadge color="warning">growing</EuiBadge>}
            </h3>
          </EuiTitle>
          <EuiText size="xs" color="subdued">
            <p>
              Jobs: {top(cluster.jobs, (j) => j.job)}. Projects: {top(cluster.projects, (p) => p.project)}. First seen{' '}
              {formatDate(cluster.firstSeen)}, last seen {formatDate(cluster.lastSeen)}. Cluster {cluster.id}.
            </p>
          </EuiText>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButton
            size="s"
            iconType={canWrite ? 'plusInCircle' : 'search'}
            data-test-subj="createSignatureFromCluster"
            href={router.href(path)}
            onClick={(e: React.MouseEvent) => {
              e.preventDefault();
              router.navigate(path);
            }}
          >
            {/* readers open the editor to try the query in the preview */}
            {canWrite ? 'Create signature' : 'Try its query'}
          </EuiButton>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      {cluster.samples.map((s) => (
        <CommonLine key={s.uuid} sample={s} />
      ))}
      <EuiSpacer size="s" />
      <EuiText size="xs">
        <p>
          Proposed signature: <EuiCode data-test-subj="clusterProposal">{cluster.proposal.query}</EuiCode>
        </p>
        {check ? (
          <p data-test-subj="clusterProposalCheck">
            Matches {formatNumber(check.clusterBuilds)} of the {formatNumber(cluster.size)} builds of the cluster,{' '}
            {formatNumber(check.otherFailedBuilds)} other failed and {formatNumber(check.successBuilds)} successful
            builds (precision {formatPercent(check.precision === null ? null : 100 * check.precision)}).{' '}
            {check.warning && <EuiBadge color="danger">more than 10 % of its builds succeeded</EuiBadge>}
          </p>
        ) : cluster.proposal.ordinary ? (
          <p data-test-subj="clusterProposalOrdinary">
            Not checked: its common text is logged by successful builds too, so these builds have no telling line to
            make a signature of.
          </p>
        ) : (
          <p>
            Not checked on the engine (only the {formatNumber(MAX_CHECKED_PROPOSALS)} largest clusters are); the
            editor’s preview checks it.
          </p>
        )}
      </EuiText>
    </EuiPanel>
  );
}

export function ClusterList({
  range,
  filters,
  page,
  sort,
  search,
  onPage,
  onSort,
  onSearch,
}: {
  range: TimeRange;
  filters: { queues?: string[]; projects?: string[]; branches?: string[] };
  page: number;
  sort: ClusterSort;
  /** Only clusters containing this text (server-side, over every cluster, not only this page). */
  search?: string;
  onPage: (page: number) => void;
  onSort: (sort: ClusterSort) => void;
  onSearch: (search: string | undefined) => void;
}) {
  const { services } = useApp();
  const [text, setText] = useState(search ?? '');
  useEffect(() => setText(search ?? ''), [search]);
  const result = useRequest(
    async (signal) =>
      services.api.clusters(
        { ...windowRequest(range), ...filters, page, perPage: CLUSTERS_PER_PAGE, sort, ...(search ? { search } : {}) },
        signal,
      ),
    [JSON.stringify([range, filters, page, sort, search])],
  );
  const data = result.data;
  const shown = data ? (data.matchingClusters ?? data.totalClusters) : 0;
  const pages = data ? Math.max(1, Math.ceil(shown / CLUSTERS_PER_PAGE)) : 1;
  return (
    <div data-test-subj="clusterList">
      <EuiFlexGroup alignItems="flexEnd" justifyContent="spaceBetween" gutterSize="m" wrap>
        <EuiFlexItem grow={false}>
          <EuiTitle size="xs">
            <h2>Unexplained failures by cluster</h2>
          </EuiTitle>
          {data && (
            <EuiText size="xs" color="subdued">
              <p data-test-subj="clusterSummary">
                {formatNumber(data.clusteredBuilds)} of {formatNumber(data.uncategorizedBuilds)} unexplained builds in{' '}
                {formatNumber(data.totalClusters)} clusters
                {data.withoutLines ? `; ${formatNumber(data.withoutLines)} without log lines` : ''}
                {data.clusteredBuilds + data.withoutLines < data.uncategorizedBuilds
                  ? ' (the newest ones; narrow the filters to see the rest)'
                  : ''}
                {data.matchingClusters !== undefined
                  ? `; ${formatNumber(data.matchingClusters)} match “${search}”`
                  : ''}
                {pages > 1 ? `; page ${data.page} of ${formatNumber(pages)}` : ''}.
              </p>
            </EuiText>
          )}
        </EuiFlexItem>
        <EuiFlexItem style={{ minWidth: 260 }}>
          <EuiFieldSearch
            placeholder="Search clusters: text, query, job, project"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onSearch={(value) => onSearch(value.trim() || undefined)}
            isClearable
            fullWidth
            data-test-subj="clusterSearch"
            aria-label="Search clusters"
          />
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <LabelledSelect
            label="Order"
            value={sort}
            options={[
              { value: 'size', text: 'Largest first' },
              { value: 'growth', text: 'Fastest-growing first' },
            ]}
            onChange={(v) => onSort(v as ClusterSort)}
            testSubj="clusterSort"
          />
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      {result.error && (
        <ErrorState
          title="Could not cluster the unexplained failures"
          error={result.failure ?? result.error}
          onRetry={result.reload}
        />
      )}
      {result.loading && !data && <Loading label="Clustering unexplained failures" />}
      {data && !data.clusters.length && search && (
        <EmptyState
          title="No cluster matches"
          body={
            <p>
              No cluster of the {formatNumber(data.totalClusters)} contains “{search}”. Clear the search.
            </p>
          }
        />
      )}
      {data && !data.clusters.length && !search && (
        <EmptyState
          title="No cluster"
          body={
            <p>
              No unexplained failure with log lines in the window: nothing to cluster. Widen the time range or the
              filters.
            </p>
          }
        />
      )}
      {data &&
        data.clusters.map((c) => (
          <React.Fragment key={c.id}>
            <ClusterPanel cluster={c} range={range} />
            <EuiSpacer size="s" />
          </React.Fragment>
        ))}
      {data && pages > 1 && (
        <EuiPagination
          aria-label="Cluster pages"
          pageCount={pages}
          activePage={page - 1}
          onPageClick={(p: number) => onPage(p + 1)}
          data-test-subj="clusterPagination"
        />
      )}
    </div>
  );
}
