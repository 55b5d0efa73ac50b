import type { Kysely, Selectable } from 'kysely';
import { toSubscription } from '../domain/subscriptions.js';
import type { StoreDialect } from '../store/dialectCapabilities.js';
import type { Database, NotificationDeliveryTable } from '../store/schema.js';
import type { FailureOutcome } from './deliveryPolicy.js';
import { lifecycleDelivery } from './outbox.js';

/**
 * The columns a claimed row carries: what the dispatcher reads to build, batch and finish its POSTs.
 * Not the whole row: the clear resource data, timestamps and last-attempt columns stay in the
 * store, so a claim of 500 rows moves (and PostgreSQL serializes) about half the bytes.
 */
const CLAIMED_COLUMNS = ['id', 'subscription_id', 'tenant_id', 'app_id', 'kind', 'target_url', 'payload', 'rich', 'attempts', 'first_due_at', 'created_at', 'claimed_by'] as const;

export type DeliveryRow = Pick<Selectable<NotificationDeliveryTable>, (typeof CLAIMED_COLUMNS)[number]>;

/** How a failed POST went, for the attempt log. */
export interface FailedPost {
  statusCode: number | null;
  error: string;
  durationMs: number;
}

/**
 * The outbox as a queue: every statement the dispatcher runs on notification_deliveries and
 * notification_attempts. An instance claims rows (claimed_by, claim_expires_at in wall time) and only
 * ever finishes rows it still holds, so a lapsed claim taken over by another instance is not
 * finished twice. Instants are passed in: `now` is the virtual clock, `wallMs`/`wallAt` wall time.
 */
