/*
 * Typed wrappers over the host's core.http for our REST API (style: Kibana examples' services.ts,
 * dashboards-flow-framework's route_service.ts). core.http adds the base path and the xsrf header.
 */
import { HEALTH_PATH, HealthResponse } from '../../common/api/health';
import type { HttpSetup } from '../types/host';

export class ApiClient {
  constructor(private readonly http: HttpSetup) {}

  health(signal?: AbortSignal): Promise<HealthResponse> {
    return this.http.get<HealthResponse>(HEALTH_PATH, { signal });
  }
}
