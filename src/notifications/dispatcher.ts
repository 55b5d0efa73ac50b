import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DomainContext } from '../domain/context.js';
import { toSubscription } from '../domain/subscriptions.js';
import type { Database, NotificationDeliveryTable } from '../store/schema.js';
import { endpointOf, EndpointHealth, SLOW_ENDPOINT_DELAY_MS, SLOW_RESPONSE_MS } from './endpointHealth.js';
import { post, PostFailed } from './httpPost.js';
import type { LifecycleScanner } from './lifecycle.js';
import { lifecycleDelivery } from './outbox.js';
import type { ValidationTokenIssuer } from './validationTokens.js';

type Row = Selectable<NotificationDeliveryTable>;

/** Receivers must answer within 3 seconds (change-notifications-delivery-webhooks.md). */
export const DELIVERY_TIMEOUT_MS = 3_000;
/** Graph retries for up to 4 hours, then drops the notification. */
export const RETRY_WINDOW_MS = 4 * 60 * 60_000;
/** How long new rows wait for company before a round takes them (measured: fewer POSTs, same p99). */
const POKE_COALESCE_MS = 25;
/** Virtual delays before each retry ([exact schedule undocumented]): growing, then every 10 minutes. */
const BACKOFF_MS = [10_000, 30_000, 60_000, 120_000, 300_000, 600_000];

export interface DispatcherOptions {
  /** Rows claimed per round. */
  claimBatch?: number;
  /** Notifications per POST (Graph sends several in one changeNotificationCollection). */
  perPost?: number;
  /** POSTs in flight at once per round (one wave: a round never outlives its claims). */
  concurrency?: number;
  /** Wall-clock polling period: other instances' rows and retries falling due. */
  pollMs?: number;
  /** Rounds running at once in this instance. */
  maxRounds?: number;
  /** How long a claim holds (wall time) before another instance may take the row. */
  claimMs?: number;
}

export interface FlushResult {
  delivered: number;
  retrying: number;
  dropped: number;
  /** Due rows still pending at the deadline (claimed elsewhere, or the flush timed out). */
  pending: number;
}

interface RoundResult {
  claimed: number;
  delivered: number;
  retrying: number;
  dropped: number;
}

/**
 * Delivers the outbox. Each round claims due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two
 * instances never claim the same row; SQLite has a single writer), groups them by target URL, POSTs
 * changeNotificationCollections with validationTokens for rich items, then marks each row delivered,
 * or schedules a retry on the virtual clock, or drops it after 4 hours and queues a `missed`
 * lifecycle notification. A claim lapses after `claimMs` of wall time, so an instance killed
 * mid-delivery never strands its rows.
 */
export class Dispatcher {
  readonly instanceId = randomUUID();
  private readonly claimBatch: number;
  private readonly perPost: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly claimMs: number;
  private readonly maxRounds: number;
  private readonly running = new Set<Promise<void>>();
  private wanted = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private pokeTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastScanMs = 0;
  private readonly health: EndpointHealth;

  constructor(
    private readonly ctx: DomainContext,
    private readonly tokens: ValidationTokenIssuer,
    private readonly lifecycle: LifecycleScanner,
    private readonly onError: (err: unknown) => void,
    options: DispatcherOptions = {},
  ) {
    this.claimBatch = options.claimBatch ?? 500;
    this.perPost = options.perPost ?? 100;
    this.concurrency = options.concurrency ?? 8;
    this.pollMs = options.pollMs ?? 250;
    this.claimMs = options.claimMs ?? 15_000;
    this.maxRounds = options.maxRounds ?? 4;
    this.health = new EndpointHealth(() => ctx.clock.nowMs());
  }

  private get db(): Kysely<Database> {
    return this.ctx.db;
  }

  start(): void {
    const tick = (): void => {
      this.pollTimer = setTimeout(() => {
        this.kick();
        if (!this.closed) tick();
      }, this.pollMs);
      this.pollTimer.unref();
    };
    tick();
  }

