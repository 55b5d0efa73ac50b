import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import type { ResourceKind, SubscribedArtifact } from './subscriptionResources.js';
import type { SubscriptionTable } from '../store/schema.js';

/** A change-notification subscription as the domain sees it (the Graph shape is built in graph/subscriptions). */
export interface Subscription {
  id: string;
  tenantId: string;
  appId: string;
  creatorId: string;
  principalKind: 'application' | 'delegated';
  resource: string;
  resourceKind: ResourceKind;
  artifact: SubscribedArtifact;
  scopeId: string | null;
  rsc: boolean;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  encryptionCertificateThumbprint: string | null;
  latestSupportedTlsVersion: string;
  notificationUrlAppId: string | null;
  notificationQueryOptions: string | null;
  notificationContentType: string | null;
  expirationDateTime: string;
  createdAt: string;
  status: 'active' | 'removed';
  removedReason: string | null;
  nextLifecycleAt: string | null;
  /** Rich notifications' links start here (the Graph root its creator called through the drop-in proxy); null: the instance's URL. */
  linkRoot: string | null;
}

export type NewSubscription = Omit<Subscription, 'createdAt' | 'status' | 'removedReason' | 'nextLifecycleAt'>;

export function toSubscription(r: SubscriptionTable): Subscription {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    appId: r.app_id,
    creatorId: r.creator_id,
    principalKind: r.principal_kind === 'delegated' ? 'delegated' : 'application',
    resource: r.resource,
    resourceKind: r.resource_kind as ResourceKind,
    artifact: r.artifact as SubscribedArtifact,
    scopeId: r.scope_id,
    rsc: r.rsc === 1,
    changeType: r.change_type,
    notificationUrl: r.notification_url,
    lifecycleNotificationUrl: r.lifecycle_notification_url,
    clientState: r.client_state,
    includeResourceData: r.include_resource_data === 1,
    encryptionCertificate: r.encryption_certificate,
    encryptionCertificateId: r.encryption_certificate_id,
    encryptionCertificateThumbprint: r.encryption_certificate_thumbprint,
    latestSupportedTlsVersion: r.latest_supported_tls_version,
    notificationUrlAppId: r.notification_url_app_id,
    notificationQueryOptions: r.notification_query_options,
    notificationContentType: r.notification_content_type,
    expirationDateTime: r.expiration_date_time,
    createdAt: r.created_at,
    status: r.status === 'active' ? 'active' : 'removed',
    removedReason: r.removed_reason,
    nextLifecycleAt: r.next_lifecycle_at,
    linkRoot: r.link_root ?? null,
  };
}

const MINUTE = 60_000;

/**
 * When the next reauthorizationRequired falls (change-notifications-lifecycle-events.md): with
 * T = (expiry − now)/4, nothing while T > 180 min; while 60 < T ≤ 180 min one now and the next after
 * T/2; below that every 15 minutes. The expiry itself is the last check (the subscription is removed).
 * A subscription just created, renewed or reauthorized gets its first reminder 15 minutes on at the earliest.
 */
export function nextLifecycleCheck(nowMs: number, expiryMs: number, justSent: boolean): number {
  const quarter = (expiryMs - nowMs) / 4;
  if (quarter <= 0) return expiryMs;
  // Just created, renewed or reauthorized: the first reminder no sooner than 15 minutes on.
  if (!justSent) return Math.min(expiryMs, Math.max(expiryMs - 12 * 60 * MINUTE, nowMs + 15 * MINUTE));
  if (quarter > 180 * MINUTE) return expiryMs - 12 * 60 * MINUTE;
  const step = quarter > 60 * MINUTE ? quarter / 2 : 15 * MINUTE;
  return Math.min(expiryMs, nowMs + step);
}

