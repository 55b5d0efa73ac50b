import type { FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSIONS } from '../../domain/permissions.js';
import { createMeeting, createOrGetMeeting, lookupMeetings, type Meeting, type NewMeeting } from '../../domain/meetings.js';
import type { User } from '../../domain/users.js';
import type { Principal } from '../../domain/principal.js';
import { badRequest, forbidden, GraphError } from '../../http/errors.js';
import { parseQueryOptions, type ParsedQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import type { GraphServices } from '../graphServices.js';
import { authorize, principalOf, resolvePathUser } from '../authorize.js';
import { cachedJson, cachedMeeting, cachedUser } from '../cachedReads.js';
import { contextUrl, includeUnknownEnumMembers, selectedSet, sendGraphEntityJson, sendGraphJson, version } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { parseOnlineMeetingInput, type OnlineMeetingInput } from './input.js';
import { lookupFrom, missingFilter } from './lookup.js';
import { onlineMeetingProperties, toGraphOnlineMeeting } from './shape.js';

type MeetingParams = { userId?: string; meetingId?: string };
type Req = FastifyRequest<{ Params: MeetingParams }>;

const meetingNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `The onlineMeeting '${id}' was not found for this user.`);

function queryOptions(request: Req, filter: boolean): ParsedQueryOptions {
  const select = { properties: onlineMeetingProperties(version(request)), typeName: 'microsoft.graph.onlineMeeting' };
  return parseQueryOptions(request.query as QueryInput, filter ? { select, filter: true } : { select });
}

/** `users('{id}')/onlineMeetings`, as Graph writes the context of a {me} path (https://learn.microsoft.com/graph/api/onlinemeeting-get). */
const userMeetings = (user: User, select: readonly string[] | undefined): string => selectedSet(`users('${user.id}')/onlineMeetings`, select);

/** Organizer and invited attendees may get a meeting by id, with a user token or their user id (https://learn.microsoft.com/graph/api/onlinemeeting-get). */
const organizesOrAttends = (meeting: Meeting, user: User): boolean => meeting.organizerId === user.id || (meeting.settings.attendees ?? []).some((a) => a.userId === user.id);

function shape(request: Req, meeting: Meeting, organizer: User, select: readonly string[] | undefined): Record<string, unknown> {
  const body = toGraphOnlineMeeting(meeting, organizer, version(request), includeUnknownEnumMembers(request));
  return select === undefined ? body : applySelect(body, select, ['id']);
}

async function organizerOf(services: GraphServices, meeting: Meeting): Promise<User> {
  const organizer = await cachedUser(services, meeting.tenantId, meeting.organizerId);
  if (organizer === undefined) throw meetingNotFound(meeting.id);
  return organizer;
}

function newMeeting(tenantId: string, organizer: User, input: OnlineMeetingInput): NewMeeting {
  return {
    tenantId,
    organizerId: organizer.id,
    subject: input.subject ?? null,
    ...(input.startDateTime !== undefined ? { startDateTime: input.startDateTime } : {}),
    ...(input.endDateTime !== undefined ? { endDateTime: input.endDateTime } : {}),
    externalId: input.externalId ?? null,
    // Meetings made through this API have no calendar event (the artifact APIs refuse them).
    hasCalendarEvent: false,
    settings: input.settings,
  };
}

/** GET {me}/onlineMeetings/{id} (https://learn.microsoft.com/graph/api/onlinemeeting-get). */
export async function getOnlineMeeting(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = queryOptions(request, false);
  const principal = principalOf(request);
  const user = await resolvePathUser(services, request, request.params.userId);
  const meetingId = request.params.meetingId ?? '';
  await authorize(services, request, PERMISSIONS.onlineMeetingRead, { userId: user.id, meetingId });
  const meeting = await cachedMeeting(services, meetingId);
  if (meeting === undefined || meeting.tenantId !== principal.tenantId || !organizesOrAttends(meeting, user)) throw meetingNotFound(meetingId);
  const organizer = await organizerOf(services, meeting);
  const entity = contextUrl(request, `${userMeetings(user, options.select)}/$entity`);
  if (options.select !== undefined) return sendGraphJson(request, reply, 200, { '@odata.context': entity, ...shape(request, meeting, organizer, options.select) });
  // The common read: the meeting's JSON is made once per version until the store changes.
  const unknownMembers = includeUnknownEnumMembers(request);
  const json = await cachedJson(services, ['onlineMeeting', meeting.id, organizer.id, version(request), String(unknownMembers)], () => shape(request, meeting, organizer, undefined));
  return sendGraphEntityJson(request, reply, 200, entity, json);
}

