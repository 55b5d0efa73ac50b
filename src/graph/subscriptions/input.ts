import { excerpt } from '../../runtime/excerpt.js';
import { badRequest, GraphError } from '../../http/errors.js';
import type { GraphVersion } from '../../http/versions.js';
import type { ResourcePattern } from '../../domain/subscriptionResources.js';

/**
 * The subscription body, checked as Graph does: unknown properties, types, required properties,
 * then the rules of the resource. See https://learn.microsoft.com/graph/api/subscription-post-subscriptions,
 * https://learn.microsoft.com/graph/api/resources/subscription and https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript.
 */
export interface SubscriptionInput {
  changeType: string;
  notificationUrl: string;
  resource: string;
  expirationDateTime: string;
  clientState: string | null;
  lifecycleNotificationUrl: string | null;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  latestSupportedTlsVersion: string | null;
  notificationUrlAppId: string | null;
  notificationQueryOptions: string | null;
  notificationContentType: string | null;
}

const STRING_PROPS = [
  'changeType',
  'notificationUrl',
  'resource',
  'expirationDateTime',
  'clientState',
  'lifecycleNotificationUrl',
  'encryptionCertificate',
  'encryptionCertificateId',
  'latestSupportedTlsVersion',
  'notificationUrlAppId',
  'notificationQueryOptions',
] as const;
const BETA_STRING_PROPS = ['notificationContentType', 'vapidPublicKey', 'webPushEncryptionP256dhPublicKey', 'webPushEncryptionSecret'] as const;
/** Read-only properties a client may echo back; Graph ignores them. */
const READ_ONLY = new Set(['id', 'applicationId', 'creatorId', '@odata.type', '@odata.context']);

export const TLS_VERSIONS = ['v1_0', 'v1_1', 'v1_2', 'v1_3'];
export const CHANGE_TYPES = ['created', 'updated', 'deleted'];
export const MAX_CLIENT_STATE = 255;
export const MAX_CERTIFICATE_ID = 128;

const unknownProperty = (name: string): GraphError =>
  badRequest(`The property '${name}' does not exist on type 'microsoft.graph.subscription'. Make sure to only use property names that are defined by the type.`);
const invalidValue = (name: string): GraphError => badRequest(`Invalid value for property '${excerpt(name)}'.`);
export const required = (name: string): GraphError => badRequest(`${name} is a required property for subscription creation.`, 'InvalidRequest');

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
  return body as Record<string, unknown>;
}

/** Type-check every property present; returns them as strings / booleans. */
function readProperties(body: unknown, version: GraphVersion, allowed: ReadonlySet<string>): Map<string, string | boolean | null> {
  const object = asObject(body);
  const values = new Map<string, string | boolean | null>();
  const strings = new Set<string>([...STRING_PROPS, ...(version === 'beta' ? BETA_STRING_PROPS : [])]);
  for (const [name, value] of Object.entries(object)) {
    if (READ_ONLY.has(name)) continue;
    if (!allowed.has(name) || (!strings.has(name) && name !== 'includeResourceData')) throw unknownProperty(name);
    if (value === null) values.set(name, null);
    else if (name === 'includeResourceData') {
      if (typeof value !== 'boolean') throw invalidValue(name);
      values.set(name, value);
    } else {
      if (typeof value !== 'string') throw invalidValue(name);
      values.set(name, value);
    }
  }
  return values;
}

const ALL_PROPS = new Set<string>([...STRING_PROPS, ...BETA_STRING_PROPS, 'includeResourceData']);

