import type { DomainContext } from '../domain/context.js';
import { parseSubscriptionResource } from '../domain/subscriptionResources.js';
import { nextLifecycleCheck, toSubscription, type Subscription } from '../domain/subscriptions.js';
import { parseStringList } from '../domain/json.js';
import type { LifecycleNotificationItem } from './payload.js';
import { lifecycleDelivery } from './outbox.js';

/**
 * Lifecycle events on the virtual clock: reminders to reauthorize as expiry nears, removal when a
 * subscription expires or its app loses the permission it was created with. Each state change is a
 * conditional update, so with several instances on one database only one of them sends the event.
 * For recordings, transcripts and callRecords Graph sends only `reauthorizationRequired`
 * (`subscriptionRemoved` is for Outlook resources and Teams chatMessage): a removal is silent unless
 * `extraEvents` (--extra-lifecycle-events) asks for the richer, non-Graph behaviour.
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export class LifecycleScanner {
  constructor(
    private readonly ctx: DomainContext,
    private readonly extraEvents = false,
  ) {}

  /** Returns how many lifecycle notifications were queued. */
  async scan(): Promise<number> {
    const { db } = this.ctx;
    const nowMs = this.ctx.clock.nowMs();
    const now = new Date(nowMs).toISOString();
    let queued = 0;
    const due = await db
      .selectFrom('subscriptions')
      .selectAll()
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('next_lifecycle_at', '<=', now), eb('expiration_date_time', '<=', now)]))
      .limit(1000)
      .execute();
    for (const row of due) {
      const s = toSubscription(row);
      if (s.expirationDateTime <= now) {
        if (await this.remove(s, 'expired', now)) queued++;
        continue;
      }
      const next = new Date(nextLifecycleCheck(nowMs, Date.parse(s.expirationDateTime), true)).toISOString();
      const moved = await db
        .updateTable('subscriptions')
        .set({ next_lifecycle_at: next })
        .where('id', '=', s.id)
        .where('status', '=', 'active')
        .where('next_lifecycle_at', '=', row.next_lifecycle_at)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 1 && (await this.enqueue(s, 'reauthorizationRequired', now))) queued++;
    }
    queued += await this.revoked(now);
    return queued;
  }

  /** App-only subscriptions whose app is gone or no longer holds a permission the resource needs. */
  private async revoked(now: string): Promise<number> {
    const rows = await this.ctx.db
      .selectFrom('subscriptions')
      .leftJoin('apps', 'apps.client_id', 'subscriptions.app_id')
      .selectAll('subscriptions')
      .select('apps.application_permissions as permissions')
      .where('subscriptions.status', '=', 'active')
      .where('subscriptions.principal_kind', '=', 'application')
      .where('subscriptions.rsc', '=', 0)
      .execute();
    let queued = 0;
    for (const row of rows) {
      const parsed = parseSubscriptionResource(row.resource);
      const needed = parsed.ok ? (parsed.pattern.permissions.application ?? []) : [];
      const held = row.permissions === null ? [] : parseStringList(row.permissions);
      if (needed.some((p) => held.includes(p))) continue;
      if (await this.remove(toSubscription(row), 'permissionRevoked', now)) queued++;
    }
    return queued;
  }

  /** Mark removed (once, whichever instance gets there first) and tell the app. */
  private async remove(s: Subscription, reason: string, now: string): Promise<boolean> {
    const { db } = this.ctx;
    return db.transaction().execute(async (trx) => {
      const removed = await trx
        .updateTable('subscriptions')
        .set({ status: 'removed', removed_reason: reason, next_lifecycle_at: null })
        .where('id', '=', s.id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(removed.numUpdatedRows) !== 1) return false;
      // Nothing more goes out for a removed subscription.
      await trx
        .updateTable('notification_deliveries')
        .set({ status: 'dropped', last_error: `subscription removed (${reason})`, finished_at: now, claimed_by: null })
        .where('subscription_id', '=', s.id)
        .where('kind', '=', 'change')
        .where('status', '=', 'pending')
        .execute();
      if (!this.extraEvents) return false;
      const row = lifecycleDelivery(s, 'subscriptionRemoved', now);
      if (row === undefined) return false;
      await trx.insertInto('notification_deliveries').values(row).execute();
      return true;
    });
  }

  private async enqueue(s: Subscription, event: LifecycleNotificationItem['lifecycleEvent'], now: string): Promise<boolean> {
    const row = lifecycleDelivery(s, event, now);
    if (row === undefined) return false;
    await this.ctx.db.insertInto('notification_deliveries').values(row).execute();
    return true;
  }
}
