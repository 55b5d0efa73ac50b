import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DomainContext } from '../domain/context.js';
import { afterFailure, DELIVERY_TIMEOUT_MS, endpointOf, isSlowAnswer, planEndpoint, slowEndpointReason } from './deliveryPolicy.js';
import { DeliveryQueue, type DeliveryRow } from './deliveryQueue.js';
import { EndpointHealth, type EndpointStateChange } from './endpointHealth.js';
import { DestinationPolicy } from './destinationPolicy.js';
import { post, PostFailed } from './httpPost.js';
import type { LifecycleScanner } from './lifecycle.js';
import { collectionBody, groupByTarget } from './notificationCollections.js';
import type { ValidationTokenIssuer } from './validationTokens.js';
import { EventLoopLoad } from '../runtime/eventLoopLoad.js';

/**
 * When the event loop is saturated (runtime/eventLoopLoad.ts), the poke waits this long (busy or idle
 * dispatcher): flat out, the changes themselves keep the loop busy, and every round and POST is CPU
 * taken from them; 200 ms lets a URL's POST carry ~40 items instead of ~16 (a third of the POSTs and
 * markDelivered statements). Graph, too, sends notifications several to a request and within seconds,
 * not at once (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks). Below that
 * load (the paced 500/s bench: p99 < 50 ms) nothing waits longer than the dispatcher's own short linger.
 */
export const SATURATED_LINGER_MS = 200;

/**
 * While the dispatcher is busy (a round running or a POST in flight), new rows wait before a round
 * takes them: a burst goes out in fewer, fuller POSTs, as Graph sends queued notifications several
 * to a request (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks), instead of
 * a round and a POST per change. The wait is as long as the last round took, from MIN_LINGER_MS to
 * MAX_LINGER_MS: when rounds are quick (a light load) new rows go out almost at once; when the
 * process is short of CPU, a round and each POST cost as much as the changes themselves, so fewer,
 * fuller rounds and POSTs leave more of it to the changes. An idle dispatcher starts a round at once.
 */
const MIN_LINGER_MS = 10;
const MAX_LINGER_MS = 40;

export interface DispatcherOptions {
  /** Rows claimed per round. */
  claimBatch?: number;
  /** Notifications per POST (Graph sends several in one changeNotificationCollection). */
  perPost?: number;
  /** POSTs in flight at once per round (one wave: a round never outlives its claims). */
  concurrency?: number;
  /**
   * POSTs in flight at once to one notification URL (from this instance). While they are, that URL's
   * new rows are not claimed: they queue up and go out together in the next POST, as Graph sends
   * several queued notifications in one request. It also bounds what a crash can deliver twice.
   */
  perTarget?: number;
  /** Wall-clock polling period: other instances' rows and retries falling due. */
  pollMs?: number;
  /** Rounds running at once in this instance. */
  maxRounds?: number;
  /** How long a claim holds (wall time) before another instance may take the row. */
  claimMs?: number;
  /** Where notifications may go (default: loopback only). A refused host fails like an unreachable one. */
  destinations?: DestinationPolicy;
  /**
   * Apply Graph's slow-endpoint rules (default true). Off (--no-slow-endpoint-rules) for load tests,
   * where one stalled receiver would otherwise get most of a run's notifications dropped.
   */
  slowEndpointRules?: boolean;
  /** Send `subscriptionRemoved` and `missed` lifecycle notifications, which Graph does not send for these resources (--extra-lifecycle-events). */
  extraLifecycleEvents?: boolean;
  /** An endpoint was flagged slow (delayed, dropping) or recovered: the emulator logs a warning. */
  onEndpointStateChange?: (change: EndpointStateChange) => void;
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
 * The delivery loop: when to run a round and what a round does. Each round claims due rows from the
 * queue (deliveryQueue.ts), applies the slow-endpoint rules and, after a POST, the retry rules
 * (deliveryPolicy.ts), POSTs changeNotificationCollections (notificationCollections.ts) and writes
 * the outcome back to the queue. A claim lapses after `claimMs` of wall time, so an instance killed
 * mid-delivery never strands its rows. See README.md in this directory.
 */
export class Dispatcher {
  readonly instanceId = randomUUID();
  private readonly queue: DeliveryQueue;
  private readonly claimBatch: number;
  private readonly perPost: number;
  private readonly concurrency: number;
  private readonly perTarget: number;
  /** Notification URL → POSTs in flight to it from this instance. */
  private readonly inFlight = new Map<string, number>();
  private readonly pollMs: number;
  private readonly claimMs: number;
  private readonly maxRounds: number;
  private readonly running = new Set<Promise<void>>();
  private wanted = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private pokeTimer: { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout } | undefined;
  private closed = false;
  private lastScanMs = 0;
  /** How long a busy dispatcher waits before the next round (see MIN_LINGER_MS). */
  private lingerMs = MIN_LINGER_MS;
  private readonly load = new EventLoopLoad();
  private readonly health: EndpointHealth;
  private readonly destinations: DestinationPolicy;
  private readonly slowEndpointRules: boolean;