export function parseSubscriptionInput(body: unknown, version: GraphVersion): SubscriptionInput {
  const v = readProperties(body, version, ALL_PROPS);
  const str = (name: string): string | null => {
    const value = v.get(name);
    return typeof value === 'string' ? value : null;
  };
  for (const name of ['changeType', 'notificationUrl', 'resource', 'expirationDateTime']) {
    const value = str(name);
    if (value === null || value.trim() === '') throw required(name);
  }
  return {
    changeType: str('changeType')!,
    notificationUrl: str('notificationUrl')!,
    resource: str('resource')!,
    expirationDateTime: str('expirationDateTime')!,
    clientState: str('clientState'),
    lifecycleNotificationUrl: str('lifecycleNotificationUrl'),
    includeResourceData: v.get('includeResourceData') === true,
    encryptionCertificate: str('encryptionCertificate'),
    encryptionCertificateId: str('encryptionCertificateId'),
    latestSupportedTlsVersion: str('latestSupportedTlsVersion'),
    notificationUrlAppId: str('notificationUrlAppId'),
    notificationQueryOptions: str('notificationQueryOptions'),
    notificationContentType: str('notificationContentType'),
  };
}

/** PATCH takes expirationDateTime (renew) and notificationUrl; lifecycleNotificationUrl cannot be added later. */
export interface SubscriptionChanges {
  expirationDateTime?: string;
  notificationUrl?: string;
}

export function parseSubscriptionChanges(body: unknown, version: GraphVersion): SubscriptionChanges {
  const v = readProperties(body, version, ALL_PROPS);
  const changes: SubscriptionChanges = {};
  for (const [name, value] of v) {
    if (name === 'expirationDateTime' || name === 'notificationUrl') {
      if (typeof value !== 'string' || value.trim() === '') throw invalidValue(name);
      changes[name] = value;
    } else if (name === 'lifecycleNotificationUrl') {
      throw badRequest('lifecycleNotificationUrl cannot be added or changed on an existing subscription: create a new subscription.', 'InvalidRequest');
    } else {
      throw badRequest(`The property '${excerpt(name)}' of a subscription cannot be updated. Only expirationDateTime and notificationUrl can.`, 'InvalidRequest');
    }
  }
  return changes;
}

/** Parse changeType: a comma list of created/updated/deleted, each one the resource raises. */
export function checkChangeType(changeType: string, pattern: ResourcePattern, resource: string): string {
  const types = changeType.split(',').map((t) => t.trim());
  for (const type of types) {
    if (!CHANGE_TYPES.includes(type)) throw badRequest(`Invalid changeType '${excerpt(type)}'. The supported values are: created, updated, deleted.`, 'InvalidRequest');
    if (!pattern.changeTypes.includes(type)) {
      throw badRequest(`ChangeType '${excerpt(type)}' is not supported for resource '${excerpt(resource)}'. Supported change types: ${pattern.changeTypes.join(', ')}.`, 'InvalidRequest');
    }
  }
  return [...new Set(types)].join(',');
}

const MINUTE = 60_000;
/** Requests for less than 45 minutes are given 45 (https://learn.microsoft.com/graph/api/resources/subscription). */
export const MIN_LIFETIME_MS = 45 * MINUTE;

/**
 * The expiry to store: the requested instant, raised to 45 minutes from now; beyond the resource's
 * maximum is Graph's ExtensionError; beyond one hour a Teams resource needs a lifecycleNotificationUrl (https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript).
 */
export function checkExpiration(text: string, nowMs: number, pattern: ResourcePattern, hasLifecycleUrl: boolean): string {
  const requested = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(requested)) throw badRequest(`Invalid expirationDateTime '${excerpt(text)}': it must be an ISO 8601 date and time such as 2025-01-31T09:00:00Z.`, 'InvalidRequest');
  if (requested > nowMs + pattern.maxLifetimeMinutes * MINUTE) {
    throw badRequest(`Subscription expiration can only be ${pattern.maxLifetimeMinutes} minutes in the future.`, 'ExtensionError');
  }
  const expiry = Math.max(requested, nowMs + MIN_LIFETIME_MS);
  if (pattern.needsLifecycleUrlBeyondOneHour && !hasLifecycleUrl && expiry > nowMs + 60 * MINUTE) {
    throw badRequest('lifecycleNotificationUrl is required for subscription creation on this resource when the expirationDateTime value exceeds 1 hour.', 'ValidationError');
  }
  return new Date(expiry).toISOString();
}
