import { describe, expect, it } from 'vitest';
import { deliverySignature, deliverySignatureQueries } from '../../src/admin/deliverySignature.js';
import { CompiledQuery, sql } from '../../src/store/kysely.js';
import { withLegStore } from '../support/emulator.js';

// The dashboard's `changed` check over the notification queue (src/admin/deliverySignature.ts), on a real store of each leg.

const at = '2026-01-01T00:00:00.000Z';
const delivery = (subscriptionId: string) => ({
  subscription_id: subscriptionId,
  tenant_id: 't',
  app_id: 'a',
  kind: 'change',
  target_url: 'https://127.0.0.1/hook',
  payload: '{}',
  resource_data: null,
  rich: 0,
  change_seq: null,
  status: 'pending',
  attempts: 0,
  due_at: at,
  first_due_at: at,
  claimed_by: null,
  claim_expires_at: null,
  created_at: at,
  created_wall_at: at,
  finished_at: null,
  last_error: null,
  last_status_code: null,
  last_duration_ms: null,
  last_batch_size: null,
  last_instance_id: null,
});
const attempt = (deliveryId: number) => ({
  delivery_id: deliveryId,
  attempt: 1,
  instance_id: 'i',
  at,
  wall_at: at,
  status_code: 500,
  error: 'HTTP 500',
  duration_ms: 1,
  batch_size: 1,
  outcome: 'retry',
});

describe('the dashboard’s delivery signature', () => {
  it('changes with every delivery change the Control page shows (new, attempted, delivered, dropped), not with a claim', async () => {
    await withLegStore(async (store) => {
      const { db } = store;
      const before = await deliverySignature(db);
      const { id } = await db.insertInto('notification_deliveries').values(delivery('s1')).returning('id').executeTakeFirstOrThrow();
      const queued = await deliverySignature(db);
      expect(queued).not.toEqual(before);

      await db.updateTable('notification_deliveries').set({ claimed_by: 'i:1', claim_expires_at: at }).where('id', '=', id).execute();
      expect(await deliverySignature(db)).toEqual(queued);

      // A failed attempt: the row stays pending, its attempts grow, the attempt is logged.
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('notification_deliveries').set({ attempts: 1, claimed_by: null, last_error: 'HTTP 500' }).where('id', '=', id).execute();
        await trx
          .insertInto('notification_attempts')
          .values(attempt(Number(id)))
          .execute();
      });
      const retried = await deliverySignature(db);
      expect(retried).not.toEqual(queued);

      await db.updateTable('notification_deliveries').set({ status: 'delivered', attempts: 2, last_status_code: 202 }).where('id', '=', id).execute();
      const delivered = await deliverySignature(db);
      expect(delivered).not.toEqual(retried);

      const second = await db.insertInto('notification_deliveries').values(delivery('s2')).returning('id').executeTakeFirstOrThrow();
      const queuedAgain = await deliverySignature(db);
      expect(queuedAgain).not.toEqual(delivered);
      // Dropped with its subscription: nothing logged, the status alone changes.
      await db.updateTable('notification_deliveries').set({ status: 'dropped', last_error: 'subscription deleted' }).where('id', '=', second.id).execute();
      expect(await deliverySignature(db)).not.toEqual(queuedAgain);
    });
  });

  it('reads indexes only: no query of the check scans a table, however many deliveries there are', async () => {
    await withLegStore(async (store) => {
      const plans: string[] = [];
      await store.db.transaction().execute(async (trx) => {
        // PostgreSQL prefers a sequential scan of a small table; forbidding it shows whether an index can answer.
        if (store.kind === 'postgres') await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        for (const query of deliverySignatureQueries(trx)) {
          const { sql: text, parameters } = query.compile();
          const explain = store.kind === 'postgres' ? `EXPLAIN ${text}` : `EXPLAIN QUERY PLAN ${text}`;
          const { rows } = await trx.executeQuery<Record<string, unknown>>(CompiledQuery.raw(explain, [...parameters]));
          plans.push(rows.map((row) => String(row['QUERY PLAN'] ?? row['detail'])).join('\n'));
        }
      });
      expect(plans).toHaveLength(3);
      for (const plan of plans) expect(plan).not.toMatch(/^\s*(SCAN notification_|.*Seq Scan on notification_)/m);
    });
  });
});
