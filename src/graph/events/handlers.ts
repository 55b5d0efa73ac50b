import type { FastifyReply, FastifyRequest } from 'fastify';
import { calendarMeetings, eventIdFor, inWindow, meetingFingerprint, meetingsGone, onCalendarOf, parseEventId } from '../../domain/calendar.js';
import type { Meeting } from '../../domain/meetings.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import type { User } from '../../domain/users.js';
import { GraphError } from '../../http/errors.js';
import { parseQueryOptions, type ParsedQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import { readToken } from '../artifacts/stateTokens.js';
import { authorize, resolvePathUser } from '../authorize.js';
import { cachedMeeting, cachedUser } from '../cachedReads.js';
import type { GraphServices } from '../graphServices.js';
import { contextUrl, selectedSet, sendGraphJson, serviceRoot } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { EVENT_PROPERTIES, toGraphEvent } from './shape.js';
import { preferredTimeZone, type EventTimeZone } from './timeZones.js';

type Req = FastifyRequest<{ Params: { userId?: string; eventId?: string } }>;

const EVENT_TYPE = 'microsoft.graph.event';
/** Outlook's default and largest page of events (https://learn.microsoft.com/graph/paging). */
const DEFAULT_PAGE = 10;
const MAX_PAGE = 1_000;
const OUTLOOK_WEB = 'https://outlook.office365.com';

const itemNotFound = (): GraphError => new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
const noWindow = (): GraphError => new GraphError(400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');

/** Whose calendar a request reads, and the zone its events' times are written in. */
interface CalendarRead {
  readonly owner: User;
  readonly zone: EventTimeZone | undefined;
}

/** Calendar paths answer Outlook's code for a missing permission (https://learn.microsoft.com/graph/api/event-get). */
async function openCalendar(services: GraphServices, request: Req): Promise<CalendarRead> {
  const owner = await resolvePathUser(services, request, request.params.userId);
  try {
    await authorize(services, request, PERMISSIONS.calendarRead);
  } catch (err) {
    if (err instanceof GraphError && err.status === 403) throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    throw err;
  }
  return { owner, zone: await preferredTimeZone(request) };
}

/** `/me` or `/users/{id}`: next links keep the form the client used. */
const userPath = (request: Req, user: User): string => (request.params.userId === undefined ? '/me' : `/users/${encodeURIComponent(user.id)}`);

async function shapeAll(services: GraphServices, { owner, zone }: CalendarRead, meetings: readonly Meeting[], select: readonly string[] | undefined): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const meeting of meetings) {
    const organizer = await cachedUser(services, meeting.tenantId, meeting.organizerId);
    if (organizer === undefined) continue;
    const body = toGraphEvent(meeting, owner, organizer, OUTLOOK_WEB, zone);
    out.push(select === undefined ? body : applySelect(body, select, ['id']));
  }
  return out;
}

const listOptions = (request: Req): ParsedQueryOptions =>
  parseQueryOptions(request.query as QueryInput, { select: { properties: EVENT_PROPERTIES, typeName: EVENT_TYPE }, top: { max: MAX_PAGE }, skip: true });

/** The window of a calendarView: both bounds required, ISO 8601 date-times. */
function windowOf(options: ParsedQueryOptions): { start: string; end: string; startMs: number; endMs: number } {
  const param = (name: string): string | undefined => Object.entries(options.other).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const start = param('startDateTime');
  const end = param('endDateTime');
  if (start === undefined || end === undefined || start === '' || end === '') throw noWindow();
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(start) || Number.isNaN(startMs)) throw new GraphError(400, 'ErrorInvalidParameter', `The parameter 'StartDateTime' has an invalid value '${start.slice(0, 64)}'.`);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(end) || Number.isNaN(endMs)) throw new GraphError(400, 'ErrorInvalidParameter', `The parameter 'EndDateTime' has an invalid value '${end.slice(0, 64)}'.`);
  return { start, end, startMs, endMs };
}

async function sendPage(
  request: Req,
  reply: FastifyReply,
  calendar: CalendarRead,
  meetings: readonly Meeting[],
  options: ParsedQueryOptions,
  set: string,
  extraParams: string[],
): Promise<FastifyReply> {
  const services = servicesOf(request);
  const top = options.top ?? DEFAULT_PAGE;
  const skip = options.skip ?? 0;
  const page = meetings.slice(skip, skip + top);
  const { owner } = calendar;
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(request, selectedSet(`users('${owner.id}')/${set}`, options.select)),
    value: await shapeAll(services, calendar, page, options.select),
  };
  if (skip + top < meetings.length) {
    const params = [...extraParams, ...(options.select !== undefined ? [`$select=${encodeURIComponent(options.select.join(','))}`] : []), `$top=${top}`, `$skip=${skip + top}`];
    body['@odata.nextLink'] = `${serviceRoot(request)}${userPath(request, owner)}/${set}?${params.join('&')}`;
  }
  return sendGraphJson(request, reply, 200, body);
}

/** GET {me}/events (https://learn.microsoft.com/graph/api/user-list-events). */
export async function listEvents(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = listOptions(request);
  const calendar = await openCalendar(services, request);
  const { owner } = calendar;
  return sendPage(request, reply, calendar, await calendarMeetings(services.ctx, owner.tenantId, owner.id), options, 'events', []);
}

