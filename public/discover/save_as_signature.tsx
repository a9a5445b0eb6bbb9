/*
 * "Save as signature" in Discover's share menu: opens the signature editor
 * (/app/elasticRecheck/signatures/new?query=...&from=...&to=...) with Discover's query and time range.
 *
 * What each host lets a third-party plugin add (read in the hosts' sources, not copied):
 *
 * Kibana 9.x: the `share` plugin's setup contract `registerShareIntegration(objectType, integration)`
 *   (src/platform/plugins/shared/share/public/services/share_menu_registry.ts, types.ts). Integrations
 *   with `groupId: 'export'` for objectType 'search' are what Discover's "Export" popover lists
 *   (share/public/components/export_popover/export_popover.tsx): the entry shows `config.label`, its
 *   flyout renders `config.generateAssetComponent` and the button runs `config.generateAssetExport`.
 *   The integration's config is `config` (returned synchronously, earlier 9.x) or
 *   `getShareIntegrationConfig` (a promise, later 9.x); both are given. Discover's sharingData
 *   (discover/public/application/main/components/top_nav/app_menu_actions/get_share.tsx) carries
 *   `locatorParams: [{ id: 'DISCOVER_APP_LOCATOR', params: { query, timeRange, dataViewId, filters } }]`
 *   and `absoluteTimeRange`. Newer Kibana main builds Discover's export menu from a fixed list
 *   (csvReports, scheduledReports), so there the entry is registered but not shown; Discover's
 *   app-menu extension points (context-awareness profiles) are internal to Elastic's solutions.
 *   The deprecated `register(ShareMenuProviderLegacy)` only reaches Canvas' legacy panel.
 *
 * OpenSearch Dashboards 2.x/3.x: the `share` plugin's setup contract `register({ id, getShareMenuItems })`
 *   (src/plugins/share/public/services/share_menu_registry.ts). Discover's top nav "Share"
 *   (src/plugins/discover/public/application/components/top_nav/get_top_nav_links.tsx) calls
 *   `toggleShareContextMenu({ objectType: 'search', shareableUrl: unhashUrl(location.href),
 *   sharingData: { searchRequest: { index, body }, indexPatternId, title } })`; every item opens its
 *   own panel (share/public/components/share_context_menu.tsx), so the entry is a panel with the
 *   converted query and a button. The query and time range come from the shareable URL's rison
 *   state (`_q=(query:(language,query))`, `_g=(time:(from,to))`, or legacy `_a=(query:...)`);
 *   when the URL has none, a Lucene `query_string` in the request body.
 *
 * Registered by public/plugin.ts only when the optional `share` plugin offers one of these APIs.
 * This module is part of the plugin's entry (loaded before any app mounts), so it evaluates nothing
 * from React at load: classic JSX (React.createElement at render time, no bundled jsx-runtime) and no
 * import of the app's router.
 */
/** @jsxRuntime classic */
/** @jsx React.createElement */
import React from 'react';
import { EuiButton, EuiCallOut, EuiCodeBlock, EuiSpacer, EuiText } from '@elastic/eui';
import * as rison from 'rison-node';
import { PLUGIN_ID } from '../../common/constants';
import { type ConversionResult, type DiscoverQuery, toSignatureQuery } from './query_conversion';

export const SAVE_AS_SIGNATURE_ID = 'elasticRecheckSaveAsSignature';
export const SAVE_AS_SIGNATURE_LABEL = 'Save as signature';
/** Discover's share object type on both hosts. */
export const DISCOVER_OBJECT_TYPE = 'search';

/* The part of the hosts' share contracts used here (no @kbn/@osd package on npm). */
export interface ShareContextLike {
  objectType: string;
  shareableUrl?: string;
  sharingData?: Record<string, unknown>;
  onClose?: () => void;
}

export interface KibanaShareIntegration {
  id: string;
  groupId?: string;
  config: (ctx: ShareContextLike) => Record<string, unknown>;
  getShareIntegrationConfig: (ctx: ShareContextLike) => Promise<Record<string, unknown>>;
}

export interface OsdShareMenuItem {
  shareMenuItem: { name: string; icon?: string; sortOrder?: number; 'data-test-subj'?: string };
  panel: { id?: number | string; title: string; content: React.ReactElement };
}

