/*
 * A small router over the host's ScopedHistory (AppMountParameters.history): react-router is not a
 * shared dep on every host, and our routes are few. Paths are relative to /app/elasticRecheck.
 */
import React, { createContext, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { EuiConfirmModal } from '@elastic/eui';
import type { ScopedHistory } from '../types/host';
import { LeaveGuard, UNSAVED_CHANGES_TITLE } from './leave_guard';

export interface RouteLocation {
  pathname: string;
  search: string;
  params: URLSearchParams;
}

interface RouterValue {
  history: ScopedHistory;
  location: RouteLocation;
  /** Goes to `to`, after asking when the page has unsaved changes (leave guard). */
  navigate(to: string, options?: { replace?: boolean }): void;
  href(to: string): string;
  guard: LeaveGuard;
}

const RouterContext = createContext<RouterValue | null>(null);

function toLocation(l: ScopedHistory['location']): RouteLocation {
  return { pathname: l.pathname || '/', search: l.search || '', params: new URLSearchParams(l.search || '') };
}

function splitPath(to: string): { pathname: string; search: string } {
  const i = to.indexOf('?');
  return i < 0 ? { pathname: to, search: '' } : { pathname: to.slice(0, i), search: to.slice(i) };
}

export function Router({
  history,
  guard: givenGuard,
  children,
}: {
  history: ScopedHistory;
  guard?: LeaveGuard;
  children: React.ReactNode;
}) {
  const [location, setLocation] = useState(() => toLocation(history.location));
  const [fallbackGuard] = useState(() => new LeaveGuard());
  const guard = givenGuard ?? fallbackGuard;
  // A navigation waiting for the user's answer to the unsaved-changes question.
  const [pending, setPending] = useState<{ to: string; replace?: boolean; message: string }>();
  useEffect(() => history.listen((l) => setLocation(toLocation(l))), [history]);
  useEffect(() => blockWhileGuarded(history, guard), [history, guard]);
  const value = useMemo<RouterValue>(() => {
    const go = (to: string, replace?: boolean) =>
      replace ? history.replace(splitPath(to)) : history.push(splitPath(to));
    return {
      history,
      location,
      guard,
      navigate: (to, o) => {
        const message = guard.get();
        if (message) setPending({ to, replace: o?.replace, message });
        else go(to, o?.replace);
      },
      href: (to) => history.createHref(splitPath(to)),
    };
  }, [history, location, guard]);
  return (
    <RouterContext.Provider value={value}>
      {children}
      {pending && (
        <EuiConfirmModal
          title={UNSAVED_CHANGES_TITLE}
          onCancel={() => setPending(undefined)}
          onConfirm={() => {
            guard.set(undefined);
            setPending(undefined);
            if (pending.replace) history.replace(splitPath(pending.to));
            else history.push(splitPath(pending.to));
          }}
          cancelButtonText="Keep editing"
          confirmButtonText="Leave without saving"
          buttonColor="danger"
          defaultFocusedButton="cancel"
          data-test-subj="unsavedChangesModal"
          aria-label={UNSAVED_CHANGES_TITLE}
        >
          <p>{pending.message}</p>
        </EuiConfirmModal>
      )}
    </RouterContext.Provider>
  );
}

/**
 * Blocks the host's history (ScopedHistory.block) while the guard has a message, so the browser's Back and
 * Forward ask too; the host asks with its own confirm (Kibana: an overlay modal, OSD: window.confirm). Pushes
 * inside the app through the router have asked already (its modal clears the guard first), and pushes to
 * another app through onAppLeave, so only Back/Forward and the host's in-app navigations ask here.
 * Returns the cleanup.
 */
export function blockWhileGuarded(history: ScopedHistory, guard: LeaveGuard): () => void {
  if (typeof history.block !== 'function') return () => undefined;
  const appPath = history.createHref({ pathname: '/' }).replace(/\/$/, '');
  // the host's history gives locations without the server base path: /app/<id>/...
  const scope = appPath.includes('/app/') ? appPath.slice(appPath.indexOf('/app/')) : undefined;
  const inApp = (pathname: string) => scope !== undefined && (pathname === scope || pathname.startsWith(`${scope}/`));
  let unblock: (() => void) | undefined;
  const sync = (message: string | undefined) => {
    if (message && !unblock)
      unblock = history.block!((target, action) => {
        const asked = guard.get();
        return asked && (action === 'POP' || inApp(target.pathname)) ? asked : undefined;
      });
    else if (!message && unblock) {
      unblock();
      unblock = undefined;
    }
  };
  sync(guard.get());
  const unsubscribe = guard.subscribe(sync);
  return () => {
    unsubscribe();
    unblock?.();
  };
}

/**
 * While `message` is set, leaving the page asks first: in-app navigation through the router, and the
 * host's own (other apps, closing the tab) through the same guard. Cleared when the page goes away.
 */
export function useLeaveGuard(message: string | undefined): void {
  const { guard } = useRouter();
  const last = useRef<string | undefined>(undefined);
  useEffect(() => {
    last.current = message;
    guard.set(message);
  }, [guard, message]);
  useEffect(
    () => () => {
      // only clear what this page set (the next page may already have set its own)
      if (guard.get() === last.current) guard.set(undefined);
    },
    [guard],
  );
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside <Router>');
  return value;
}

/** `/signatures/:id` against `/signatures/abc` → { id: 'abc' }; null when it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = pathname.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      try {
        params[p[i].slice(1)] = decodeURIComponent(s[i]);
      } catch {
        return null;
      }
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** Query string from a record, leaving out empty values. */
export function queryString(values: Record<string, string | number | boolean | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Props for an anchor that navigates in-app on a plain click and works as a real link otherwise. */
export function useLinkProps(to: string): { href: string; onClick: (e: React.MouseEvent) => void } {
  const router = useRouter();
  return {
    href: router.href(to),
    onClick: (e: React.MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      router.navigate(to);
    },
  };
}
