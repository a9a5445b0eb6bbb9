/*
 * "Save as signature" registered with small test doubles of the hosts' share registries (the hosts'
 * API, not our code): Kibana 9.x registerShareIntegration(objectType, integration) resolved the way
 * share_menu_registry.ts and export_popover.tsx use it; OSD register({ id, getShareMenuItems }).
 * The path it navigates to then opens our real editor.
 */
import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import * as rison from 'rison-node';
import { renderApp } from '../test_support/harness';
import { ElasticRecheckPublicPlugin } from '../plugin';
import type { CoreSetup, CoreStart } from '../types/host';
import {
  type KibanaShareIntegration,
  type OsdShareMenuItem,
  type ShareContextLike,
  SAVE_AS_SIGNATURE_LABEL,
} from './save_as_signature';

/** Kibana's share registry, reduced: integrations per object type, '*' for all; duplicate ids refused. */
class KibanaShareRegistryDouble {
  private readonly byType = new Map<string, Map<string, KibanaShareIntegration>>();
  setup() {
    return {
      registerShareIntegration: (objectType: string, integration: KibanaShareIntegration) => {
        const m = this.byType.get(objectType) ?? new Map();
        const key = `integration-${integration.groupId ?? 'unknown'}-${integration.id}`;
        if (m.has(key)) throw new Error(`Share action ${key} for app [${objectType}] has already been registered.`);
        m.set(key, integration);
        this.byType.set(objectType, m);
      },
    };
  }
  /** What Discover's export popover lists for a context (newer form: getShareIntegrationConfig). */
  async exportItems(ctx: ShareContextLike) {
    const items = [
      ...(this.byType.get('*')?.values() ?? []),
      ...(this.byType.get(ctx.objectType)?.values() ?? []),
    ].filter((i) => i.groupId === 'export');
    return Promise.all(items.map(async (i) => ({ id: i.id, config: (await i.getShareIntegrationConfig(ctx)) as any })));
  }
}

/** OSD's share menu registry: providers by unique id; all are asked for every context. */
class OsdShareRegistryDouble {
  private readonly providers = new Map<
    string,
    { id: string; getShareMenuItems: (ctx: ShareContextLike) => OsdShareMenuItem[] }
  >();
  setup() {
    return {
      register: (p: { id: string; getShareMenuItems: (ctx: ShareContextLike) => OsdShareMenuItem[] }) => {
        if (this.providers.has(p.id))
          throw new Error(`Share menu provider with id [${p.id}] has already been registered. Use a unique id.`);
        this.providers.set(p.id, p);
      },
    };
  }
  items(ctx: ShareContextLike) {
    return [...this.providers.values()].flatMap((p) => p.getShareMenuItems(ctx));
  }
}

function setupPlugin(share: unknown) {
  const navigations: Array<{ appId: string; path?: string }> = [];
  const apps: string[] = [];
  const coreStart = {
    application: {
      navigateToApp: async (appId: string, o?: { path?: string }) => void navigations.push({ appId, path: o?.path }),
    },
  } as unknown as CoreStart;
  const core = {
    application: { register: (a: { id: string }) => apps.push(a.id) },
    getStartServices: async () => [coreStart, {}, {}],
  } as unknown as CoreSetup;
  new ElasticRecheckPublicPlugin({} as any).setup(core, share ? { share: share as any } : {});
  return { navigations, apps };
}

const until = () => new Promise((r) => setTimeout(r, 0));

function params(path: string) {
  return new URLSearchParams(path.slice(path.indexOf('?')));
}

// Discover's sharingData in Kibana 9 (get_share.tsx): locatorParams of DISCOVER_APP_LOCATOR.
function kibanaContext(query: object, timeRange = { from: 'now-7d', to: 'now' }): ShareContextLike {
  return {
    objectType: 'search',
    sharingData: {
      title: 'Untitled Discover session',
      isTextBased: false,
      locatorParams: [
        { id: 'DISCOVER_APP_LOCATOR', params: { query, timeRange, dataViewId: 'logstash-logs-*', filters: [] } },
      ],
      absoluteTimeRange: { from: '2026-11-15T00:00:00.000Z', to: '2026-11-22T00:00:00.000Z' },
    },
  };
}

