/* Browser entry: the host reads `plugin` from the bundle registry (plugin_reader.ts). */
import type { PluginInitializerContext } from './types/host';
import { ElasticRecheckPublicPlugin } from './plugin';

export function plugin(initializerContext: PluginInitializerContext) {
  return new ElasticRecheckPublicPlugin(initializerContext);
}
