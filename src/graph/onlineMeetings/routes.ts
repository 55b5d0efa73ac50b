import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSIONS } from '../../auth/permissions.js';
import { createMeeting, createOrGetMeeting, findMeeting, lookupMeetings, type Meeting, type MeetingLookup } from '../../domain/meetings.js';
import { findUser, type User } from '../../domain/users.js';
import { badRequest, GraphError } from '../../http/errors.js';
import { filterConditions, sameName } from '../../http/odata/filter.js';
import { parseQueryOptions } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import type { Services } from '../../services.js';
import { authorize, principalOf, resolvePathUser } from '../authorize.js';
import { contextUrl, includeUnknownEnumMembers, sendGraphJson, version } from '../respond.js';
import { parseOnlineMeetingInput } from './input.js';
import { ONLINE_MEETING_PROPERTIES, toGraphOnlineMeeting } from './shape.js';

type MeetingParams = { userId?: string; meetingId?: string };
type Req = FastifyRequest<{ Params: MeetingParams }>;

const SELECT_SPEC = { select: { properties: ONLINE_MEETING_PROPERTIES, typeName: 'microsoft.graph.onlineMeeting' } } as const;

const meetingNotFound = (id: string): GraphError =>
  new GraphError(404, 'NotFound', `The onlineMeeting '${id}' was not found for this user.`);

/** `users('{id}')/onlineMeetings` as Graph writes the context of a {me} path. */
const collectionContext = (user: User): string => `users('${user.id}')/onlineMeetings`;

/** A delegated caller sees meetings they organize or attend; an app sees the path user's meetings. */
function visibleTo(meeting: Meeting, user: User, delegated: boolean): boolean {
  if (meeting.organizerId === user.id) return true;
  return delegated && (meeting.settings.attendees ?? []).some((a) => a.userId === user.id);
}

function shape(services: Services, request: Req, meeting: Meeting, organizer: User, select: string[] | undefined): Record<string, unknown> {
  const body = toGraphOnlineMeeting(meeting, organizer, version(request), includeUnknownEnumMembers(request));
  return select === undefined ? body : applySelect(body, select, ['id']);
}

async function organizerOf(services: Services, meeting: Meeting): Promise<User> {
  const organizer = await findUser(services.ctx, meeting.tenantId, meeting.organizerId);
  if (organizer === undefined) throw meetingNotFound(meeting.id);
  return organizer;
}

/** The documented $filter look-ups (onlinemeeting-get.md): JoinWebUrl, joinMeetingIdSettings/joinMeetingId, VideoTeleconferenceId. */
function lookupFrom(expr: Parameters<typeof filterConditions>[0], allowVtc: boolean): MeetingLookup {
  const conditions = filterConditions(expr);
  const only = conditions.length === 1 ? conditions[0] : undefined;
  if (only !== undefined && only.op === 'eq' && typeof only.value === 'string') {
    const path = only.path.join('/');
    if (sameName(path, 'joinWebUrl')) return { by: 'joinWebUrl', value: only.value };
    if (sameName(path, 'joinMeetingIdSettings/joinMeetingId')) return { by: 'joinMeetingId', value: only.value };
    if (allowVtc && sameName(path, 'videoTeleconferenceId')) return { by: 'videoTeleconferenceId', value: only.value };
  }
  throw badRequest(
    allowVtc
      ? "Filter expression is not supported. Use $filter=VideoTeleconferenceId eq '{id}'."
      : "Filter expression is not supported. Use $filter=JoinWebUrl eq '{joinWebUrl}' or $filter=joinMeetingIdSettings/joinMeetingId eq '{joinMeetingId}'.",
  );
}