describe('Save as signature in Kibana (share integration for Discover)', () => {
  it('is an export entry for Discover sessions that opens the editor with the converted KQL and the time range', async () => {
    const registry = new KibanaShareRegistryDouble();
    const { navigations, apps } = setupPlugin(registry.setup());
    expect(apps).toEqual(['elasticRecheck']);

    expect(await registry.exportItems({ objectType: 'dashboard', sharingData: {} })).toEqual([]);
    const [item] = await registry.exportItems(
      kibanaContext({ language: 'kuery', query: 'message:"No valid host was found" and not build_status:SUCCESS' }),
    );
    expect(item.config.label).toBe(SAVE_AS_SIGNATURE_LABEL);

    render(<>{item.config.generateAssetComponent}</>);
    expect(screen.getByTestId('saveAsSignatureQuery').textContent).toBe(
      'message:"No valid host was found" AND NOT build_status:SUCCESS',
    );

    await item.config.generateAssetExport({});
    await until();
    expect(navigations).toHaveLength(1);
    expect(navigations[0].appId).toBe('elasticRecheck');
    expect(navigations[0].path!.startsWith('/signatures/new?')).toBe(true);
    const p = params(navigations[0].path!);
    expect(p.get('query')).toBe('message:"No valid host was found" AND NOT build_status:SUCCESS');
    expect([p.get('from'), p.get('to')]).toEqual(['now-7d', 'now']);
    expect(p.get('kql')).toBe('message:"No valid host was found" and not build_status:SUCCESS');

    // that path opens our editor pre-filled, with a note on the conversion
    renderApp(navigations[0].path!, {});
    expect(((await screen.findByTestId('queryInput')) as HTMLTextAreaElement).value).toBe(
      'message:"No valid host was found" AND NOT build_status:SUCCESS',
    );
    expect(screen.getByTestId('discoverQueryNote').textContent).toContain('Converted from Discover’s KQL query');
  });

  it('passes Lucene through, and for KQL it cannot convert opens the editor with the query as typed and the reason', async () => {
    const registry = new KibanaShareRegistryDouble();
    const { navigations } = setupPlugin(registry.setup());
    const [lucene] = await registry.exportItems(
      kibanaContext({ language: 'lucene', query: 'message:"Timed out" AND tags:console' }),
    );
    await lucene.config.generateAssetExport({});
    await until();
    expect(params(navigations[0].path!).get('query')).toBe('message:"Timed out" AND tags:console');
    expect(params(navigations[0].path!).get('kql')).toBeNull();

    const [kql] = await registry.exportItems(kibanaContext({ language: 'kuery', query: 'bytes > 100' }));
    render(<>{kql.config.generateAssetComponent}</>);
    expect(screen.getByTestId('saveAsSignatureNote').textContent).toContain('range comparisons');
    await kql.config.generateAssetExport({});
    await until();
    renderApp(navigations[1].path!, {});
    expect(((await screen.findByTestId('queryInput')) as HTMLTextAreaElement).value).toBe('bytes > 100');
    expect(screen.getByTestId('discoverQueryNote').textContent).toContain('could not be converted');
    expect(screen.getByTestId('discoverQueryNote').textContent).toContain('range comparisons (">" at character 7)');
  });

  it('also gives the synchronous config of earlier 9.x registries, and registers once only', () => {
    let registered: KibanaShareIntegration | undefined;
    setupPlugin({ registerShareIntegration: (_type: string, i: KibanaShareIntegration) => (registered = i) });
    expect(registered!.groupId).toBe('export');
    expect((registered!.config(kibanaContext({ language: 'lucene', query: 'a' })) as any).label).toBe(
      SAVE_AS_SIGNATURE_LABEL,
    );
    const registry = new KibanaShareRegistryDouble();
    const share = registry.setup();
    setupPlugin(share);
    expect(() => setupPlugin(share)).toThrow('already been registered');
  });
});

describe('Save as signature in OpenSearch Dashboards (share menu provider)', () => {
  const url = (q: object, time: object) =>
    `http://osd.example/app/data-explorer/discover#?_a=${encodeURIComponent(rison.encode({ metadata: { indexPattern: 'logstash-logs-*', view: 'discover' } }))}&_g=${encodeURIComponent(rison.encode({ time }))}&_q=${encodeURIComponent(rison.encode({ filters: [], query: q }))}`;

  it('adds a panel to Discover’s share menu whose button opens the editor with the query and time range from the URL state', async () => {
    const registry = new OsdShareRegistryDouble();
    const { navigations } = setupPlugin(registry.setup());
    expect(registry.items({ objectType: 'dashboard', sharingData: {} })).toEqual([]);
    let closed = 0;
    const items = registry.items({
      objectType: 'search',
      shareableUrl: url(
        { language: 'kuery', query: 'build_status:FAILURE and message:"Connection refused"' },
        { from: 'now-24h', to: 'now' },
      ),
      sharingData: {
        title: 'x',
        indexPatternId: 'logstash-logs-*',
        searchRequest: { index: 'logstash-logs-*', body: {} },
      },
      onClose: () => closed++,
    });
    expect(items.map((i) => i.shareMenuItem.name)).toEqual([SAVE_AS_SIGNATURE_LABEL]);
    render(items[0].panel.content);
    expect(screen.getByTestId('saveAsSignatureQuery').textContent).toBe(
      'build_status:FAILURE AND message:"Connection refused"',
    );
    fireEvent.click(screen.getByTestId('saveAsSignatureOpen'));
    await until();
    expect(closed).toBe(1);
    const p = params(navigations[0].path!);
    expect([p.get('query'), p.get('from'), p.get('to')]).toEqual([
      'build_status:FAILURE AND message:"Connection refused"',
      'now-24h',
      'now',
    ]);
  });

  it('falls back to the Lucene query_string of the search request when the URL has no query state', async () => {
    const registry = new OsdShareRegistryDouble();
    const { navigations } = setupPlugin(registry.setup());
    const [item] = registry.items({
      objectType: 'search',
      shareableUrl: 'http://osd.example/app/discover#/view/abc',
      sharingData: {
        searchRequest: {
          index: 'logstash-logs-*',
          body: { query: { bool: { must: [{ query_string: { query: 'message:"Killed"' } }] } } },
        },
      },
    });
    render(item.panel.content);
    fireEvent.click(screen.getByTestId('saveAsSignatureOpen'));
    await until();
    expect(params(navigations[0].path!).get('query')).toBe('message:"Killed"');
  });
});

describe('without a share plugin', () => {
  it('registers the app only', () => {
    expect(setupPlugin(undefined).apps).toEqual(['elasticRecheck']);
  });
});
