/*
 * Plugin manifest rules of the hosts' server-side parsers, used by the stand-in at start and by the
 * archive validator:
 *  - Kibana src/core/packages/plugins/server-internal/src/discovery/plugin_manifest_parser.ts
 *  - OSD src/core/server/plugins/discovery/plugin_manifest_parser.ts
 * (host-contracts §1.1, §1.2). Written from those rules, not copied.
 */
export type HostKind = 'kibana' | 'osd';

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly manifestPath: string,
  ) {
    super(`${message} (${manifestPath})`);
    this.name = 'ManifestError';
  }
}

export const KIBANA_MANIFEST_KEYS = [
  'id',
  'kibanaVersion',
  'type',
  'version',
  'configPath',
  'requiredPlugins',
  'optionalPlugins',
  'runtimePluginDependencies',
  'ui',
  'server',
  'extraPublicDirs',
  'requiredBundles',
  'serviceFolders',
  'owner',
  'description',
  'enabledOnAnonymousPages',
] as const;

export const OSD_MANIFEST_KEYS = [
  'id',
  'opensearchDashboardsVersion',
  'version',
  'configPath',
  'requiredPlugins',
  'optionalPlugins',
  'ui',
  'server',
  'extraPublicDirs',
  'requiredBundles',
  'requiredEnginePlugins',
  'supportedOSDataSourceVersions',
  'requiredOSDataSourcePlugins',
] as const;

export interface PluginManifest {
  id: string;
  version: string;
  /** kibanaVersion / opensearchDashboardsVersion (or version when absent). */
  hostVersion: string;
  configPath: string | string[];
  requiredPlugins: string[];
  optionalPlugins: string[];
  server: boolean;
  ui: boolean;
  owner?: { name: string; githubTeam?: string };
  type: 'standard' | 'preboot';
  raw: Record<string, unknown>;
}

/** lodash's camelCase(id) === id, for the ids plugins use (letters and digits, starting lowercase). */
export function isCamelCase(id: string): boolean {
  return /^[a-z][a-zA-Z0-9]*$/.test(id) && !/[A-Z]{2}/.test(id.replace(/[0-9]/g, ''));
}

export function snakeCase(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

/** x.y.z of a version string, ignoring qualifiers such as -SNAPSHOT (semver.coerce). */
export function coerceVersion(version: string): string | null {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
  if (!m) return null;
  return `${Number(m[1])}.${Number(m[2] ?? 0)}.${Number(m[3] ?? 0)}`;
}

function stringArray(value: unknown, key: string, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new ManifestError(`"${key}" must be an array of strings`, file);
  return value as string[];
}

/**
 * Parses a manifest's text with the host's rules. `hostVersion` is the running host's version: the
 * plugin's version must match it exactly (coerced x.y.z) unless it is the "always compatible" word.
 */
export function parseManifest(text: string, file: string, host: HostKind, hostVersion: string): PluginManifest {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (error: any) {
    throw new ManifestError(`invalid JSON: ${error.message}`, file);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ManifestError('the manifest must be a JSON object', file);
  if (typeof raw.id !== 'string' || !raw.id)
    throw new ManifestError('Plugin manifest must contain an "id" property', file);
  if (raw.id.includes('.')) throw new ManifestError(`Plugin "id" must not include the "." character`, file);
  if (typeof raw.version !== 'string')
    throw new ManifestError(`Plugin manifest for "${raw.id}" must contain a "version" property`, file);
  if (!isCamelCase(raw.id)) {
    // Kibana: fatal; OSD: a warning in dev mode only.
    if (host === 'kibana') throw new ManifestError(`Plugin "id" must be camelCase, but found: ${raw.id}`, file);
  }
  const known: readonly string[] = host === 'kibana' ? KIBANA_MANIFEST_KEYS : OSD_MANIFEST_KEYS;
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new ManifestError(
      `Manifest for plugin "${raw.id}" contains the following unrecognized properties: ${unknown.join(',')}`,
      file,
    );
  if (host === 'kibana') {
    if (!raw.owner || typeof raw.owner !== 'object' || typeof raw.owner.name !== 'string' || !raw.owner.name) {
      throw new ManifestError(
        `Plugin manifest for "${raw.id}" must contain an "owner" property, which includes a nested "name" property`,
        file,
      );
    }
    if (raw.owner.githubTeam !== undefined && typeof raw.owner.githubTeam !== 'string')
      throw new ManifestError('"owner.githubTeam" must be a string', file);
    if (raw.description !== undefined && typeof raw.description !== 'string')
      throw new ManifestError('"description" must be a string', file);
    if (raw.type !== undefined && raw.type !== 'standard' && raw.type !== 'preboot')
      throw new ManifestError(`"type" must be "standard" or "preboot", got ${JSON.stringify(raw.type)}`, file);
  }
  const configPath = raw.configPath ?? snakeCase(raw.id);
  if (
    typeof configPath !== 'string' &&
    !(Array.isArray(configPath) && configPath.every((p: unknown) => typeof p === 'string'))
  ) {
    throw new ManifestError(
      `The "configPath" in plugin manifest for "${raw.id}" should either be a string or an array of strings.`,
      file,
    );
  }
  for (const key of ['server', 'ui'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean')
      throw new ManifestError(`"${key}" must be true or false`, file);
  }
  if (!raw.server && !raw.ui)
    throw new ManifestError(
      `Both "server" and "ui" are missing or set to "false" in plugin manifest for "${raw.id}", but at least one of these must be set to "true".`,
      file,
    );
  const versionKey = host === 'kibana' ? 'kibanaVersion' : 'opensearchDashboardsVersion';
  const always = host === 'kibana' ? 'kibana' : 'opensearchDashboards';
  const expected: string = raw[versionKey] ?? raw.version;
  if (typeof expected !== 'string') throw new ManifestError(`"${versionKey}" must be a string`, file);
  if (expected !== always) {
    const a = coerceVersion(expected);
    const b = coerceVersion(hostVersion);
    if (!a || a !== b) {
      throw new ManifestError(
        `Plugin "${raw.id}" is only compatible with ${host === 'kibana' ? 'Kibana' : 'OpenSearch Dashboards'} version "${expected}", but used ${host === 'kibana' ? 'Kibana' : 'OpenSearch Dashboards'} version is "${hostVersion}".`,
        file,
      );
    }
  }
  return {
    id: raw.id,
    version: raw.version,
    hostVersion: expected,
    configPath,
    requiredPlugins: stringArray(raw.requiredPlugins, 'requiredPlugins', file),
    optionalPlugins: stringArray(raw.optionalPlugins, 'optionalPlugins', file),
    server: raw.server === true,
    ui: raw.ui === true,
    owner: raw.owner,
    type: raw.type ?? 'standard',
    raw,
  };
}
