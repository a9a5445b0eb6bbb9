/* What every page gets: core services, the API client, write permission and the log index pattern. */
import React, { createContext, useContext, useEffect } from 'react';
import { PLUGIN_ID, PLUGIN_NAME } from '../../common/constants';
import type { HealthResponse } from '../../common/api/health';
import type { ApiClient } from './api_client';
import type { CoreStart, ScopedHistory } from '../types/host';
import { useRouter } from './router';

export interface AppServices {
  core: CoreStart;
  api: ApiClient;
  history: ScopedHistory;
}

export interface AppContextValue {
  services: AppServices;
  /** From the host's capabilities (Kibana feature `ui: ['save']`); hosts without features: the server decides. */
  canWrite: boolean;
  health?: HealthResponse;
  /** The log index pattern (data view id for Discover links). */
  indexPattern: string;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside <AppContext.Provider>');
  return value;
}

export function canWriteFrom(capabilities: CoreStart['application']['capabilities'] | undefined): boolean {
  const ours = capabilities?.[PLUGIN_ID] as Record<string, unknown> | undefined;
  if (!ours) return true;
  return ours.save === true;
}

/** Sets the host's breadcrumbs and document title for a page. */
export function usePageChrome(trail: Array<{ text: string; path?: string }>): void {
  const { services } = useApp();
  const router = useRouter();
  const key = JSON.stringify(trail);
  useEffect(() => {
    const crumbs = [{ text: PLUGIN_NAME, href: router.href('/') }, ...trail.map((t) => ({ text: t.text, ...(t.path ? { href: router.href(t.path) } : {}) }))];
    services.core.chrome.setBreadcrumbs(crumbs);
    services.core.chrome.docTitle.change(trail.length ? [trail[trail.length - 1].text, PLUGIN_NAME] : PLUGIN_NAME);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

export function AppProvider({ value, children }: { value: AppContextValue; children: React.ReactNode }) {
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}
