/* Bug data on the pages: titles, statuses, projects, impact and alarms where a signature appears; the cleanup page. */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { bodyRows, renderApp } from '../test_support/harness';
import { buildResult, rate, ratesResult, signatureList, stored } from '../test_support/fixtures';
import type { Alarm, BugInfo, CleanupResponse } from '../../common/api/bugs';

const info = (id: string, extra: Partial<BugInfo> = {}): BugInfo => ({
  tracker: 'launchpad',
  id,
  url: `https://bugs.launchpad.net/bugs/${id}`,
  availability: 'ok',
  title: `Tracker title ${id}`,
  status: 'open',
  tasks: [{ target: 'nova', status: 'Confirmed' }],
  attempts: 0,
  ...extra,
});
const impact = (id: string, nodeHours: number, rechecks: number) => ({
  signatureId: id,
  failedBuilds: 3,
  nodeHours,
  rechecks,
  withoutDuration: 0,
});
const alarm: Alarm = {
  id: 'alarm:regression:200:x',
  kind: 'regression',
  signatureId: '200',
  bug: { tracker: 'launchpad', id: '200', url: 'u' },
  raisedAt: '2026-11-20T10:00:00.000Z',
  text: 'Regression: bug 200 is back',
  evidence: [],
  reports: {},
};

describe('failure rates', () => {
  const routes = {
    'GET /api/elastic_recheck/rates': ratesResult([
      rate('100', 5, 9, { bugInfo: info('100'), impact: impact('100', 2.5, 1) }),
      rate('200', 1, 2, {
        bugInfo: info('200', { status: 'fixed', tasks: [{ target: 'neutron', status: 'Fix Released' }] }),
        impact: impact('200', 40, 7),
      }),
      rate('300', 0, 1, {
        bugInfo: info('300', { availability: 'private', title: undefined, status: 'unknown', tasks: [] }),
        impact: impact('300', 0, 0),
      }),
      rate('400', 0, 1, {
        bugInfo: info('400', {
          availability: 'unreachable',
          title: undefined,
          status: 'unknown',
          tasks: [],
          error: 'Launchpad bug 400: answered 503',
        }),
      }),
    ]),
    'GET /api/elastic_recheck/signatures': signatureList([stored('100'), stored('200'), stored('300'), stored('400')]),
    'GET /api/elastic_recheck/alarms': { alarms: [alarm] },
  };

  it("shows each bug's title, status and projects, the impact, and the alarm badge; private and unreachable bugs say so", async () => {
    renderApp('/', routes);
    const card = within(await screen.findByTestId('rate-200'));
    expect(card.getByTestId('bugTitle').textContent).toBe('Tracker title 200');
    expect(card.getByTestId('bugStatus').textContent).toBe('bug fixed');
    expect(card.getByTestId('bugProjects').textContent).toBe('Projects: (neutron - Fix Released)');
    expect(card.getByTestId('impact').textContent).toBe('40 node-hours · 7 rechecks');
    await waitFor(() => expect(card.getByTestId('alarm-regression').textContent).toBe('fixed bug is back'));
    expect(within(screen.getByTestId('rate-100')).queryByTestId('alarm-regression')).toBeNull();
    expect(within(screen.getByTestId('rate-300')).getByTestId('bugTitle').textContent).toBe('Unknown (Private Bug)');
    expect(within(screen.getByTestId('rate-400')).getByTestId('bugTitle').textContent).toBe(
      'Unable to get launchpad data',
    );
  });

  it('sorts by node-hours', async () => {
    const user = userEvent.setup();
    const { history } = renderApp('/', routes);
    await screen.findAllByTestId(/^rate-/);
    await user.selectOptions(screen.getByTestId('ratesSort'), 'nodeHours');
    await waitFor(() =>
      expect(screen.getAllByTestId(/^rate-/).map((c) => c.getAttribute('data-test-subj'))).toEqual([
        'rate-200',
        'rate-100',
        'rate-300',
        'rate-400',
      ]),
    );
    expect(history.location.search).toBe('?sort=nodeHours');
  });
});

describe('signatures', () => {
  it("shows the tracker's title and status per row and filters by bug status through the API", async () => {
    const user = userEvent.setup();
    const list = signatureList([stored('100', { title: undefined }), stored('200')]);
    list.signatures[0].bugInfo = info('100', { status: 'fixed' });
    const { requests } = renderApp('/signatures', { 'GET /api/elastic_recheck/signatures': list });
    const row = within(await screen.findByTestId('signatureRow-100'));
    expect(row.getByTestId('bugTitle').textContent).toBe('Tracker title 100');
    expect(row.getByTestId('bugStatus').textContent).toBe('bug fixed');
    expect(within(screen.getByTestId('signatureRow-200')).getByTestId('bugTitle').textContent).toBe(
      'Bug data not fetched yet',
    );
    await user.selectOptions(screen.getByTestId('bugStatusFilter'), 'fixed');
    await waitFor(() =>
      expect(requests.filter((r) => r.path.endsWith('/signatures')).at(-1)!.query).toMatchObject({
        bugStatus: 'fixed',
      }),
    );
  });
});

