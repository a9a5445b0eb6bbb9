/*
 * The `config` export a real host needs for `elastic_recheck.*` (host-contracts §2.1, §2.3).
 *
 * Kibana and OpenSearch Dashboards only read a plugin's settings through a config-schema type (without
 * one, any `elastic_recheck.*` key in kibana.yml is an "unknown configuration key" and config.get()
 * has no schema). @kbn/config-schema / @osd/config-schema are not on npm, but the host has them in its
 * own node_modules, where a require() from the installed plugin finds them (the stand-in installs its own
 * the same way: docs/host_compatibility.md). The schema lets every key through; server/config.ts then
 * validates the object with messages that name the full key. Where neither package resolves there is no
 * descriptor, and a host with settings for the plugin refuses to start.
 */
import type { PluginConfigDescriptor } from './types/host';

export function hostConfigDescriptor(load: (name: string) => any = require): PluginConfigDescriptor | undefined {
  for (const name of ['@kbn/config-schema', '@osd/config-schema']) {
    let mod: any;
    try {
      mod = load(name);
    } catch {
      continue;
    }
    const schema = mod?.schema;
    if (schema && typeof schema.object === 'function') return { schema: schema.object({}, { unknowns: 'allow' }) };
  }
  return undefined;
}
