import { screen, waitFor, within } from '@testing-library/react';
import { renderApp, setupUser } from '../test_support/harness';
import { rate, ratesResult, signatureList, stored } from '../test_support/fixtures';

const RATES = 'GET /api/elastic_recheck/rates';
const SIGS = 'GET /api/elastic_recheck/signatures';

function routes(n = 3) {
  const list = [rate('100', 1, 5), rate('200', 4, 6), rate('300', 0, 0)];
  for (let i = 0; i < n - 3; i++) list.push(rate(String(1000 + i), 0, i + 1));
  return {
    [RATES]: ratesResult(list),
    [SIGS]: signatureList([stored('100'), stored('200', { allowNonvoting: true }), stored('300')]),
  };
}

describe('failure rates page', () => {
  it('shows one card per signature, most recent impact first, with bug link, counts, top jobs and Discover link', async () => {
    const { requests, breadcrumbs } = renderApp('/', routes());
    const cards = await screen.findAllByTestId(/^rate-/);
    expect(cards.map((c) => c.getAttribute('data-test-subj'))).toEqual(['rate-200', 'rate-100', 'rate-300']);
    const first = within(cards[0]);
    expect(first.getByTestId('fails24').textContent).toBe('4 failed in 24 h');
    expect(first.getByTestId('failsWindow').textContent).toBe('6 failed in window');
    expect(first.getByTestId('bugLink').getAttribute('href')).toBe('https://bugs.launchpad.net/bugs/200');
    expect(first.getByText(/job-200 \(6\)/)).toBeTruthy();
    await waitFor(() => expect(first.getByTestId('discoverLink')).toBeTruthy());
    const href = decodeURIComponent(first.getByTestId('discoverLink').getAttribute('href')!);
    expect(href).toBe(
      `/kbn/app/discover#/?_g=(time:(from:now-10d,to:now))&_a=(dataSource:(dataViewId:'logstash-logs-*',type:dataView),query:(language:lucene,query:'message:"error 200"'))`,
    );
    // the stale one is marked and named so (a subdued panel, its text at full contrast)
    expect(within(cards[2]).getByTestId('staleBadge')).toBeTruthy();
    expect(cards[2].getAttribute('aria-label')).toContain('(no hits in the window)');
    expect(cards[2].getAttribute('style') ?? '').not.toContain('opacity');
    const q = requests.find((r) => r.path.endsWith('/rates'))!.query as { from: number; to: number };
    expect(q.to - q.from).toBe(10 * 86400000);
    expect(breadcrumbs.at(-1)!.map((b) => b.text)).toEqual(['Elastic Recheck']);
    // 3 hours without a new line for a range ending now: a warning, explained, not "indexing behind" in red
    expect(screen.getByTestId('indexingLag').textContent).toBe(
      'Newest log 3.0 hours old (2026-11-20 10:00:00 UTC): recent builds may be missing',
    );
    expect(screen.getByTestId('rangeLabel').textContent).toBe('Showing: Last 10 days');
    // counts explained; the chart has a legend of the results it shows
    expect(first.getByTestId('statusLegend').textContent).toBe('FAILURE');
    expect(first.getByTestId('signatureTitle').textContent).toBe('Bug title 200');
    expect(screen.getByTestId('ratesHelp').textContent).toContain('one build can have many hits');
  });

  it('filters by queue, project and branch through the route, and hides or isolates stale signatures', async () => {
    const user = setupUser();
    const { requests, history } = renderApp('/', routes());
    await screen.findAllByTestId(/^rate-/);
    await user.type(screen.getByTestId('filterQueues'), 'gate');
    await user.type(screen.getByTestId('filterProjects'), 'openstack/nova, openstack/neutron');
    await user.click(screen.getByTestId('applyFilters'));
    await waitFor(() => expect(requests.filter((r) => r.path.endsWith('/rates'))).toHaveLength(2));
    expect(requests.filter((r) => r.path.endsWith('/rates'))[1].query).toEqual({
      from: expect.any(Number),
      to: expect.any(Number),
      queues: 'gate',
      projects: 'openstack/nova,openstack/neutron',
    });
    expect(history.location.search).toBe('?queues=gate&projects=openstack%2Fnova%2Copenstack%2Fneutron');

    await user.selectOptions(screen.getByTestId('staleFilter'), 'only');
    await waitFor(() =>
      expect(screen.getAllByTestId(/^rate-/).map((c) => c.getAttribute('data-test-subj'))).toEqual(['rate-300']),
    );
    await user.selectOptions(screen.getByTestId('staleFilter'), 'hide');
    await waitFor(() => expect(screen.getAllByTestId(/^rate-/)).toHaveLength(2));
  });

  it('sorts by failures in the window and paginates long lists', async () => {
    const user = setupUser();
    renderApp('/', routes(25));
    await screen.findAllByTestId(/^rate-/);
    expect(screen.getAllByTestId(/^rate-/)).toHaveLength(10);
    await user.selectOptions(screen.getByTestId('ratesSort'), 'window');
    await waitFor(() => expect(screen.getAllByTestId(/^rate-/)[0].getAttribute('data-test-subj')).toBe('rate-1021'));
    await user.click(within(screen.getByTestId('ratesPagination')).getByLabelText(/Page 3 of 3/));
    await waitFor(() => expect(screen.getAllByTestId(/^rate-/)).toHaveLength(5));
  });

  it('sends an absolute range in the past as it is, and labels it with its dates', async () => {
    const { requests } = renderApp('/?from=2026-11-10T00:00:00.000Z&to=2026-11-12T00:00:00.000Z', {
      [RATES]: ratesResult([]),
      [SIGS]: signatureList([]),
    });
    expect((await screen.findByTestId('rangeLabel')).textContent).toBe('Showing: 2026-11-10 to 2026-11-12 UTC');
    await waitFor(() => expect(requests.some((r) => r.path.endsWith('/rates'))).toBe(true));
    expect(requests.find((r) => r.path.endsWith('/rates'))!.query).toEqual({
      from: Date.parse('2026-11-10T00:00:00.000Z'),
      to: Date.parse('2026-11-12T00:00:00.000Z'),
    });
    // the logs (newest 2026-11-20) reach past the range's end
    expect(screen.getByTestId('indexingLag').textContent).toMatch(/^Logs cover the range shown/);
  });

  it('a bad range names its parameter and asks nothing of the server', async () => {
    const { requests } = renderApp('/?from=yesterdayish&to=now', {
      [RATES]: ratesResult([rate('100', 1, 5)]),
      [SIGS]: signatureList([]),
    });
    expect((await screen.findByTestId('rangeError')).textContent).toContain('from: "yesterdayish"');
    expect((await screen.findByTestId('errorState')).getAttribute('data-cause')).toBe('bad_input');
    expect(screen.queryAllByTestId(/^rate-/)).toHaveLength(0);
    expect(requests.filter((r) => r.path.endsWith('/rates'))).toHaveLength(0);
  });

  it('labels now-36h as the last 36 hours; an unreachable engine is named, with a Retry that works', async () => {
    let fail = true;
    const user = setupUser();
    const { requests } = renderApp('/?from=now-36h&to=now', {
      [RATES]: () => {
        if (fail)
          throw Object.assign(new Error('Bad Gateway'), {
            body: { statusCode: 502, message: 'engine answered 502: proxy_error: connect ECONNREFUSED 127.0.0.1:9200' },
          });
        return ratesResult([]);
      },
      [SIGS]: signatureList([]),
    });
    const error = await screen.findByTestId('errorState');
    expect(error.getAttribute('data-cause')).toBe('unreachable');
    expect(error.textContent).toContain('Could not load failure rates: engine unreachable');
    expect(error.textContent).not.toMatch(/ECONNREFUSED|proxy_error/);
    expect(screen.getByTestId('rangeLabel').textContent).toBe('Showing: Last 36 hours');
    const q = requests.find((r) => r.path.endsWith('/rates'))!.query as { from: number; to: number };
    expect(q.to - q.from).toBe(36 * 3600000);
    fail = false;
    await user.click(screen.getByTestId('retryButton'));
    expect(await screen.findByTestId('emptyState')).toBeTruthy();
  });

  it('a mistyped project: every card stale, said plainly, with clear filters', async () => {
    const user = setupUser();
    const { history } = renderApp('/?projects=openstack/nvoa', {
      [RATES]: ratesResult([rate('100', 0, 0), rate('200', 0, 0)]),
      [SIGS]: signatureList([]),
    });
    await screen.findAllByTestId(/^rate-/);
    expect(screen.getByText('No signature has a hit with these filters')).toBeTruthy();
    await user.click(screen.getByTestId('clearFilters'));
    await waitFor(() => expect(history.location.search).toBe(''));
  });
});