  constructor(
    private readonly ctx: DomainContext,
    private readonly tokens: ValidationTokenIssuer,
    private readonly lifecycle: LifecycleScanner,
    private readonly onError: (err: unknown) => void,
    options: DispatcherOptions = {},
  ) {
    this.claimBatch = options.claimBatch ?? 500;
    this.perPost = options.perPost ?? 100;
    // 16: a round's rows for up to 16 URLs go out in one wave; with 8, a change fanned out to 10
    // URLs left two POSTs to a second claim (and a release), a statement each on the one SQLite writer.
    this.concurrency = options.concurrency ?? 16;
    this.perTarget = options.perTarget ?? 1;
    this.pollMs = options.pollMs ?? 250;
    this.claimMs = options.claimMs ?? 15_000;
    this.maxRounds = options.maxRounds ?? 8;
    this.health = new EndpointHealth(options.onEndpointStateChange);
    this.slowEndpointRules = options.slowEndpointRules ?? true;
    this.destinations = options.destinations ?? new DestinationPolicy();
    this.queue = new DeliveryQueue(ctx.db, ctx.dialect, this.instanceId, options.extraLifecycleEvents ?? false);
  }

  start(): void {
    const tick = (): void => {
      this.pollTimer = setTimeout(() => {
        // Keeps the utilization window recent while nothing pokes.
        this.load.check();
        // A poke's round is due anyway: polling now would cut its linger short.
        if (this.pokeTimer === undefined) this.kick();
        if (!this.closed) tick();
      }, this.pollMs);
      this.pollTimer.unref();
    };
    tick();
  }

