import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { openStore } from '../../src/store/database.js';
import { storeOptions } from '../support/emulator.js';

describe('store.writes (what pushes the dashboard’s `changed` events)', () => {
  it('fires after this process writes, and not on reads', async () => {
    const { options, cleanup } = storeOptions();
    const store = await openStore(resolveConfig(options, { port: 0, inMemory: true }).store);
    try {
      let fired = 0;
      const off = store.writes.on(() => fired++);
      await store.db.selectFrom('tenants').selectAll().execute();
      expect(fired).toBe(0);
      await store.db.insertInto('tenants').values({ id: 'write-signal', display_name: 'Signal', domain: 'signal.example', created_at: new Date().toISOString() }).execute();
      expect(fired).toBeGreaterThan(0);
      const afterInsert = fired;
      await store.db.transaction().execute(async (trx) => {
        await trx.updateTable('tenants').set({ display_name: 'Signal 2' }).where('id', '=', 'write-signal').execute();
      });
      expect(fired).toBeGreaterThan(afterInsert);
      off();
      const afterOff = fired;
      await store.db.deleteFrom('tenants').where('id', '=', 'write-signal').execute();
      expect(fired).toBe(afterOff);
    } finally {
      await store.dropSchema();
      await store.close();
      cleanup();
    }
  });
});
