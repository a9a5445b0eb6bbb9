/*
 * Time range (EuiSuperDatePicker, date math) and queue / project / branch filters, kept in the URL so
 * every view is deep-linkable: ?from=now-10d&to=now&queues=gate&projects=a,b&branches=master
 */
import React, { useEffect, useState } from 'react';
import {
  EuiButton,
  EuiFieldText,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiSuperDatePicker,
  EuiText,
} from '@elastic/eui';
import { queryString, useRouter } from '../services/router';
import { ResolvedRange, resolveRange, TimeRange } from '../services/time_range';

export const DEFAULT_RANGE: TimeRange = { from: 'now-10d', to: 'now' };

export interface Filters {
  range: TimeRange;
  queues: string[];
  projects: string[];
  branches: string[];
}

const list = (v: string | null) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function readFilters(params: URLSearchParams): Filters {
  return {
    range: { from: params.get('from') || DEFAULT_RANGE.from, to: params.get('to') || DEFAULT_RANGE.to },
    queues: list(params.get('queues')),
    projects: list(params.get('projects')),
    branches: list(params.get('branches')),
  };
}

/** True when any queue / project / branch filter narrows the page. */
export function hasScopeFilters(f: Filters): boolean {
  return f.queues.length + f.projects.length + f.branches.length > 0;
}

/**
 * The range resolved now into the window sent to the routes, or a bad-input error naming the URL parameter:
 * a page then shows that error instead of data (never the previous range's data under a bad range).
 */
export function windowRequest(range: TimeRange): { from: number; to: number } {
  const r = resolveRange(range);
  if (!r.ok) throw Object.assign(new Error(r.message), { body: { statusCode: 400, message: r.message } });
  return { from: r.from, to: r.to };
}

/** Replaces some URL parameters of the current page, keeping the others. */
export function useSetParams(): (changes: Record<string, string | number | undefined>) => void {
  const router = useRouter();
  return (changes) => {
    const values: Record<string, string | undefined> = {};
    router.location.params.forEach((v, k) => (values[k] = v));
    for (const [k, v] of Object.entries(changes)) values[k] = v === undefined ? undefined : String(v);
    router.navigate(`${router.location.pathname}${queryString(values)}`);
  };
}

/** What the page shows, exactly: "Last 36 hours", or an absolute range's dates; a bad range names its parameter. */
export function RangeLabel({ range }: { range: TimeRange }) {
  const r: ResolvedRange = resolveRange(range);
  return r.ok ? (
    <EuiText size="xs" color="subdued" data-test-subj="rangeLabel">
      <p>Showing: {r.label}</p>
    </EuiText>
  ) : (
    <EuiText size="xs" color="danger" data-test-subj="rangeError" role="alert">
      <p>Time range not applied: {r.message}</p>
    </EuiText>
  );
}

export function FilterBar({
  filters,
  showScope = true,
  onRefresh,
  isLoading,
}: {
  filters: Filters;
  showScope?: boolean;
  onRefresh?: () => void;
  isLoading?: boolean;
}) {
  const setParams = useSetParams();
  // The fields follow the URL's filters by value (a new array with the same entries changes nothing).
  const queuesText = filters.queues.join(', ');
  const projectsText = filters.projects.join(', ');
  const branchesText = filters.branches.join(', ');
  const [queues, setQueues] = useState(queuesText);
  const [projects, setProjects] = useState(projectsText);
  const [branches, setBranches] = useState(branchesText);
  useEffect(() => {
    setQueues(queuesText);
    setProjects(projectsText);
    setBranches(branchesText);
  }, [queuesText, projectsText, branchesText]);
  const apply = (e?: React.FormEvent) => {
    e?.preventDefault();
    const norm = (s: string) => list(s).join(',') || undefined;
    setParams({ queues: norm(queues), projects: norm(projects), branches: norm(branches), page: undefined });
  };
  return (
    <form onSubmit={apply} data-test-subj="filterBar">
      <EuiFlexGroup gutterSize="s" alignItems="flexEnd" wrap>
        {showScope && (
          <>
            <EuiFlexItem grow={false} style={{ minWidth: 140 }}>
              <EuiFormRow label="Queues (comma-separated)" display="rowCompressed">
                <EuiFieldText
                  compressed
                  placeholder="gate, check"
                  value={queues}
                  onChange={(e) => setQueues(e.target.value)}
                  data-test-subj="filterQueues"
                />
              </EuiFormRow>
            </EuiFlexItem>
            <EuiFlexItem grow={false} style={{ minWidth: 180 }}>
              <EuiFormRow label="Projects (comma-separated)" display="rowCompressed">
                <EuiFieldText
                  compressed
                  placeholder="openstack/nova"
                  value={projects}
                  onChange={(e) => setProjects(e.target.value)}
                  data-test-subj="filterProjects"
                />
              </EuiFormRow>
            </EuiFlexItem>
            <EuiFlexItem grow={false} style={{ minWidth: 140 }}>
              <EuiFormRow label="Branches (comma-separated)" display="rowCompressed">
                <EuiFieldText
                  compressed
                  placeholder="master"
                  value={branches}
                  onChange={(e) => setBranches(e.target.value)}
                  data-test-subj="filterBranches"
                />
              </EuiFormRow>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <EuiButton size="s" type="submit" data-test-subj="applyFilters">
                Apply
              </EuiButton>
            </EuiFlexItem>
          </>
        )}
        <EuiFlexItem grow={false}>
          <EuiSuperDatePicker
            start={filters.range.from}
            end={filters.range.to}
            isLoading={isLoading}
            onTimeChange={({ start, end }) => setParams({ from: start, to: end, page: undefined })}
            onRefresh={() => onRefresh?.()}
            commonlyUsedRanges={[
              { start: 'now-24h', end: 'now', label: 'Last 24 hours' },
              { start: 'now-7d', end: 'now', label: 'Last 7 days' },
              { start: 'now-10d', end: 'now', label: 'Last 10 days' },
              { start: 'now-30d', end: 'now', label: 'Last 30 days' },
            ]}
            data-test-subj="datePicker"
          />
        </EuiFlexItem>
      </EuiFlexGroup>
      <RangeLabel range={filters.range} />
    </form>
  );
}
