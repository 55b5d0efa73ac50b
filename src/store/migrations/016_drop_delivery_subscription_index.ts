import type { Kysely } from 'kysely';

/**
 * Drops notification_deliveries (subscription_id, id). Every change inserts a row per matching
 * subscription, and each subscription's rows sit at their own leaf of that index: ten subscriptions
 * dirtied ten more pages per change, written to the WAL at each commit. Only the delivery log's
 * `?subscriptionId=` filter read it (newest first, so it now walks the primary key back until it has
 * `top` rows); dropping a subscription's pending rows reads the pending rows (notification_deliveries_due).
 * Idempotent (IF EXISTS).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('notification_deliveries_subscription').ifExists().execute();
}
