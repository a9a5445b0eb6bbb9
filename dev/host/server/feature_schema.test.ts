/*
 * The stand-in's feature rules against the plugin's real feature and against what Kibana refuses.
 * Each test name carries the Kibana source the rule comes from.
 */
import { FeatureSchemaError, validateKibanaFeature } from './feature_schema';
import { elasticRecheckFeature } from '../../../server/lib/feature';

const FEATURE_SCHEMA = 'x-pack/platform/plugins/shared/features/server/feature_schema.ts';
const base = () => structuredClone(elasticRecheckFeature) as any;

describe(`Kibana feature schema (${FEATURE_SCHEMA})`, () => {
  test(`${FEATURE_SCHEMA}: the plugin's feature is accepted`, () => {
    expect(() => validateKibanaFeature(base())).not.toThrow();
  });

  test(`${FEATURE_SCHEMA}: unknown keys are refused, the removed \`scope\` among them (PR #234146)`, () => {
    expect(() => validateKibanaFeature({ ...base(), scope: ['spaces', 'security'] })).toThrow(
      '[scope]: definition for this key is missing',
    );
    const f = base();
    f.privileges.all.extra = true;
    expect(() => validateKibanaFeature(f)).toThrow('[privileges.all.extra]: definition for this key is missing');
    const c = base();
    c.category.color = 'red';
    expect(() => validateKibanaFeature(c)).toThrow('[category.color]: definition for this key is missing');
  });

  test(`${FEATURE_SCHEMA}: required keys and their types`, () => {
    for (const key of ['id', 'name', 'category', 'app', 'privileges']) {
      const f = base();
      delete f[key];
      expect(() => validateKibanaFeature(f)).toThrow(FeatureSchemaError);
    }
    const noUi = base();
    delete noUi.privileges.read.ui;
    expect(() => validateKibanaFeature(noUi)).toThrow(
      '[privileges.read.ui]: expected value of type [Array] but got [undefined]',
    );
    const noSo = base();
    delete noSo.privileges.all.savedObject;
    expect(() => validateKibanaFeature(noSo)).toThrow('[privileges.all.savedObject]: expected value of type [object]');
    expect(() => validateKibanaFeature({ ...base(), id: 'management' })).toThrow('[id]: [management] is not allowed');
    expect(() => validateKibanaFeature({ ...base(), id: 'has space' })).toThrow('Does not satisfy regexp');
    expect(() => validateKibanaFeature({ ...base(), privileges: null })).not.toThrow();
  });

  test(`${FEATURE_SCHEMA} validateKibanaFeature: app entries of privileges must be declared, declared ones granted`, () => {
    const unknown = base();
    unknown.privileges.read.app = ['elasticRecheck', 'other'];
    expect(() => validateKibanaFeature(unknown)).toThrow(
      'Feature privilege elasticRecheck.read has unknown app entries: other',
    );
    const ungranted = { ...base(), app: ['elasticRecheck', 'never'] };
    expect(() => validateKibanaFeature(ungranted)).toThrow(
      'Feature elasticRecheck specifies app entries which are not granted to any privileges: never',
    );
  });

  test(`${FEATURE_SCHEMA} validateKibanaFeature: catalogue and management cross-checks`, () => {
    const cat = base();
    cat.privileges.all.catalogue = ['elasticRecheck'];
    expect(() => validateKibanaFeature(cat)).toThrow(
      'Feature privilege elasticRecheck.all has unknown catalogue entries: elasticRecheck',
    );
    expect(() => validateKibanaFeature({ ...base(), catalogue: ['elasticRecheck'] })).toThrow(
      'specifies catalogue entries which are not granted to any privileges: elasticRecheck',
    );
    const section = base();
    section.privileges.all.management = { kibana: ['recheck'] };
    expect(() => validateKibanaFeature(section)).toThrow(
      'Feature privilege elasticRecheck.all has unknown management section: kibana',
    );
    const page = { ...base(), management: { kibana: ['recheck'] } };
    page.privileges.all.management = { kibana: ['recheck', 'other'] };
    expect(() => validateKibanaFeature(page)).toThrow('has unknown management entries for section kibana: other');
    expect(() => validateKibanaFeature({ ...base(), management: { kibana: ['recheck'] } })).toThrow(
      'specifies management entries which are not granted to any privileges: kibana.recheck',
    );
    const granted = { ...base(), catalogue: ['elasticRecheck'], management: { kibana: ['recheck'] } };
    granted.privileges.all.catalogue = ['elasticRecheck'];
    granted.privileges.read.management = { kibana: ['recheck'] };
    expect(() => validateKibanaFeature(granted)).not.toThrow();
  });
});
