import type { Transaction } from 'kysely';
import type { ChangeSink, FeedChange } from '../domain/changes.js';
import type { DomainContext } from '../domain/context.js';
import { rebaseGraphLinks } from '../domain/graphLinks.js';
import { scopeMatches, type ChangeScope } from '../domain/subscriptionResources.js';
import type { Subscription } from '../domain/subscriptions.js';
import type { Database, NotificationDeliveryTable } from '../store/schema.js';
import { ActiveSubscriptions } from './activeSubscriptions.js';
import { CertificateCache, encryptResourceData, type EncryptedContent } from './encryption.js';
import type { ResourceLinks } from './resourceLinks.js';
import { changeNotification, lifecycleNotification, notifiedData, type LifecycleNotificationItem } from './payload.js';

type Insertable = Omit<NotificationDeliveryTable, 'id'>;

/** The creation instant the transcript rule compares with: the resource's createdDateTime, else the change's. */
function startedAt(change: FeedChange): string {
  const created = change.data['createdDateTime'];
  return typeof created === 'string' && !Number.isNaN(Date.parse(created)) ? new Date(created).toISOString() : change.createdAt;
}

/** Does the subscription's comma-separated changeType list include this change's type? */
const wantsChangeType = (s: Subscription, changeType: string): boolean => s.changeType.split(',').some((t) => t.trim() === changeType);

/**
 * The notifications outbox writer, registered on the change pipeline: inside the change's transaction
 * it finds every active subscription the change matches and writes one delivery row for each, with
 * the notification already built (and encrypted for rich subscriptions). Private channel meetings
 * never notify; a transcript notifies only subscriptions made before transcription started
 * (https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript).
 */
