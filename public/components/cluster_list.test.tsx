import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { BuildCluster, ClustersResult } from '../../common/api/clusters';
import { RecordedRequest, renderApp } from '../test_support/harness';
import { preview, uncategorizedResult, unexplained } from '../test_support/fixtures';

const UNCAT = 'GET /api/elastic_recheck/uncategorized';
const CLUSTERS = 'GET /api/elastic_recheck/clusters';
/** The default range (now-10d to now) resolved by the page: epoch ms, 10 days apart (checked below). */
const LAST_10_DAYS = { from: expect.any(Number), to: expect.any(Number) };

function cluster(i: number, extra: Partial<BuildCluster> = {}): BuildCluster {
  const line = `controller | Timed out waiting for a reply to message ID ${i}abc <b>not html</b>`;
  return {
    id: `c${String(i).padStart(11, '0')}`,
    template: 'Timed out waiting for a reply to message ID <hex>',
    size: 600 - i,
    jobs: [
      { job: 'tempest-full-py3', builds: 400 - i },
      { job: 'grenade', builds: 200 },
    ],
    projects: [{ project: 'openstack/nova', builds: 600 - i }],
    firstSeen: '2026-11-20T01:00:00.000Z',
    lastSeen: '2026-11-29T01:00:00.000Z',
    trend: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    growth: 1.2,
    samples: [
      {
        uuid: `u${i}`,
        job: 'tempest-full-py3',
        file: 'job-output.txt',
        line,
        common: [[13, 56]],
        logUrl: 'https://logs.example.org/x/job-output.txt',
      },
    ],
    builds: Array.from({ length: 30 }, (_, k) => `u${i}-${k}`),
    proposal: {
      query: 'message:"Timed out waiting for a reply to message ID"',
      title: 'Timed out waiting for a reply to message ID',
      check: { clusterBuilds: 598 - i, otherFailedBuilds: 3, successBuilds: 90, precision: 0.87, warning: true },
    },
    ...extra,
  };
}

function clustersResult(page: number, total = 500): ClustersResult {
  return {
    start: 0,
    end: 1,
    uncategorizedBuilds: 6000,
    clusteredBuilds: 5000,
    withoutLines: 2,
    totalClusters: total,
    page,
    perPage: 10,
    clusters: Array.from({ length: Math.min(10, total - (page - 1) * 10) }, (_, k) => cluster((page - 1) * 10 + k)),
    took: { engineMs: 1, clusteringMs: 1, totalMs: 2, stages: {} },
  };
}

