import { act, screen, waitFor, within } from '@testing-library/react';
import { bodyRows, RecordedRequest, renderApp, setupUser } from '../test_support/harness';
import { buildResult, classified, preview } from '../test_support/fixtures';

const RESULTS = 'GET /api/elastic_recheck/results';
const CLASSIFY = 'POST /api/elastic_recheck/classify';

describe('builds page', () => {
  it('lists recent classified failures with what they matched and where they were reported, paginated', async () => {
    const user = setupUser();
    const { requests, history } = renderApp('/builds', {
      [RESULTS]: (r: RecordedRequest) => ({
        total: 25,
        page: Number(r.query.page),
        perPage: 20,
        results: Array.from({ length: r.query.page === 2 ? 5 : 20 }, (_, i) =>
          buildResult(
            `abcdef${String(i).padStart(6, '0')}`,
            i === 1 ? { explained: false, matches: [], reports: {} } : {},
          ),
        ),
      }),
    });
    const table = await screen.findByTestId('resultsTable');
    const rows = bodyRows(table);
    expect(rows).toHaveLength(20);
    expect(rows[0].textContent).toContain('explained');
    expect(rows[0].textContent).toContain('2031001: No valid host');
    expect(rows[0].textContent).toContain('gerrit: sent');
    expect(rows[1].textContent).toContain('unexplained');
    await user.click(within(rows[0]).getByTestId('matchBadge'));
    expect(history.location.pathname).toBe('/signatures/2031001');
    act(() => history.push('/builds'));
    await user.click(await screen.findByLabelText('Page 2 of 2'));
    await waitFor(() =>
      expect(requests.filter((r) => r.path.endsWith('/results')).at(-1)!.query).toEqual({
        page: 2,
        perPage: 20,
        from: expect.any(Number),
        to: expect.any(Number),
      }),
    );
    // the intake time is named as such, with what it means
    expect(screen.getByTestId('resultsTable').querySelector('thead')!.textContent).toContain('Taken in');
  }, 150000); // twenty rows, the editor and back: slow on a busy machine, never timed

  it('says when a build was classified on incomplete logs, and shows the query as it ran', async () => {
    const base = classified([{ line: 'ERROR No valid host was found', link: 'https://logs.example.org/x#L3' }]);
    if (base.kind !== 'classified') throw new Error('fixture');
    const answer = {
      ...base,
      matches: [{ ...base.matches[0], ranAs: 'message:"No valid host" AND filename:"screen-n-cpu.txt"' }],
      incomplete: {
        ready: false,
        files: ['job-output.txt'],
        missingFiles: ['screen-n-cpu.txt'],
        markerFound: false,
        attempts: 1,
        waitedMs: 0,
      },
    };
    renderApp('/builds?uuid=abcdef123456', {
      [RESULTS]: { total: 0, page: 1, perPage: 20, results: [] },
      [CLASSIFY]: answer,
    });
    const notice = await screen.findByTestId('classifyIncomplete');
    expect(notice.textContent).toContain('Classified on incomplete logs');
    expect(notice.textContent).toContain('Missing files: screen-n-cpu.txt.');
    expect(notice.textContent).toContain('The end-of-log line has not been indexed yet.');
    expect(screen.getByTestId('ranAs-2031001').textContent).toBe(
      'Ran as (old-schema fields translated): message:"No valid host" AND filename:"screen-n-cpu.txt"',
    );
  });

  it('classifies a build by its change alone, checks each field at that field, and puts the search in the URL', async () => {
    const user = setupUser();
    const { requests, history } = renderApp('/builds', {
      [RESULTS]: { total: 0, page: 1, perPage: 20, results: [] },
      [CLASSIFY]: classified([{ line: 'ERROR No valid host was found', link: 'https://logs.example.org/x#L3' }]),
    });
    expect((await screen.findByTestId('emptyState')).textContent).toContain('No classified failures yet');
    await user.click(screen.getByTestId('classifySubmit'));
    expect(screen.getByTestId('classifyFormError').textContent).toBe('Change: enter a change number (or a build uuid)');
    await user.type(screen.getByTestId('classifyChange'), '812345');
    await user.type(screen.getByTestId('classifyPatchset'), 'latest');
    await user.click(screen.getByTestId('classifySubmit'));
    expect(screen.getByTestId('classifyFormError').textContent).toBe(
      'Patchset: expected a patchset number (leave empty for the latest)',
    );
    expect(screen.getByTestId('classifyPatchset').getAttribute('aria-invalid')).toBe('true');
    await user.clear(screen.getByTestId('classifyPatchset'));
    await user.click(screen.getByTestId('classifySubmit'));
    expect((await screen.findByTestId('classifyVerdict')).textContent).toContain('Explained by a known bug');
    expect(requests.find((r) => r.path.endsWith('/classify'))!.body).toEqual({ change: 812345 });
    expect(history.location.search).toBe('?change=812345');
    await waitFor(() => expect(requests.filter((r) => r.path.endsWith('/results')).at(-1)!.query.change).toBe(812345));
  });

  it('/builds?change=964960 classifies the change and searches the list by it; project, job and result search too', async () => {
    const user = setupUser();
    const { requests, history } = renderApp('/builds?change=964960', {
      [RESULTS]: {
        total: 1,
        page: 1,
        perPage: 20,
        results: [buildResult('abcdef000001', { explained: false, matches: [] })],
      },
      [CLASSIFY]: classified([{ line: 'ERROR No valid host was found', link: 'https://logs.example.org/x#L3' }]),
    });
    await screen.findByTestId('classifyResult');
    expect(requests.find((r) => r.path.endsWith('/classify'))!.body).toEqual({ change: 964960 });
    expect((screen.getByTestId('classifyChange') as HTMLInputElement).value).toBe('964960');
    expect(requests.find((r) => r.path.endsWith('/results'))!.query).toMatchObject({ change: 964960 });
    await user.clear(screen.getByTestId('classifyChange'));
    await user.type(screen.getByTestId('searchProject'), 'openstack/nova');
    await user.type(screen.getByTestId('classifyJob'), 'tempest-full');
    await user.selectOptions(screen.getByTestId('searchStatus'), 'TIMED_OUT');
    await user.click(screen.getByTestId('searchSubmit'));
    expect(history.location.search).toBe('?job=tempest-full&project=openstack%2Fnova&status=TIMED_OUT');
    await waitFor(() =>
      expect(requests.filter((r) => r.path.endsWith('/results')).at(-1)!.query).toMatchObject({
        job: 'tempest-full',
        project: 'openstack/nova',
        status: 'TIMED_OUT',
      }),
    );
    await user.click(screen.getByTestId('clearSearch'));
    expect(history.location.search).toBe('');
  });

  it('a change stands for its newest failed build: the page says which was taken and that newer ones passed', async () => {
    const base = classified([{ line: 'ERROR No valid host was found', link: 'https://logs.example.org/x#L3' }]);
    if (base.kind !== 'classified') throw new Error('fixture');
    renderApp('/builds?change=812345', {
      [RESULTS]: { total: 0, page: 1, perPage: 20, results: [] },
      [CLASSIFY]: { ...base, taken: { uuid: base.build.uuid, builds: 3, newerNotFailed: 2 } },
    });
    const taken = await screen.findByTestId('classifyTaken');
    expect(taken.textContent).toBe(
      'Taken: the newest failed build of change 812345, of its 3 indexed builds. 2 newer builds of the change passed; see the builds of change 812345.',
    );
    expect(within(taken).getByTestId('changeBuildsLink').getAttribute('href')).toBe(
      '/kbn/app/elasticRecheck/builds?change=812345',
    );
    expect(screen.getByTestId('classifyVerdict').textContent).toContain('Explained by a known bug');
  });

  it('a change with no failed build says plainly there is nothing to explain, and links its builds', async () => {
    const user = setupUser();
    const { history } = renderApp('/builds?change=964960&job=tempest-full', {
      [RESULTS]: { total: 0, page: 1, perPage: 20, results: [] },
      [CLASSIFY]: {
        kind: 'no_failed_build',
        ref: { change: 964960, job: 'tempest-full' },
        builds: 2,
        newest: { uuid: 'abcdef999999', job: 'tempest-full', status: 'SUCCESS', change: 964960, patchset: '4' },
      },
    });
    const answer = await screen.findByTestId('classifyNoFailed');
    expect(answer.textContent).toContain('No failed build of change 964960');
    expect(answer.textContent).toContain(
      'Nothing to explain: none of the 2 indexed builds of the change for job tempest-full failed. The newest is tempest-full, SUCCESS, build abcdef999999.',
    );
    expect(screen.queryByTestId('nextSteps')).toBeNull();
    expect(screen.queryByTestId('classifyVerdict')).toBeNull();
    await user.click(within(answer).getByTestId('changeBuildsLink'));
    expect(history.location.search).toBe('?change=964960');
  });

  it('an unexplained build says what to do next: logs, Discover, a signature pre-filled from it, recheck advice', async () => {
    const user = setupUser();
    const base = classified([]);
    if (base.kind !== 'classified') throw new Error('fixture');
    const { history } = renderApp('/builds?uuid=abcdef123456', {
      [RESULTS]: { total: 0, page: 1, perPage: 20, results: [] },
      [CLASSIFY]: {
        ...base,
        build: {
          ...base.build,
          logRoot: 'https://logs.example.org/abcdef123456/',
          lastTimestamp: '2026-11-10T12:00:00.000Z',
        },
        matches: [],
        explained: false,
      },
      'POST /api/elastic_recheck/query/preview': preview({ samples: [] }),
    });
    const next = await screen.findByTestId('nextSteps');
    expect(screen.getByTestId('classifyVerdict').textContent).toContain('No signature matched: uncategorized');
    expect(next.textContent).toContain('recheck');
    expect(within(next).getByTestId('nextLogs').getAttribute('href')).toBe('https://logs.example.org/abcdef123456/');
    expect(decodeURIComponent(within(next).getByTestId('nextDiscover').getAttribute('href')!)).toContain(
      'build_uuid:"abcdef123456"',
    );
    await user.click(within(next).getByTestId('nextNewSignature'));
    expect(history.location.pathname).toBe('/signatures/new');
    // with a range that holds the build, so the editor finds its telling line
    expect(history.location.search).toBe('?build=abcdef123456&from=2026-11-09T12%3A00%3A00.000Z&to=now');
  });

  it('an unreachable engine is named, never shown as raw proxy text, with a Retry', async () => {
    let down = true;
    const user = setupUser();
    renderApp('/builds', {
      [RESULTS]: () => {
        if (down)
          throw Object.assign(new Error('Bad Gateway'), {
            body: { statusCode: 502, message: 'engine answered 502: proxy_error: connect ECONNREFUSED 127.0.0.1:9200' },
          });
        return { total: 0, page: 1, perPage: 20, results: [] };
      },
    });
    const error = await screen.findByTestId('errorState');
    expect(error.textContent).toContain('engine unreachable');
    expect(document.body.textContent).not.toMatch(/ECONNREFUSED|proxy_error/);
    down = false;
    await user.click(screen.getByTestId('retryButton'));
    expect((await screen.findByTestId('emptyState')).textContent).toContain('No classified failures yet');
  });

  it('classifies a build from a deep link by uuid and reports a build without logs', async () => {
    renderApp('/builds?uuid=abcdef123456', {
      [RESULTS]: { total: 0, page: 1, perPage: 20, results: [] },
      [CLASSIFY]: {
        kind: 'not_ready',
        readiness: { ready: false, files: [], missingFiles: ['job-output.txt'], attempts: 1, waitedMs: 0 },
      },
    });
    expect((await screen.findByTestId('classifyNotReady')).textContent).toContain('job-output.txt');
  });
});

