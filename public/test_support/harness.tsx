/*
 * Component-test harness: the host's services as small test doubles (they are the host's, not our
 * code): core.http records every request and answers from a route table with typed bodies; the
 * ScopedHistory is an in-memory one; chrome and toasts record what they get.
 */
import React from 'react';
import '@testing-library/jest-dom';
import { configure, render } from '@testing-library/react';
import userEvent, { PointerEventsCheckLevel } from '@testing-library/user-event';
import { ApiClient } from '../services/api_client';
import type { AppServices } from '../services/app_context';
import { ElasticRecheckApp } from '../app';
import type { CoreStart, HttpFetchOptions, HttpSetup, ScopedHistory } from '../types/host';
import type { AccessResponse } from '../../common/api/access';

// EUI and Kibana tests address elements by data-test-subj.
// Machines running the whole suite can be slow: wait up to 5 s for what the debounce and the renders produce.
configure({ testIdAttribute: 'data-test-subj', asyncUtilTimeout: 5000 });

// jsdom has no layout, hence no ResizeObserver (a browser API @elastic/charts needs): one that never fires.
if (typeof (globalThis as any).ResizeObserver === 'undefined') {
  (globalThis as any).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

/**
 * user-event for these pages. Its pointer-events check walks getComputedStyle up the tree, which jsdom
 * computes from every stylesheet EUI injects: checked once per element instead of on every call, so a page
 * of charts does not take tens of seconds per click on a busy machine.
 */
export function setupUser() {
  return userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.EachTarget });
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: any;
}

export type Answer = unknown | ((req: RecordedRequest) => unknown);

export class HttpError extends Error {
  constructor(
    public readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Route table: `GET /api/elastic_recheck/rates` → body (or a function of the request). */
export function recordingHttp(routes: Record<string, Answer>) {
  const requests: RecordedRequest[] = [];
  const call = async (method: string, path: string, o: HttpFetchOptions = {}) => {
    const req: RecordedRequest = {
      method,
      path,
      query: { ...(o.query ?? {}) },
      body: typeof o.body === 'string' ? JSON.parse(o.body) : o.body,
    };
    requests.push(req);
    const key = `${method} ${path}`;
    if (!(key in routes))
      throw Object.assign(new Error(`Not Found: ${key}`), { body: { statusCode: 404, message: `no route ${key}` } });
    const answer = routes[key];
    try {
      const value = typeof answer === 'function' ? await (answer as (r: RecordedRequest) => unknown)(req) : answer;
      return JSON.parse(JSON.stringify(value ?? null));
    } catch (e) {
      if (e instanceof HttpError)
        throw Object.assign(new Error(e.message), { body: { statusCode: e.statusCode, message: e.message } });
      throw e;
    }
  };
  const http: HttpSetup = {
    basePath: { get: () => '/kbn', prepend: (p: string) => `/kbn${p}`, remove: (p: string) => p.replace(/^\/kbn/, '') },
    fetch: (p, o) => call(o?.method ?? 'GET', p, o) as any,
    get: (p, o) => call('GET', p, o) as any,
    post: (p, o) => call('POST', p, o) as any,
    put: (p, o) => call('PUT', p, o) as any,
    delete: (p, o) => call('DELETE', p, o) as any,
  };
  return { http, requests, routes };
}

export function memoryHistory(initial: string): ScopedHistory & { entries: string[] } {
  const listeners = new Set<(l: ScopedHistory['location'], a: string) => void>();
  const parse = (to: string | { pathname?: string; search?: string; hash?: string }) => {
    if (typeof to !== 'string') return { pathname: to.pathname || '/', search: to.search ?? '', hash: to.hash ?? '' };
    const [path, search = ''] = to.split('?');
    return { pathname: path || '/', search: search ? `?${search}` : '', hash: '' };
  };
  let location = parse(initial);
  const entries = [initial];
  const move = (to: Parameters<ScopedHistory['push']>[0], action: string) => {
    location = parse(to);
    entries.push(location.pathname + location.search);
    listeners.forEach((l) => l(location, action));
  };
  return {
    entries,
    get location() {
      return location;
    },
    get length() {
      return entries.length;
    },
    push: (to) => move(to, 'PUSH'),
    replace: (to) => move(to, 'REPLACE'),
    go: () => undefined,
    goBack: () => undefined,
    goForward: () => undefined,
    listen: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    createHref: (l) => `/kbn/app/elasticRecheck${l.pathname && l.pathname !== '/' ? l.pathname : ''}${l.search ?? ''}`,
  };
}

export const HEALTH = {
  engine: { reachable: true, status: 'green', clusterName: 'test' },
  logs: { indexPattern: 'logstash-logs-*', newestTimestamp: '2026-11-20T10:00:00.000Z', lagSeconds: 3 * 3600 },
  checkedAt: '2026-11-20T13:00:00.000Z',
};

/** The server's access answer for a Kibana user with (or without) the write privilege. */
export function accessAnswer(canWrite: boolean): AccessResponse {
  return { host: 'kibana', source: 'kibana', user: canWrite ? 'writer' : 'reader', canRead: true, canWrite };
}

export function renderApp(path: string, routes: Record<string, Answer>, options: { canWrite?: boolean } = {}) {
  const rec = recordingHttp({
    'GET /api/elastic_recheck/health': HEALTH,
    'GET /api/elastic_recheck/access': accessAnswer(options.canWrite ?? true),
    ...routes,
  });
  const history = memoryHistory(path);
  const breadcrumbs: Array<Array<{ text: string; href?: string }>> = [];
  const toasts: Array<{ kind: string; toast: unknown }> = [];
  const toast = (kind: string) => (t: unknown) => toasts.push({ kind, toast: t });
  const core = {
    http: rec.http,
    application: {
      navigateToApp: async () => undefined,
      navigateToUrl: async () => undefined,
      getUrlForApp: (id: string) => `/kbn/app/${id}`,
      capabilities: { elasticRecheck: { show: true, save: options.canWrite ?? true } },
    },
    chrome: {
      setBreadcrumbs: (b: any) => breadcrumbs.push(b),
      docTitle: { change: () => undefined, reset: () => undefined },
    },
    notifications: {
      toasts: {
        addSuccess: toast('success'),
        addWarning: toast('warning'),
        addDanger: toast('danger'),
        addError: toast('error'),
      },
    },
  } as unknown as CoreStart;
  const services: AppServices = { core, api: new ApiClient(rec.http), history };
  const utils = render(<ElasticRecheckApp services={services} />);
  return { ...utils, requests: rec.requests, history, breadcrumbs, toasts };
}

/** Body rows of an EUI table (role queries are slow on large jsdom trees). */
export function bodyRows(table: HTMLElement): HTMLElement[] {
  return Array.from(table.querySelectorAll<HTMLElement>('tbody tr'));
}
