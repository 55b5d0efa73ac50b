import { excerpt } from '../../runtime/excerpt.js';
import { rscPermissionsOfTeamsApp } from '../../domain/installations.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PermissionRule } from '../../domain/permissions.js';
import { newGuid } from '../../domain/ids.js';
import { findMeeting, lookupMeetings } from '../../domain/meetings.js';
import { parseSubscriptionResource, type ResourcePattern } from '../../domain/subscriptionResources.js';
import {
  changeNotificationUrl,
  deleteSubscription as removeSubscription,
  findSubscription,
  insertSubscription,
  listSubscriptions as findSubscriptions,
  reauthorizeSubscription as markReauthorized,
  renewSubscription,
  type Subscription,
} from '../../domain/subscriptions.js';
import { findUser } from '../../domain/users.js';
import { badRequest, forbidden, GraphError } from '../../http/errors.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { isProxiedRequest, requestOrigin } from '../../http/requestContext.js';
import { checkEndpointUrl, validateEndpoint } from '../../notifications/endpointValidation.js';
import { parseEncryptionCertificate } from '../../notifications/encryption.js';
import type { GraphServices } from '../graphServices.js';
import { authorize, principalOf } from '../authorize.js';
import { contextUrl, sendGraphJson, version } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { checkChangeType, checkExpiration, MAX_CERTIFICATE_ID, MAX_CLIENT_STATE, parseSubscriptionChanges, parseSubscriptionInput, TLS_VERSIONS } from './input.js';
import { toGraphSubscription } from './shape.js';

type Req = FastifyRequest<{ Params: { subscriptionId?: string } }>;

const notFound = (id: string): GraphError => new GraphError(404, 'ResourceNotFound', `The subscription '${excerpt(id)}' was not found.`);

function patternOf(resource: string, graphVersion: string): ResourcePattern {
  const parsed = parseSubscriptionResource(resource);
  if (!parsed.ok) {
    if (parsed.reason === 'rscNotAllowed') {
      throw badRequest(`The query parameter 'useResourceSpecificConsentBasedAuthorization' is not supported for resource '${excerpt(resource)}'.`, 'InvalidRequest');
    }
    throw badRequest(`Resource '${excerpt(resource)}' is not supported for change notifications.`, 'InvalidRequest');
  }
  if (parsed.pattern.betaOnly && graphVersion === 'v1.0') {
    throw badRequest(`Resource '${excerpt(resource)}' is only available on the beta endpoint: use https://graph.microsoft.com/beta/subscriptions.`, 'InvalidRequest');
  }
  return parsed.pattern;
}

/**
 * The permission table of the subscribed resource (https://learn.microsoft.com/graph/api/subscription-post-subscriptions):
 * roles, scopes, or RSC through an installed Teams app.
 */
async function authorizeResource(services: GraphServices, request: Req, pattern: ResourcePattern): Promise<void> {
  const { ctx } = services;
  const rule: PermissionRule = pattern.permissions;
  if (pattern.kind === 'teamsApp' && pattern.rsc) {
    const principal = principalOf(request);
    if (principal.kind === 'application' && !rule.application!.some((p) => principal.roles.has(p))) {
      const held = await rscPermissionsOfTeamsApp(ctx, principal.tenantId, pattern.scopeId ?? '', principal.clientId);
      if (!(rule.rsc ?? []).some((p) => held.includes(p))) throw forbidden('Insufficient privileges to complete the operation.');
      return;
    }
  }
  await authorize(services, request, rule, pattern.kind === 'meeting' && pattern.scopeId !== null ? { meetingId: pattern.scopeId } : {});
}

/** The ids in the resource must name things of the caller's tenant; private channel meetings are not supported. */
async function checkScope(services: GraphServices, request: Req, pattern: ResourcePattern): Promise<void> {
  const { ctx } = services;
  const { tenantId } = principalOf(request);
  if ((pattern.kind === 'userMeetings' || pattern.kind === 'userAdhocCalls') && pattern.scopeId !== null) {
    if ((await findUser(ctx, tenantId, pattern.scopeId)) === undefined) {
      throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${pattern.scopeId}' does not exist or one of its queried reference-property objects are not present.`);
    }
  }
  if (pattern.kind === 'meetingCallEvents' && pattern.scopeId !== null) {
    const [meeting] = await lookupMeetings(ctx, tenantId, { by: 'joinWebUrl', value: pattern.scopeId });
    if (meeting === undefined) throw new GraphError(404, 'NotFound', `The onlineMeeting with joinWebUrl '${excerpt(pattern.scopeId)}' was not found.`);
  }
  if (pattern.kind === 'meeting' && pattern.scopeId !== null) {
    const meeting = await findMeeting(ctx, pattern.scopeId);
    if (meeting === undefined || meeting.tenantId !== tenantId) throw new GraphError(404, 'NotFound', `The onlineMeeting '${pattern.scopeId}' was not found.`);
    if (meeting.kind === 'privateChannel') throw badRequest('Change notifications are not supported for private channel meetings.', 'InvalidRequest');
  }
}

