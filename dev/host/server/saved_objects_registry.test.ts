/* The stand-in's saved-object type registration against the plugin's real types and what Kibana refuses. */
import { SavedObjectTypeRegistry } from './saved_objects';
import {
  signatureHistorySavedObjectType,
  signatureSavedObjectType,
} from '../../../server/saved_objects/signature_types';

const REGISTRY = 'src/core/packages/saved-objects/base-server-internal/src/saved_objects_type_registry.ts';
const base = {
  name: 'probe_type',
  hidden: false,
  namespaceType: 'single' as const,
  mappings: { dynamic: false as const, properties: {} },
};

describe(`saved-object type registration (${REGISTRY})`, () => {
  test(`${REGISTRY}: the plugin's two types register, once each`, () => {
    const r = new SavedObjectTypeRegistry();
    r.register(signatureSavedObjectType);
    r.register(signatureHistorySavedObjectType);
    expect(r.all().map((t) => t.name)).toEqual(['elastic_recheck_signature', 'elastic_recheck_signature_history']);
    expect(() => r.register(signatureSavedObjectType)).toThrow(
      "Type 'elastic_recheck_signature' is already registered",
    );
  });

  test(`${REGISTRY} validateType: management.onExport / visibleInManagement need importableAndExportable; hidden types cannot be shown to HTTP APIs`, () => {
    const r = new SavedObjectTypeRegistry();
    expect(() => r.register({ ...base, management: { onExport: () => [] } } as any)).toThrow(
      "Type probe_type: 'management.importableAndExportable' must be 'true' when specifying 'management.onExport'",
    );
    expect(() => r.register({ ...base, management: { visibleInManagement: false } } as any)).toThrow(
      "must be 'true' when specifying 'management.visibleInManagement'",
    );
    expect(() => r.register({ ...base, hidden: true, hiddenFromHttpApis: false } as any)).toThrow(
      "Type probe_type: 'hiddenFromHttpApis' cannot be 'false' when specifying 'hidden' as 'true'",
    );
    r.register({ ...base, management: { importableAndExportable: true, visibleInManagement: false } } as any);
    expect(r.get('probe_type')).toBeDefined();
  });

  test(`${REGISTRY}: no registration after setup`, () => {
    const r = new SavedObjectTypeRegistry();
    r.freeze();
    expect(() => r.register(base as any)).toThrow('only be registered during setup');
  });
});
