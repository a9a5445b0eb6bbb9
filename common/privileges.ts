/*
 * Kibana API privileges of this plugin. The feature registered in server/lib/feature.ts grants
 * READ to its `read` privilege and both to `all`; routes name them in
 * `security.authz.requiredPrivileges` (host-contracts §2.7).
 */
import { PLUGIN_ID } from './constants';

export const API_PRIVILEGE_READ = `${PLUGIN_ID}-read`;
export const API_PRIVILEGE_WRITE = `${PLUGIN_ID}-write`;
export const FEATURE_ID = PLUGIN_ID;