/** GET {me}/onlineMeetings?$filter=… (https://learn.microsoft.com/graph/api/onlinemeeting-get). */
export async function listOnlineMeetings(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = queryOptions(request, true);
  const principal = principalOf(request);
  const user = await resolvePathUser(services, request, request.params.userId);
  await authorize(services, request, PERMISSIONS.onlineMeetingRead, { userId: user.id });
  if (options.filter === undefined) throw missingFilter(false);
  const found = await lookupMeetings(services.ctx, principal.tenantId, lookupFrom(options.filter, false));
  // Only the organizer can look a meeting up this way; attendees get 403 (microsoft-graph-docs-contrib#436).
  if (found.some((m) => m.organizerId !== user.id)) throw forbidden('Only the meeting organizer can look up an online meeting by this filter.');
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, userMeetings(user, options.select)),
    value: found.map((meeting) => shape(request, meeting, user, options.select)),
  });
}

/** POST {me}/onlineMeetings (https://learn.microsoft.com/graph/api/application-post-onlinemeetings). */
/** What both create operations start with: the path user, the write permission, the parsed body. */
async function meetingWrite(request: Req): Promise<{ services: GraphServices; options: ReturnType<typeof queryOptions>; principal: Principal; user: User; input: OnlineMeetingInput }> {
  const services = servicesOf(request);
  const options = queryOptions(request, false);
  const principal = principalOf(request);
  const user = await resolvePathUser(services, request, request.params.userId);
  await authorize(services, request, PERMISSIONS.onlineMeetingWrite, { userId: user.id });
  const input = await parseOnlineMeetingInput(services.ctx, principal.tenantId, request.body, includeUnknownEnumMembers(request));
  return { services, options, principal, user, input };
}

export async function createOnlineMeeting(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const { services, options, principal, user, input } = await meetingWrite(request);
  const meeting = await createMeeting(services.ctx, newMeeting(principal.tenantId, user, input));
  return sendGraphJson(request, reply, 201, {
    '@odata.context': contextUrl(request, `${userMeetings(user, options.select)}/$entity`),
    ...shape(request, meeting, user, options.select),
  });
}

/** 201 when made, 200 when the (tenant, organizer, externalId) meeting already exists (https://learn.microsoft.com/graph/api/onlinemeeting-createorget). */
export async function createOrGetOnlineMeeting(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const { services, options, principal, user, input } = await meetingWrite(request);
  if (input.externalId === undefined || input.externalId === '') throw badRequest("The parameter 'externalId' is required.");
  if (input.endDateTime !== undefined && input.startDateTime === undefined) throw badRequest('endDateTime cannot be provided without startDateTime.');
  const { meeting, created } = await createOrGetMeeting(services.ctx, { ...newMeeting(principal.tenantId, user, input), externalId: input.externalId });
  return sendGraphJson(request, reply, created ? 201 : 200, {
    '@odata.context': contextUrl(request, `${userMeetings(user, options.select)}/$entity`),
    ...shape(request, meeting, user, options.select),
  });
}

/** App-only look-up by VideoTeleconferenceId: no access policy applies (https://learn.microsoft.com/graph/api/onlinemeeting-get). */
export async function listCommunicationsOnlineMeetings(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = queryOptions(request, true);
  const principal = principalOf(request);
  await authorize(services, request, PERMISSIONS.onlineMeetingByVtcId);
  if (options.filter === undefined) throw missingFilter(true);
  const found = await lookupMeetings(services.ctx, principal.tenantId, lookupFrom(options.filter, true));
  const value = [];
  for (const meeting of found) value.push(shape(request, meeting, await organizerOf(services, meeting), options.select));
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, selectedSet('communications/onlineMeetings', options.select)),
    value,
  });
}
