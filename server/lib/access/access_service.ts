/*
 * The current user and what they may do, on both hosts.
 *  - Kibana: the user is core.security.authc.getCurrentUser() of the request context; routes are guarded
 *    by the host itself (route `security.authz` against the elasticRecheck feature privileges), and what
 *    the user may do is the feature's UI capabilities (CapabilitiesStart.resolveCapabilities, Kibana
 *    src/core/packages/capabilities/server).
 *  - OpenSearch Dashboards: no core.security and no per-route authorization; the user and roles come from
 *    opensearch-security's authinfo (authinfo.ts) and every route is checked here (guard, used by
 *    host_adapter.ts's hostRouter) against elastic_recheck.access.*.
 */
import { PLUGIN_ID } from '../../../common/constants';
import type { AccessResponse } from '../../../common/api/access';
import type { RecheckConfig } from '../../config';
import type { CoreStart, KibanaRequest, Logger, RequestHandlerContext } from '../../types/host';
import { coreContext, HostKind } from '../host_adapter';
import { EngineRequestError } from '../../../lib/engine_client';
import { AUTHINFO_PATH, fetchAuthInfo } from './authinfo';
import { AccessNeed, allows, decideAccess, OsdIdentity, refusalMessage } from './roles';

/** Name recorded when the host has no users (OSD without the security plugin). */
export const NO_USER = 'unknown';

// One authinfo call per request: the route guard and the history record share it.
const identities = new WeakMap<object, Promise<OsdIdentity | null>>();

/** OSD: the security plugin's view of the requesting user (null: no security plugin). */
export async function osdIdentity(context: RequestHandlerContext): Promise<OsdIdentity | null> {
  let pending = identities.get(context);
  if (!pending) {
    pending = (async () => {
      const core = await coreContext(context);
      if (!core.opensearch) throw new Error('osdIdentity needs the OpenSearch Dashboards request context');
      return fetchAuthInfo(core.opensearch.client.asCurrentUser);
    })();
    identities.set(context, pending);
  }
  return pending;
}

/** Who is asking, for history and `updatedBy`: the host's user on Kibana, authinfo's user_name on OSD. */
export async function currentUserName(context: RequestHandlerContext): Promise<string> {
  const core = await coreContext(context);
  if (core.opensearch && !core.elasticsearch) return (await osdIdentity(context))?.user ?? NO_USER;
  return core.security?.authc.getCurrentUser()?.username ?? NO_USER;
}

export interface Refusal {
  statusCode: 403;
  message: string;
}

export class AccessService {
  private core?: CoreStart;

  constructor(
    private readonly host: HostKind,
    private readonly config: () => RecheckConfig,
    private readonly logger: Logger,
  ) {}

  start(core: CoreStart): void {
    this.core = core;
    if (this.host === 'osd') void this.announce(core);
  }

  /** OSD route guard: null when the current user may, else the 403 to answer. */
  async check(context: RequestHandlerContext, need: AccessNeed): Promise<Refusal | null> {
    const identity = await osdIdentity(context);
    const access = this.config().access;
    return allows(decideAccess(identity, access), need)
      ? null
      : { statusCode: 403, message: refusalMessage(identity, need, access) };
  }

  /** The answer of GET /api/elastic_recheck/access. */
  async describe(context: RequestHandlerContext, request: KibanaRequest): Promise<AccessResponse> {
    if (this.host === 'osd') {
      const identity = await osdIdentity(context);
      const access = this.config().access;
      const decision = decideAccess(identity, access);
      if (!identity) return { host: 'osd', source: 'osd-no-security', user: null, ...decision };
      return {
        host: 'osd',
        source: 'osd-security',
        user: identity.user,
        ...decision,
        roles: identity.roles,
        backendRoles: identity.backendRoles,
        writerRoles: access.writers,
        readerRoles: access.readers,
      };
    }
    const user = await currentUserName(context);
    const capabilities = this.core?.capabilities;
    const caps = capabilities
      ? (await capabilities.resolveCapabilities(request, { capabilityPath: `${PLUGIN_ID}.*` }))[PLUGIN_ID]
      : undefined;
    // No feature registered (no features plugin, security off): the host enforces nothing, everyone may.
    const canRead = caps ? caps.show === true : true;
    const canWrite = caps ? caps.save === true : true;
    return { host: 'kibana', source: 'kibana', user: user === NO_USER ? null : user, canRead, canWrite };
  }

  /** Says at start how access is decided; without the security plugin, that every user can write. */
  private async announce(core: CoreStart): Promise<void> {
    const access = this.config().access;
    const client = core.opensearch?.client.asInternalUser;
    if (!client) return;
    let identity: OsdIdentity | null;
    try {
      identity = await fetchAuthInfo(client);
    } catch (error) {
      // 401 and the like: the security plugin is there (it refused the host's own user).
      if (error instanceof EngineRequestError && error.statusCode === 401)
        identity = { user: '', roles: [], backendRoles: [] };
      else {
        this.logger.warn(
          `could not ask ${AUTHINFO_PATH} at start (${error instanceof Error ? error.message : String(error)}); access is decided per request`,
        );
        return;
      }
    }
    if (identity) {
      const readers = access.readers.length
        ? `roles [${access.readers.join(', ')}] (and writers)`
        : 'every authenticated user';
      this.logger.info(
        `access by the OpenSearch security plugin: writers need one of the roles [${access.writers.join(', ')}]; readers: ${readers}`,
      );
    } else if (access.readOnlyWithoutSecurity) {
      this.logger.warn(
        'OpenSearch security plugin not found: elastic-recheck is read-only for every user (elastic_recheck.access.readOnlyWithoutSecurity)',
      );
    } else {
      this.logger.warn(
        'OpenSearch security plugin not found: every user who can reach OpenSearch Dashboards can create, change, delete and import signatures; set elastic_recheck.access.readOnlyWithoutSecurity: true to make elastic-recheck read-only',
      );
    }
  }
}
