/*
 * The host versions we build archives for: the ONE place to change them. Every archive names its
 * host's exact x.y.z, because the install CLIs compare versions strictly (host-contracts §1.3).
 *
 * Kibana 9.5.4: newest 9.x release in Kibana's own release notes (elastic/kibana docs/release-notes/index.md;
 * 9.5.5 was still being prepared there). OpenSearch Dashboards 3.9.0: newest in
 * OpenSearch-Dashboards release-notes/.
 */
export type HostKind = 'kibana' | 'osd';

export interface HostTarget {
  host: HostKind;
  version: string;
}

export const TARGETS: readonly HostTarget[] = [
  { host: 'kibana', version: '9.5.4' },
  { host: 'osd', version: '3.9.0' },
];

/** Per-host names: manifest file, archive root folder, version key, browser globals. */
export const HOST_LAYOUT = {
  kibana: {
    manifestFile: 'kibana.json',
    rootFolder: 'kibana',
    versionKey: 'kibanaVersion',
    bundlesGlobal: '__kbnBundles__',
    sharedDepsGlobal: '__kbnSharedDeps__',
    publicPathGlobal: '__kbnPublicPath__',
    xsrfHeader: 'kbn-xsrf',
    installCli: 'bin/kibana-plugin',
  },
  osd: {
    manifestFile: 'opensearch_dashboards.json',
    rootFolder: 'opensearch-dashboards',
    versionKey: 'opensearchDashboardsVersion',
    bundlesGlobal: '__osdBundles__',
    sharedDepsGlobal: '__osdSharedDeps__',
    publicPathGlobal: '__osdPublicPath__',
    xsrfHeader: 'osd-xsrf',
    installCli: 'bin/opensearch-dashboards-plugin',
  },
} as const;

export function targetKey(t: HostTarget): string {
  return `${t.host}-${t.version}`;
}

export function archiveName(pluginId: string, t: HostTarget): string {
  // plugin-helpers' createArchive naming: <id>-<hostVersion>.zip
  return `${pluginId}-${t.version}.zip`;
}