describe('unexplained failures by cluster', () => {
  it('shows one page of clusters with the common part marked as text, the proposal and its check', async () => {
    renderApp('/uncategorized', {
      [UNCAT]: uncategorizedResult(unexplained(2)),
      [CLUSTERS]: (r: RecordedRequest) => clustersResult(Number(r.query.page)),
    });
    const panels = await screen.findAllByTestId('clusterPanel');
    expect(panels).toHaveLength(10);
    expect(screen.getByTestId('clusterSummary').textContent).toContain(
      '5,000 of 6,000 unexplained builds in 500 clusters; 2 without log lines (the newest ones',
    );
    const first = panels[0];
    const sample = within(first).getByTestId('clusterSampleLine');
    expect(sample.querySelector('mark')!.textContent).toBe('Timed out waiting for a reply to message ID');
    // log text is never HTML
    expect(sample.querySelector('b')).toBeNull();
    expect(sample.textContent).toContain('<b>not html</b>');
    expect(within(first).getByTestId('clusterProposal').textContent).toBe(
      'message:"Timed out waiting for a reply to message ID"',
    );
    expect(within(first).getByTestId('clusterProposalCheck').textContent).toMatch(
      /Matches 598 of the 600 builds of the cluster, 3 other failed and 90 successful builds \(precision 87.0 %\).*more than 10 %/,
    );
    expect(within(first).getByTestId('clusterTrend').getAttribute('aria-label')).toBe('trend 0 1 2 3 4 5 6 7 8 9');
  });

  it("sends the page's time range as from/to, an absolute range in the past too", async () => {
    const { requests } = renderApp('/uncategorized?from=2026-11-10T00:00:00.000Z&to=2026-11-12T00:00:00.000Z', {
      [UNCAT]: uncategorizedResult(unexplained(2)),
      [CLUSTERS]: (r: RecordedRequest) => clustersResult(Number(r.query.page)),
    });
    await screen.findAllByTestId('clusterPanel');
    expect(requests.filter((r) => r.path.endsWith('/clusters')).at(-1)!.query).toEqual({
      from: Date.parse('2026-11-10T00:00:00.000Z'),
      to: Date.parse('2026-11-12T00:00:00.000Z'),
      page: 1,
      perPage: 10,
      sort: 'size',
    });
  });

  it('pages and orders through the route, so 500 clusters stay one page of ten', async () => {
    const user = userEvent.setup();
    const { requests } = renderApp('/uncategorized', {
      [UNCAT]: uncategorizedResult(unexplained(2)),
      [CLUSTERS]: (r: RecordedRequest) => clustersResult(Number(r.query.page)),
    });
    await screen.findAllByTestId('clusterPanel');
    const last = () => requests.filter((r) => r.path.endsWith('/clusters')).at(-1)!.query;
    expect(last()).toEqual({ ...LAST_10_DAYS, page: 1, perPage: 10, sort: 'size' });
    const { from, to } = last() as { from: number; to: number };
    expect(to - from).toBe(10 * 86400000);
    await user.click(within(screen.getByTestId('clusterPagination')).getByLabelText('Page 3 of 50'));
    await waitFor(() => expect(last()).toEqual({ ...LAST_10_DAYS, page: 3, perPage: 10, sort: 'size' }));
    await waitFor(() =>
      expect(screen.getAllByTestId('clusterPanel')[0].getAttribute('data-cluster-id')).toBe('c00000000020'),
    );
    await user.selectOptions(screen.getByTestId('clusterSort'), 'growth');
    await waitFor(() => expect(last()).toEqual({ ...LAST_10_DAYS, page: 1, perPage: 10, sort: 'growth' }));
  });

  it('opens the editor with the query, the time range and the cluster builds in one click', async () => {
    const user = userEvent.setup();
    const { history } = renderApp('/uncategorized?from=now-7d&to=now', {
      [UNCAT]: uncategorizedResult(unexplained(2)),
      [CLUSTERS]: clustersResult(1, 1),
      'POST /api/elastic_recheck/query/preview': preview({ samples: [] }),
      'POST /api/elastic_recheck/query/validate': { ok: true, errors: [], warnings: [], rewrites: [] },
    });
    await user.click(await screen.findByTestId('createSignatureFromCluster'));
    expect(history.location.pathname).toBe('/signatures/new');
    const params = new URLSearchParams(history.location.search);
    expect(params.get('query')).toBe('message:"Timed out waiting for a reply to message ID"');
    expect([params.get('from'), params.get('to'), params.get('cluster'), params.get('clusterSize')]).toEqual([
      'now-7d',
      'now',
      'c00000000000',
      '600',
    ]);
    expect(params.get('builds')!.split(',')).toHaveLength(20);
    expect(((await screen.findByTestId('queryInput')) as HTMLTextAreaElement).value).toBe(
      'message:"Timed out waiting for a reply to message ID"',
    );
    const note = screen.getByTestId('clusterNote');
    expect(note.textContent).toContain('From cluster c00000000000 of 600 unexplained builds');
    expect(note.textContent).toContain('u0-0, u0-1');
  });

  it('searches all the clusters through the route, from page 1, and says how many match', async () => {
    const user = userEvent.setup();
    const { requests, history } = renderApp('/uncategorized?clusterPage=4', {
      [UNCAT]: uncategorizedResult(unexplained(2)),
      [CLUSTERS]: (r: RecordedRequest) =>
        r.query.search === 'nomatch'
          ? { ...clustersResult(1, 0), totalClusters: 500, matchingClusters: 0 }
          : r.query.search
            ? { ...clustersResult(1, 13), totalClusters: 500, matchingClusters: 13 }
            : clustersResult(Number(r.query.page)),
    });
    await screen.findAllByTestId('clusterPanel');
    const last = () => requests.filter((r) => r.path.endsWith('/clusters')).at(-1)!.query;
    expect(last()).toEqual({ ...LAST_10_DAYS, page: 4, perPage: 10, sort: 'size' });
    await user.type(screen.getByTestId('clusterSearch'), 'reply to{Enter}');
    await waitFor(() =>
      expect(last()).toEqual({ ...LAST_10_DAYS, page: 1, perPage: 10, sort: 'size', search: 'reply to' }),
    );
    expect(new URLSearchParams(history.location.search).get('clusterSearch')).toBe('reply to');
    await waitFor(() =>
      expect(screen.getByTestId('clusterSummary').textContent).toContain(
        'the rest); 13 match “reply to”; page 1 of 2.',
      ),
    );
    await user.clear(screen.getByTestId('clusterSearch'));
    await user.type(screen.getByTestId('clusterSearch'), 'nomatch{Enter}');
    expect((await screen.findByText('No cluster matches')).textContent).toBe('No cluster matches');
  });

  it('says a proposal made of ordinary text is not checked', async () => {
    const ordinary = cluster(0, {
      proposal: { query: 'message:"Collecting"', title: 'Collecting', check: null, ordinary: true },
    });
    renderApp('/uncategorized', {
      [UNCAT]: uncategorizedResult(unexplained(2)),
      [CLUSTERS]: { ...clustersResult(1, 1), clusters: [ordinary] },
    });
    expect((await screen.findByTestId('clusterProposalOrdinary')).textContent).toContain(
      'logged by successful builds too',
    );
  });

  it('says what to do when there is nothing to cluster', async () => {
    renderApp('/uncategorized', { [UNCAT]: uncategorizedResult(unexplained(2)), [CLUSTERS]: clustersResult(1, 0) });
    expect((await screen.findAllByTestId('emptyState')).map((e) => e.textContent).join(' ')).toContain(
      'nothing to cluster',
    );
  });
});
