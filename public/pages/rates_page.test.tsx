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
    // the stale one is faded and marked
    expect(within(cards[2]).getByTestId('staleBadge')).toBeTruthy();
    expect(cards[2].getAttribute('style')).toContain('opacity');
    expect(requests.find((r) => r.path.endsWith('/rates'))!.query).toEqual({ days: 10 });
    expect(breadcrumbs.at(-1)!.map((b) => b.text)).toEqual(['Elastic Recheck']);
    expect(screen.getByTestId('indexingLag').textContent).toMatch(/^Indexing behind by 3\.0 hours/);
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
      days: 10,
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

  it('says that counts end now when the range ends earlier', async () => {
    const { requests } = renderApp('/?from=now-20d&to=now-10d', {
      [RATES]: ratesResult([]),
      [SIGS]: signatureList([]),
    });
    expect((await screen.findByTestId('windowNote')).textContent).toContain('last 10 days up to now');
    expect(requests.find((r) => r.path.endsWith('/rates'))!.query).toEqual({ days: 10 });
  });

  it('shows the date range as a window in days and an error state with retry', async () => {
    let fail = true;
    const user = setupUser();
    const { requests } = renderApp('/?from=now-36h&to=now', {
      [RATES]: () => {
        if (fail) throw Object.assign(new Error('engine down'), { body: { message: 'engine down' } });
        return ratesResult([]);
      },
      [SIGS]: signatureList([]),
    });
    expect(await screen.findByTestId('errorState')).toBeTruthy();
    expect(screen.getByText('engine down')).toBeTruthy();
    expect(requests.find((r) => r.path.endsWith('/rates'))!.query).toEqual({ days: 2 });
    expect(screen.queryByTestId('windowNote')).toBeNull();
    fail = false;
    await user.click(screen.getByTestId('retryButton'));
    expect(await screen.findByTestId('emptyState')).toBeTruthy();
  });
});
