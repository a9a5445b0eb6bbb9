/* GET /api/elastic_recheck/access: what the current user may do, the one answer the browser uses on every host. */
import { API_BASE_PATH } from '../constants';

export const ACCESS_PATH = `${API_BASE_PATH}/access`;

/**
 * Where the decision comes from:
 *  - `kibana`: the elasticRecheck feature privileges of the user's Kibana roles (the host enforces them);
 *  - `osd-security`: opensearch-security's view of the user, checked against `elastic_recheck.access.*`;
 *  - `osd-no-security`: OpenSearch Dashboards without the security plugin (no users at all).
 */
export type AccessSource = 'kibana' | 'osd-security' | 'osd-no-security';

export interface AccessResponse {
  host: 'kibana' | 'osd';
  source: AccessSource;
  /** The user name, or null when the host has no users (security off). */
  user: string | null;
  canRead: boolean;
  canWrite: boolean;
  /** OSD with security: the user's security roles and backend roles as authinfo gives them. */
  roles?: string[];
  backendRoles?: string[];
  /** OSD: the configured roles (`elastic_recheck.access.writers` / `readers`; readers empty = everyone). */
  writerRoles?: string[];
  readerRoles?: string[];
}
