/* The app: header with engine health, tabs, and the page for the current URL. */
import React, { useCallback, useEffect, useState } from 'react';
import { EuiCallOut, EuiFlexGroup, EuiFlexItem, EuiPanel, EuiSpacer, EuiTab, EuiTabs, EuiTitle } from '@elastic/eui';
import { DEFAULT_LOG_INDEX_PATTERN, PLUGIN_NAME } from '../common/constants';
import type { HealthResponse } from '../common/api/health';
import type { AccessResponse } from '../common/api/access';
import { AppProvider, AppServices } from './services/app_context';
import { matchPath, Router, useRouter } from './services/router';
import { errorMessage } from './services/use_request';
import { HealthHeader } from './components/health_header';
import { RatesPage } from './pages/rates_page';
import { UncategorizedPage } from './pages/uncategorized_page';
import { SignaturesPage } from './pages/signatures_page';
import { SignatureEditorPage } from './pages/signature_editor_page';
import { BuildsPage } from './pages/builds_page';
import { CleanupPage } from './pages/cleanup_page';
import { EmptyState } from './components/page_state';
import { readFilters } from './components/filter_bar';

const TABS = [
  { id: 'rates', label: 'Failure rates', path: '/' },
  { id: 'uncategorized', label: 'Uncategorized', path: '/uncategorized' },
  { id: 'signatures', label: 'Signatures', path: '/signatures' },
  { id: 'builds', label: 'Builds', path: '/builds' },
  { id: 'cleanup', label: 'Cleanup', path: '/cleanup' },
];

function Routes() {
  const { location } = useRouter();
  const p = location.pathname.replace(/\/+$/, '') || '/';
  if (p === '/') return <RatesPage />;
  if (p === '/uncategorized') return <UncategorizedPage />;
  if (p === '/signatures') return <SignaturesPage />;
  if (p === '/signatures/new') return <SignatureEditorPage />;
  const sig = matchPath('/signatures/:id', p);
  if (sig) return <SignatureEditorPage id={sig.id} />;
  if (p === '/builds') return <BuildsPage />;
  if (p === '/cleanup') return <CleanupPage />;
  return <EmptyState title="Page not found" body={<p>No page at {p}.</p>} />;
}

/** The header for the page on screen: pages with a date picker (rates, uncategorized) judge freshness on its range. */
function PageHealthHeader({ health, error }: { health?: HealthResponse; error?: string }) {
  const { location } = useRouter();
  const p = location.pathname.replace(/\/+$/, '') || '/';
  const range = p === '/' || p === '/uncategorized' ? readFilters(location.params).range : undefined;
  return <HealthHeader health={health} error={error} range={range} />;
}

function Tabs() {
  const router = useRouter();
  const p = router.location.pathname;
  const selected = TABS.slice()
    .reverse()
    .find((t) => (t.path === '/' ? p === '/' || p === '' : p.startsWith(t.path)))?.id;
  return (
    <EuiTabs>
      {TABS.map((t) => (
        <EuiTab
          key={t.id}
          href={router.href(t.path)}
          isSelected={t.id === selected}
          data-test-subj={`tab-${t.id}`}
          onClick={(e: React.MouseEvent) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey) return;
            e.preventDefault();
            router.navigate(t.path);
          }}
        >
          {t.label}
        </EuiTab>
      ))}
    </EuiTabs>
  );
}

export function ElasticRecheckApp({ services }: { services: AppServices }) {
  const [health, setHealth] = useState<HealthResponse>();
  const [healthError, setHealthError] = useState<string>();
  const [access, setAccess] = useState<AccessResponse>();
  const [accessError, setAccessError] = useState<string>();
  const [healthTick, setHealthTick] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    services.api.health(abort.signal).then(
      (h) => {
        setHealth(h);
        setHealthError(undefined);
      },
      (e) => !abort.signal.aborted && setHealthError(errorMessage(e)),
    );
    return () => abort.abort();
  }, [services, healthTick]);
  const refreshHealth = useCallback(() => setHealthTick((t) => t + 1), []);
  useEffect(() => {
    const abort = new AbortController();
    services.api.access(abort.signal).then(setAccess, (e) => !abort.signal.aborted && setAccessError(errorMessage(e)));
    return () => abort.abort();
  }, [services]);
  const value = {
    services,
    // One server answer on every host; until it has come (or if it fails) nothing offers to write.
    canWrite: access?.canWrite === true,
    access,
    health,
    refreshHealth,
    indexPattern: health?.logs.indexPattern ?? DEFAULT_LOG_INDEX_PATTERN,
  };
  return (
    <AppProvider value={value}>
      <Router history={services.history} guard={services.leaveGuard}>
        <EuiPanel paddingSize="l" hasShadow={false} data-test-subj="elasticRecheckApp">
          <EuiFlexGroup alignItems="center" justifyContent="spaceBetween" wrap>
            <EuiFlexItem grow={false}>
              <EuiTitle size="m">
                <h1>{PLUGIN_NAME}</h1>
              </EuiTitle>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <PageHealthHeader health={health} error={healthError} />
            </EuiFlexItem>
          </EuiFlexGroup>
          <EuiSpacer size="s" />
          <Tabs />
          <EuiSpacer />
          {accessError && (
            <EuiCallOut
              color="warning"
              iconType="lock"
              title={`Could not tell what you may do, so everything is read-only: ${accessError}`}
              data-test-subj="accessError"
            />
          )}
          {/* pages wait for the answer, so a user who may not read sends them no requests */}
          {!access && !accessError ? null : access && !access.canRead ? (
            <EuiCallOut
              color="danger"
              iconType="lock"
              title={`User ${access.user ?? ''} may not read elastic-recheck data: it needs one of the roles ${[...new Set([...(access.readerRoles ?? []), ...(access.writerRoles ?? [])])].join(', ')}.`}
              data-test-subj="noReadAccess"
            />
          ) : (
            <Routes />
          )}
        </EuiPanel>
      </Router>
    </AppProvider>
  );
}
