/* Wires the plugin into the host; the work lives in lib/ and routes/. */
import type { CoreSetup, CoreStart, ElasticRecheckSetupDeps, ElasticRecheckStartDeps, Logger, Plugin, PluginInitializerContext } from './types/host';
import { RecheckConfig, parseConfig } from './config';
import { detectHost } from './lib/host_adapter';
import { elasticRecheckFeature } from './lib/feature';
import { registerRoutes } from './routes';

export class ElasticRecheckPlugin implements Plugin<void, void, ElasticRecheckSetupDeps, ElasticRecheckStartDeps> {
  private readonly logger: Logger;
  private config: RecheckConfig;

  constructor(private readonly initializerContext: PluginInitializerContext) {
    this.logger = initializerContext.logger.get();
    this.config = parseConfig(readRawConfig(initializerContext));
  }

  setup(core: CoreSetup<ElasticRecheckStartDeps>, deps: ElasticRecheckSetupDeps): void {
    const host = detectHost(core);
    deps.features?.registerKibanaFeature(elasticRecheckFeature);
    registerRoutes({ router: core.http.createRouter(), host, logger: this.logger, config: () => this.config });
    this.logger.debug(`set up for ${host}`);
  }

  start(_core: CoreStart, _deps: ElasticRecheckStartDeps): void {}

  stop(): void {}
}

/** Kibana has config.get(); OSD only config.create() (an Observable that emits synchronously). */
function readRawConfig(ctx: PluginInitializerContext): unknown {
  if (typeof ctx.config.get === 'function') return ctx.config.get();
  let value: unknown;
  ctx.config.create().subscribe((v) => (value = v)).unsubscribe();
  return value;
}
