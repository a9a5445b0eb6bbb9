/*
 * The stand-in Kibana's shared-deps bundle: real React 18, EUI, @elastic/charts, moment, lodash ... exposed as
 * window.__kbnSharedDeps__ with the property names of Kibana's kbn-ui-shared-deps-src
 * (src/platform/packages/private/kbn-ui-shared-deps-src/src/definitions.js, dev/build/shared_deps.ts).
 * Module objects are the CommonJS exports, as webpack's `externalsType: 'var'` hands them to plugins.
 */
var deps = {
  React: require('react'),
  ReactDom: require('react-dom'),
  ReactDomServer: require('react-dom/server'),
  ElasticEui: require('@elastic/eui'),
  ElasticCharts: require('@elastic/charts'),
  ElasticEuiThemeBorealis: require('@elastic/eui-theme-borealis'),
  EmotionReact: require('@emotion/react'),
  EmotionCache: require('@emotion/cache'),
  Moment: require('moment'),
  MomentTimezone: require('moment-timezone'),
  Lodash: require('lodash'),
  LodashFp: require('lodash/fp'),
  TsLib: require('tslib'),
  Uuid: require('uuid'),
  Classnames: require('classnames'),
  ElasticNumeral: require('numeral'),
};
window.__kbnSharedDeps__ = deps;