export function outboxSink(ctx: DomainContext, links: ResourceLinks, subscriptionsOf = new ActiveSubscriptions(undefined)): ChangeSink {
  const certificates = new CertificateCache();
  const sink: ChangeSink = async (trx: Transaction<Database>, change: FeedChange): Promise<void> => {
    const now = ctx.clock.now().toISOString();
    const active = await subscriptionsOf.find(trx, change.tenantId, change.resource, now);
    if (active.length === 0) return;
    const subscriptions = active.filter((s) => wantsChangeType(s, change.changeType));
    if (subscriptions.length === 0) return;

    let installedTeamsAppIds: string[] = [];
    if (change.resource !== 'callRecord' && change.meetingId !== null) {
      const meeting = await trx.selectFrom('meetings').select('meeting_kind').where('id', '=', change.meetingId).executeTakeFirst();
      if (meeting?.meeting_kind === 'privateChannel') return;
      if (subscriptions.some((s) => s.resourceKind === 'teamsApp')) {
        const installed = await trx.selectFrom('teams_app_installations').select('teams_app_id').where('meeting_id', '=', change.meetingId).execute();
        installedTeamsAppIds = installed.map((r) => r.teams_app_id);
      }
    }
    const scope: ChangeScope = {
      artifact: change.resource,
      tenantId: change.tenantId,
      organizerId: change.organizerId,
      meetingId: change.meetingId,
      callId: change.callId,
      installedTeamsAppIds,
      joinWebUrl: typeof change.data['joinWebUrl'] === 'string' ? change.data['joinWebUrl'] : null,
    };
    const transcriptStart = change.resource === 'transcript' ? startedAt(change) : undefined;
    const notified = JSON.stringify(notifiedData(change.data));
    const plaintext = links.rebase(notified);
    const wallNow = new Date().toISOString();
    const deliveries: Insertable[] = [];
    // One encryption per (certificate, plaintext) in a change: subscriptions sharing a certificate get
    // the same encryptedContent (key, data, signature), each with its own encryptionCertificateId. Only
    // the holder of that certificate's private key can read either copy, so nothing is revealed that
    // one copy does not; Graph asks for a key per notification only so no key is reused across changes
    // (https://learn.microsoft.com/graph/change-notifications-with-resource-data#decrypting-resource-data-from-change-notifications).
    // Keyed by certificate, then text: the certificate strings are the kept subscriptions' own, whose
    // hashes V8 keeps, where a joined key was a new long string to hash for every subscription.
    const sealed = new Map<string, Map<string, EncryptedContent>>();
    for (const s of subscriptions) {
      if (!scopeMatches(s.resourceKind, s.scopeId, scope)) continue;
      if (transcriptStart !== undefined && s.createdAt > transcriptStart) continue;
      const rich = s.includeResourceData && change.resource !== 'callRecord';
      let encrypted;
      if (rich) {
        const certificate = certificates.get(s.encryptionCertificate ?? '');
        // Certificates are checked at creation; one that no longer parses cannot be encrypted for.
        if (certificate === undefined) continue;
        const text = s.linkRoot === null ? plaintext : rebaseGraphLinks(notified, s.linkRoot);
        const pem = s.encryptionCertificate ?? '';
        let forCertificate = sealed.get(pem);
        if (forCertificate === undefined) sealed.set(pem, (forCertificate = new Map()));
        let content = forCertificate.get(text);
        if (content === undefined) forCertificate.set(text, (content = encryptResourceData(certificate, '', text)));
        encrypted = { ...content, encryptionCertificateId: s.encryptionCertificateId ?? '' };
      }
      deliveries.push({
        subscription_id: s.id,
        tenant_id: s.tenantId,
        app_id: s.appId,
        kind: 'change',
        target_url: s.notificationUrl,
        payload: JSON.stringify(changeNotification(s, change, encrypted)),
        // The plaintext stays in the change feed (change_seq): the log's decrypted view reads it there.
        resource_data: null,
        rich: rich ? 1 : 0,
        change_seq: change.seq,
        ...freshDelivery(now, wallNow),
      });
    }
    if (deliveries.length === 0) return;
    // The dispatcher hears of the rows when the transaction commits (store.writes). Bound as built,
    // without the query builder (whose compiling cost as much CPU as SQLite's insert): the values
    // come from stored subscriptions and the change, and the payload is JSON text, whose
    // serialization escapes any NUL, so the NUL guard has nothing to refuse here.
    await ctx.dialect.insertMany(trx, 'notification_deliveries', deliveries);
  };
  // A batch (bulk seeding) none of whose tenants has an active subscription to its resources writes nothing.
  sink.concerns = async (trx, changes) => {
    const tenants = [...new Set(changes.map((c) => c.tenantId))];
    const resources = [...new Set(changes.map((c) => c.resource))];
    if (tenants.length === 0) return false;
    const any = await trx
      .selectFrom('subscriptions')
      .select('id')
      .where('tenant_id', 'in', tenants)
      .where('artifact', 'in', resources)
      .where('status', '=', 'active')
      .where('expiration_date_time', '>', ctx.clock.now().toISOString())
      .limit(1)
      .executeTakeFirst();
    return any !== undefined;
  };
  return sink;
}

/** The state columns of a delivery row nobody has tried yet, due at `now` (virtual) / `wallNow` (wall clock). */
function freshDelivery(now: string, wallNow: string) {
  return {
    status: 'pending',
    attempts: 0,
    due_at: now,
    first_due_at: now,
    claimed_by: null,
    claim_expires_at: null,
    created_at: now,
    created_wall_at: wallNow,
    finished_at: null,
    last_error: null,
    last_status_code: null,
    last_duration_ms: null,
    last_batch_size: null,
    last_instance_id: null,
  } as const;
}

/** A lifecycle notification row for the subscription's lifecycleNotificationUrl (none without one). */
export function lifecycleDelivery(subscription: Subscription, event: LifecycleNotificationItem['lifecycleEvent'], now: string): Insertable | undefined {
  if (subscription.lifecycleNotificationUrl === null) return undefined;
  return {
    subscription_id: subscription.id,
    tenant_id: subscription.tenantId,
    app_id: subscription.appId,
    kind: 'lifecycle',
    target_url: subscription.lifecycleNotificationUrl,
    payload: JSON.stringify(lifecycleNotification(subscription, event)),
    resource_data: null,
    rich: 0,
    change_seq: null,
    ...freshDelivery(now, new Date().toISOString()),
  };
}
