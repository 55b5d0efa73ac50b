import type { Kysely } from 'kysely';
import { hasColumn } from './columns.js';

/**
 * Where a subscription's rich notifications point their links (recordingContentUrl, …): the Graph
 * root its creator called through the drop-in proxy (https://graph.microsoft.com/v1.0), so the app
 * follows them the way it reached Graph; null for the instance's own URL. Idempotent: the migration
 * tests rewind and run later migrations again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (await hasColumn(db, 'subscriptions', 'link_root')) return;
  await db.schema.alterTable('subscriptions').addColumn('link_root', 'text').execute();
}
