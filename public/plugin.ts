/* Registers the app; the page code loads lazily on first mount (a separate chunk). */
import { PLUGIN_ID, PLUGIN_NAME } from '../common/constants';
import type { AppMountParameters, CoreSetup, CoreStart, Plugin, PluginInitializerContext } from './types/host';
import { registerSaveAsSignature, type ShareSetupLike } from './discover/save_as_signature';

/** Optional plugins' setup contracts (kibana.json optionalPlugins; absent on hosts without them). */
export interface SetupDeps {
  share?: ShareSetupLike;
}

export class ElasticRecheckPublicPlugin implements Plugin {
  constructor(_initializerContext: PluginInitializerContext) {}

  setup(core: CoreSetup, deps: SetupDeps = {}): void {
    core.application.register({
      id: PLUGIN_ID,
      title: PLUGIN_NAME,
      order: 8100,
      euiIconType: 'logoObservability',
      category: { id: 'observability', label: 'Observability', order: 3000 },
      visibleIn: ['globalSearch', 'sideNav'],
      async mount(params: AppMountParameters) {
        const [[coreStart], { renderApp }] = await Promise.all([
          core.getStartServices() as Promise<[CoreStart, unknown, unknown]>,
          import('./application'),
        ]);
        return renderApp(coreStart, params);
      },
    });

    // "Save as signature" in Discover's share/export menu, where the host's share plugin allows it.
    registerSaveAsSignature(deps.share, (appId, options) =>
      (core.getStartServices() as Promise<[CoreStart, unknown, unknown]>).then(([coreStart]) =>
        coreStart.application.navigateToApp(appId, options),
      ),
    );
  }

  start(): void {}

  stop(): void {}
}
