import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { createEmulator } from '../../src/emulator.js';
import { openStore, type Store } from '../../src/store/database.js';
import { produceRecording } from '../support/artifactChanges.js';
import { storeOptions, tlsDir } from '../support/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { deliveries, flush, inMinutes, subscribe } from '../notifications/support.js';

async function deliveryIndexes(store: Store): Promise<string[]> {
  const { rows } =
    store.kind === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'notification_deliveries' and name not like 'sqlite_%'`.execute(store.db)
      : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'notification_deliveries' and schemaname = ${store.schema ?? 'public'}`.execute(store.db);
  return rows.map((r) => r.name).sort();
}

describe('migration 016_drop_delivery_subscription_index', () => {
  it("drops an older store's (subscription_id, id) index; the delivery log still filters by subscription, newest first", async () => {
    const { options, cleanup } = storeOptions(true);
    const receiver = await new WebhookReceiver().start();
    try {
      const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
      const { tenantId, organizerUserId, meetingId } = emu.demo;
      const body = { changeType: 'created', notificationUrl: `${receiver.url}/hook`, resource: 'communications/onlineMeetings/getAllRecordings', expirationDateTime: inMinutes(emu, 50) };
      const subs = [await subscribe(emu, body), await subscribe(emu, body)].map((s) => String(s.body['id']));
      for (let i = 0; i < 3; i++) await produceRecording(emu, { tenantId, organizerId: organizerUserId, meetingId });
      await flush(emu);
      await emu.close();

      // Take the store back to before the migration: the index as migration 005 made it.
      const storeConfig = resolveConfig(options, { port: 0, inMemory: false }).store;
      const store = await openStore(storeConfig);
      expect(await deliveryIndexes(store)).not.toContain('notification_deliveries_subscription');
      await sql`CREATE INDEX notification_deliveries_subscription ON notification_deliveries (subscription_id, id)`.execute(store.db);
      await sql`DELETE FROM kysely_migration WHERE name >= '016_drop_delivery_subscription_index'`.execute(store.db);
      expect(await deliveryIndexes(store)).toContain('notification_deliveries_subscription');
      await store.close();
      const migrated = await openStore(storeConfig);
      expect(await deliveryIndexes(migrated)).not.toContain('notification_deliveries_subscription');
      expect(await deliveryIndexes(migrated)).toContain('notification_deliveries_due');
      await migrated.close();

      const reopened = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
      try {
        const all = await deliveries(reopened);
        expect(all).toHaveLength(6);
        for (const sub of subs) {
          const logged = await deliveries(reopened, `?subscriptionId=${sub.toUpperCase()}`);
          expect(logged.map((d) => d.id)).toEqual(
            all
              .filter((d) => d.subscriptionId === sub)
              .map((d) => d.id)
              .sort((a, b) => b - a),
          );
          expect(logged).toHaveLength(3);
          expect((await deliveries(reopened, `?subscriptionId=${sub}&top=1`)).map((d) => d.id)).toEqual([logged[0]!.id]);
        }
      } finally {
        await reopened.close({ dropDatabaseSchema: true });
      }
    } finally {
      await receiver.stop();
      cleanup();
    }
  }, 60_000);
});
