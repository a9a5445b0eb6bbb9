/*
 * The app's capabilities come from one server answer (GET /api/elastic_recheck/access) on every host,
 * not from the host's capabilities: the harness's Kibana capabilities say `save: true` throughout.
 */
import { screen, waitFor } from '@testing-library/react';
import { HttpError, renderApp } from './test_support/harness';
import { preview, stored } from './test_support/fixtures';
import type { AccessResponse } from '../common/api/access';

const ACCESS = 'GET /api/elastic_recheck/access';
const SIG = 'GET /api/elastic_recheck/signatures/2031001';
const osd = (over: Partial<AccessResponse>): AccessResponse => ({
  host: 'osd',
  source: 'osd-security',
  user: 'reader',
  canRead: true,
  canWrite: false,
  roles: ['elastic_recheck_reader'],
  backendRoles: ['ci-observer'],
  writerRoles: ['all_access', 'elastic_recheck_writer'],
  readerRoles: [],
  ...over,
});
const editorRoutes = { [SIG]: stored('2031001'), 'POST /api/elastic_recheck/query/preview': preview() };

describe('access from the server answer', () => {
  it('an OSD reader sees the editor read-only with the roles that would allow changes', async () => {
    const { requests } = renderApp('/signatures/2031001', { ...editorRoutes, [ACCESS]: osd({}) });
    const notice = await screen.findByTestId('readOnlyNotice');
    expect(notice.textContent).toContain('one of the roles all_access, elastic_recheck_writer');
    expect(screen.getByTestId('saveSignature')).toBeDisabled();
    expect(screen.getByTestId('bugId')).toHaveAttribute('readonly');
    expect(requests.filter((r) => r.path === '/api/elastic_recheck/access')).toHaveLength(1);
  });

  it('an OSD writer gets the editable editor', async () => {
    renderApp('/signatures/2031001', {
      ...editorRoutes,
      [ACCESS]: osd({ user: 'writer', canWrite: true, roles: ['elastic_recheck_writer'] }),
    });
    await waitFor(() => expect(screen.getByTestId('queryInput')).not.toHaveAttribute('readonly'));
    expect(screen.queryByTestId('readOnlyNotice')).toBeNull();
  });

  it('hides the write controls of the list for a reader, whatever the host capabilities say', async () => {
    renderApp('/signatures', {
      'GET /api/elastic_recheck/signatures': { page: 1, perPage: 100, total: 0, signatures: [] },
      [ACCESS]: osd({}),
    });
    expect(await screen.findByTestId('emptyState')).toBeTruthy();
    expect(screen.queryByTestId('newSignature')).toBeNull();
    expect(screen.getByTestId('tryQuery')).toBeEnabled();
  });

  it('a user who may not read gets the roles that would allow it instead of the pages', async () => {
    const { requests } = renderApp('/signatures', {
      [ACCESS]: osd({ user: 'nobody', canRead: false, roles: [], backendRoles: [], readerRoles: ['ci-observer'] }),
    });
    const callout = await screen.findByTestId('noReadAccess');
    expect(callout.textContent).toContain(
      'User nobody may not read elastic-recheck data: it needs one of the roles ci-observer, all_access, elastic_recheck_writer.',
    );
    expect(requests.some((r) => r.path === '/api/elastic_recheck/signatures')).toBe(false);
  });

  it('when the answer fails nothing offers to write, and the app says why', async () => {
    renderApp('/signatures/2031001', {
      ...editorRoutes,
      [ACCESS]: () => {
        throw new HttpError(502, 'engine unreachable');
      },
    });
    expect((await screen.findByTestId('accessError')).textContent).toContain('engine unreachable');
    expect(await screen.findByTestId('readOnlyNotice')).toBeTruthy();
    expect(screen.getByTestId('saveSignature')).toBeDisabled();
  });
});