/**
 * The handshake for each URL (both are validated, even when equal). A host the destination policy
 * refuses gets no handshake: a 400 that names the host and the flag that allows it.
 */
async function validateUrls(services: GraphServices, urls: Array<[property: string, url: URL]>): Promise<void> {
  for (const [property, url] of urls) {
    const result = await validateEndpoint(url, services.destinations);
    if (!result.ok) throw badRequest(result.refused !== undefined ? `Invalid ${property} '${url.href}': ${result.refused}` : result.message, result.code);
  }
}

function checkedUrl(services: GraphServices, property: string, text: string): URL {
  const checked = checkEndpointUrl(property, text, services.config.strict, services.destinations);
  if (!checked.ok) throw badRequest(checked.message, checked.code);
  return checked.url;
}

/** The caller's own, active subscription, with the permission its resource needs. */
async function owned(services: GraphServices, request: Req): Promise<{ subscription: Subscription; pattern: ResourcePattern }> {
  const { ctx } = services;
  const principal = principalOf(request);
  const id = request.params.subscriptionId ?? '';
  const subscription = await findSubscription(ctx, principal.tenantId, id);
  if (subscription === undefined || subscription.appId !== principal.clientId) throw notFound(id);
  if (principal.kind === 'delegated' && subscription.creatorId !== principal.objectId) throw notFound(id);
  const parsed = parseSubscriptionResource(subscription.resource);
  if (!parsed.ok) throw notFound(id);
  await authorizeResource(services, request, parsed.pattern);
  return { subscription, pattern: parsed.pattern };
}

const entity = (request: Req, s: Subscription): Record<string, unknown> => ({
  '@odata.context': contextUrl(request, 'subscriptions/$entity'),
  ...toGraphSubscription(s, version(request)),
});

/** POST /subscriptions (https://learn.microsoft.com/graph/api/subscription-post-subscriptions). */
export async function createSubscription(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const { ctx } = services;
  const principal = principalOf(request);
  const input = parseSubscriptionInput(request.body, version(request));
  const pattern = patternOf(input.resource, version(request));
  await authorizeResource(services, request, pattern);
  await checkScope(services, request, pattern);
  const changeType = checkChangeType(input.changeType, pattern, input.resource);
  const notificationUrl = checkedUrl(services, 'notificationUrl', input.notificationUrl);
  const lifecycleUrl = input.lifecycleNotificationUrl === null ? null : checkedUrl(services, 'lifecycleNotificationUrl', input.lifecycleNotificationUrl);
  const expirationDateTime = checkExpiration(input.expirationDateTime, ctx.clock.nowMs(), pattern, lifecycleUrl !== null);
  if (input.clientState !== null && input.clientState.length > MAX_CLIENT_STATE) {
    throw badRequest(`clientState must be at most ${MAX_CLIENT_STATE} characters long.`, 'InvalidRequest');
  }
  if (input.latestSupportedTlsVersion !== null && !TLS_VERSIONS.includes(input.latestSupportedTlsVersion)) {
    throw badRequest(`Invalid latestSupportedTlsVersion '${excerpt(String(input.latestSupportedTlsVersion))}'. The supported values are: ${TLS_VERSIONS.join(', ')}.`, 'InvalidRequest');
  }
  let thumbprint: string | null = null;
  if (input.includeResourceData) {
    if (!pattern.supportsResourceData) throw badRequest(`includeResourceData is not supported for resource '${excerpt(input.resource)}'.`, 'InvalidRequest');
    if (input.encryptionCertificate === null || input.encryptionCertificate.trim() === '') {
      throw badRequest('encryptionCertificate is a required property when includeResourceData is true.', 'InvalidRequest');
    }
    if (input.encryptionCertificateId === null || input.encryptionCertificateId.trim() === '') {
      throw badRequest('encryptionCertificateId is a required property when includeResourceData is true.', 'InvalidRequest');
    }
    if (input.encryptionCertificateId.length > MAX_CERTIFICATE_ID) {
      throw badRequest(`encryptionCertificateId must be at most ${MAX_CERTIFICATE_ID} characters long.`, 'InvalidRequest');
    }
    const parsed = parseEncryptionCertificate(input.encryptionCertificate);
    if (!parsed.ok) {
      throw badRequest(
        parsed.reason === 'unreadable'
          ? 'Certificate validation error: Cannot find the requested object.'
          : 'Certificate validation error: the encryption certificate must hold an RSA public key of 2048 to 4096 bits.',
        'InvalidRequest',
      );
    }
    thumbprint = parsed.certificate.thumbprint;
  }
  await validateUrls(services, [['notificationUrl', notificationUrl], ...(lifecycleUrl === null ? [] : [['lifecycleNotificationUrl', lifecycleUrl] as [string, URL]])]);
  const subscription = await insertSubscription(ctx, {
    id: newGuid(),
    tenantId: principal.tenantId,
    appId: principal.clientId,
    creatorId: principal.objectId,
    principalKind: principal.kind,
    resource: input.resource,
    resourceKind: pattern.kind,
    artifact: pattern.artifact,
    scopeId: pattern.scopeId,
    rsc: pattern.rsc,
    changeType,
    notificationUrl: input.notificationUrl,
    lifecycleNotificationUrl: input.lifecycleNotificationUrl,
    clientState: input.clientState,
    includeResourceData: input.includeResourceData,
    encryptionCertificate: input.includeResourceData ? input.encryptionCertificate : null,
    encryptionCertificateId: input.includeResourceData ? input.encryptionCertificateId : null,
    encryptionCertificateThumbprint: thumbprint,
    latestSupportedTlsVersion: input.latestSupportedTlsVersion ?? 'v1_2',
    notificationUrlAppId: input.notificationUrlAppId,
    notificationQueryOptions: input.notificationQueryOptions,
    notificationContentType: version(request) === 'beta' ? (input.notificationContentType ?? 'application/json') : null,
    expirationDateTime,
    // Through the drop-in proxy the app knows Graph as graph.microsoft.com: rich notifications' links say so too.
    linkRoot: isProxiedRequest(request) ? `${requestOrigin(request)}/v1.0` : null,
  });
  return sendGraphJson(request, reply, 201, entity(request, subscription));
}

