import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator.js';
import { openStore, type Store } from '../../src/store/database.js';
import { emptyStore, resettableTables } from '../../src/store/reset.js';
import { resolveConfig } from '../../src/config.js';
import { storeOptions, tlsDir } from '../support/emulator.js';

async function count(store: Store, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
  return Number(rows[0]!.n);
}

describe('emptyStore', () => {
  it('empties every table but the signing keys and migration bookkeeping, including tables later migrations add', async () => {
    const { options, cleanup } = storeOptions(true);
    // Seed through a real emulator, then work on its store directly.
    const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    await emu.close();
    const store = await openStore(resolveConfig(options, { port: 0, inMemory: false }).store);
    try {
      // A table a later migration might add, referencing tenants without ON DELETE CASCADE.
      await sql`create table extra_things (id text primary key, tenant_id text not null references tenants(id))`.execute(store.db);
      await sql`insert into extra_things (id, tenant_id) values ('x1', ${emu.demo.tenantId})`.execute(store.db);

      const tables = await resettableTables(store);
      expect(tables).toEqual(expect.arrayContaining(['tenants', 'users', 'apps', 'meetings', 'calls', 'settings', 'extra_things']));
      expect(tables).not.toContain('signing_keys');
      expect(tables.some((t) => t.startsWith('kysely_'))).toBe(false);
      expect(await count(store, 'tenants')).toBe(1);
      expect(await count(store, 'signing_keys')).toBeGreaterThan(0);
      const keys = await count(store, 'signing_keys');

      await emptyStore(store);

      for (const table of tables) expect(await count(store, table), table).toBe(0);
      expect(await count(store, 'signing_keys')).toBe(keys);
      expect(await count(store, 'kysely_migration')).toBeGreaterThan(0);
      await emptyStore(store); // empty already: still fine
    } finally {
      await store.dropSchema();
      await store.close();
      cleanup();
    }
  });
});
