/*
 * The global bundle registry and the plugin reader, with the semantics of Kibana's bootstrap template
 * (src/core/packages/rendering/server-internal/src/bootstrap/render_template.ts) and plugin reader
 * (src/core/packages/plugins/browser-internal/src/plugin_reader.ts); OSD's osd_bundles_loader_source.js
 * and plugin_reader.ts are the same with __osdBundles__.
 */
export interface BundleRegistry {
  has(key: string): boolean;
  define(key: string, bundleRequire: (moduleKey?: unknown) => unknown, bundleModuleKey?: unknown): void;
  get(key: string): any;
}

/**
 * The registry as plain ES5 source: the page inlines it before any bundle loads (a function's
 * toString() would carry transpiler helpers such as esbuild's __name).
 */
export const BUNDLE_REGISTRY_SOURCE = `function (win, globalName) {
  var modules = {};
  function has(key) {
    return Object.prototype.hasOwnProperty.call(modules, key);
  }
  function define(key, bundleRequire, bundleModuleKey) {
    if (has(key)) throw new Error(globalName + ' already has a module defined for "' + key + '"');
    modules[key] = { bundleRequire: bundleRequire, bundleModuleKey: bundleModuleKey };
  }
  function get(key) {
    if (!has(key)) throw new Error(globalName + ' does not have a module defined for "' + key + '"');
    return modules[key].bundleRequire(modules[key].bundleModuleKey);
  }
  var registry = { has: has, define: define, get: get };
  win[globalName] = registry;
  return registry;
}`;

export function installBundleRegistry(win: any, globalName: string): BundleRegistry {
  return new Function(`return (${BUNDLE_REGISTRY_SOURCE});`)()(win, globalName);
}

/** The plugin's initializer from its bundle, or the host's error when the bundle did not register. */
export function readPluginInitializer(registry: BundleRegistry, pluginId: string): (ctx: unknown) => any {
  const key = 'plugin/' + pluginId + '/public';
  if (!registry.has(key))
    throw new Error('Definition of plugin "' + pluginId + '" not found and may have failed to load.');
  const pluginExport = registry.get(key);
  if (!pluginExport || typeof pluginExport.plugin !== 'function')
    throw new Error('Definition of plugin "' + pluginId + '" should be a function.');
  return pluginExport.plugin;
}
