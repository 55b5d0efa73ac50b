import { notificationDateTime } from '../domain/artifactResource.js';
import type { FeedChange } from '../domain/changes.js';
import type { Subscription } from '../domain/subscriptions.js';
import type { EncryptedContent } from './encryption.js';

/**
 * changeNotification items exactly as Microsoft's examples show them
 * (https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript): the resource in Graph's key syntax
 * (`users/{organizer}/onlineMeetings('{meeting}')/recordings('{id}')`, ad hoc calls as
 * `users/{user}/adhoccalls('{call}')/…`), resourceData with the capitalised `#Microsoft.Graph.` type,
 * clientState echoed (null when the subscription has none), subscriptionExpirationDateTime with seven
 * fractional digits and `+00:00` as the examples write it.
 */
export interface ChangeNotificationItem {
  subscriptionId: string;
  changeType: string;
  tenantId: string;
  clientState: string | null;
  subscriptionExpirationDateTime: string;
  resource: string;
  resourceData: { id: string; '@odata.type': string; '@odata.id': string };
  encryptedContent?: EncryptedContent;
}

export interface LifecycleNotificationItem {
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  tenantId: string;
  clientState: string | null;
  lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
}

const ODATA_TYPES = {
  recording: '#Microsoft.Graph.callRecording',
  transcript: '#Microsoft.Graph.callTranscript',
  callRecord: '#Microsoft.Graph.callrecord',
  // As the meeting call events page writes it (https://learn.microsoft.com/graph/changenotifications-for-onlinemeeting).
  meetingCallEvent: '#microsoft.graph.callevent',
} as const;

/** The notification's resource path for a change. */
export function notificationResource(change: FeedChange): string {
  if (change.resource === 'callRecord') return `communications/callRecords/${change.resourceId}`;
  // The event's resource data names its subscription resource (domain/meetingCallEvents.ts).
  if (change.resource === 'meetingCallEvent') return String(change.data['@odata.id']);
  const collection = change.resource === 'recording' ? 'recordings' : 'transcripts';
  const owner = change.organizerId ?? '';
  if (change.meetingId === null) return `users/${owner}/adhoccalls('${change.callId}')/${collection}('${change.resourceId}')`;
  return `users/${owner}/onlineMeetings('${change.meetingId}')/${collection}('${change.resourceId}')`;
}

/**
 * What a rich notification carries of a change's data: the resource as stored, except that a meeting
 * call event leaves out the join URL kept beside it for matching (domain/meetingCallEvents.ts).
 */
export function notifiedData(data: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (data['@odata.type'] !== ODATA_TYPES.meetingCallEvent) return data;
  const event = { ...data };
  delete event['joinWebUrl'];
  return event;
}

export function changeNotification(subscription: Subscription, change: FeedChange, encryptedContent: EncryptedContent | undefined): ChangeNotificationItem {
  const resource = notificationResource(change);
  return {
    subscriptionId: subscription.id,
    changeType: change.changeType,
    tenantId: change.tenantId,
    clientState: subscription.clientState,
    subscriptionExpirationDateTime: notificationDateTime(subscription.expirationDateTime),
    resource,
    resourceData: { id: change.resourceId, '@odata.type': ODATA_TYPES[change.resource], '@odata.id': resource },
    ...(encryptedContent !== undefined ? { encryptedContent } : {}),
  };
}

export function lifecycleNotification(subscription: Subscription, lifecycleEvent: LifecycleNotificationItem['lifecycleEvent']): LifecycleNotificationItem {
  return {
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: notificationDateTime(subscription.expirationDateTime),
    tenantId: subscription.tenantId,
    clientState: subscription.clientState,
    lifecycleEvent,
  };
}
