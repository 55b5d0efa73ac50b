import type { Kysely } from 'kysely';
import { toSubscription, type Subscription } from '../domain/subscriptions.js';
import type { Database } from '../store/schema.js';
import type { StoreCommit, WriteSignal } from '../store/writeSignal.js';

/** Where a cache learns that the subscriptions table may have changed. */
export interface SubscriptionChanges {
  /** This process's committed writes, with the tables they touched (store.writes). */
  readonly commits: WriteSignal;
  /** Changes when another connection committed (store.dataVersion: SQLite's data_version). */
  readonly dataVersion: () => number;
}

const touchesSubscriptions = (commit: StoreCommit): boolean => commit.changed.has('subscriptions') || commit.changed.has('*');

/**
 * The active subscriptions of a (tenant, resource), which the outbox sink needs for every change:
 * read once and kept while nothing can have changed them, instead of a SELECT per change (a tenth of
 * a change's store time in the notifications bench). Kept entries are dropped when this process
 * commits a write to the subscriptions table (or to a table it cannot name), and when another
 * connection committed anything (data_version, read inside the caller's transaction: SQLite's write
 * lock, taken at BEGIN IMMEDIATE, keeps it exact until that transaction ends). Expiry is virtual
 * time, so it is applied on every read, not kept. Without `changes` (PostgreSQL, where other
 * instances write through other connections unseen) nothing is kept: every call reads the table.
 */
export class ActiveSubscriptions {
  private readonly kept = new Map<string, readonly Subscription[]>();
  private generation = 0;
  private seenVersion: number | undefined;
  private readonly stop: (() => void) | undefined;

  constructor(private readonly changes: SubscriptionChanges | undefined) {
    this.stop = changes?.commits.on((commit) => {
      if (touchesSubscriptions(commit)) this.forget();
    });
  }

  /** The tenant's active subscriptions to `artifact` not expired at `now`, read through `db` (the change's transaction). */
  async find(db: Kysely<Database>, tenantId: string, artifact: string, now: string): Promise<Subscription[]> {
    const key = `${tenantId}\u0000${artifact}`;
    let active = this.current()?.get(key);
    if (active === undefined) {
      const generation = this.generation;
      const rows = await db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', tenantId).where('artifact', '=', artifact).where('status', '=', 'active').execute();
      active = rows.map(toSubscription);
      // A commit heard while the read ran may have changed what it returned: use it, do not keep it.
      if (this.changes !== undefined && generation === this.generation) this.kept.set(key, active);
    }
    return active.filter((s) => s.expirationDateTime > now);
  }

  /** Stop listening to the store's commits. */
  close(): void {
    this.stop?.();
    this.forget();
  }

  /** The kept entries, emptied first if another connection has committed since they were read. */
  private current(): Map<string, readonly Subscription[]> | undefined {
    if (this.changes === undefined) return undefined;
    const version = this.changes.dataVersion();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.forget();
    }
    return this.kept;
  }

  private forget(): void {
    this.generation++;
    this.kept.clear();
  }
}
