/*
 * A lease in the engine so that two host instances never run the same background work (OSD has no
 * task manager; host-contracts §3). The lock is a document `lock:<name>` created with op_type=create;
 * an expired lease is taken over with a compare-and-set write, so exactly one contender wins.
 */
import { EngineClient } from '../../../lib/engine_client';
import { createDoc, deleteDoc, ensureIndex, getDoc, replaceDoc, STATE_MAPPINGS } from './store';

interface LockDoc {
  kind: 'lock';
  name: string;
  owner: string;
  acquiredAt: string;
  expiresAt: string;
}

export class EngineLock {
  private readonly id: string;
  constructor(
    private readonly engine: EngineClient,
    private readonly index: string,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.id = `lock:${name}`;
  }

  private doc(): LockDoc {
    const now = this.now();
    return {
      kind: 'lock',
      name: this.name,
      owner: this.owner,
      acquiredAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.ttlMs).toISOString(),
    };
  }

  /** True when this owner holds the lease now (newly acquired, renewed, or taken over after expiry). */
  async acquire(): Promise<boolean> {
    await ensureIndex(this.engine, this.index, STATE_MAPPINGS);
    if (await createDoc(this.engine, this.index, this.id, this.doc(), true)) return true;
    const current = await getDoc<LockDoc>(this.engine, this.index, this.id);
    if (!current) return createDoc(this.engine, this.index, this.id, this.doc(), true);
    const expired = Date.parse(current.source.expiresAt) <= this.now();
    if (current.source.owner !== this.owner && !expired) return false;
    return (await replaceDoc(this.engine, this.index, this.id, this.doc(), current, true)) !== null;
  }

  /** Gives the lease back if this owner still holds it. */
  async release(): Promise<void> {
    const current = await getDoc<LockDoc>(this.engine, this.index, this.id);
    if (current && current.source.owner === this.owner) await deleteDoc(this.engine, this.index, this.id, current);
  }

  async holder(): Promise<string | null> {
    const current = await getDoc<LockDoc>(this.engine, this.index, this.id);
    return current && Date.parse(current.source.expiresAt) > this.now() ? current.source.owner : null;
  }
}
