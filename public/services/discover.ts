/*
 * Links to log search in the host's Discover (host-contracts §5.2):
 *  - Kibana: /app/discover#/?_g=(time:(from,to))&_a=(dataSource:(dataViewId,type:dataView),query:(language:lucene,query))
 *  - OpenSearch Dashboards ≥ 2.10: /app/data-explorer/discover#?_a=(discover:(...),metadata:(indexPattern,view:discover))&_g=(...)&_q=(...)
 * Values are rison-encoded. Signature queries are Lucene, so the query language is `lucene`.
 * The data view (index pattern) id defaults to the pattern itself, which is what Discover shows
 * when a data view was created with that id (README: "Using the app").
 */
import * as rison from 'rison-node';

export type HostFlavor = 'kibana' | 'osd';

export interface DiscoverTarget {
  query: string;
  /** Index pattern / data view id. */
  dataViewId: string;
  from: string;
  to: string;
}

export function detectHost(): HostFlavor {
  return typeof window !== 'undefined' && (window as any).__osdBundles__ && !(window as any).__kbnBundles__
    ? 'osd'
    : 'kibana';
}

/** The Discover path (before the host's base path is prepended). */
export function discoverPath(t: DiscoverTarget, host: HostFlavor = detectHost()): string {
  const time = { from: t.from, to: t.to };
  const query = { language: 'lucene', query: t.query };
  if (host === 'osd') {
    const a = rison.encode({
      discover: { columns: ['_source'], isDirty: false, sort: [] },
      metadata: { indexPattern: t.dataViewId, view: 'discover' },
    });
    const g = rison.encode({ filters: [], refreshInterval: { pause: true, value: 0 }, time });
    const q = rison.encode({ filters: [], query });
    return `/app/data-explorer/discover#?_a=${encodeURIComponent(a)}&_g=${encodeURIComponent(g)}&_q=${encodeURIComponent(q)}`;
  }
  const g = rison.encode({ time });
  const a = rison.encode({ dataSource: { dataViewId: t.dataViewId, type: 'dataView' }, query });
  return `/app/discover#/?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(a)}`;
}

/** Lucene phrase for an exact field value: `field:"value"` with quotes and backslashes escaped. */
export function phrase(field: string, value: string | number): string {
  return `${field}:"${String(value).replace(/["\\]/g, '\\$&')}"`;
}

/** Query of one build's log lines. */
export function buildQuery(uuid: string, extra?: string): string {
  return extra ? `${phrase('build_uuid', uuid)} AND (${extra})` : phrase('build_uuid', uuid);
}