describe('engine text is data, never markup', () => {
  const SCRIPT_LINE = 'ERROR <script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> failed';
  const JS_URL = 'javascript:window.__pwned=3';

  it('renders a <script> log line as text and a javascript: log URL as inert text (classify answer)', async () => {
    renderApp('/builds?uuid=abcdef123456', {
      [RESULTS]: { total: 0, page: 1, perPage: 20, results: [] },
      [CLASSIFY]: classified([{ line: SCRIPT_LINE, link: JS_URL }]),
    });
    const result = await screen.findByTestId('classifyResult');
    expect(result.querySelector('script')).toBeNull();
    expect(result.querySelector('img')).toBeNull();
    expect(result.textContent).toContain('<script>window.__pwned = 1</script>');
    // the only links are the bug's and the app's own Discover link
    expect(
      Array.from(result.querySelectorAll('a'))
        .map((a) => a.getAttribute('href')!)
        .filter((h) => !h.startsWith('/kbn/app/discover#')),
    ).toEqual(['https://bugs.launchpad.net/bugs/2031001']);
    // the build's javascript: logRoot and the line's javascript: link are plain text, not anchors
    expect(
      Array.from(document.querySelectorAll('a[href]')).some((a) => /^\s*javascript:/i.test(a.getAttribute('href')!)),
    ).toBe(false);
    expect(screen.getByText('logs').closest('a')).toBeNull();
    expect((window as any).__pwned).toBeUndefined();
  });

  it('renders preview samples with <script> as text with highlighted terms, and javascript: links inert', async () => {
    const user = setupUser();
    renderApp('/signatures/new', {
      'POST /api/elastic_recheck/query/preview': preview({
        samples: [
          {
            uuid: 'abcdef000001',
            job: 'j',
            status: 'FAILURE',
            file: 'evil.txt',
            line: SCRIPT_LINE,
            timestamp: '2026-11-20T10:00:00.000Z',
            link: JS_URL,
          },
        ],
      }),
    });
    await user.type(await screen.findByTestId('queryInput'), 'message:failed');
    const sample = await screen.findByTestId('previewSample', {}, { timeout: 3000 });
    expect(sample.querySelector('script')).toBeNull();
    expect(sample.querySelector('img')).toBeNull();
    expect(sample.textContent).toContain('<script>window.__pwned = 1</script>');
    expect(Array.from(sample.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['failed']);
    expect(within(sample).getByText('evil.txt').closest('a')).toBeNull();
    expect((window as any).__pwned).toBeUndefined();
  });
});
