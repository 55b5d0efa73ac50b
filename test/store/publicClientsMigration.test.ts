import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { createEmulator } from '../../src/emulator.js';
import { openStore } from '../../src/store/database.js';
import { storeOptions, tlsDir } from '../support/emulator.js';

describe('migration 006_public_clients', () => {
  it('apps of a store made before the rule keep working without a secret; apps made after are confidential', async () => {
    const { options, cleanup } = storeOptions(true);
    const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    const tenantId = emu.demo.tenantId;
    const older = await emu.admin.createApp({ tenantId, displayName: 'Registered before the rule' });
    await emu.close();
    const storeConfig = resolveConfig(options, { port: 0, inMemory: false }).store;
    try {
      // Take the store back to before the migration: no column, no bookkeeping row.
      const store = await openStore(storeConfig);
      await sql`alter table apps drop column is_fallback_public_client`.execute(store.db);
      // Later migrations' rows go too (Kysely refuses a gap); they run again on reopen, and 007 re-keys
      // only ad hoc calls whose id differs from their call id, so running it again changes nothing.
      await sql`delete from kysely_migration where name >= '006_public_clients'`.execute(store.db);
      await store.close();

      const reopened = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
      try {
        const apps = await reopened.admin.listApps(tenantId);
        expect(apps.find((a) => a.clientId === older.clientId)?.isFallbackPublicClient).toBe(true);
        expect(apps.find((a) => a.clientId === emu.demo.clientId)?.isFallbackPublicClient).toBe(true);
        const newer = await reopened.admin.createApp({ tenantId, displayName: 'Registered after the rule' });
        expect(newer.isFallbackPublicClient).toBe(false);
      } finally {
        await reopened.close({ dropDatabaseSchema: true });
      }
    } finally {
      cleanup();
    }
  });
});
