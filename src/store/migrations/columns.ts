import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from '../kysely.js';

/**
 * Whether this store's `table` has `column` (idempotent migrations: the migration tests rewind and run
 * later migrations again). Asked of the current schema only, by name: Kysely's introspection lists every
 * schema of a PostgreSQL database, and resolves each table again by name, so a schema another instance
 * (or test) drops meanwhile failed this store's migration with "relation … does not exist".
 */
export async function hasColumn(db: Kysely<unknown>, table: string, column: string): Promise<boolean> {
  const { rows } =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? await sql<{ found: number }>`SELECT 1 AS found FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table} AND column_name = ${column}`.execute(db)
      : await sql<{ found: number }>`SELECT 1 AS found FROM pragma_table_info(${table}) WHERE name = ${column}`.execute(db);
  return rows.length > 0;
}