  /**
   * New rows are in the queue, committed (the store's after-commit signal, store.writes, or a POST's
   * answer). An idle dispatcher runs a round on the next turn of the event loop; a busy one after
   * the linger (see MIN_LINGER_MS), so the burst shares POSTs; with the event loop saturated, either
   * waits SATURATED_LINGER_MS. Pokes meanwhile share the scheduled round.
   */
  poke(): void {
    if (this.closed || this.pokeTimer !== undefined) return;
    const saturated = this.load.check();
    const idle = !saturated && this.running.size === 0 && this.inFlight.size === 0;
    const run = (): void => {
      this.pokeTimer = undefined;
      this.kick();
    };
    this.pokeTimer = idle ? { immediate: setImmediate(run).unref() } : { timeout: setTimeout(run, saturated ? SATURATED_LINGER_MS : this.lingerMs).unref() };
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
    const began = performance.now();
    const run: Promise<void> = this.round()
      .then((round) => {
        this.running.delete(run);
        if (round.claimed > 0) this.lingerMs = Math.min(MAX_LINGER_MS, Math.max(MIN_LINGER_MS, performance.now() - began));
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
      total.pending = await this.queue.countDue(this.ctx.clock.now().toISOString());
      if (total.pending === 0 || Date.now() > deadline || this.closed) break;
      // Rows claimed by another round or instance: wait for it to finish them (or for its claim to lapse).
      if (round.claimed === 0) await new Promise((r) => setTimeout(r, 20));
    }
    return total;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    if (this.pokeTimer !== undefined) {
      if ('immediate' in this.pokeTimer) clearImmediate(this.pokeTimer.immediate);
      else clearTimeout(this.pokeTimer.timeout);
    }
    await Promise.all([...this.running]);
  }

  /** Lifecycle checks at most once a second of wall time (always on flush). */
  private async scan(force: boolean): Promise<void> {
    const wall = Date.now();
    if (!force && wall - this.lastScanMs < 1000) return;
    this.lastScanMs = wall;
    await this.lifecycle.scan();
  }

  private async round(): Promise<RoundResult> {
    const result: RoundResult = { claimed: 0, delivered: 0, retrying: 0, dropped: 0 };
    await this.scan(false);
    const busy = [...this.inFlight].filter(([, n]) => n >= this.perTarget).map(([url]) => url);
    const rows = await this.queue.claim(this.ctx.clock.now().toISOString(), Date.now(), this.claimBatch, this.claimMs, busy);
    result.claimed = rows.length;
    if (rows.length === 0) return result;
    try {
      await this.send(rows, result);
    } finally {
      this.queue.settled(rows[0]!.claimed_by ?? '');
    }
    return result;
  }

  /** One round's claimed rows: the endpoint rules, then at most one wave of POSTs. */
  private async send(rows: DeliveryRow[], result: RoundResult): Promise<void> {
    const posts: DeliveryRow[][] = [];
    const unsent: DeliveryRow[] = [];
    const planned = new Map<string, number>();
    for (const group of groupByTarget(rows)) {
      const sendable = await this.applyEndpointRules(group, result);
      for (let i = 0; i < sendable.length; i += this.perPost) {
        const batch = sendable.slice(i, i + this.perPost);
        const url = batch[0]!.target_url;
        const taken = (this.inFlight.get(url) ?? 0) + (planned.get(url) ?? 0);
        // One wave of POSTs per round, so a round always ends well within its claim, and at most
        // perTarget POSTs to a URL at once: the rest go back to the queue (and another round follows).
        if (posts.length >= this.concurrency || taken >= this.perTarget) {
          unsent.push(...batch);
          continue;
        }
        planned.set(url, (planned.get(url) ?? 0) + 1);
        posts.push(batch);
      }
    }
    if (unsent.length > 0) {
      await this.queue.release(unsent);
      result.claimed = Math.max(result.claimed, this.claimBatch);
    }
    await Promise.all(
      posts.map(async (batch) => {
        const url = batch[0]!.target_url;
        this.inFlight.set(url, (this.inFlight.get(url) ?? 0) + 1);
        try {
          const outcome = await this.deliver(batch);
          result.delivered += outcome.delivered;
          result.retrying += outcome.retrying;
          result.dropped += outcome.dropped;
        } finally {
          const left = (this.inFlight.get(url) ?? 1) - 1;
          if (left > 0) this.inFlight.set(url, left);
          else this.inFlight.delete(url);
          // What queued up for this URL meanwhile goes out shortly, in one POST.
          this.poke();
        }
      }),
    );
  }

  /**
   * Slow-endpoint rules for one endpoint's claimed rows: drops and delays them as planned, each with
   * its reason in the delivery log; returns the rows to send now.
   */
  private async applyEndpointRules(group: DeliveryRow[], result: RoundResult): Promise<DeliveryRow[]> {
    if (!this.slowEndpointRules) return group;
    const nowMs = this.ctx.clock.nowMs();
    const endpoint = endpointOf(group[0]!.target_url);
    const state = this.health.state(endpoint, nowMs);
    if (state === 'healthy') return group;
    const plan = planEndpoint(state, group, (row) => Date.parse(row.created_at), nowMs);
    const now = new Date(nowMs).toISOString();
    const wallAt = new Date().toISOString();
    if (plan.drop.length > 0) {
      await this.queue.drop(plan.drop, now, slowEndpointReason('dropping', this.health.tally(endpoint)), wallAt);
      result.dropped += plan.drop.length;
    }
    if (plan.delay.length > 0) {
      await this.queue.postpone(
        plan.delay.map(({ row, untilMs }) => ({ row, dueAt: new Date(untilMs).toISOString() })),
        slowEndpointReason('delayed', this.health.tally(endpoint)),
        now,
        wallAt,
      );
      result.retrying += plan.delay.length;
    }
    return plan.send;
  }

  private async deliver(batch: DeliveryRow[]): Promise<{ delivered: number; retrying: number; dropped: number }> {
    const url = new URL(batch[0]!.target_url);
    let status: number | null = null;
    let error: string | null = null;
    let durationMs = 0;
    let timedOut = false;
    const started = performance.now();
    try {
      const body = await collectionBody(batch, (appId, tenantId) => this.tokens.token(appId, tenantId));
      const res = await post(url, body, 'application/json; charset=utf-8', DELIVERY_TIMEOUT_MS, this.destinations);
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
    const endpoint = endpointOf(batch[0]!.target_url);
    if (this.slowEndpointRules) this.health.record(endpoint, batch.length, isSlowAnswer(durationMs, timedOut), nowMs);
    if (error === null) {
      await this.queue.markDelivered(batch, now, status, durationMs);
      return { delivered: batch.length, retrying: 0, dropped: 0 };
    }
    const flagged = this.slowEndpointRules && this.health.state(endpoint, nowMs) !== 'healthy';
    const decided = batch.map((row) => ({ row, next: afterFailure(row.attempts + 1, Date.parse(row.first_due_at), nowMs, flagged) }));
    await this.queue.recordFailure(decided, { statusCode: status, error, durationMs }, now, new Date().toISOString());
    const dropped = decided.filter(({ next }) => next.outcome === 'dropped').length;
    return { delivered: 0, retrying: batch.length - dropped, dropped };
  }
}