  /**
   * New rows were written (their transaction may still be committing): run a round after a short
   * coalescing window, so a burst of changes goes out in fewer, fuller POSTs, and once more a little
   * later for a commit that had not landed yet.
   */
  poke(): void {
    if (this.closed || this.pokeTimer !== undefined) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = undefined;
      this.kick();
      setTimeout(() => this.kick(), 15).unref();
    }, POKE_COALESCE_MS);
    this.pokeTimer.unref();
  }

  /**
   * Start a round now unless `maxRounds` are already running (then one more starts when one ends).
   * Rounds overlap: a round's POSTs are in flight while the next claims what came meanwhile; claims
   * keep them from taking the same rows. A round that filled its batch is followed by another.
   */
  kick(): void {
    if (this.closed) return;
    if (this.running.size >= this.maxRounds) {
      this.wanted = true;
      return;
    }
    this.wanted = false;
    const run: Promise<void> = this.round()
      .then((round) => {
        this.running.delete(run);
        if (round.claimed >= this.claimBatch || this.wanted) this.kick();
      })
      .catch((err: unknown) => {
        this.running.delete(run);
        this.onError(err);
      });
    this.running.add(run);
  }

  /** Deliver everything due now; resolves when every due notification was delivered or failed (or after `timeoutMs`). */
  async flush(timeoutMs = 60_000): Promise<FlushResult> {
    const deadline = Date.now() + timeoutMs;
    const total: FlushResult = { delivered: 0, retrying: 0, dropped: 0, pending: 0 };
    await this.scan(true);
    for (let i = 0; i < 100_000; i++) {
      const round = await this.round();
      total.delivered += round.delivered;
      total.retrying += round.retrying;
      total.dropped += round.dropped;
      total.pending = await this.duePending();
      if (total.pending === 0 || Date.now() > deadline || this.closed) break;
      // Rows claimed by another round or instance: wait for it to finish them (or for its claim to lapse).
      if (round.claimed === 0) await new Promise((r) => setTimeout(r, 20));
    }
    return total;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    if (this.pokeTimer !== undefined) clearTimeout(this.pokeTimer);
    await Promise.all([...this.running]);
  }

  private async duePending(): Promise<number> {
    const row = await this.db
      .selectFrom('notification_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .where('due_at', '<=', this.ctx.clock.now().toISOString())
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Lifecycle checks at most once a second of wall time (always on flush). */
  private async scan(force: boolean): Promise<void> {
    const wall = Date.now();
    if (!force && wall - this.lastScanMs < 1000) return;
    this.lastScanMs = wall;
    await this.lifecycle.scan();
  }

  private async claim(): Promise<Row[]> {
    const now = this.ctx.clock.now().toISOString();
    const wall = Date.now();
    const lapsed = new Date(wall).toISOString();
    let candidates = this.db
      .selectFrom('notification_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<', lapsed)]))
      // (due_at, id) follows the index, so the oldest due rows come without sorting the backlog.
      .orderBy('due_at')
      .orderBy('id')
      .limit(this.claimBatch);
    candidates = this.ctx.dialect.claimRowsSkippingLocked(candidates);
    const rows = await this.db
      .updateTable('notification_deliveries')
      .set({ claimed_by: this.instanceId, claim_expires_at: new Date(wall + this.claimMs).toISOString() })
      .where('id', 'in', candidates)
      .returningAll()
      .execute();
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  private async round(): Promise<RoundResult> {
    const result: RoundResult = { claimed: 0, delivered: 0, retrying: 0, dropped: 0 };
    await this.scan(false);
    const rows = await this.claim();
    result.claimed = rows.length;
    if (rows.length === 0) return result;
    const groups = new Map<string, Row[]>();
    for (const row of rows) {
      const key = `${row.kind} ${row.target_url}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [row]);
      else group.push(row);
    }
    const posts: Row[][] = [];
    for (const group of groups.values()) {
      const sendable = await this.applyEndpointRules(group, result);
      for (let i = 0; i < sendable.length; i += this.perPost) posts.push(sendable.slice(i, i + this.perPost));
    }
    // One wave of POSTs per round, so a round always ends well within its claim: rows beyond it go
    // back to the queue (and another round follows at once).
    if (posts.length > this.concurrency) {
      const excess = posts.splice(this.concurrency).flat();
      await this.db
        .updateTable('notification_deliveries')
        .set({ claimed_by: null, claim_expires_at: null })
        .where('id', 'in', excess.map((row) => Number(row.id)))
        .where('claimed_by', '=', this.instanceId)
        .execute();
      result.claimed = Math.max(result.claimed, this.claimBatch);
    }
    await Promise.all(
      posts.map(async (batch) => {
        const outcome = await this.deliver(batch);
        result.delivered += outcome.delivered;
        result.retrying += outcome.retrying;
        result.dropped += outcome.dropped;
      }),
    );
    return result;
  }

  /**
   * Slow-endpoint rules for one endpoint's claimed rows: dropping ⇒ every row dropped (with `missed`
   * lifecycle notifications); delayed ⇒ rows younger than 10 minutes wait until they are 10 minutes
   * old. Returns the rows to send now.
   */
  private async applyEndpointRules(group: Row[], result: RoundResult): Promise<Row[]> {
    const state = this.health.state(endpointOf(group[0]!.target_url));
    if (state === 'healthy') return group;
    const nowMs = this.ctx.clock.nowMs();
    const now = new Date(nowMs).toISOString();
    if (state === 'dropping') {
      const error = 'dropped: the endpoint answered 15 % or more of its notifications after 2.9 s';
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('notification_deliveries')
          .set({ status: 'dropped', finished_at: now, claimed_by: null, claim_expires_at: null, last_error: error })
          .where('id', 'in', group.map((row) => Number(row.id)))
          .where('claimed_by', '=', this.instanceId)
          .execute();
        await this.queueMissed(trx, group, now);
      });
      result.dropped += group.length;
      return [];
    }
    const send: Row[] = [];
    for (const row of group) {
      const releaseAt = Date.parse(row.created_at) + SLOW_ENDPOINT_DELAY_MS;
      if (releaseAt <= nowMs) {
        send.push(row);
        continue;
      }
      await this.db
        .updateTable('notification_deliveries')
        .set({ due_at: new Date(releaseAt).toISOString(), claimed_by: null, claim_expires_at: null, last_error: 'delayed 10 minutes: the endpoint answered 10 % or more of its notifications after 2.9 s' })
        .where('id', '=', row.id)
        .where('claimed_by', '=', this.instanceId)
        .execute();
      result.retrying++;
    }
    return send;
  }

  /** A `missed` lifecycle notification for each subscription that lost change notifications (where it has a lifecycle URL). */
  private async queueMissed(trx: Kysely<Database>, rows: Row[], now: string): Promise<void> {
    const subscriptions = new Set(rows.filter((row) => row.kind === 'change').map((row) => row.subscription_id));
    for (const id of subscriptions) {
      const row = await trx.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
      const missed = row === undefined ? undefined : lifecycleDelivery(toSubscription(row), 'missed', now);
      if (missed !== undefined) await trx.insertInto('notification_deliveries').values(missed).execute();
    }
  }

  private async body(batch: Row[]): Promise<string> {
    const pairs = new Map<string, { appId: string; tenantId: string }>();
    for (const row of batch) if (row.rich === 1) pairs.set(`${row.app_id}|${row.tenant_id}`, { appId: row.app_id, tenantId: row.tenant_id });
    const items = batch.map((row) => row.payload).join(',');
    if (pairs.size === 0) return `{"value":[${items}]}`;
    const tokens: string[] = [];
    for (const { appId, tenantId } of pairs.values()) tokens.push(await this.tokens.token(appId, tenantId));
    return `{"value":[${items}],"validationTokens":${JSON.stringify(tokens)}}`;
  }

  private async deliver(batch: Row[]): Promise<{ delivered: number; retrying: number; dropped: number }> {
    const url = new URL(batch[0]!.target_url);
    let status: number | null = null;
    let error: string | null = null;
    let durationMs = 0;
    let timedOut = false;
    const started = performance.now();
    try {
      const res = await post(url, await this.body(batch), 'application/json; charset=utf-8', DELIVERY_TIMEOUT_MS);
      status = res.status;
      durationMs = res.durationMs;
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      durationMs = performance.now() - started;
      error = err instanceof PostFailed ? err.message : String(err);
      timedOut = err instanceof PostFailed && err.timedOut;
    }
    const nowMs = this.ctx.clock.nowMs();
    const now = new Date(nowMs).toISOString();
    const wallAt = new Date().toISOString();
    const attempt = (row: Row, outcome: string) => ({
      delivery_id: Number(row.id),
      attempt: row.attempts + 1,
      instance_id: this.instanceId,
      at: now,
      wall_at: wallAt,
      status_code: status,
      error,
      duration_ms: Math.round(durationMs),
      batch_size: batch.length,
      outcome,
    });
    const ids = batch.map((row) => Number(row.id));
    if (error === null) {
      this.health.record(endpointOf(batch[0]!.target_url), batch.length, durationMs > SLOW_RESPONSE_MS);
      // One statement, no transaction: the hot path.
      await this.db
        .updateTable('notification_deliveries')
        .set((eb) => ({
          status: 'delivered',
          attempts: eb('attempts', '+', 1),
          finished_at: now,
          claimed_by: null,
          claim_expires_at: null,
          last_error: null,
          last_status_code: status,
          last_duration_ms: Math.round(durationMs),
          last_batch_size: batch.length,
          last_instance_id: this.instanceId,
        }))
        .where('id', 'in', ids)
        .where('claimed_by', '=', this.instanceId)
        .execute();
      return { delivered: batch.length, retrying: 0, dropped: 0 };
    }
    this.health.record(endpointOf(batch[0]!.target_url), batch.length, timedOut || durationMs > SLOW_RESPONSE_MS);
    // A flagged endpoint's failures are retried after 10 minutes.
    const flagged = this.health.state(endpointOf(batch[0]!.target_url)) !== 'healthy';
    let retrying = 0;
    let dropped = 0;
    const droppedRows: Row[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const row of batch) {
        const attempts = row.attempts + 1;
        const expired = nowMs - Date.parse(row.first_due_at) >= RETRY_WINDOW_MS;
        if (expired) {
          dropped++;
          droppedRows.push(row);
        } else retrying++;
        const dueAt = new Date(nowMs + (flagged ? SLOW_ENDPOINT_DELAY_MS : BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)]!)).toISOString();
        await trx
          .updateTable('notification_deliveries')
          .set(
            expired
              ? { status: 'dropped', attempts, finished_at: now, claimed_by: null, claim_expires_at: null, last_error: error }
              : { attempts, due_at: dueAt, claimed_by: null, claim_expires_at: null, last_error: error },
          )
          .where('id', '=', row.id)
          .where('claimed_by', '=', this.instanceId)
          .execute();
      }
      await trx.insertInto('notification_attempts').values(batch.map((row) => attempt(row, nowMs - Date.parse(row.first_due_at) >= RETRY_WINDOW_MS ? 'dropped' : 'retry'))).execute();
      await this.queueMissed(trx, droppedRows, now);
    });
    return { delivered: 0, retrying, dropped };
  }
}
