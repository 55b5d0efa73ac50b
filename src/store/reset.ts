import { CompiledQuery, sql } from './kysely.js';
import type { Store } from './database.js';
import { namedWrite } from './writeSignal.js';

/**
 * Tables a reset keeps: Kysely's migration bookkeeping, and the signing keys so tokens that clients
 * already hold keep verifying (their tenant must still exist, as the demo tenant does); likewise the
 * state-token key (domain/stateTokens.ts), so an old delta token is recognised as stale (410) rather
 * than forged (400), and a call-record page token keeps paging a record that outlived the reset.
 */
const KEPT_TABLES = new Set(['kysely_migration', 'kysely_migration_lock', 'signing_keys', 'state_token_keys']);

/** Every table of the store but the kept ones, read from the catalog so later migrations' tables are included. */
export async function resettableTables(store: Store): Promise<string[]> {
  const names =
    store.kind === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(store.db)
      : await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = ${store.schema ?? 'public'}`.execute(store.db);
  return names.rows
    .map((r) => r.name)
    .filter((name) => !KEPT_TABLES.has(name))
    .sort();
}

/** Empty the store in one transaction; foreign keys are checked only once every table is empty. */
const DEADLOCK_RETRIES = 5;

export async function emptyStore(store: Store): Promise<void> {
  const tables = await resettableTables(store);
  if (tables.length === 0) return;
  if (store.kind === 'postgres') {
    const list = tables.map((t) => `"${store.schema ?? 'public'}"."${t}"`).join(', ');
    // TRUNCATE locks every table at once; a delivery round or a clock-fired sweep holding some of them
    // can make PostgreSQL pick the TRUNCATE as a deadlock victim (40P01). That transaction is rolled
    // back whole, so trying again is safe; the other one has finished by then.
    for (let attempt = 1; ; attempt++) {
      try {
        await store.db.executeQuery(namedWrite(CompiledQuery.raw(`TRUNCATE ${list}`), { tables, insert: false }));
        return;
      } catch (err) {
        if (attempt >= DEADLOCK_RETRIES || (err as { code?: unknown }).code !== '40P01') throw err;
      }
    }
  }
  await store.db.transaction().execute(async (trx) => {
    await sql`PRAGMA defer_foreign_keys = ON`.execute(trx);
    for (const table of tables) await trx.executeQuery(namedWrite(sql`DELETE FROM ${sql.table(table)}`.compile(trx), { tables: [table], insert: false }));
  });
}
