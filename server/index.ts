/* Server entry the host requires: a synchronous initializer (host-contracts §2.1). */
import type { PluginInitializerContext } from './types/host';
import { ElasticRecheckPlugin } from './plugin';

export function plugin(initializerContext: PluginInitializerContext) {
  return new ElasticRecheckPlugin(initializerContext);
}

export type { ElasticRecheckPlugin };