export interface ShareSetupLike {
  /** Kibana 9.x. */
  registerShareIntegration?: (objectType: string, integration: KibanaShareIntegration) => void;
  /** OpenSearch Dashboards (and Kibana's deprecated legacy form, whose items Discover does not show). */
  register?: (provider: { id: string; getShareMenuItems: (ctx: ShareContextLike) => OsdShareMenuItem[] }) => void;
}

export interface DiscoverSearch {
  query?: DiscoverQuery;
  from?: string;
  to?: string;
}

export interface SignatureDraft {
  /** App path of the editor, relative to /app/elasticRecheck. */
  path: string;
  conversion: ConversionResult;
  search: DiscoverSearch;
}

/** Query string from a record, leaving out empty values (as services/router.ts queryString). */
function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

type Navigate = (appId: string, options: { path: string }) => unknown;

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asQuery(q: unknown): DiscoverQuery | undefined {
  if (!isRecord(q)) return undefined;
  if (typeof q.query === 'string') return { language: String(q.language ?? 'kuery'), query: q.query };
  if (typeof q.esql === 'string') return { language: 'ES|QL', query: q.esql };
  if (typeof q.sql === 'string') return { language: 'SQL', query: q.sql };
  return undefined;
}

function asTime(t: unknown): { from?: string; to?: string } {
  return isRecord(t)
    ? { from: t.from != null ? String(t.from) : undefined, to: t.to != null ? String(t.to) : undefined }
    : {};
}

/** Kibana: Discover's locator params (sharingData.locatorParams, one object or a list). */
function fromKibanaSharingData(data: Record<string, unknown>): DiscoverSearch | undefined {
  const lp = data.locatorParams;
  const list = Array.isArray(lp) ? lp : lp ? [lp] : [];
  const entry = list.find((e: any) => e?.id === 'DISCOVER_APP_LOCATOR') ?? list[0];
  const params = isRecord(entry) && isRecord(entry.params) ? entry.params : undefined;
  if (!params) return undefined;
  const time = asTime(params.timeRange);
  const abs = asTime(data.absoluteTimeRange);
  return { query: asQuery(params.query), from: time.from ?? abs.from, to: time.to ?? abs.to };
}

/** Rison state from a Discover URL's hash (`#?_a=...&_g=...&_q=...` or `#/?_g=...&_a=...`). */
function urlState(url: string): Record<string, unknown> {
  const hash = url.includes('#') ? url.slice(url.indexOf('#') + 1) : '';
  const qs = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const state: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(qs)) {
    try {
      state[k] = rison.decode(v);
    } catch {
      // not rison: not Discover's state
    }
  }
  return state;
}

