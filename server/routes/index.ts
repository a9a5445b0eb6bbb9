/* Registers every route of the plugin; one file per resource beside this one. */
import type { IRouter, Logger } from '../types/host';
import { HostKind, hostRouter } from '../lib/host_adapter';
import type { AccessService } from '../lib/access/access_service';
import { registerAccessRoutes } from './access_routes';
import type { RecheckConfig } from '../config';
import { registerHealthRoutes } from './health_routes';
import { registerSignatureRoutes } from './signature_routes';
import { registerImportExportRoutes } from './import_export_routes';
import { registerClassifyRoutes } from './classify_routes';
import { registerResultsRoutes } from './results_routes';
import { registerRatesRoutes } from './rates_routes';
import { registerQueryRoutes } from './query_routes';
import { registerClusterRoutes } from './cluster_routes';
import { registerBugRoutes } from './bug_routes';

export interface RouteDeps {
  router: IRouter;
  host: HostKind;
  logger: Logger;
  /** Current plugin config (read per request, so tests and hosts may change it). */
  config: () => RecheckConfig;
  /** Who may do what (OSD: checked on every route by the router below). */
  access: AccessService;
}

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
