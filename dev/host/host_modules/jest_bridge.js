/*
 * Under jest, `@kbn/config-schema` and `@osd/config-schema` are mapped here (jest.config.js), because a
 * plugin run from the source tree has no host folder above it to resolve them from. The stand-in that
 * is loading the plugin names its host first (plugin_loader.ts); the other host's package is "not
 * installed", as in the real host's node_modules.
 */
'use strict';
module.exports = function load(flavour) {
  const host = globalThis.__standInHost__;
  if (host !== (flavour === 'osd' ? 'osd' : 'kibana')) {
    const error = new Error(`Cannot find module '@${flavour}/config-schema'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return require('./config_schema').create(flavour);
};