export class DeliveryQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
    readonly instanceId: string,
    /** Send `missed` lifecycle notifications for dropped ones (not Graph's behaviour for Teams resources: --extra-lifecycle-events). */
    private readonly sendMissed = false,
  ) {}

  private claims = 0;
  /** Tokens of this instance's claims whose rounds are still running. */
  private readonly live = new Set<string>();

  /** Rows pending and due at `now`, claimed or not. */
  async countDue(now: string): Promise<number> {
    const row = await this.db
      .selectFrom('notification_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .where('due_at', '<=', now)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Claim up to `limit` of the oldest due rows nobody holds (or whose claim lapsed), for `claimMs` of
   * wall time; in id order. One statement: the candidate select is locked, skipping rows another
   * instance is claiming, where the store can. Rows for the URLs in `skipTargets` (this instance has
   * POSTs in flight to them) stay in the queue.
   *
   * Each claim has its own token (`claimed_by` = instance id and a counter), and every statement that
   * finishes rows matches the token its rows were claimed with: a claim that lapsed while its round
   * was still running (a starved event loop) and was taken over, by another instance or by another
   * round here, is finished once, by the round that holds it. Claims of rounds still running here
   * are never taken over by this instance, so it does not POST them twice itself.
   */
  async claim(now: string, wallMs: number, limit: number, claimMs: number, skipTargets: readonly string[] = []): Promise<DeliveryRow[]> {
    const lapsed = new Date(wallMs).toISOString();
    let candidates = this.db
      .selectFrom('notification_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('due_at', '<=', now)
      .where((eb) =>
        eb.or([
          eb('claim_expires_at', 'is', null),
          this.live.size === 0 ? eb('claim_expires_at', '<', lapsed) : eb.and([eb('claim_expires_at', '<', lapsed), eb('claimed_by', 'not in', [...this.live])]),
        ]),
      );
    if (skipTargets.length > 0) candidates = candidates.where('target_url', 'not in', skipTargets);
    candidates = candidates
      // (due_at, id) follows the index, so the oldest due rows come without sorting the backlog.
      .orderBy('due_at')
      .orderBy('id')
      .limit(limit);
    const token = `${this.instanceId}:${++this.claims}`;
    const rows = await this.db
      .updateTable('notification_deliveries')
      .set({ claimed_by: token, claim_expires_at: new Date(wallMs + claimMs).toISOString() })
      .where('id', 'in', this.dialect.claimRowsSkippingLocked(candidates))
      .returning(CLAIMED_COLUMNS)
      .execute();
    if (rows.length > 0) this.live.add(token);
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** The round that claimed with `token` has finished (or given back) all its rows. */
  settled(token: string): void {
    this.live.delete(token);
  }

  /** Give claimed rows back to the queue unchanged. */
  async release(rows: readonly DeliveryRow[]): Promise<void> {
    await this.db.updateTable('notification_deliveries').set({ claimed_by: null, claim_expires_at: null }).where('id', 'in', ids(rows)).where('claimed_by', '=', claimOf(rows)).execute();
  }

  /**
   * Put claimed rows back, each due at its `dueAt`, saying why (the slow-endpoint rule delayed them):
   * the reason goes into the attempt log too (outcome `delayed`, nothing sent), so it stays visible
   * after the row is delivered; one transaction.
   */
  async postpone(rows: ReadonlyArray<{ row: DeliveryRow; dueAt: string }>, reason: string, now: string, wallAt: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const { row, dueAt } of rows) {
        await trx
          .updateTable('notification_deliveries')
          .set({ due_at: dueAt, claimed_by: null, claim_expires_at: null, last_error: reason })
          .where('id', '=', row.id)
          .where('claimed_by', '=', row.claimed_by ?? '')
          .execute();
      }
      await this.logUnsent(
        trx,
        rows.map(({ row }) => row),
        'delayed',
        reason,
        now,
        wallAt,
      );
    });
  }

  /**
   * Drop claimed rows unsent (with `missed` lifecycle notifications when asked for), in one
   * transaction; the reason goes into the attempt log too (outcome `dropped`, nothing sent).
   */
  async drop(rows: readonly DeliveryRow[], now: string, reason: string, wallAt: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('notification_deliveries')
        .set({ status: 'dropped', finished_at: now, claimed_by: null, claim_expires_at: null, last_error: reason })
        .where('id', 'in', ids(rows))
        .where('claimed_by', '=', claimOf(rows))
        .execute();
      await this.logUnsent(trx, rows, 'dropped', reason, now, wallAt);
      if (this.sendMissed) await queueMissed(trx, rows, now);
    });
  }

  /** Attempt-log rows for a decision that sent nothing: no status code, no duration, the attempt count unchanged. */
  private async logUnsent(trx: Kysely<Database>, rows: readonly DeliveryRow[], outcome: 'delayed' | 'dropped', reason: string, now: string, wallAt: string): Promise<void> {
    if (rows.length === 0) return;
    await trx
      .insertInto('notification_attempts')
      .values(
        rows.map((row) => ({
          delivery_id: Number(row.id),
          attempt: row.attempts,
          instance_id: this.instanceId,
          at: now,
          wall_at: wallAt,
          status_code: null,
          error: reason,
          duration_ms: 0,
          batch_size: 0,
          outcome,
        })),
      )
      .execute();
  }

  /** One POST's rows delivered. One statement, no transaction: the hot path. */
  async markDelivered(rows: readonly DeliveryRow[], now: string, statusCode: number | null, durationMs: number): Promise<void> {
    await this.db
      .updateTable('notification_deliveries')
      .set((eb) => ({
        status: 'delivered',
        attempts: eb('attempts', '+', 1),
        finished_at: now,
        claimed_by: null,
        claim_expires_at: null,
        last_error: null,
        last_status_code: statusCode,
        last_duration_ms: Math.round(durationMs),
        last_batch_size: rows.length,
        last_instance_id: this.instanceId,
      }))
      .where('id', 'in', ids(rows))
      .where('claimed_by', '=', claimOf(rows))
      .execute();
  }

  /**
   * One POST failed: each row is rescheduled or dropped as decided, the attempt is logged for every
   * row, and (when asked for) dropped change notifications get `missed` lifecycle notifications; one transaction.
   */
  async recordFailure(decided: ReadonlyArray<{ row: DeliveryRow; next: FailureOutcome }>, failed: FailedPost, now: string, wallAt: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const { row, next } of decided) {
        const attempts = row.attempts + 1;
        await trx
          .updateTable('notification_deliveries')
          .set(
            next.outcome === 'dropped'
              ? { status: 'dropped', attempts, finished_at: now, claimed_by: null, claim_expires_at: null, last_error: failed.error }
              : { attempts, due_at: new Date(next.dueAtMs).toISOString(), claimed_by: null, claim_expires_at: null, last_error: failed.error },
          )
          .where('id', '=', row.id)
          .where('claimed_by', '=', row.claimed_by ?? '')
          .execute();
      }
      await trx
        .insertInto('notification_attempts')
        .values(
          decided.map(({ row, next }) => ({
            delivery_id: Number(row.id),
            attempt: row.attempts + 1,
            instance_id: this.instanceId,
            at: now,
            wall_at: wallAt,
            status_code: failed.statusCode,
            error: failed.error,
            duration_ms: Math.round(failed.durationMs),
            batch_size: decided.length,
            outcome: next.outcome,
          })),
        )
        .execute();
      if (this.sendMissed) {
        await queueMissed(
          trx,
          decided.filter(({ next }) => next.outcome === 'dropped').map(({ row }) => row),
          now,
        );
      }
    });
  }
}

const ids = (rows: readonly DeliveryRow[]): number[] => rows.map((row) => Number(row.id));

/** The claim token rows were claimed with (all the rows a statement finishes come from one claim). */
function claimOf(rows: ReadonlyArray<DeliveryRow | { row: DeliveryRow }>): string {
  const first = rows[0];
  const token = first === undefined ? null : 'row' in first ? first.row.claimed_by : first.claimed_by;
  // No rows: match nothing.
  return token ?? '';
}

/** A `missed` lifecycle notification for each subscription that lost change notifications (where it has a lifecycle URL). */
async function queueMissed(trx: Kysely<Database>, rows: readonly DeliveryRow[], now: string): Promise<void> {
  const subscriptions = new Set(rows.filter((row) => row.kind === 'change').map((row) => row.subscription_id));
  for (const id of subscriptions) {
    const row = await trx.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    const missed = row === undefined ? undefined : lifecycleDelivery(toSubscription(row), 'missed', now);
    if (missed !== undefined) await trx.insertInto('notification_deliveries').values(missed).execute();
  }
}
