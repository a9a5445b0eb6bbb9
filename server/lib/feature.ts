/*
 * The Kibana feature that turns roles into this plugin's API and saved-object privileges. Only the keys of
 * Kibana's feature schema (x-pack/platform/plugins/shared/features/server/feature_schema.ts; `scope` is gone
 * since elastic/kibana PR #234146). Saved-object privileges are granted per type, so both types the
 * plugin reads and writes as the current user are listed (docs/host_compatibility.md).
 */
import { PLUGIN_ID, PLUGIN_NAME, SIGNATURE_SAVED_OBJECT_TYPE } from '../../common/constants';
import { SIGNATURE_HISTORY_SAVED_OBJECT_TYPE } from '../../common/api/signatures';
import { API_PRIVILEGE_READ, API_PRIVILEGE_WRITE, FEATURE_ID } from '../../common/privileges';
import type { KibanaFeatureConfig } from '../types/host';

const TYPES = [SIGNATURE_SAVED_OBJECT_TYPE, SIGNATURE_HISTORY_SAVED_OBJECT_TYPE];

export const elasticRecheckFeature: KibanaFeatureConfig = {
  id: FEATURE_ID,
  name: PLUGIN_NAME,
  category: { id: 'observability', label: 'Observability' },
  app: [PLUGIN_ID],
  privileges: {
    all: {
      app: [PLUGIN_ID],
      api: [API_PRIVILEGE_READ, API_PRIVILEGE_WRITE],
      savedObject: { all: TYPES, read: [] },
      ui: ['show', 'save'],
    },
    read: { app: [PLUGIN_ID], api: [API_PRIVILEGE_READ], savedObject: { all: [], read: TYPES }, ui: ['show'] },
  },
};
