import { screen, waitFor, within } from '@testing-library/react';
import { bodyRows, RecordedRequest, renderApp, setupUser } from '../test_support/harness';
import { preview, uncategorizedResult, unexplained } from '../test_support/fixtures';

const UNCAT = 'GET /api/elastic_recheck/uncategorized';

describe('uncategorized failures page', () => {
  it('shows the categorization rate overall and per job, and unexplained builds with safe log and Discover links', async () => {
    renderApp('/uncategorized', { [UNCAT]: uncategorizedResult(unexplained(20)) });
    expect((await screen.findByTestId('categorizationRate')).textContent).toBe('55.0 %');
    expect(screen.getByTestId('failedBuilds').textContent).toBe('100');
    expect(screen.getByTestId('unexplainedBuilds').textContent).toBe('45');
    const jobs = screen.getByTestId('jobTable');
    // most unexplained first
    expect(bodyRows(jobs)[0].textContent).toContain('tempest-full-1');
    expect(bodyRows(jobs)[0].textContent).toContain('37.5 %');
    const table = screen.getByTestId('unexplainedTable');
    const rows = bodyRows(table);
    expect(rows).toHaveLength(20);
    expect(within(rows[0]).getByTestId('logLink').getAttribute('href')).toBe('https://logs.example.org/build/0/');
    expect(decodeURIComponent(within(rows[0]).getByTestId('buildDiscoverLink').getAttribute('href')!)).toContain(
      `query:(language:lucene,query:'build_uuid:"abcdef000000"')`,
    );
  });

  it('paginates through the route, newest first', async () => {
    const user = setupUser();
    const { requests } = renderApp('/uncategorized', {
      [UNCAT]: (r: RecordedRequest) =>
        uncategorizedResult(
          unexplained(r.query.page === 3 ? 5 : 20, ((Number(r.query.page) || 1) - 1) * 20),
          Number(r.query.page) || 1,
        ),
    });
    await screen.findByTestId('unexplainedTable');
    await user.click(screen.getByLabelText('Page 3 of 3'));
    await waitFor(() =>
      expect(requests.filter((r) => r.path.endsWith('/uncategorized')).at(-1)!.query).toEqual({
        from: expect.any(Number),
        to: expect.any(Number),
        page: 3,
        perPage: 20,
      }),
    );
    await waitFor(() => expect(bodyRows(screen.getByTestId('unexplainedTable'))).toHaveLength(5));
    expect(bodyRows(screen.getByTestId('unexplainedTable'))[0].textContent).toContain('tempest-full-1');
  });

  it('opens the editor pre-filled from a build', async () => {
    const user = setupUser();
    const { history } = renderApp('/uncategorized?from=now-7d&to=now', {
      [UNCAT]: uncategorizedResult(unexplained(2)),
      'POST /api/elastic_recheck/query/preview': preview({ samples: [] }),
    });
    const rows = bodyRows(await screen.findByTestId('unexplainedTable'));
    await user.click(within(rows[0]).getByTestId('newSignatureFromBuild'));
    expect(history.location.pathname).toBe('/signatures/new');
    expect(history.location.search).toBe('?build=abcdef000000&from=now-7d&to=now');
    expect((await screen.findByTestId('buildNote')).textContent).toMatch(/abcdef000000/);
  });

  it('says so when every failure is explained', async () => {
    renderApp('/uncategorized', {
      [UNCAT]: { ...uncategorizedResult([], 1, 0), failedBuilds: 0, explainedBuilds: 0, rate: null, jobs: [] },
    });
    expect((await screen.findByTestId('categorizationRate')).textContent).toBe('–');
    expect(screen.getAllByTestId('emptyState').map((e) => e.textContent)).toEqual([
      'No failed builds in the window',
      'No failed builds to explainNo failed build in the last 10 days.',
    ]);
  });

  it('nothing failed with a mistyped project: said so, with clear filters', async () => {
    const user = setupUser();
    const { history } = renderApp('/uncategorized?projects=openstack/nvoa', {
      [UNCAT]: { ...uncategorizedResult([], 1, 0), failedBuilds: 0, explainedBuilds: 0, rate: null, jobs: [] },
    });
    await screen.findByTestId('categorizationRate');
    expect(screen.getAllByTestId('emptyState')[1].textContent).toContain(
      'No failed build in the last 10 days with these filters',
    );
    await user.click(screen.getAllByTestId('clearFilters')[0]);
    await waitFor(() => expect(history.location.search).toBe(''));
  });
});
