/*
 * Modules the host provides to plugin bundles as properties of a global, so plugins must not bundle
 * them (host-contracts §5.4, §6.4). Facts from Kibana's
 * src/platform/packages/private/kbn-ui-shared-deps-src/src/definitions.js and OSD's
 * packages/osd-ui-shared-deps/index.js (module name -> property of the global).
 * Only the modules a plugin like ours can import are listed; the stand-in's shared-deps bundle
 * provides the same properties.
 */
export const KIBANA_SHARED_DEPS: Record<string, string> = {
  react: 'React',
  'react-dom': 'ReactDom',
  'react-dom/server': 'ReactDomServer',
  'react-router': 'ReactRouter',
  'react-router-dom': 'ReactRouterDom',
  'styled-components': 'StyledComponents',
  '@emotion/react': 'EmotionReact',
  '@emotion/cache': 'EmotionCache',
  jquery: 'Jquery',
  moment: 'Moment',
  'moment-timezone': 'MomentTimezone',
  rxjs: 'Rxjs',
  numeral: 'ElasticNumeral',
  '@elastic/numeral': 'ElasticNumeral',
  '@elastic/charts': 'ElasticCharts',
  '@elastic/eui': 'ElasticEui',
  '@elastic/eui-theme-borealis': 'ElasticEuiThemeBorealis',
  '@kbn/datemath': 'KbnDatemath',
  '@kbn/rison': 'KbnRison',
  '@kbn/i18n': 'KbnI18n',
  '@kbn/i18n-react': 'KbnI18nReact',
  lodash: 'Lodash',
  'lodash/fp': 'LodashFp',
  tslib: 'TsLib',
  uuid: 'Uuid',
  history: 'History',
  classnames: 'Classnames',
  redux: 'Redux',
  'react-redux': 'ReactRedux',
  '@reduxjs/toolkit': 'ReduxjsToolkit',
  immer: 'Immer',
  reselect: 'Reselect',
  '@tanstack/react-query': 'ReactQuery',
  'io-ts': 'IoTs',
};

export const OSD_SHARED_DEPS: Record<string, string> = {
  react: 'React',
  'react-dom': 'ReactDom',
  'react-dom/server': 'ReactDomServer',
  'react-router': 'ReactRouter',
  'react-router-dom': 'ReactRouterDom',
  'styled-components': 'StyledComponents',
  jquery: 'Jquery',
  moment: 'Moment',
  'moment-timezone': 'MomentTimezone',
  rxjs: 'Rxjs',
  'rxjs/operators': 'RxjsOperators',
  numeral: 'ElasticNumeral',
  '@elastic/numeral': 'ElasticNumeral',
  '@elastic/charts': 'ElasticCharts',
  '@elastic/eui': 'ElasticEui',
  '@elastic/eui/lib/services': 'ElasticEuiLibServices',
  '@elastic/eui/lib/services/format': 'ElasticEuiLibServicesFormat',
  '@elastic/eui/dist/eui_charts_theme': 'ElasticEuiChartsTheme',
  '@osd/i18n': 'OsdI18n',
  '@osd/i18n/react': 'OsdI18nReact',
  lodash: 'Lodash',
  'lodash/fp': 'LodashFp',
  tslib: 'TsLib',
};

/** Modules that exist on one host only; importing them makes a bundle that cannot load on the other. */
export function sharedDepsFor(host: 'kibana' | 'osd'): Record<string, string> {
  return host === 'kibana' ? KIBANA_SHARED_DEPS : OSD_SHARED_DEPS;
}
