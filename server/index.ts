/* Server entry the host requires: a synchronous initializer (host-contracts §2.1). */
import type { PluginInitializerContext } from './types/host';
import { ElasticRecheckPlugin } from './plugin';
import { hostConfigDescriptor } from './config_schema';

/** `elastic_recheck.*` settings reach the plugin only through a host config-schema (see config_schema.ts). */
export const config = hostConfigDescriptor();

export function plugin(initializerContext: PluginInitializerContext) {
  return new ElasticRecheckPlugin(initializerContext);
}

export type { ElasticRecheckPlugin };
