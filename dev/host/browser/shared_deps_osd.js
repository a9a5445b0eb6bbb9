/*
 * The stand-in OpenSearch Dashboards' shared-deps bundle, as OSD's packages/osd-ui-shared-deps/entry.js
 * builds it: `@elastic/eui` is OUI (OSD's package.json: "@elastic/eui": "npm:@opensearch-project/oui@..."),
 * `@elastic/charts` the last Apache-2.0 charts OSD folded in (31.1.0, OSD issue #1136), React 18 (OSD 3.6+).
 * Exposed as window.__osdSharedDeps__ under the names of OSD's packages/osd-ui-shared-deps/index.js.
 * OUI's ES build (its package.json `module`, which OSD's bundler takes): its icons load with
 * `import('./assets/' + name + '.js')`, which the bundler resolves; the CommonJS build's require(name) it cannot.
 */
var deps = {
  React: require('react'),
  ReactDom: require('react-dom'),
  ReactDomServer: require('react-dom/server'),
  Moment: require('moment'),
  MomentTimezone: require('moment-timezone'),
  ElasticNumeral: require('numeral'),
  ElasticCharts: require('osd-elastic-charts'),
  ElasticEui: require('@opensearch-project/oui/es'),
  ElasticEuiLibServices: require('@opensearch-project/oui/es/services'),
  ElasticEuiLibServicesFormat: require('@opensearch-project/oui/es/services/format'),
  ElasticEuiChartsTheme: require('@opensearch-project/oui/dist/eui_charts_theme'),
  Lodash: require('lodash'),
  LodashFp: require('lodash/fp'),
  TsLib: require('tslib'),
};
window.__osdSharedDeps__ = deps;
