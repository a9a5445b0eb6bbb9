/* The Kibana feature that turns roles into this plugin's API privileges (host-contracts §2.7). */
import { PLUGIN_ID, PLUGIN_NAME, SIGNATURE_SAVED_OBJECT_TYPE } from '../../common/constants';
import { API_PRIVILEGE_READ, API_PRIVILEGE_WRITE, FEATURE_ID } from '../../common/privileges';
import type { KibanaFeatureConfig } from '../types/host';


export const elasticRecheckFeature: KibanaFeatureConfig = {
  id: FEATURE_ID,
  name: PLUGIN_NAME,
  category: { id: 'observability', label: 'Observability' },
  app: [PLUGIN_ID],
  scope: ['spaces', 'security'],
  privileges: {
    all: { app: [PLUGIN_ID], api: [API_PRIVILEGE_READ, API_PRIVILEGE_WRITE], savedObject: { all: [SIGNATURE_SAVED_OBJECT_TYPE], read: [] }, ui: ['show', 'save'] },
    read: { app: [PLUGIN_ID], api: [API_PRIVILEGE_READ], savedObject: { all: [], read: [SIGNATURE_SAVED_OBJECT_TYPE] }, ui: ['show'] },
  },
};
