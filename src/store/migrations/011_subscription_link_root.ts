import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

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

/**
 * Whether this store's table has the column. On PostgreSQL the introspection lists every schema of
 * the database (instances and tests keep stores side by side in schemas): only the current one counts.
 */
async function hasColumn(db: Kysely<unknown>, table: string, column: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  const schemaNamed = tables.some((t) => t.schema !== undefined);
  const current = schemaNamed ? (await sql<{ name: string }>`SELECT current_schema() AS name`.execute(db)).rows[0]?.name : undefined;
  const found = tables.find((t) => t.name === table && (current === undefined || t.schema === current));
  return found?.columns.some((c) => c.name === column) === true;
}
