import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * What the dashboard's `changed` check (dashboardRoutes.ts) reads of the notification queue: enough to
 * see every change the Control page shows of a delivery (a new one, its status, its attempts), each
 * answered from an index rather than by aggregating the whole table on every check:
 * - a new delivery raises max(id) (ids only grow);
 * - a delivery leaving 'pending' (delivered, dropped) lowers the pending count (index notification_deliveries_due),
 *   or, if new ones arrived meanwhile, raises max(id);
 * - a failed or postponed attempt logs a notification_attempts row, raising its max(id); the successful
 *   one is kept on the row and comes with the status change.
 * A claim (claimed_by) is not shown, so it wakes nobody.
 */
export function deliverySignatureQueries(db: Kysely<Database>) {
  return [
    db.selectFrom('notification_deliveries').select((eb) => eb.fn.max('id').as('max')),
    db
      .selectFrom('notification_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('pending'))
      .where('status', '=', 'pending'),
    db.selectFrom('notification_attempts').select((eb) => eb.fn.max('id').as('max')),
  ] as const;
}

/** The values of deliverySignatureQueries: equal before and after, nothing the Control page shows changed. */
export async function deliverySignature(db: Kysely<Database>): Promise<unknown[]> {
  const [deliveries, pending, attempts] = deliverySignatureQueries(db);
  const rows = await Promise.all([deliveries.executeTakeFirst(), pending.executeTakeFirst(), attempts.executeTakeFirst()]);
  // Counts come back as numbers or strings depending on the driver; either way equal values compare equal.
  return rows.map((row) => Object.values(row ?? {}).map(String));
}
