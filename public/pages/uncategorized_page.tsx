/*
 * Uncategorized failures: the categorization rate overall and per job, the unexplained failures by
 * cluster (components/cluster_list.tsx), and the failed builds no `explains` signature explains,
 * newest first, with log and Discover links and "new signature".
 */
import React from 'react';
import { Axis, BarSeries, Chart, LIGHT_THEME, Position, ScaleType, Settings } from '@elastic/charts';
import {
  EuiBasicTable,
  EuiButtonEmpty,
  EuiFlexGroup,
  EuiFlexItem,
  EuiInMemoryTable,
  EuiLink,
  EuiPanel,
  EuiSpacer,
  EuiText,
  EuiTitle,
} from '@elastic/eui';
import type { JobCategorization, UnexplainedBuild } from '../../common/api/uncategorized';
import { useApp, usePageChrome } from '../services/app_context';
import { buildQuery, discoverPath } from '../services/discover';
import { formatDate, formatNumber, formatPercent } from '../services/format';
import { queryString, useRouter } from '../services/router';
import { resolveRange } from '../services/time_range';
import { useRequest } from '../services/use_request';
import { FilterBar, hasScopeFilters, readFilters, useSetParams, windowRequest } from '../components/filter_bar';
import { EmptyState, ErrorState, Loading } from '../components/page_state';
import { SafeLink } from '../components/safe_link';
import { ClusterList } from '../components/cluster_list';
import type { ClusterSort } from '../../common/api/clusters';

export const UNEXPLAINED_PER_PAGE = 20;

function Stat({ label, value, testSubj }: { label: string; value: string; testSubj: string }) {
  return (
    <EuiPanel paddingSize="m" hasBorder>
      <EuiText size="xs" color="subdued">
        {label}
      </EuiText>
      <EuiTitle size="m">
        <p data-test-subj={testSubj}>{value}</p>
      </EuiTitle>
    </EuiPanel>
  );
}