export function registerOnlineMeetingRoutes(app: FastifyInstance, services: Services): void {
  const get = async (request: Req, reply: FastifyReply) => {
    const options = parseQueryOptions(request.query as Record<string, string>, SELECT_SPEC);
    const principal = principalOf(request);
    const user = await resolvePathUser(services, request, request.params.userId);
    const meetingId = request.params.meetingId ?? '';
    await authorize(services, request, PERMISSIONS.onlineMeetingRead, { userId: user.id, meetingId });
    const meeting = await findMeeting(services.ctx, meetingId);
    if (meeting === undefined || meeting.tenantId !== principal.tenantId || !visibleTo(meeting, user, principal.kind === 'delegated')) {
      throw meetingNotFound(meetingId);
    }
    const fragment = `${collectionContext(user)}/$entity`;
    return sendGraphJson(request, reply, 200, {
      '@odata.context': contextUrl(request, services.config.publicUrl, fragment),
      ...shape(services, request, meeting, await organizerOf(services, meeting), options.select),
    });
  };

  const list = async (request: Req, reply: FastifyReply) => {
    const options = parseQueryOptions(request.query as Record<string, string>, { ...SELECT_SPEC, filter: true });
    const principal = principalOf(request);
    const user = await resolvePathUser(services, request, request.params.userId);
    await authorize(services, request, PERMISSIONS.onlineMeetingRead, { userId: user.id });
    if (options.filter === undefined) {
      throw badRequest("Filter expression expected - /onlineMeetings?$filter=JoinWebUrl eq '{joinWebUrl}'.");
    }
    const lookup = lookupFrom(options.filter, false);
    const found = await lookupMeetings(services.ctx, principal.tenantId, lookup);
    const visible = found.filter((m) => visibleTo(m, user, principal.kind === 'delegated'));
    const value = [];
    for (const meeting of visible) value.push(shape(services, request, meeting, await organizerOf(services, meeting), options.select));
    return sendGraphJson(request, reply, 200, {
      '@odata.context': contextUrl(request, services.config.publicUrl, collectionContext(user)),
      value,
    });
  };

  const create = async (request: Req, reply: FastifyReply) => {
    const principal = principalOf(request);
    const user = await resolvePathUser(services, request, request.params.userId);
    await authorize(services, request, PERMISSIONS.onlineMeetingWrite, { userId: user.id });
    const input = await parseOnlineMeetingInput(services.ctx, principal.tenantId, request.body, includeUnknownEnumMembers(request));
    const meeting = await createMeeting(services.ctx, {
      tenantId: principal.tenantId,
      organizerId: user.id,
      subject: input.subject ?? null,
      ...(input.startDateTime !== undefined ? { startDateTime: input.startDateTime } : {}),
      ...(input.endDateTime !== undefined ? { endDateTime: input.endDateTime } : {}),
      externalId: input.externalId ?? null,
      // Meetings made through this API have no calendar event (the artifact APIs refuse them, S1).
      hasCalendarEvent: false,
      settings: input.settings,
    });
    return sendGraphJson(request, reply, 201, {
      '@odata.context': contextUrl(request, services.config.publicUrl, `${collectionContext(user)}/$entity`),
      ...shape(services, request, meeting, user, undefined),
    });
  };

  const createOrGet = async (request: Req, reply: FastifyReply) => {
    const principal = principalOf(request);
    const user = await resolvePathUser(services, request, request.params.userId);
    await authorize(services, request, PERMISSIONS.onlineMeetingWrite, { userId: user.id });
    const input = await parseOnlineMeetingInput(services.ctx, principal.tenantId, request.body, includeUnknownEnumMembers(request));
    if (input.externalId === undefined || input.externalId === '') throw badRequest("The parameter 'externalId' is required.");
    const { meeting, created } = await createOrGetMeeting(services.ctx, {
      tenantId: principal.tenantId,
      organizerId: user.id,
      subject: input.subject ?? null,
      ...(input.startDateTime !== undefined ? { startDateTime: input.startDateTime } : {}),
      ...(input.endDateTime !== undefined ? { endDateTime: input.endDateTime } : {}),
      externalId: input.externalId,
      hasCalendarEvent: false,
      settings: input.settings,
    });
    return sendGraphJson(request, reply, created ? 201 : 200, {
      '@odata.context': contextUrl(request, services.config.publicUrl, `${collectionContext(user)}/$entity`),
      ...shape(services, request, meeting, user, undefined),
    });
  };

  /** App-only look-up by VideoTeleconferenceId: no access policy applies (onlinemeeting-get.md). */
  const communicationsList = async (request: Req, reply: FastifyReply) => {
    const options = parseQueryOptions(request.query as Record<string, string>, { ...SELECT_SPEC, filter: true });
    const principal = principalOf(request);
    await authorize(services, request, PERMISSIONS.onlineMeetingByVtcId);
    if (options.filter === undefined) throw badRequest("Filter expression expected - /communications/onlineMeetings?$filter=VideoTeleconferenceId eq '{id}'.");
    const found = await lookupMeetings(services.ctx, principal.tenantId, lookupFrom(options.filter, true));
    const value = [];
    for (const meeting of found) value.push(shape(services, request, meeting, await organizerOf(services, meeting), options.select));
    return sendGraphJson(request, reply, 200, {
      '@odata.context': contextUrl(request, services.config.publicUrl, 'communications/onlineMeetings'),
      value,
    });
  };

  for (const base of ['/me/onlineMeetings', '/users/:userId/onlineMeetings']) {
    app.get(base, list);
    app.post(base, create);
    app.post(`${base}/createOrGet`, createOrGet);
    app.get(`${base}/:meetingId`, get);
  }
  app.get('/communications/onlineMeetings', communicationsList);
}
