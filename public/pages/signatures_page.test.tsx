import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { bodyRows, RecordedRequest, renderApp, setupUser } from '../test_support/harness';
import { signatureList, stored } from '../test_support/fixtures';

const LIST = 'GET /api/elastic_recheck/signatures';

describe('signatures page', () => {
  it('lists signatures with bug, title, mode, hits, last hit, owner; searches and filters through the route', async () => {
    const user = setupUser();
    const { requests, history } = renderApp('/signatures', {
      [LIST]: (r: RecordedRequest) =>
        signatureList(
          r.query.search
            ? [stored('2031017')]
            : [stored('2031001'), stored('2031017', { mode: 'track', owner: 'bob' })],
        ),
    });
    const table = await screen.findByTestId('signaturesTable');
    const rows = bodyRows(table);
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('2031001');
    // no hits in the window: a shaded row, its text at full contrast
    expect(rows[0].getAttribute('style')).toContain('background');
    expect(rows[0].getAttribute('style')).not.toContain('opacity');
    expect(within(rows[1]).getByTestId('hitsInWindow').textContent).toBe('10');
    expect(rows[1].textContent).toContain('track');
    expect(rows[1].textContent).toContain('bob');
    await user.type(screen.getByTestId('signatureSearch'), 'libvirt{enter}');
    await waitFor(() =>
      expect(requests.filter((r) => r.path.endsWith('/signatures')).at(-1)!.query).toEqual({
        search: 'libvirt',
        page: 1,
        perPage: 20,
      }),
    );
    expect(history.location.search).toBe('?search=libvirt');
    await user.selectOptions(screen.getByTestId('modeFilter'), 'track');
    await waitFor(() =>
      expect(requests.filter((r) => r.path.endsWith('/signatures')).at(-1)!.query).toEqual({
        search: 'libvirt',
        mode: 'track',
        page: 1,
        perPage: 20,
      }),
    );
    await user.selectOptions(screen.getByTestId('staleSelect'), 'true');
    await waitFor(() => expect(requests.filter((r) => r.path.endsWith('/signatures')).at(-1)!.query.stale).toBe(true));
    await user.click(within(screen.getByTestId('signaturesTable')).getByText('2031017'));
    expect(history.location.pathname).toBe('/signatures/2031017');
  });

  it('paginates', async () => {
    const user = setupUser();
    const { requests } = renderApp('/signatures', {
      [LIST]: (r: RecordedRequest) =>
        signatureList(
          Array.from({ length: r.query.page === 2 ? 5 : 20 }, (_, i) => stored(String(3000 + i))),
          25,
          Number(r.query.page),
        ),
    });
    await screen.findByTestId('signaturesTable');
    await user.click(screen.getByLabelText('Page 2 of 2'));
    await waitFor(() =>
      expect(requests.filter((r) => r.path.endsWith('/signatures')).at(-1)!.query).toEqual({ page: 2, perPage: 20 }),
    );
    await waitFor(() => expect(bodyRows(screen.getByTestId('signaturesTable'))).toHaveLength(5));
  });

  it('imports all files or none: a check that rejects a file blocks the import until it is removed', async () => {
    const user = setupUser();
    const bad = {
      file: 'bad.yaml',
      outcome: 'invalid' as const,
      errors: [{ line: 2, column: 1, key: 'query', message: 'required' }],
      warnings: [],
    };
    const good = { file: '1.yaml', id: '1', outcome: 'created' as const, errors: [], warnings: [] };
    const answer = (r: RecordedRequest) => {
      const withBad = r.body.files.some((f: { name: string }) => f.name === 'bad.yaml');
      return {
        dryRun: r.body.dryRun,
        counts: { created: 1, updated: 0, unchanged: 0, conflict: 0, invalid: withBad ? 1 : 0 },
        items: withBad ? [good, bad] : [good],
      };
    };
    const { requests, toasts } = renderApp('/signatures', {
      [LIST]: signatureList([stored('2031001')]),
      'POST /api/elastic_recheck/import/check': answer,
      'POST /api/elastic_recheck/import': answer,
    });
    await user.click(await screen.findByTestId('importButton'));
    const picker = within(screen.getByTestId('importFlyout')).getByTestId('importFiles') as HTMLInputElement;
    const input = picker.tagName === 'INPUT' ? picker : (picker.querySelector('input[type=file]') as HTMLInputElement);
    const goodFile = new File(['query: message:foo\n'], '1.yaml', { type: 'application/yaml' });
    fireEvent.change(input, {
      target: { files: [goodFile, new File(['title: x\n'], 'bad.yaml', { type: 'application/yaml' })] },
    });
    await waitFor(() => expect(screen.getByTestId('importDryRun')).toBeEnabled());
    await user.click(screen.getByTestId('importDryRun'));
    expect((await screen.findByTestId('importCounts')).textContent).toBe(
      'Dry run (nothing changed): 1 created, 1 invalid',
    );
    expect(screen.getByTestId('importReport').textContent).toContain('line 2:1: query: required');
    expect(requests.find((r) => r.path.endsWith('/import/check'))!.body).toEqual({
      files: [
        { name: '1.yaml', content: 'query: message:foo\n' },
        { name: 'bad.yaml', content: 'title: x\n' },
      ],
      dryRun: true,
      overwrite: false,
    });
    // the valid file alone is not imported behind the author's back
    expect(screen.getByTestId('importConfirm')).toBeDisabled();
    expect(screen.getByTestId('importBlocked').textContent).toContain(
      'Nothing can be imported while 1 file is rejected',
    );

    // without the bad file the check is clean and the import goes through, with every count in the toast
    fireEvent.change(input, { target: { files: [goodFile] } });
    await waitFor(() => expect(screen.getByTestId('importDryRun')).toHaveTextContent('Check 1 file'));
    await user.click(screen.getByTestId('importDryRun'));
    await waitFor(() => expect(screen.getByTestId('importConfirm')).toBeEnabled());
    expect(screen.queryByTestId('importBlocked')).toBeNull();
    await user.click(screen.getByTestId('importConfirm'));
    await waitFor(() => expect(requests.filter((r) => r.path.endsWith('/import'))).toHaveLength(1));
    expect(requests.filter((r) => r.path.endsWith('/import/check'))).toHaveLength(2);
    const applied = requests.filter((r) => r.path.endsWith('/import'))[0].body;
    expect(applied).toEqual({
      files: [{ name: '1.yaml', content: 'query: message:foo\n' }],
      dryRun: false,
      overwrite: false,
    });
    await waitFor(() =>
      expect(toasts.at(-1)).toEqual({
        kind: 'success',
        toast: { title: 'Signatures imported', text: '1 created, 0 updated, 0 unchanged' },
      }),
    );
  });

  it('links the exports; a reader gets "Try a query" instead of "New signature", and can check files but not import them', async () => {
    const user = setupUser();
    const { requests } = renderApp(
      '/signatures',
      {
        [LIST]: signatureList([]),
        'POST /api/elastic_recheck/import/check': {
          dryRun: true,
          counts: { created: 1, updated: 0, unchanged: 0, conflict: 0, invalid: 0 },
          items: [{ file: '1.yaml', id: '1', outcome: 'created', errors: [], warnings: [] }],
        },
      },
      { canWrite: false },
    );
    expect((await screen.findByTestId('emptyState')).textContent).toContain('No signatures yet');
    expect(screen.getByTestId('exportZip').getAttribute('href')).toBe('/kbn/api/elastic_recheck/export?format=zip');
    expect(screen.getByTestId('exportBundle').getAttribute('href')).toBe(
      '/kbn/api/elastic_recheck/export?format=bundle',
    );
    expect(screen.queryByTestId('newSignature')).toBeNull();
    expect(screen.getByTestId('tryQuery').getAttribute('href')).toBe('/kbn/app/elasticRecheck/signatures/new');

    await user.click(screen.getByTestId('importButton'));
    expect(screen.getByTestId('importReadOnly').textContent).toContain('you can check files, but importing them needs');
    const picker = within(screen.getByTestId('importFlyout')).getByTestId('importFiles') as HTMLInputElement;
    const input = picker.tagName === 'INPUT' ? picker : (picker.querySelector('input[type=file]') as HTMLInputElement);
    fireEvent.change(input, { target: { files: [new File(['query: message:foo\n'], '1.yaml')] } });
    await waitFor(() => expect(screen.getByTestId('importDryRun')).toBeEnabled());
    await user.click(screen.getByTestId('importDryRun'));
    expect((await screen.findByTestId('importCounts')).textContent).toBe('Dry run (nothing changed): 1 created');
    expect(screen.getByTestId('importConfirm')).toBeDisabled();
    expect(requests.filter((r) => r.path.endsWith('/import'))).toHaveLength(0);
  });
});