/** GET /subscriptions/{id} (https://learn.microsoft.com/graph/api/subscription-get). */
export async function getSubscription(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  parseQueryOptions(request.query as QueryInput, {});
  const { subscription } = await owned(services, request);
  return sendGraphJson(request, reply, 200, entity(request, subscription));
}

/** GET /subscriptions: the caller's own (https://learn.microsoft.com/graph/api/subscription-list). */
export async function listSubscriptions(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const { ctx } = services;
  parseQueryOptions(request.query as QueryInput, {});
  const principal = principalOf(request);
  const found = await findSubscriptions(ctx, principal.tenantId, principal.clientId, principal.kind === 'delegated' ? principal.objectId : undefined);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, 'subscriptions'),
    value: found.map((s) => toGraphSubscription(s, version(request))),
  });
}

/** PATCH /subscriptions/{id}: renew, or move the notification URL (https://learn.microsoft.com/graph/api/subscription-update). */
export async function updateSubscription(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const { ctx } = services;
  const changes = parseSubscriptionChanges(request.body, version(request));
  const { subscription, pattern } = await owned(services, request);
  let expiration = subscription.expirationDateTime;
  if (changes.expirationDateTime !== undefined) expiration = checkExpiration(changes.expirationDateTime, ctx.clock.nowMs(), pattern, subscription.lifecycleNotificationUrl !== null);
  let notificationUrl = subscription.notificationUrl;
  if (changes.notificationUrl !== undefined && changes.notificationUrl !== subscription.notificationUrl) {
    await validateUrls(services, [['notificationUrl', checkedUrl(services, 'notificationUrl', changes.notificationUrl)]]);
    notificationUrl = changes.notificationUrl;
    await changeNotificationUrl(ctx, subscription.id, notificationUrl);
  }
  await renewSubscription(ctx, subscription.id, expiration);
  return sendGraphJson(request, reply, 200, entity(request, { ...subscription, expirationDateTime: expiration, notificationUrl }));
}

/** DELETE /subscriptions/{id} (https://learn.microsoft.com/graph/api/subscription-delete). */
export async function deleteSubscription(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const { ctx } = services;
  const { subscription } = await owned(services, request);
  await removeSubscription(ctx, subscription.id);
  return reply.code(204).send();
}

/** POST /subscriptions/{id}/reauthorize (https://learn.microsoft.com/graph/api/subscription-reauthorize). */
export async function reauthorizeSubscription(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const { ctx } = services;
  const { subscription } = await owned(services, request);
  await markReauthorized(ctx, subscription);
  return reply.code(204).send();
}
