/* Registers every route of the plugin; one file per resource beside this one. */
import { hostRouter } from '../lib/host_adapter';
import type { RouteDeps } from '../lib/route_handler';
import { registerAccessRoutes } from './access_routes';
import { registerHealthRoutes } from './health_routes';
import { registerSignatureRoutes } from './signature_routes';
import { registerImportExportRoutes } from './import_export_routes';
import { registerClassifyRoutes } from './classify_routes';
import { registerResultsRoutes } from './results_routes';
import { registerRatesRoutes } from './rates_routes';
import { registerQueryRoutes } from './query_routes';
import { registerClusterRoutes } from './cluster_routes';
import { registerBugRoutes } from './bug_routes';

export type { RouteDeps };

export function registerRoutes(hostDeps: RouteDeps): void {
  const deps = { ...hostDeps, router: hostRouter(hostDeps.router, hostDeps.host, hostDeps.access) };
  registerAccessRoutes(deps);
  registerHealthRoutes(deps);
  registerSignatureRoutes(deps);
  registerImportExportRoutes(deps);
  registerClassifyRoutes(deps);
  registerResultsRoutes(deps);
  registerRatesRoutes(deps);
  registerQueryRoutes(deps);
  registerClusterRoutes(deps);
  registerBugRoutes(deps);
}
