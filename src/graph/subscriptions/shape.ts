import type { Subscription } from '../../domain/subscriptions.js';
import type { GraphVersion } from '../../http/versions.js';

/** A subscription as Graph returns it (subscription resource type; beta adds notificationContentType). */
export function toGraphSubscription(s: Subscription, version: GraphVersion): Record<string, unknown> {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.appId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: s.notificationQueryOptions,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: s.expirationDateTime,
    creatorId: s.creatorId,
    includeResourceData: s.includeResourceData,
    latestSupportedTlsVersion: s.latestSupportedTlsVersion,
    encryptionCertificate: s.encryptionCertificate,
    encryptionCertificateId: s.encryptionCertificateId,
    notificationUrlAppId: s.notificationUrlAppId,
    ...(version === 'beta' ? { notificationContentType: s.notificationContentType } : {}),
  };
}
