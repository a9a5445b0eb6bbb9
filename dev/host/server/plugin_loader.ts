/*
 * Finds and loads a plugin as the host does: the manifest parsed with the host's rules
 * (../manifest.ts), `require` of server/index.js, a synchronous `plugin(initializerContext)`
 * (Kibana src/core/packages/plugins/server-internal/src/plugin.ts), `setup` then `start`, `stop`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Plugin, PluginInitializerContext } from '../../../server/types/host';
import { HostKind, ManifestError, PluginManifest, parseManifest } from '../manifest';

export class PluginLoadError extends Error {}

export const MANIFEST_FILE: Record<HostKind, string> = { kibana: 'kibana.json', osd: 'opensearch_dashboards.json' };

export function readPluginManifest(pluginDir: string, host: HostKind, hostVersion: string): PluginManifest {
  const file = path.join(pluginDir, MANIFEST_FILE[host]);
  if (!fs.existsSync(file)) throw new ManifestError(`${MANIFEST_FILE[host]} not found`, file);
  return parseManifest(fs.readFileSync(file, 'utf8'), file, host, hostVersion);
}

/** Folder the stand-in's host packages go to: `<host home>/node_modules`, two levels above the plugin. */
export const HOST_PACKAGES: Record<HostKind, { name: string; file: string }> = {
  kibana: { name: '@kbn/config-schema', file: 'kbn_config_schema.js' },
  osd: { name: '@osd/config-schema', file: 'osd_config_schema.js' },
};

/**
 * Installs the host's config-schema package (dev/host/host_modules) where Node finds it from an installed
 * plugin: Kibana runs plugins from `<home>/plugins/<id>` and resolves bare imports up to `<home>/node_modules`;
 * the build and archive layout `<stage>/<kibana|opensearch-dashboards>/<id>` has the same depth. Returns the
 * folder, or undefined for a plugin folder outside that layout (the source tree; jest maps the name then).
 */
export function installHostPackages(pluginDir: string, host: HostKind): string | undefined {
  const parent = path.basename(path.dirname(path.resolve(pluginDir)));
  if (!['plugins', 'kibana', 'opensearch-dashboards'].includes(parent)) return undefined;
  const home = path.dirname(path.dirname(path.resolve(pluginDir)));
  const { name, file } = HOST_PACKAGES[host];
  const dir = path.join(home, 'node_modules', ...name.split('/'));
  const sources = path.join(__dirname, '..', 'host_modules');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(sources, 'config_schema.js'), path.join(dir, 'config_schema.js'));
  fs.copyFileSync(path.join(sources, file), path.join(dir, 'index.js'));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, version: '0.0.0-standin', main: 'index.js', private: true }, null, 2),
  );
  return dir;
}

/**
 * `require` of the server entry. Under jest the entry is loaded in its own module registry, so each stand-in
 * evaluates the plugin's `config` export against its own host's packages (one process per host in reality).
 */
export function requireServerDefinition(entry: string, host: HostKind): any {
  (globalThis as any).__standInHost__ = host;
  let mod: any;
  // The plugin's compiled server/index.js is found at run time, so it is required by path as the host does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the line above
  if (typeof jest !== 'undefined') jest.isolateModules(() => (mod = require(entry)));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  else mod = require(entry);
  return mod;
}

const SCHEMA_MARKER: Record<HostKind, string> = { kibana: '__isKbnConfigSchemaType', osd: '__isOsdConfigSchemaType' };

/**
 * The plugin's settings as the host hands them over, from Kibana's
 * src/core/packages/plugins/server-internal/src/plugin.ts (getConfigDescriptor: a `config` export must hold a
 * config-schema type, "Configuration schema expected to be an instance of Type") and
 * src/core/packages/config/server-internal (ConfigService: settings under a path without a schema fail with
 * "No validation schema has been defined for [path]", config.get() returns the schema's validated value).
 * OSD: src/core/server/plugins/plugin.ts and src/core/server/config, same rules with @osd/config-schema.
 */
export function validatedPluginConfig(
  definition: any,
  manifest: PluginManifest,
  host: HostKind,
  raw: Record<string, unknown>,
  context: Record<string, unknown>,
): { value: unknown } | { error: string } {
  const configPath = Array.isArray(manifest.configPath) ? manifest.configPath.join('.') : manifest.configPath;
  const descriptor = definition?.config;
  if (!descriptor) return { error: `No validation schema has been defined for [${configPath}]` };
  if (!descriptor.schema || descriptor.schema[SCHEMA_MARKER[host]] !== true)
    throw new PluginLoadError('Configuration schema expected to be an instance of Type');
  return { value: descriptor.schema.validate(raw, context, `config validation of [${configPath}]`) };
}

/** Calls the initializer of a required server definition (sync on OSD; Kibana ≥ 8.12 also awaits an async one). */
export async function initializeServerPlugin(
  manifest: PluginManifest,
  entry: string,
  host: HostKind,
  ctx: PluginInitializerContext,
  definition: any = requireServerDefinition(entry, host),
): Promise<Plugin<unknown, unknown, any, any>> {
  if (!fs.existsSync(entry))
    throw new PluginLoadError(`Plugin "${manifest.id}" has "server: true" but ${entry} does not exist`);
  const mod = definition;
  if (!mod || typeof mod.plugin !== 'function') {
    throw new PluginLoadError(`Plugin "${manifest.id}" does not export "plugin" definition (${entry}).`);
  }
  let instance = mod.plugin(ctx);
  if (instance && typeof instance.then === 'function') {
    if (host === 'osd')
      throw new PluginLoadError(
        `Initializer for plugin "${manifest.id}" returned a promise; OpenSearch Dashboards needs a synchronous initializer`,
      );
    instance = await instance;
  }
  if (!instance || typeof instance !== 'object') {
    throw new PluginLoadError(
      `Initializer for plugin "${manifest.id}" is expected to return plugin instance, but returned "${instance}".`,
    );
  }
  if (typeof instance.setup !== 'function' || typeof instance.start !== 'function') {
    throw new PluginLoadError(`Plugin "${manifest.id}" instance must have setup and start methods`);
  }
  return instance;
}