describe('cleanup', () => {
  const report: CleanupResponse = {
    closedDays: 30,
    silentDays: 90,
    generatedAt: '2026-11-20T12:00:00.000Z',
    items: [
      {
        signatureId: '111',
        bug: { tracker: 'launchpad', id: '111', url: 'https://bugs.launchpad.net/bugs/111' },
        title: 'Old fixed bug',
        bugStatus: 'fixed',
        availability: 'ok',
        lastHit: '2026-09-01T00:00:00.000Z',
        reason: 'bug_closed_and_silent',
        file: 'queries/111.yaml',
      },
      {
        signatureId: '222',
        bug: { tracker: 'launchpad', id: '222', url: 'https://bugs.launchpad.net/bugs/222' },
        bugStatus: 'open',
        availability: 'ok',
        reason: 'silent',
        file: 'queries/222.yaml',
      },
    ],
  };

  it('lists the candidates with bug status, last hit and file, changes the windows through the URL and links the file list', async () => {
    const user = userEvent.setup();
    const { requests, history } = renderApp('/cleanup', { 'GET /api/elastic_recheck/cleanup': report });
    const table = await screen.findByTestId('cleanupTable');
    const rows = bodyRows(table);
    expect(rows.map((r) => r.getAttribute('data-test-subj'))).toEqual(['cleanupRow-111', 'cleanupRow-222']);
    expect(within(rows[0]).getByTestId('bugStatus').textContent).toBe('bug fixed');
    expect(rows[0].textContent).toContain('bug closed, no hit for 30 days');
    expect(rows[0].textContent).toContain('queries/111.yaml');
    expect(rows[1].textContent).toContain('none kept');
    expect(screen.getByTestId('cleanupSummary').textContent).toBe('1 with a closed bug, 1 silent');
    expect(screen.getByTestId('cleanupFiles').getAttribute('href')).toBe(
      '/kbn/api/elastic_recheck/cleanup?format=files',
    );
    await user.clear(screen.getByTestId('closedDays'));
    await user.type(screen.getByTestId('closedDays'), '7');
    await user.click(screen.getByTestId('applyCleanup'));
    await waitFor(() =>
      expect(requests.filter((r) => r.path.endsWith('/cleanup')).at(-1)!.query).toEqual({
        closedDays: 7,
        silentDays: 90,
      }),
    );
    expect(history.location.search).toBe('?closedDays=7&silentDays=90');
  });

  it('says so when there is nothing to clean up, and shows an error with retry', async () => {
    const empty = renderApp('/cleanup', { 'GET /api/elastic_recheck/cleanup': { ...report, items: [] } });
    expect(await screen.findByText('Nothing to clean up')).toBeTruthy();
    empty.unmount();
    renderApp('/cleanup', {
      'GET /api/elastic_recheck/cleanup': () => {
        throw Object.assign(new Error('Bad Gateway'), {
          body: { statusCode: 502, message: 'the search engine could not be reached' },
        });
      },
    });
    // the title names the cause (a 502 from our routes is the engine out of reach), with a Retry
    expect(await screen.findByText('Could not build the cleanup report: engine unreachable')).toBeTruthy();
    expect(screen.getByTestId('errorState').getAttribute('data-cause')).toBe('unreachable');
    expect(screen.getByText(/The search engine that holds the logs and signatures did not answer/)).toBeTruthy();
    expect(screen.getByTestId('retryButton')).toBeTruthy();
  });
});

describe('builds', () => {
  it('shows the bug title and status beside each matched signature', async () => {
    const result = buildResult('abc123', {
      explained: true,
      matches: [
        {
          signatureId: '100',
          bug: { tracker: 'launchpad', id: '100', url: 'https://bugs.launchpad.net/bugs/100' },
          mode: 'explains',
          hits: 1,
          lines: [],
        },
      ],
    });
    renderApp('/builds', {
      'GET /api/elastic_recheck/results': { total: 1, page: 1, perPage: 20, results: [result] },
      'GET /api/elastic_recheck/bugs': { bugs: [info('100', { status: 'fixed' })] },
    });
    await waitFor(() => expect(screen.getByText(/100: Tracker title 100/)).toBeTruthy());
    expect(screen.getAllByTestId('bugStatus')[0].textContent).toBe('bug fixed');
  });
});
