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

/** Requires the server entry and calls the initializer (sync on OSD; Kibana ≥ 8.12 also awaits an async one). */
export async function initializeServerPlugin(
  manifest: PluginManifest,
  entry: string,
  host: HostKind,
  ctx: PluginInitializerContext,
): Promise<Plugin<unknown, unknown, any, any>> {
  if (!fs.existsSync(entry)) throw new PluginLoadError(`Plugin "${manifest.id}" has "server: true" but ${entry} does not exist`);
  // The plugin's compiled server/index.js is found at run time, so it is required by path as the host does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the line above
  const mod = require(entry);
  if (!mod || typeof mod.plugin !== 'function') {
    throw new PluginLoadError(`Plugin "${manifest.id}" does not export "plugin" definition (${entry}).`);
  }
  let instance = mod.plugin(ctx);
  if (instance && typeof instance.then === 'function') {
    if (host === 'osd') throw new PluginLoadError(`Initializer for plugin "${manifest.id}" returned a promise; OpenSearch Dashboards needs a synchronous initializer`);
    instance = await instance;
  }
  if (!instance || typeof instance !== 'object') {
    throw new PluginLoadError(`Initializer for plugin "${manifest.id}" is expected to return plugin instance, but returned "${instance}".`);
  }
  if (typeof instance.setup !== 'function' || typeof instance.start !== 'function') {
    throw new PluginLoadError(`Plugin "${manifest.id}" instance must have setup and start methods`);
  }
  return instance;
}
