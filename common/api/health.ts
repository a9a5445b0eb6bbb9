/* GET /api/elastic_recheck/health: is the engine there, and how far behind is log indexing. */
import { API_BASE_PATH } from '../constants';

export const HEALTH_PATH = `${API_BASE_PATH}/health`;

export interface HealthResponse {
  engine: {
    reachable: boolean;
    /** green | yellow | red, from _cluster/health; absent when unreachable. */
    status?: 'green' | 'yellow' | 'red';
    clusterName?: string;
    /** Engine error text when unreachable or refused. */
    error?: string;
  };
  logs: {
    indexPattern: string;
    /** @timestamp of the newest log document, or null when there is none. */
    newestTimestamp: string | null;
    /** Seconds between now and newestTimestamp (the indexing lag), or null. */
    lagSeconds: number | null;
  };
  /** How often the background intake looks for new failed builds (seconds), when it runs. */
  intakeIntervalSeconds?: number;
  /** Server time of the answer (ISO). */
  checkedAt: string;
}
