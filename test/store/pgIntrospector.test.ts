import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { sql } from '../../src/store/kysely.js';
import { STORE, tempPgSchema } from '../support/emulator.js';

/**
 * A store's Kysely introspection (its migrator asks it which tables exist) sees its own schema only:
 * Kysely's own introspector read every schema and resolved each by name again, so a store opening
 * while a parallel test dropped its schema failed with "schema … does not exist" (seen twice in a
 * three-worker suite run).
 */
describe.runIf(STORE === 'postgres')('PostgreSQL introspection of a store', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const open = async (): Promise<Store> => {
    const { url, schema, drop } = tempPgSchema();
    const store = await openStore({ kind: 'postgres', url, schema });
    cleanups.push(drop, () => store.close());
    return store;
  };

  it("lists this schema's tables only, and the migration tables only when asked", async () => {
    const [a, b] = [await open(), await open()];
    await sql`CREATE TABLE only_in_b (id int)`.execute(b.db);
    const tablesOfA = await a.db.introspection.getTables();
    expect(new Set(tablesOfA.map((t) => t.schema))).toEqual(new Set([a.schema]));
    expect(tablesOfA.map((t) => t.name)).toContain('artifacts');
    expect(tablesOfA.map((t) => t.name)).not.toContain('only_in_b');
    expect(tablesOfA.map((t) => t.name)).not.toContain('kysely_migration');
    const withInternal = await a.db.introspection.getTables({ withInternalKyselyTables: true });
    expect(withInternal.map((t) => t.name)).toContain('kysely_migration');
    const artifacts = tablesOfA.find((t) => t.name === 'artifacts');
    expect(artifacts?.columns.find((c) => c.name === 'id')).toMatchObject({ isNullable: false });
    expect((await a.db.introspection.getSchemas()).map((s) => s.name)).toEqual(expect.arrayContaining([a.schema, b.schema]));
  });
});