export function UncategorizedPage() {
  usePageChrome([{ text: 'Uncategorized failures' }]);
  const { services, indexPattern } = useApp();
  const router = useRouter();
  const setParams = useSetParams();
  const filters = readFilters(router.location.params);
  const page = Math.max(1, Number(router.location.params.get('page') ?? 1) || 1);
  const resolved = resolveRange(filters.range);
  const rangeLabel = resolved.ok ? resolved.label : 'the range';
  const clearFilters = hasScopeFilters(filters)
    ? () => setParams({ queues: undefined, projects: undefined, branches: undefined, page: undefined })
    : undefined;
  const clusterPage = Math.max(1, Number(router.location.params.get('clusterPage') ?? 1) || 1);
  const clusterSort: ClusterSort = router.location.params.get('clusterSort') === 'growth' ? 'growth' : 'size';
  const clusterSearch = router.location.params.get('clusterSearch') || undefined;
  const result = useRequest(
    (signal) =>
      services.api.uncategorized(
        {
          ...windowRequest(filters.range),
          queues: filters.queues,
          projects: filters.projects,
          branches: filters.branches,
          page,
          perPage: UNEXPLAINED_PER_PAGE,
        },
        signal,
      ),
    [JSON.stringify([filters.range, filters.queues, filters.projects, filters.branches, page])],
  );
  const data = result.data;
  const unexplainedTotal = data ? data.failedBuilds - data.explainedBuilds : 0;
  const discover = (q: string) =>
    services.core.http.basePath.prepend(
      discoverPath({ query: q, dataViewId: indexPattern, from: filters.range.from, to: filters.range.to }),
    );

  const jobColumns = [
    { field: 'job', name: 'Job', sortable: true, truncateText: true },
    {
      field: 'failedBuilds',
      name: 'Failed builds',
      sortable: true,
      dataType: 'number' as const,
      render: (n: number) => formatNumber(n),
    },
    {
      field: 'explainedBuilds',
      name: 'Explained',
      sortable: true,
      dataType: 'number' as const,
      render: (n: number) => formatNumber(n),
    },
    {
      field: 'unexplainedBuilds',
      name: 'Unexplained',
      sortable: true,
      dataType: 'number' as const,
      render: (n: number) => formatNumber(n),
    },
    {
      field: 'rate',
      name: 'Categorized',
      sortable: true,
      dataType: 'number' as const,
      render: (n: number) => formatPercent(n),
    },
  ];

  const buildColumns = [
    { field: 'timestamp', name: 'Time', render: (t: string) => formatDate(t), width: '170px' },
    { field: 'job', name: 'Job', truncateText: true },
    { field: 'project', name: 'Project', truncateText: true },
    { field: 'status', name: 'Status', width: '110px' },
    {
      name: 'Change',
      width: '110px',
      render: (b: UnexplainedBuild) =>
        b.change !== undefined ? `${b.change}${b.patchset ? `,${b.patchset}` : ''}` : '–',
    },
    {
      name: 'Links',
      render: (b: UnexplainedBuild) => (
        <EuiFlexGroup gutterSize="s" responsive={false} wrap>
          <EuiFlexItem grow={false}>
            <SafeLink url={b.logRoot ?? b.logUrl} data-test-subj="logLink">
              logs
            </SafeLink>
          </EuiFlexItem>
          <EuiFlexItem grow={false}>
            <EuiLink href={discover(buildQuery(b.uuid))} data-test-subj="buildDiscoverLink">
              Discover
            </EuiLink>
          </EuiFlexItem>
        </EuiFlexGroup>
      ),
    },
    {
      name: '',
      width: '190px',
      render: (b: UnexplainedBuild) => (
        <EuiButtonEmpty
          size="xs"
          iconType="plusInCircle"
          data-test-subj="newSignatureFromBuild"
          href={router.href(
            `/signatures/new${queryString({ build: b.uuid, from: filters.range.from, to: filters.range.to })}`,
          )}
          onClick={(e: React.MouseEvent) => {
            e.preventDefault();
            router.navigate(
              `/signatures/new${queryString({ build: b.uuid, from: filters.range.from, to: filters.range.to })}`,
            );
          }}
        >
          New signature from this build
        </EuiButtonEmpty>
      ),
    },
  ];

  return (
    <div data-test-subj="uncategorizedPage">
      <FilterBar filters={filters} onRefresh={result.reload} isLoading={result.loading} />
      <EuiSpacer size="m" />
      {result.error && (
        <ErrorState
          title="Could not load uncategorized failures"
          error={result.failure ?? result.error}
          onRetry={result.reload}
        />
      )}
      {result.loading && !data && <Loading label="Loading uncategorized failures" />}
      {data && (
        <>
          <EuiFlexGroup gutterSize="m" wrap>
            <EuiFlexItem>
              <Stat
                label={`Categorization rate (${rangeLabel})`}
                value={formatPercent(data.rate)}
                testSubj="categorizationRate"
              />
            </EuiFlexItem>
            <EuiFlexItem>
              <Stat label="Failed builds" value={formatNumber(data.failedBuilds)} testSubj="failedBuilds" />
            </EuiFlexItem>
            <EuiFlexItem>
              <Stat
                label="Explained by a signature"
                value={formatNumber(data.explainedBuilds)}
                testSubj="explainedBuilds"
              />
            </EuiFlexItem>
            <EuiFlexItem>
              <Stat label="Unexplained" value={formatNumber(unexplainedTotal)} testSubj="unexplainedBuilds" />
            </EuiFlexItem>
          </EuiFlexGroup>
          <EuiSpacer />
          <EuiTitle size="xs">
            <h2>Categorization rate per job</h2>
          </EuiTitle>
          <EuiSpacer size="s" />
          {data.jobs.length ? (
            <EuiFlexGroup wrap>
              <EuiFlexItem style={{ minWidth: 320 }}>
                <div role="img" aria-label="Categorization rate per job" data-test-subj="jobRateChart">
                  <Chart size={{ height: Math.min(400, 40 + 22 * Math.min(15, data.jobs.length)) }}>
                    <Settings baseTheme={LIGHT_THEME} rotation={90} />
                    <BarSeries
                      id="jobRate"
                      name="categorized %"
                      xScaleType={ScaleType.Ordinal}
                      yScaleType={ScaleType.Linear}
                      xAccessor="job"
                      yAccessors={['rate']}
                      data={data.jobs
                        .slice(0, 15)
                        .map((j: JobCategorization) => ({ job: j.job, rate: Math.round(j.rate * 10) / 10 }))}
                    />
                    <Axis id="job" position={Position.Left} />
                    <Axis
                      id="rate"
                      position={Position.Bottom}
                      domain={{ min: 0, max: 100 }}
                      tickFormat={(v: number) => `${v}%`}
                    />
                  </Chart>
                </div>
              </EuiFlexItem>
              <EuiFlexItem style={{ minWidth: 420 }}>
                <EuiInMemoryTable
                  items={data.jobs}
                  columns={jobColumns}
                  pagination={{ initialPageSize: 10, pageSizeOptions: [10, 25, 50] }}
                  sorting={{ sort: { field: 'unexplainedBuilds', direction: 'desc' } }}
                  data-test-subj="jobTable"
                  tableCaption="Categorization rate per job"
                />
              </EuiFlexItem>
            </EuiFlexGroup>
          ) : (
            <EmptyState
              title="No failed builds in the window"
              body={clearFilters ? <p>Nothing failed with these filters: is a name mistyped?</p> : undefined}
              onClearFilters={clearFilters}
            />
          )}
          <EuiSpacer />
          <ClusterList
            range={filters.range}
            filters={{ queues: filters.queues, projects: filters.projects, branches: filters.branches }}
            page={clusterPage}
            sort={clusterSort}
            search={clusterSearch}
            onPage={(p) => setParams({ clusterPage: p })}
            onSort={(s) => setParams({ clusterSort: s, clusterPage: undefined })}
            onSearch={(q) => setParams({ clusterSearch: q, clusterPage: undefined })}
          />
          <EuiSpacer />
          <EuiTitle size="xs">
            <h2>Unexplained failed builds, newest first</h2>
          </EuiTitle>
          <EuiSpacer size="s" />
          {data.unexplained.length || page > 1 ? (
            <EuiBasicTable
              items={data.unexplained}
              columns={buildColumns}
              rowHeader="job"
              tableCaption="Unexplained failed builds"
              data-test-subj="unexplainedTable"
              pagination={{
                pageIndex: page - 1,
                pageSize: UNEXPLAINED_PER_PAGE,
                totalItemCount: unexplainedTotal,
                showPerPageOptions: false,
              }}
              onChange={({ page: p }: { page?: { index: number } }) => p && setParams({ page: p.index + 1 })}
            />
          ) : (
            <EmptyState
              title={data.failedBuilds ? 'Every failed build is explained' : 'No failed builds to explain'}
              body={
                <p>
                  {data.failedBuilds
                    ? 'No unexplained failure in the window.'
                    : `No failed build in ${rangeLabel.replace(/^Last/, 'the last')}${clearFilters ? ' with these filters' : ''}.`}
                </p>
              }
              onClearFilters={clearFilters}
            />
          )}
        </>
      )}
    </div>
  );
}
