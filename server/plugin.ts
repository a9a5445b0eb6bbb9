/* Wires the plugin into the host; the work lives in lib/ and routes/. */
import type {
  CoreSetup,
  CoreStart,
  ElasticRecheckSetupDeps,
  ElasticRecheckStartDeps,
  Logger,
  Plugin,
  PluginInitializerContext,
} from './types/host';
import { RecheckConfig, parseConfig } from './config';
import { detectHost } from './lib/host_adapter';
import { elasticRecheckFeature } from './lib/feature';
import { registerRoutes } from './routes';
import { AnswerCache } from './lib/answer_cache';
import { signatureHistorySavedObjectType, signatureSavedObjectType } from './saved_objects/signature_types';
import { BackgroundService } from './lib/background/background_service';
import { AccessService } from './lib/access/access_service';

export class ElasticRecheckPlugin implements Plugin<void, void, ElasticRecheckSetupDeps, ElasticRecheckStartDeps> {
  private readonly logger: Logger;
  private config: RecheckConfig;
  private readonly background: BackgroundService;
  private access?: AccessService;

  constructor(private readonly initializerContext: PluginInitializerContext) {
    this.logger = initializerContext.logger.get();
    this.config = parseConfig(readRawConfig(initializerContext));
    this.background = new BackgroundService(this.config, this.logger.get('background'));
  }

  setup(core: CoreSetup<ElasticRecheckStartDeps>, deps: ElasticRecheckSetupDeps): void {
    const host = detectHost(core);
    deps.features?.registerKibanaFeature(elasticRecheckFeature);
    core.savedObjects.registerType(signatureSavedObjectType);
    core.savedObjects.registerType(signatureHistorySavedObjectType);
    this.background.setup(deps);
    this.access = new AccessService(host, () => this.config, this.logger.get('access'));
    registerRoutes({
      router: core.http.createRouter(),
      host,
      logger: this.logger,
      config: () => this.config,
      access: this.access,
      answers: new AnswerCache(),
    });
    this.logger.debug(`set up for ${host}`);
  }

  start(core: CoreStart, deps: ElasticRecheckStartDeps): void {
    this.access?.start(core);
    this.background.start(core, deps);
  }

  stop(): void {
    this.background.stop().catch((error) => this.logger.warn(`stopping background work: ${error?.message ?? error}`));
  }
}

/** Kibana has config.get(); OSD only config.create() (an Observable that emits synchronously). */
function readRawConfig(ctx: PluginInitializerContext): unknown {
  if (typeof ctx.config.get === 'function') return ctx.config.get();
  let value: unknown;
  ctx.config
    .create()
    .subscribe((v) => (value = v))
    .unsubscribe();
  return value;
}