export async function insertSubscription(ctx: DomainContext, s: NewSubscription): Promise<Subscription> {
  const createdAt = nowIso(ctx);
  const next = new Date(nextLifecycleCheck(ctx.clock.nowMs(), Date.parse(s.expirationDateTime), false)).toISOString();
  const row: SubscriptionTable = {
    id: s.id,
    tenant_id: s.tenantId,
    app_id: s.appId,
    creator_id: s.creatorId,
    principal_kind: s.principalKind,
    resource: s.resource,
    resource_kind: s.resourceKind,
    artifact: s.artifact,
    scope_id: s.scopeId,
    rsc: s.rsc ? 1 : 0,
    change_type: s.changeType,
    notification_url: s.notificationUrl,
    lifecycle_notification_url: s.lifecycleNotificationUrl,
    client_state: s.clientState,
    include_resource_data: s.includeResourceData ? 1 : 0,
    encryption_certificate: s.encryptionCertificate,
    encryption_certificate_id: s.encryptionCertificateId,
    encryption_certificate_thumbprint: s.encryptionCertificateThumbprint,
    latest_supported_tls_version: s.latestSupportedTlsVersion,
    notification_url_app_id: s.notificationUrlAppId,
    notification_query_options: s.notificationQueryOptions,
    notification_content_type: s.notificationContentType,
    expiration_date_time: s.expirationDateTime,
    created_at: createdAt,
    status: 'active',
    removed_reason: null,
    next_lifecycle_at: next,
    link_root: s.linkRoot,
  };
  await ctx.db.insertInto('subscriptions').values(row).execute();
  return toSubscription(row);
}

/** An active, unexpired subscription of the tenant. */
export async function findSubscription(ctx: DomainContext, tenantId: string, id: string): Promise<Subscription | undefined> {
  const row = await ctx.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('id', '=', id.toLowerCase())
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    .where('expiration_date_time', '>', nowIso(ctx))
    .executeTakeFirst();
  return row === undefined ? undefined : toSubscription(row);
}

/** The caller's active subscriptions: an app sees those it created, a user those they created. */
export async function listSubscriptions(ctx: DomainContext, tenantId: string, appId: string, creatorId: string | undefined): Promise<Subscription[]> {
  let query = ctx.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('app_id', '=', appId)
    .where('status', '=', 'active')
    .where('expiration_date_time', '>', nowIso(ctx));
  if (creatorId !== undefined) query = query.where('creator_id', '=', creatorId);
  return (await query.orderBy('created_at').orderBy('id').execute()).map(toSubscription);
}

/** Renew: a new expiry also counts as reauthorization, so the lifecycle cadence starts over. */
export async function renewSubscription(ctx: DomainContext, id: string, expirationDateTime: string): Promise<void> {
  const next = new Date(nextLifecycleCheck(ctx.clock.nowMs(), Date.parse(expirationDateTime), false)).toISOString();
  await ctx.db.updateTable('subscriptions').set({ expiration_date_time: expirationDateTime, next_lifecycle_at: next }).where('id', '=', id).execute();
}

/** A PATCH of the notification URL (validated by the caller). */
export async function changeNotificationUrl(ctx: DomainContext, id: string, notificationUrl: string): Promise<void> {
  await ctx.db.updateTable('subscriptions').set({ notification_url: notificationUrl }).where('id', '=', id).execute();
}

export async function reauthorizeSubscription(ctx: DomainContext, s: Subscription): Promise<void> {
  const next = new Date(nextLifecycleCheck(ctx.clock.nowMs(), Date.parse(s.expirationDateTime), false)).toISOString();
  await ctx.db.updateTable('subscriptions').set({ next_lifecycle_at: next }).where('id', '=', s.id).execute();
}

/** Delete: pending deliveries of the subscription are dropped with it (Graph stops sending). */
export async function deleteSubscription(ctx: DomainContext, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('subscriptions').where('id', '=', id).execute();
    await trx
      .updateTable('notification_deliveries')
      .set({ status: 'dropped', last_error: 'subscription deleted', finished_at: nowIso(ctx), claimed_by: null })
      .where('subscription_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  });
}
