/*
 * The host versions we build archives for by default. Every archive names its host's exact x.y.z,
 * because the install CLIs and OSD's server compare versions strictly (docs/host_compatibility.md);
 * `npm run build -- --kibana 9.5.3 --osd 3.7.0` builds for other exact versions (parseTargets).
 *
 * Kibana 9.5.4: newest 9.x release in Kibana's own release notes (elastic/kibana docs/release-notes/index.md;
 * 9.5.5 was still being prepared there). OpenSearch Dashboards 3.9.0: newest of OSD_RELEASES.
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

/**
 * OpenSearch Dashboards 3.x releases, one per release-notes file in OpenSearch-Dashboards
 * release-notes/opensearch-dashboards.release-notes-3.<minor>.0.md (3.0.0 to 3.9.0; no 3.x patch release there).
 */
export const OSD_RELEASES = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0', '3.7.0', '3.8.0', '3.9.0'] as const;

/** The host majors the plugin is written for (Kibana 9.x, OpenSearch Dashboards 3.x). */
export const SUPPORTED_MAJOR: Record<HostKind, number> = { kibana: 9, osd: 3 };

export class TargetError extends Error {}

/**
 * The targets an admin asks for: `kibana` / `osd` lists of exact x.y.z versions (each may be comma-separated).
 * A version must be x.y.z of the supported major; an OSD version not in OSD_RELEASES is refused unless
 * `allowUnreleased` (a newer release than this list knows). Nothing asked: the default TARGETS.
 */
export function parseTargets(asked: { kibana?: string[]; osd?: string[]; allowUnreleased?: boolean }): HostTarget[] {
  const out: HostTarget[] = [];
  for (const host of ['kibana', 'osd'] as const) {
    for (const version of (asked[host] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
      const name = host === 'kibana' ? 'Kibana' : 'OpenSearch Dashboards';
      if (!/^\d+\.\d+\.\d+$/.test(version)) throw new TargetError(`--${host} ${version}: give the exact x.y.z of your ${name} (the version check is strict)`);
      if (Number(version.split('.')[0]) !== SUPPORTED_MAJOR[host]) throw new TargetError(`--${host} ${version}: the plugin supports ${name} ${SUPPORTED_MAJOR[host]}.x only`);
      if (host === 'osd' && !asked.allowUnreleased && !(OSD_RELEASES as readonly string[]).includes(version)) {
        throw new TargetError(`--osd ${version}: not an OpenSearch Dashboards release known here (${OSD_RELEASES.join(', ')}); add --allow-unreleased for a newer one`);
      }
      if (!out.some((t) => t.host === host && t.version === version)) out.push({ host, version });
    }
  }
  return out.length ? out : [...TARGETS];
}

export function targetKey(t: HostTarget): string {
  return `${t.host}-${t.version}`;
}

export function archiveName(pluginId: string, t: HostTarget): string {
  // plugin-helpers' createArchive naming: <id>-<hostVersion>.zip
  return `${pluginId}-${t.version}.zip`;
}
