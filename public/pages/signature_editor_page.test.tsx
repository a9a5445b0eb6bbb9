import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HttpError, RecordedRequest, renderApp, setupUser } from '../test_support/harness';
import { preview, stored } from '../test_support/fixtures';

const PREVIEW = 'POST /api/elastic_recheck/query/preview';

describe('signature editor', () => {
  it('shows a syntax error in place while typing, and sends a debounced preview once the query is valid', async () => {
    const user = setupUser();
    const { requests } = renderApp('/signatures/new', { [PREVIEW]: preview() });
    const input = await screen.findByTestId('queryInput');
    await user.type(input, 'message:"No valid host');
    const errors = await screen.findByTestId('queryErrors');
    expect(errors.textContent).toContain('Line 1, column 9: Lucene syntax error: unbalanced quote');
    expect(within(errors).getByTestId('problemMarker').textContent).toBe('message:"No valid host\n        ^');
    expect(screen.getByTestId('saveSignature')).toBeDisabled();
    await new Promise((r) => setTimeout(r, 700));
    expect(requests.filter((r) => r.path.endsWith('/query/preview'))).toHaveLength(0);

    await user.type(input, ' was found"');
    await waitFor(() => expect(screen.queryByTestId('queryErrors')).toBeNull());
    await waitFor(() => expect(requests.filter((r) => r.path.endsWith('/query/preview'))).toHaveLength(1), {
      timeout: 3000,
    });
    // typing fast sends one request for the final text, not one per key
    // the page's range (default the last 10 days), resolved once and sent as from/to
    const sent = requests.find((r) => r.path.endsWith('/query/preview'))!.body;
    expect(sent).toEqual({
      query: 'message:"No valid host was found"',
      allowNonvoting: false,
      from: expect.any(Number),
      to: expect.any(Number),
    });
    expect(sent.to - sent.from).toBe(10 * 24 * 3600_000);
    expect(screen.getByText('Preview (Last 10 days)')).toBeTruthy();

    const sample = await screen.findByTestId('previewSample');
    expect(Array.from(sample.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['No valid host was found']);
    expect(decodeURIComponent(within(sample).getByTestId('sampleDiscoverLink').getAttribute('href')!)).toContain(
      `query:(language:lucene,query:'build_uuid:"abcdef000001" AND (message:"No valid host was found")')`,
    );
    expect(screen.getByTestId('previewHits').textContent).toBe('12 matching lines');
    expect(screen.getByTestId('successWarning').textContent).toContain('20.0 % of the matched builds succeeded');
    expect(screen.getByTestId('overlap').textContent).toContain('2031001: 3 shared builds (50.0 % of its builds)');
  });

  it('shows the query as it runs under an old-schema query, each rewrite with its reason; the form keeps the text', async () => {
    const written = '@message:"rsync error" AND build_status:FAILURE AND filename:"logs/screen-n-cpu.txt"';
    renderApp(`/signatures/new?query=${encodeURIComponent(written)}`, { [PREVIEW]: preview() });
    const translated = await screen.findByTestId('translatedQuery');
    expect(translated.textContent).toContain(
      'message:"rsync error" AND build_status:(FAILURE OR TIMED_OUT OR POST_FAILURE OR NODE_FAILURE OR RETRY_LIMIT) AND filename:"screen-n-cpu.txt"',
    );
    const rewrites = screen.getAllByTestId('queryRewrite').map((r) => r.textContent);
    expect(rewrites).toHaveLength(3);
    expect(rewrites[1]).toContain('build_status:FAILURE → build_status:(FAILURE OR TIMED_OUT');
    expect(rewrites[1]).toContain('POST_FAILURE');
    expect(screen.queryByTestId('queryErrors')).toBeNull();
    expect((screen.getByTestId('queryInput') as HTMLTextAreaElement).value).toBe(written);
  });

  it('does not refuse a leading wildcard the host will measure, and says so', async () => {
    renderApp(`/signatures/new?query=${encodeURIComponent('message:"x" AND build_name:*tempest*')}`, {
      [PREVIEW]: preview(),
    });
    const warnings = await screen.findByTestId('queryWarnings');
    expect(warnings.textContent).toContain("leading wildcard in '*tempest*'");
    expect(warnings.textContent).toContain('the host measures its cost on the log indices when you save');
    expect(screen.queryByTestId('queryErrors')).toBeNull();
  });

  it('warns about unknown fields, re-previews when a flag changes, and shows the YAML of the form', async () => {
    const user = setupUser();
    const { requests } = renderApp('/signatures/new?query=mesage%3Afoo', {
      [PREVIEW]: preview({ success: { ...preview().success, warning: false } }),
    });
    expect((await screen.findByTestId('queryErrors')).textContent).toContain("unknown field 'mesage'");
    const input = screen.getByTestId('queryInput');
    await user.clear(input);
    await user.type(input, 'message:foo');
    await waitFor(() => expect(requests.filter((r) => r.path.endsWith('/query/preview'))).toHaveLength(1), {
      timeout: 3000,
    });
    expect(screen.queryByTestId('successWarning')).toBeNull();
    await user.click(screen.getByTestId('allowNonvoting'));
    await waitFor(() => expect(requests.filter((r) => r.path.endsWith('/query/preview'))).toHaveLength(2), {
      timeout: 3000,
    });
    expect(requests.filter((r) => r.path.endsWith('/query/preview'))[1].body.allowNonvoting).toBe(true);

    await user.click(screen.getByTestId('tabYaml'));
    expect(screen.getByTestId('yamlUnavailable').textContent).toContain('bug.id');
    await user.type(screen.getByTestId('bugId'), '2049999');
    await user.type(screen.getByTestId('scopeQueues'), 'gate, check');
    const yaml = await screen.findByTestId('yamlView');
    expect(yaml.textContent).toContain('# queries/2049999.yaml');
    expect(yaml.textContent).toContain('query: message:foo');
    expect(yaml.textContent).toContain('allow-nonvoting: true');
    expect(yaml.textContent).toMatch(/queues:\s*- gate\s*- check/);
  });

  it('saves a new signature with the write privilege and opens it', async () => {
    const user = setupUser();
    const created = stored('2049999', { query: 'message:"disk full"', title: 'Disk full', version: 'v1' });
    const { requests, history, toasts } = renderApp(
      '/signatures/new?query=message%3A%22disk%20full%22&from=now-3d&to=now',
      {
        [PREVIEW]: preview(),
        'POST /api/elastic_recheck/signatures': created,
        'GET /api/elastic_recheck/signatures/2049999': created,
        'GET /api/elastic_recheck/signatures/2049999/history': { signatureId: '2049999', entries: [] },
      },
    );
    await user.type(await screen.findByTestId('bugId'), '2049999');
    await user.type(screen.getByTestId('sigTitle'), 'Disk full');
    // the debounced preview goes out, for the window from the URL
    await waitFor(
      () => {
        const body = requests.find((r) => r.path.endsWith('/query/preview'))?.body;
        expect(body.to - body.from).toBe(3 * 24 * 3600_000);
      },
      { timeout: 5000 },
    );
    await waitFor(() => expect(screen.getByTestId('saveSignature')).toBeEnabled());
    await user.click(screen.getByTestId('saveSignature'));
    await waitFor(() => expect(history.location.pathname).toBe('/signatures/2049999'));
    const post = requests.find((r) => r.method === 'POST' && r.path === '/api/elastic_recheck/signatures')!;
    expect(post.body).toEqual({
      bug: { tracker: 'launchpad', id: '2049999', url: 'https://bugs.launchpad.net/bugs/2049999' },
      query: 'message:"disk full"',
      allowNonvoting: false,
      suppressGraph: false,
      suppressNotification: false,
      mode: 'explains',
      title: 'Disk full',
    });
    expect(toasts).toContainEqual({ kind: 'success', toast: { title: 'Signature 2049999 saved' } });
  });

  it('is read-only for a reader: no save, no revert, no editing of the bug; the query can be tried in the preview', async () => {
    const user = setupUser();
    const sig = stored('2031001');
    const { requests } = renderApp(
      '/signatures/2031001',
      {
        'GET /api/elastic_recheck/signatures/2031001': sig,
        [PREVIEW]: preview(),
        'GET /api/elastic_recheck/signatures/2031001/history': {
          signatureId: '2031001',
          entries: [
            {
              signatureId: '2031001',
              action: 'update',
              user: 'bob',
              at: '2026-11-02T00:00:00.000Z',
              before: stored('2031001', { query: 'message:old' }),
              after: sig,
            },
            {
              signatureId: '2031001',
              action: 'create',
              user: 'alice',
              at: '2026-11-01T00:00:00.000Z',
              before: null,
              after: stored('2031001', { query: 'message:old' }),
            },
          ],
        },
      },
      { canWrite: false },
    );
    expect(await screen.findByTestId('readOnlyNotice')).toBeTruthy();
    expect(screen.getByTestId('saveSignature')).toBeDisabled();
    expect(screen.getByTestId('bugId')).toHaveAttribute('readonly');
    const query = screen.getByTestId('queryInput');
    expect(query).not.toHaveAttribute('readonly');
    await user.clear(query);
    await user.type(query, 'message:"tried by a reader"');
    await waitFor(
      () =>
        expect(requests.filter((r) => r.path.endsWith('/query/preview')).map((r) => (r.body as any).query)).toContain(
          'message:"tried by a reader"',
        ),
      { timeout: 3000 },
    );
    // still nothing to save for a reader, and no question on leaving: a reader's try is not work to lose
    expect(screen.getByTestId('saveSignature')).toBeDisabled();
    fireEvent.click(screen.getByTestId('tabHistory'));
    const history = await screen.findByTestId('history');
    expect(
      within(history)
        .getAllByTestId('revertButton')
        .every((b) => (b as HTMLButtonElement).disabled),
    ).toBe(true);
  });

  it('keeps Save disabled until something changes, and asks before leaving unsaved edits', async () => {
    const user = setupUser();
    const { history } = renderApp('/signatures/2031001', {
      'GET /api/elastic_recheck/signatures/2031001': stored('2031001'),
      [PREVIEW]: preview(),
      'GET /api/elastic_recheck/signatures': { signatures: [], total: 0, page: 1, perPage: 20 },
    });
    const title = await screen.findByTestId('sigTitle');
    expect(screen.getByTestId('saveSignature')).toBeDisabled();
    await user.type(title, ' (edited)');
    expect(screen.getByTestId('saveSignature')).toBeEnabled();

    await user.click(screen.getByTestId('tab-signatures'));
    const modal = await screen.findByTestId('unsavedChangesModal');
    expect(modal.textContent).toContain('Your changes to signature 2031001 are not saved');
    await user.click(within(modal).getByText('Keep editing'));
    expect(history.location.pathname).toBe('/signatures/2031001');
    expect((screen.getByTestId('sigTitle') as HTMLInputElement).value).toContain('(edited)');

    await user.click(screen.getByTestId('tab-signatures'));
    await user.click(within(await screen.findByTestId('unsavedChangesModal')).getByText('Leave without saving'));
    await waitFor(() => expect(history.location.pathname).toBe('/signatures'));
  });

  it('shows each validation error at its field, not at the top', async () => {
    const user = setupUser();
    renderApp('/signatures/new?query=message%3Afoo', { [PREVIEW]: preview() });
    await user.type(await screen.findByTestId('bugUrl'), 'ftp://x');
    await user.type(screen.getByTestId('bugId'), '123');
    await waitFor(() => expect(screen.getByText('expected an http(s) URL')).toBeTruthy());
    expect(screen.queryByText(/To save:/)).toBeNull();
    const row = screen.getByTestId('bugUrl').closest('.euiFormRow')!;
    expect(row.textContent).toContain('expected an http(s) URL');
    // the field names its error for screen readers
    const describedBy = (screen.getByTestId('bugUrl').getAttribute('aria-describedby') ?? '').split(' ');
    expect(describedBy.map((id) => document.getElementById(id)?.textContent).join(' ')).toContain(
      'expected an http(s) URL',
    );
    expect(screen.getByTestId('saveSignature')).toBeDisabled();
  });

  it('shows the share of successful builds, warns about broad queries, and links overlaps by title', async () => {
    const p = preview();
    renderApp('/signatures/new?query=message%3AERROR', {
      [PREVIEW]: {
        ...p,
        success: { ...p.success, failedBuilds: 42, successBuilds: 1, successShare: 1 / 43, warning: false },
        overlap: [
          { signatureId: '2031001', title: 'Nova fails to spawn', sharedBuilds: 6, shareOfOther: 1, jaccard: 0.1 },
        ],
      },
    });
    expect((await screen.findByTestId('previewSuccessShare', {}, { timeout: 3000 })).textContent).toBe(
      '2.3 % on successful builds',
    );
    expect(screen.getByTestId('broadQueryWarning').textContent).toContain('it matches 42 failed builds');
    expect(screen.getByTestId('overlapWarning').textContent).toContain('Overlaps 1 signature at 80 % or more');
    const link = screen.getByTestId('overlapLink');
    expect(link.textContent).toBe('Nova fails to spawn (2031001)');
    expect(link.getAttribute('href')).toContain('/signatures/2031001');
  });

  it('shows history with diffs and reverts to an older version with the current version token', async () => {
    const user = setupUser();
    const current = stored('2031001', { query: 'message:new', version: 'v2' });
    const old = stored('2031001', { query: 'message:old', version: undefined });
    const { requests } = renderApp('/signatures/2031001', {
      'GET /api/elastic_recheck/signatures/2031001': current,
      [PREVIEW]: preview(),
      'PUT /api/elastic_recheck/signatures/2031001': (r: RecordedRequest) => ({
        ...current,
        query: r.body.query,
        version: 'v3',
      }),
      'GET /api/elastic_recheck/signatures/2031001/history': {
        signatureId: '2031001',
        entries: [
          {
            signatureId: '2031001',
            action: 'update',
            user: 'bob',
            at: '2026-11-02T00:00:00.000Z',
            before: old,
            after: current,
          },
          {
            signatureId: '2031001',
            action: 'create',
            user: 'alice',
            at: '2026-11-01T00:00:00.000Z',
            before: null,
            after: old,
          },
        ],
      },
    });
    await user.click(await screen.findByTestId('tabHistory'));
    const diffs = await screen.findAllByTestId('yamlDiff');
    expect(diffs[0].textContent).toContain('- query: message:old');
    expect(diffs[0].textContent).toContain('+ query: message:new');
    await user.click(screen.getByTestId('revertButton'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PUT')).toBe(true));
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(put.body.query).toBe('message:old');
    expect(put.body.version).toBe('v2');
    await waitFor(() => expect((screen.getByTestId('queryInput') as HTMLTextAreaElement).value).toBe('message:old'));
  });

  it('shows the server refusal when saving fails (e.g. a conflict)', async () => {
    const user = setupUser();
    renderApp('/signatures/2031001', {
      'GET /api/elastic_recheck/signatures/2031001': stored('2031001'),
      [PREVIEW]: preview(),
      'PUT /api/elastic_recheck/signatures/2031001': () => {
        throw new HttpError(409, 'signature 2031001 was changed by someone else (version v9)');
      },
    });
    const input = await screen.findByTestId('queryInput');
    await user.type(input, ' AND tags:console');
    await user.click(screen.getByTestId('saveSignature'));
    expect((await screen.findByTestId('errorState')).textContent).toContain('was changed by someone else');
  });

  it('starts a signature from a failed build: the most telling error line becomes the query', async () => {
    const { requests } = renderApp('/signatures/new?build=abcdef000001', {
      [PREVIEW]: (r: RecordedRequest) =>
        r.body.query.startsWith('build_uuid')
          ? preview({
              samples: [
                {
                  uuid: 'abcdef000001',
                  job: 'tempest-full-1',
                  status: 'FAILURE',
                  file: 'job-output.txt',
                  line: '2026-11-20 10:00:00 | Traceback (most recent call last):',
                  timestamp: '2026-11-20T10:00:00.000Z',
                  link: 'https://l/1',
                },
                {
                  uuid: 'abcdef000001',
                  job: 'tempest-full-1',
                  status: 'FAILURE',
                  file: 'screen-n-cpu.txt',
                  line: 'ERROR nova.compute.manager [req-1234abcd] libvirt.libvirtError: Failed to connect socket to 10.0.0.12',
                  timestamp: '2026-11-20T10:00:01.000Z',
                  link: 'https://l/2',
                },
                {
                  uuid: 'abcdef000001',
                  job: 'tempest-full-1',
                  status: 'FAILURE',
                  file: 'job-output.txt',
                  line: 'INFO tempest failed 1 test',
                  timestamp: '2026-11-20T10:00:02.000Z',
                  link: 'https://l/3',
                },
              ],
            })
          : preview(),
    });
    await waitFor(() =>
      expect((screen.getByTestId('queryInput') as HTMLTextAreaElement).value).toBe(
        'message:"libvirtError: Failed to connect socket to"',
      ),
    );
    expect(requests.find((r) => r.path.endsWith('/query/preview'))!.body.query).toBe(
      'build_uuid:"abcdef000001" AND (message:error OR message:exception OR message:traceback OR message:failed OR message:timeout OR message:refused)',
    );
    expect(screen.getByTestId('buildNote').textContent).toContain(
      'Pre-filled from build abcdef000001 (tempest-full-1, screen-n-cpu.txt)',
    );
  });
});
