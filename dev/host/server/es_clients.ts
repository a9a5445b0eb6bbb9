/*
 * `elasticsearch.client` as Kibana builds it: real @elastic/elasticsearch clients; asCurrentUser carries
 * the request's credentials (Kibana forwards the authorization header), asInternalUser the host's own.
 * Routed through the test-only engine proxy (engine_proxy.ts). OSD mode uses @opensearch-project/opensearch
 * directly (it speaks OpenSearch), answering `{ body, statusCode }` as OSD's client does.
 */
import { Client as EsClient } from '@elastic/elasticsearch';
import { Client as OsClient } from '@opensearch-project/opensearch';
import type { HostSearchClient, ScopedClusterClient } from '../../../server/types/host';
import type { HostKind } from '../manifest';

export interface ClusterClients {
  asInternalUser: HostSearchClient;
  asScoped(headers: Record<string, string | string[] | undefined>): ScopedClusterClient;
  close(): Promise<void>;
}

const FORWARDED_HEADERS = ['authorization', 'x-opaque-id'];

export function createClusterClients(host: HostKind, url: string): ClusterClients {
  const root: any =
    host === 'kibana'
      ? new EsClient({ node: url, requestTimeout: 120000, maxRetries: 0, name: 'kibana-standin' })
      : new OsClient({ node: url, requestTimeout: 120000, maxRetries: 0 });
  return {
    asInternalUser: root,
    asScoped(headers) {
      const forwarded: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const v = headers[name];
        if (typeof v === 'string') forwarded[name] = v;
      }
      return { asInternalUser: root, asCurrentUser: root.child({ headers: forwarded }) };
    },
    close: () => root.close(),
  };
}
