/*
 * Small document store over the engine for the background work: create-if-absent, read with its
 * sequence number, and compare-and-set writes (if_seq_no / if_primary_term), so that concurrent
 * host instances never overwrite each other's progress.
 */
import { EngineClient, EngineRequestError } from '../../../lib/engine_client';

export interface Versioned<T> {
  source: T;
  seqNo: number;
  primaryTerm: number;
}

export async function ensureIndex(engine: EngineClient, index: string, mappings: object): Promise<void> {
  const exists = await engine.request<boolean>({ method: 'HEAD', path: `/${encodeURIComponent(index)}` }).catch((e) => {
    if (e instanceof EngineRequestError && e.statusCode === 404) return false;
    throw e;
  });
  if (exists) return;
  try {
    await engine.request({
      method: 'PUT',
      path: `/${encodeURIComponent(index)}`,
      body: { settings: { number_of_shards: 1, auto_expand_replicas: '0-1' }, mappings },
    });
  } catch (error) {
    if (error instanceof EngineRequestError && error.type === 'resource_already_exists_exception') return;
    throw error;
  }
}

export async function getDoc<T>(engine: EngineClient, index: string, id: string): Promise<Versioned<T> | null> {
  try {
    const res = await engine.request<any>({
      method: 'GET',
      path: `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(id)}`,
    });
    return { source: res._source as T, seqNo: res._seq_no, primaryTerm: res._primary_term };
  } catch (error) {
    if (error instanceof EngineRequestError && error.statusCode === 404) return null;
    throw error;
  }
}

/** Creates the document unless one with this id exists; false when it already existed. */
export async function createDoc(
  engine: EngineClient,
  index: string,
  id: string,
  source: unknown,
  refresh: boolean | 'wait_for' = false,
): Promise<boolean> {
  try {
    await engine.request({
      method: 'PUT',
      path: `/${encodeURIComponent(index)}/_create/${encodeURIComponent(id)}`,
      body: source,
      querystring: { refresh: String(refresh) },
    });
    return true;
  } catch (error) {
    if (error instanceof EngineRequestError && error.statusCode === 409) return false;
    throw error;
  }
}

/** Replaces the document only if nobody changed it since it was read; the new version, or null on a conflict. */
export async function replaceDoc(
  engine: EngineClient,
  index: string,
  id: string,
  source: unknown,
  version: { seqNo: number; primaryTerm: number },
  refresh: boolean | 'wait_for' = false,
): Promise<{ seqNo: number; primaryTerm: number } | null> {
  try {
    const res = await engine.request<any>({
      method: 'PUT',
      path: `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(id)}`,
      body: source,
      querystring: { if_seq_no: version.seqNo, if_primary_term: version.primaryTerm, refresh: String(refresh) },
    });
    return { seqNo: res._seq_no, primaryTerm: res._primary_term };
  } catch (error) {
    if (error instanceof EngineRequestError && error.statusCode === 409) return null;
    throw error;
  }
}

export async function deleteDoc(
  engine: EngineClient,
  index: string,
  id: string,
  version?: { seqNo: number; primaryTerm: number },
): Promise<boolean> {
  try {
    await engine.request({
      method: 'DELETE',
      path: `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(id)}`,
      querystring: version ? { if_seq_no: version.seqNo, if_primary_term: version.primaryTerm } : undefined,
    });
    return true;
  } catch (error) {
    if (error instanceof EngineRequestError && (error.statusCode === 409 || error.statusCode === 404)) return false;
    throw error;
  }
}

export const STATE_MAPPINGS = {
  dynamic: false,
  properties: {
    kind: { type: 'keyword' },
    owner: { type: 'keyword' },
    expiresAt: { type: 'date' },
    updatedAt: { type: 'date' },
  },
};
