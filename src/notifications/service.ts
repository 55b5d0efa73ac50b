import type { SigningKeyRing } from '../domain/signingKeys.js';
import type { DomainContext } from '../domain/context.js';
import type { Store } from '../store/database.js';
import type { StoreCommit } from '../store/writeSignal.js';
import { ActiveSubscriptions } from './activeSubscriptions.js';
import { listDeliveries, type DeliveryQuery, type DeliveryView } from './deliveryLog.js';
import { Dispatcher, type DispatcherOptions, type FlushResult } from './dispatcher.js';
import { LifecycleScanner } from './lifecycle.js';
import { outboxSink } from './outbox.js';
import { ResourceLinks } from './resourceLinks.js';
import { ValidationTokenIssuer } from './validationTokens.js';

/**
 * Change notifications for one emulator instance: the outbox writer on the change pipeline, the
 * dispatcher that delivers it, and lifecycle events. Created before the server listens; `start` once
 * it does; `close` before the store closes.
 */
export class NotificationService {
  readonly dispatcher: Dispatcher;
  private readonly links = new ResourceLinks();
  private stopClockWatch: (() => void) | undefined;
  private readonly stopCommitWatch: () => void;
  private readonly subscriptions: ActiveSubscriptions;

  constructor(
    private readonly ctx: DomainContext,
    /**
     * The store's after-commit signal (`writes`): committed outbox rows wake the dispatcher; with
     * `dataVersion` (SQLite), the outbox keeps the active subscriptions between changes.
     */
    store: Pick<Store, 'writes' | 'dataVersion'>,
    keys: SigningKeyRing,
    onError: (err: unknown) => void,
    options: DispatcherOptions = {},
  ) {
    this.dispatcher = new Dispatcher(ctx, new ValidationTokenIssuer(keys), new LifecycleScanner(ctx, options.extraLifecycleEvents ?? false), onError, options);
    this.subscriptions = new ActiveSubscriptions(store.dataVersion === undefined ? undefined : { commits: store.writes, dataVersion: store.dataVersion });
    ctx.changes.register(outboxSink(ctx, this.links, this.subscriptions));
    // After the outbox rows' transaction commits, not when the sink writes them: a round started
    // earlier (another pooled PostgreSQL connection) would not see them yet.
    this.stopCommitWatch = store.writes.on((commit: StoreCommit) => {
      if (commit.inserted.has('notification_deliveries') || commit.inserted.has('*')) this.dispatcher.poke();
    });
  }

  /** Start delivering; resource data links point at `publicUrl` (this instance's base URL) from now on. */
  start(publicUrl: string): void {
    this.links.setPublicUrl(publicUrl);
    this.dispatcher.start();
    // A clock move makes retries and lifecycle events fall due.
    this.stopClockWatch = this.ctx.clock.onChange(() => this.dispatcher.poke());
  }

  flush(timeoutMs?: number): Promise<FlushResult> {
    return this.dispatcher.flush(timeoutMs);
  }

  deliveries(query: DeliveryQuery): Promise<DeliveryView[]> {
    return listDeliveries(this.ctx.db, query, this.links);
  }

  async close(): Promise<void> {
    this.stopClockWatch?.();
    this.stopCommitWatch();
    this.subscriptions.close();
    await this.dispatcher.close();
  }
}