/** GET {me}/calendarView?startDateTime&endDateTime (https://learn.microsoft.com/graph/api/user-list-calendarview). */
export async function listCalendarView(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = listOptions(request);
  const calendar = await openCalendar(services, request);
  const { owner } = calendar;
  const w = windowOf(options);
  const meetings = inWindow(await calendarMeetings(services.ctx, owner.tenantId, owner.id), w.startMs, w.endMs);
  return sendPage(request, reply, calendar, meetings, options, 'calendarView', [`startDateTime=${encodeURIComponent(w.start)}`, `endDateTime=${encodeURIComponent(w.end)}`]);
}

/** GET {me}/events/{id} (https://learn.microsoft.com/graph/api/event-get). */
export async function getEvent(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = parseQueryOptions(request.query as QueryInput, { select: { properties: EVENT_PROPERTIES, typeName: EVENT_TYPE } });
  const calendar = await openCalendar(services, request);
  const { owner } = calendar;
  const eventId = request.params.eventId ?? '';
  const named = parseEventId(eventId);
  if (named === undefined) throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  const meeting = named.userId === owner.id ? await cachedMeeting(services, named.meetingId) : undefined;
  if (meeting === undefined || meeting.tenantId !== owner.tenantId || !onCalendarOf(meeting, owner.id)) throw itemNotFound();
  const [event] = await shapeAll(services, calendar, [meeting], options.select);
  if (event === undefined) throw itemNotFound();
  return sendGraphJson(request, reply, 200, { '@odata.context': contextUrl(request, `${selectedSet(`users('${owner.id}')/events`, options.select)}/$entity`), ...event });
}

/**
 * GET {me}/calendarView/delta (https://learn.microsoft.com/graph/api/event-delta): the first round
 * names the window and pages with `$skiptoken`; its last page gives a `$deltatoken` that remembers
 * which events the client holds, and the next round returns the events added since. Tokens are the
 * store's signed state tokens (domain/stateTokens.ts). Page size: `Prefer: odata.maxpagesize`.
 */
export async function calendarViewDelta(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const services = servicesOf(request);
  const options = parseQueryOptions(request.query as QueryInput, { skipToken: true, deltaToken: true });
  const calendar = await openCalendar(services, request);
  const { owner } = calendar;
  const base = `${serviceRoot(request)}${userPath(request, owner)}/calendarView/delta`;
  const token = options.skipToken ?? options.deltaToken;
  let window: { start: string; end: string };
  let offset = 0;
  let known: Set<string> | undefined;
  if (token !== undefined && token !== '') {
    const state = await readToken(services, token, (s) =>
      s === undefined ? base : `${base}?startDateTime=${encodeURIComponent(String(s.query['s']))}&endDateTime=${encodeURIComponent(String(s.query['e']))}`,
    );
    const { k, u, s, e, o, h } = state.query;
    if (k !== 'calendarView' || u !== owner.id || typeof s !== 'string' || typeof e !== 'string')
      throw new GraphError(400, 'BadRequest', 'The state token (skipToken or deltaToken) is invalid: it was not issued for this calendar view.');
    window = { start: s, end: e };
    // A delta round's held events, also on its later pages (its skip tokens carry them on).
    if (typeof h === 'string') known = new Set(h !== '' ? h.match(/.{6}/g) : []);
    if (!state.delta) offset = typeof o === 'number' ? o : 0;
  } else {
    window = windowOf(options);
  }
  const all = inWindow(await calendarMeetings(services.ctx, owner.tenantId, owner.id), Date.parse(window.start), Date.parse(window.end));
  // A delta round: the events added since, then those gone (deleted, or out of the view) as
  // {"id", "@removed": {"reason": "deleted"}} (https://learn.microsoft.com/graph/delta-query-events).
  type Entry = { meeting: Meeting } | { removed: string };
  const changed: Entry[] =
    known === undefined
      ? all.map((meeting) => ({ meeting }))
      : [
          ...all.filter((m) => !known.has(meetingFingerprint(m.id))).map((meeting) => ({ meeting })),
          ...(await meetingsGone(services.ctx, owner.tenantId, owner.id, known, all)).map((removed) => ({ removed })),
        ];
  const size = Math.min(request.graphState.prefer?.maxPageSize ?? DEFAULT_PAGE, MAX_PAGE);
  const page = changed.slice(offset, offset + size);
  const value: Record<string, unknown>[] = [];
  for (const entry of page) {
    if ('removed' in entry) value.push({ '@odata.type': '#microsoft.graph.event', id: eventIdFor(owner.id, entry.removed), '@removed': { reason: 'deleted' } });
    else value.push(...(await shapeAll(services, calendar, [entry.meeting], undefined)));
  }
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(request, `Collection(event)`),
    value,
  };
  const query = { k: 'calendarView', u: owner.id, s: window.start, e: window.end };
  const now = services.ctx.clock.nowMs();
  if (offset + size < changed.length) {
    const next = await services.deltaTokens.sign({ query: { ...query, o: offset + size, h: known === undefined ? null : [...known].join('') }, position: 0, delta: false, issuedAtMs: now });
    body['@odata.nextLink'] = `${base}?$skiptoken=${encodeURIComponent(next)}`;
  } else {
    const held = all.map((m) => meetingFingerprint(m.id)).join('');
    const delta = await services.deltaTokens.sign({ query: { ...query, h: held }, position: 0, delta: true, issuedAtMs: now });
    body['@odata.deltaLink'] = `${base}?$deltatoken=${encodeURIComponent(delta)}`;
  }
  const applied = request.graphState.prefer?.maxPageSize !== undefined ? [`odata.maxpagesize=${size}`] : [];
  return sendGraphJson(request, reply, 200, body, applied);
}
