/* What every page gets: core services, the API client, write permission and the log index pattern. */
import React, { createContext, useContext, useEffect } from 'react';
import { PLUGIN_NAME } from '../../common/constants';
import type { HealthResponse } from '../../common/api/health';
import type { AccessResponse } from '../../common/api/access';
import type { ApiClient } from './api_client';
import type { CoreStart, ScopedHistory } from '../types/host';
import { useRouter } from './router';
import type { LeaveGuard } from './leave_guard';

export interface AppServices {
  core: CoreStart;
  api: ApiClient;
  history: ScopedHistory;
  /** Shared with the host's onAppLeave (application.tsx); the router makes its own when absent. */
  leaveGuard?: LeaveGuard;
}

export interface AppContextValue {
  services: AppServices;
  /** From the server's access answer (GET /api/elastic_recheck/access); false until it has come. */
  canWrite: boolean;
  access?: AccessResponse;
  health?: HealthResponse;
  /** Asks the server for its health again (the Retry of an error state does, so the header follows). */
  refreshHealth?: () => void;
  /** The log index pattern (data view id for Discover links). */
  indexPattern: string;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside <AppContext.Provider>');
  return value;
}

/** What changing signatures needs on this host, for read-only notices. */
export function writeRequirement(access: AccessResponse | undefined): string {
  if (access?.source === 'osd-security') return `one of the roles ${(access.writerRoles ?? []).join(', ')}`;
  if (access?.source === 'osd-no-security')
    return 'the security plugin (this OpenSearch Dashboards is configured read-only without it)';
  return `the all privilege of the ${PLUGIN_NAME} feature`;
}

/** Sets the host's breadcrumbs and document title for a page. */
export function usePageChrome(trail: Array<{ text: string; path?: string }>): void {
  const { services } = useApp();
  const router = useRouter();
  const key = JSON.stringify(trail);
  useEffect(() => {
    const crumbs = [
      { text: PLUGIN_NAME, href: router.href('/') },
      ...trail.map((t) => ({
        text: t.text,
        ...(t.path
          ? {
              href: router.href(t.path),
              // in-app: through the router, which asks first when there are unsaved changes
              onClick: (e: unknown) => {
                const ev = e as { preventDefault?: () => void } | undefined;
                ev?.preventDefault?.();
                router.navigate(t.path!);
              },
            }
          : {}),
      })),
    ];
    services.core.chrome.setBreadcrumbs(crumbs);
    services.core.chrome.docTitle.change(trail.length ? [trail[trail.length - 1].text, PLUGIN_NAME] : PLUGIN_NAME);
    // Keyed by the trail's JSON: pages pass a new array literal on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see the line above
  }, [key]);
}

export function AppProvider({ value, children }: { value: AppContextValue; children: React.ReactNode }) {
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}