/** The first `query_string.query` of a query DSL body (what a Lucene query compiles to). */
function queryStringIn(v: unknown, depth = 0): string | undefined {
  if (depth > 12 || typeof v !== 'object' || v === null) return undefined;
  if (isRecord(v) && isRecord(v.query_string) && typeof v.query_string.query === 'string') return v.query_string.query;
  for (const child of Object.values(v)) {
    const found = queryStringIn(child, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** OSD: the shareable URL's state, else the search request body. */
function fromOsdContext(ctx: ShareContextLike): DiscoverSearch {
  const state = urlState(ctx.shareableUrl ?? '');
  const q = isRecord(state._q) ? state._q : {};
  const a = isRecord(state._a) ? state._a : {};
  const g = isRecord(state._g) ? state._g : {};
  let query = asQuery(q.query) ?? asQuery(a.query);
  const body = isRecord(ctx.sharingData?.searchRequest)
    ? (ctx.sharingData!.searchRequest as Record<string, unknown>).body
    : undefined;
  if (!query) {
    const qs = queryStringIn(body);
    if (qs !== undefined) query = { language: 'lucene', query: qs };
  }
  return { query, ...asTime(g.time) };
}

/** What the editor opens with, from either host's share context. */
export function signatureDraft(ctx: ShareContextLike): SignatureDraft {
  const data = ctx.sharingData ?? {};
  const search = (data.locatorParams ? fromKibanaSharingData(data) : undefined) ?? fromOsdContext(ctx);
  const conversion: ConversionResult = search.query
    ? toSignatureQuery(search.query)
    : { ok: false, query: '', reason: 'Discover did not pass its query' };
  const path = `/signatures/new${queryString({
    query: conversion.query,
    from: search.from,
    to: search.to,
    // The editor explains the conversion (or why there was none) from Discover's own KQL text.
    kql:
      search.query && (search.query.language === 'kuery' || search.query.language === 'kql')
        ? search.query.query
        : undefined,
    language:
      search.query && !['kuery', 'kql', 'lucene'].includes(search.query.language) ? search.query.language : undefined,
  })}`;
  return { path, conversion, search };
}

export function ConversionNote({ draft }: { draft: SignatureDraft }) {
  const { conversion } = draft;
  return (
    <div data-test-subj="saveAsSignatureNote">
      {conversion.ok ? (
        <EuiText size="s">
          <p>
            {conversion.converted
              ? 'Discover’s KQL query, converted to Lucene (signatures are Lucene queries):'
              : 'Discover’s Lucene query:'}
          </p>
        </EuiText>
      ) : (
        <EuiCallOut size="s" color="warning" title="The query could not be converted to Lucene">
          <p>{conversion.reason}. The editor opens with the query as typed in Discover; rewrite it in Lucene there.</p>
        </EuiCallOut>
      )}
      <EuiSpacer size="s" />
      <EuiCodeBlock language="text" fontSize="s" paddingSize="s" data-test-subj="saveAsSignatureQuery">
        {conversion.query || '(empty query)'}
      </EuiCodeBlock>
    </div>
  );
}

function OsdPanel({ draft, open }: { draft: SignatureDraft; open: () => void }) {
  return (
    <div style={{ padding: 16, maxWidth: 420 }}>
      <ConversionNote draft={draft} />
      <EuiSpacer size="m" />
      <EuiButton fill size="s" onClick={open} data-test-subj="saveAsSignatureOpen">
        Open in the signature editor
      </EuiButton>
    </div>
  );
}

/** Registers the entry with whichever share API the host offers; returns which one ('none' when neither). */
export function registerSaveAsSignature(
  share: ShareSetupLike | undefined,
  navigate: Navigate,
): 'kibana' | 'osd' | 'none' {
  if (share && typeof share.registerShareIntegration === 'function') {
    const config = (ctx: ShareContextLike) => {
      const draft = signatureDraft(ctx);
      return {
        label: SAVE_AS_SIGNATURE_LABEL,
        name: SAVE_AS_SIGNATURE_LABEL,
        icon: 'bug',
        sortOrder: 50,
        exportType: SAVE_AS_SIGNATURE_ID,
        helpText: 'Opens the elastic-recheck signature editor with this search.',
        generateExportButtonLabel: 'Open in the signature editor',
        generateAssetComponent: <ConversionNote draft={draft} />,
        generateAssetExport: async () => {
          await navigate(PLUGIN_ID, { path: draft.path });
        },
      };
    };
    share.registerShareIntegration(DISCOVER_OBJECT_TYPE, {
      id: SAVE_AS_SIGNATURE_ID,
      groupId: 'export',
      config,
      getShareIntegrationConfig: async (ctx) => config(ctx),
    });
    return 'kibana';
  }
  if (share && typeof share.register === 'function') {
    share.register({
      id: SAVE_AS_SIGNATURE_ID,
      getShareMenuItems: (ctx) => {
        if (ctx.objectType !== DISCOVER_OBJECT_TYPE) return [];
        const draft = signatureDraft(ctx);
        const open = () => {
          ctx.onClose?.();
          navigate(PLUGIN_ID, { path: draft.path });
        };
        return [
          {
            shareMenuItem: {
              name: SAVE_AS_SIGNATURE_LABEL,
              icon: 'bug',
              sortOrder: 50,
              'data-test-subj': 'saveAsSignatureMenuItem',
            },
            panel: {
              id: SAVE_AS_SIGNATURE_ID,
              title: SAVE_AS_SIGNATURE_LABEL,
              content: <OsdPanel draft={draft} open={open} />,
            },
          },
        ];
      },
    });
    return 'osd';
  }
  return 'none';
}
