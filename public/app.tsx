/* The app: header with engine health, tabs, and the page for the current URL. */
import React, { useEffect, useState } from 'react';
import { EuiFlexGroup, EuiFlexItem, EuiPanel, EuiSpacer, EuiTab, EuiTabs, EuiTitle } from '@elastic/eui';
import { DEFAULT_LOG_INDEX_PATTERN, PLUGIN_NAME } from '../common/constants';
import type { HealthResponse } from '../common/api/health';
import { AppProvider, AppServices, canWriteFrom } from './services/app_context';
import { matchPath, Router, useRouter } from './services/router';
import { errorMessage } from './services/use_request';
import { HealthHeader } from './components/health_header';
import { RatesPage } from './pages/rates_page';
import { UncategorizedPage } from './pages/uncategorized_page';
import { SignaturesPage } from './pages/signatures_page';
import { SignatureEditorPage } from './pages/signature_editor_page';
import { BuildsPage } from './pages/builds_page';
import { EmptyState } from './components/page_state';

const TABS = [
  { id: 'rates', label: 'Failure rates', path: '/' },
  { id: 'uncategorized', label: 'Uncategorized', path: '/uncategorized' },
  { id: 'signatures', label: 'Signatures', path: '/signatures' },
  { id: 'builds', label: 'Builds', path: '/builds' },
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
  return <EmptyState title="Page not found" body={<p>No page at {p}.</p>} />;
}

function Tabs() {
  const router = useRouter();
  const p = router.location.pathname;
  const selected = TABS.slice().reverse().find((t) => (t.path === '/' ? p === '/' || p === '' : p.startsWith(t.path)))?.id;
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
  useEffect(() => {
    const abort = new AbortController();
    services.api.health(abort.signal).then(setHealth, (e) => !abort.signal.aborted && setHealthError(errorMessage(e)));
    return () => abort.abort();
  }, [services]);
  const value = {
    services,
    canWrite: canWriteFrom(services.core.application?.capabilities),
    health,
    indexPattern: health?.logs.indexPattern ?? DEFAULT_LOG_INDEX_PATTERN,
  };
  return (
    <AppProvider value={value}>
      <Router history={services.history}>
        <EuiPanel paddingSize="l" hasShadow={false} data-test-subj="elasticRecheckApp">
          <EuiFlexGroup alignItems="center" justifyContent="spaceBetween" wrap>
            <EuiFlexItem grow={false}>
              <EuiTitle size="m">
                <h1>{PLUGIN_NAME}</h1>
              </EuiTitle>
            </EuiFlexItem>
            <EuiFlexItem grow={false}>
              <HealthHeader health={health} error={healthError} />
            </EuiFlexItem>
          </EuiFlexGroup>
          <EuiSpacer size="s" />
          <Tabs />
          <EuiSpacer />
          <Routes />
        </EuiPanel>
      </Router>
    </AppProvider>
  );
}
