/*
 * What a route handler works with, built once per request: the engine as the current user, the
 * signature store as the current user (with or without the query checks writes need), every stored
 * signature and their compiled form. Each piece is made on first use and then reused within the request.
 */
import type { StoredSignature } from '../../common/api/signatures';
import type { EngineClient } from '../../lib/engine_client';
import type { RequestHandlerContext } from '../types/host';
import { currentUserName } from './access/access_service';
import { engineAsCurrentUser, savedObjectsClient } from './host_adapter';
import { SignatureStore, StoreQueryChecks } from './signature_store';
import { CompiledSignature, compileSignatures } from './signatures/compile';
import { fetchIndexFields } from './signatures/engine_validation';
import { measureLeadingWildcards } from './signatures/leading_wildcards';

export interface RecheckRequestContext {
  /** The engine as the user who made the request, so the engine's own permissions apply. */
  engine(): Promise<EngineClient>;
  /** The signature store as the current user, for reads. */
  store(): Promise<SignatureStore>;
  /**
   * The store for writes: queries are checked against `logsIndex`, its fields and the measured cost of
   * leading wildcards on analysed text (server/lib/signatures/leading_wildcards.ts).
   */
  checkedStore(logsIndex: string): Promise<SignatureStore>;
  /** Every stored signature the user may read. */
  signatures(): Promise<StoredSignature[]>;
  /** The same, compiled to engine queries. */
  compiled(): Promise<CompiledSignature[]>;
  /** The user who made the request (what the host's security says). */
  user(): Promise<string>;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

export function requestContext(context: RequestHandlerContext): RecheckRequestContext {
  const engine = once(() => engineAsCurrentUser(context));
  const user = once(() => currentUserName(context));
  const store = once(async () => new SignatureStore(await savedObjectsClient(context), await user()));
  const signatures = once(async () => (await store()).all());
  const compiled = once(async () => compileSignatures(await signatures()));
  const checkedStore = async (logsIndex: string) => {
    const client = await savedObjectsClient(context);
    const e = await engine();
    // a user who may not read the log indices gets the built-in field list and unmeasured wildcards refused
    const fields = await fetchIndexFields(e, logsIndex).then(
      (f) => f.catalog,
      () => null,
    );
    const checks: StoreQueryChecks = {
      fields,
      measure: (query, problems) => measureLeadingWildcards(e, logsIndex, query, problems, { fields }),
    };
    return new SignatureStore(client, await user(), undefined, checks);
  };
  return { engine, store, checkedStore, signatures, compiled, user };
}
