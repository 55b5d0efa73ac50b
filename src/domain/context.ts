import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store/dialectCapabilities.js';
import type { Database } from '../store/schema.js';
import type { VirtualClock } from '../runtime/clock.js';
import type { ChangePipeline } from './changes.js';

/** What every domain operation works with: the store and the virtual clock. */
export interface DomainContext {
  readonly db: Kysely<Database>;
  /** The store's SQL differences (locks), asked for by effect. */
  readonly dialect: StoreDialect;
  readonly clock: VirtualClock;
  /** Where artifact, call-record and subscription changes go (feed + outbox), in their transaction. */
  readonly changes: ChangePipeline;
}

export const nowIso = (ctx: DomainContext): string => ctx.clock.now().toISOString();

/** Run `work` in one transaction, with a context whose reads and writes all go through it. */
export function inTransaction<T>(ctx: DomainContext, work: (trx: DomainContext) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute((trx) => work({ ...ctx, db: trx }));
}
