/* Registers the app; the page code loads lazily on first mount (a separate chunk). */
import { PLUGIN_ID, PLUGIN_NAME } from '../common/constants';
import type { AppMountParameters, CoreSetup, CoreStart, Plugin, PluginInitializerContext } from './types/host';

export class ElasticRecheckPublicPlugin implements Plugin {
  constructor(_initializerContext: PluginInitializerContext) {}

  setup(core: CoreSetup): void {
    core.application.register({
      id: PLUGIN_ID,
      title: PLUGIN_NAME,
      order: 8100,
      euiIconType: 'logoObservability',
      category: { id: 'observability', label: 'Observability', order: 3000 },
      visibleIn: ['globalSearch', 'sideNav'],
      async mount(params: AppMountParameters) {
        const [[coreStart], { renderApp }] = await Promise.all([core.getStartServices() as Promise<[CoreStart, unknown, unknown]>, import('./application')]);
        return renderApp(coreStart, params);
      },
    });
  }

  start(): void {}

  stop(): void {}
}
