import { excerpt } from '../runtime/excerpt.js';
import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { STATE_TOKEN_LIFETIME_MS } from './stateTokens.js';
import { DomainError } from '../runtime/errors.js';
import { joinWebUrlFor, meetingIdFor, newJoinMeetingId, newMeetingThreadId, newPasscode, newVideoTeleconferenceId } from './ids.js';
import { parseObject } from './json.js';
import type { MeetingTable } from '../store/schema.js';

export type MeetingKind = 'scheduled' | 'channel' | 'privateChannel';

export interface MeetingAttendee {
  userId: string | null;
  upn: string | null;
  displayName: string | null;
  role: string;
}

/** Settings the organizer chose; stored as given and echoed back by the onlineMeeting resource. */
export interface MeetingSettings {
  attendees?: MeetingAttendee[];
  allowedPresenters?: string;
  lobbyBypassScope?: string;
  isDialInBypassEnabled?: boolean;
  allowMeetingChat?: string;
  allowTeamworkReactions?: boolean;
  recordAutomatically?: boolean;
  isEntryExitAnnounced?: boolean;
  allowAttendeeToEnableCamera?: boolean;
  allowAttendeeToEnableMic?: boolean;
  allowRecording?: boolean;
  allowTranscription?: boolean;
}

export interface Meeting {
  id: string;
  tenantId: string;
  organizerId: string;
  subject: string | null;
  startDateTime: string;
  endDateTime: string;
  creationDateTime: string;
  threadId: string;
  joinWebUrl: string;
  joinMeetingId: string;
  passcode: string;
  videoTeleconferenceId: string;
  externalId: string | null;
  hasCalendarEvent: boolean;
  kind: MeetingKind;
  settings: MeetingSettings;
}

export interface NewMeeting {
  /** A fixed chat thread (the demo tenant uses one so its meeting id is stable); random otherwise. */
  threadId?: string;
  tenantId: string;
  organizerId: string;
  subject?: string | null;
  startDateTime?: string;
  endDateTime?: string;
  externalId?: string | null;
  hasCalendarEvent?: boolean;
  kind?: MeetingKind;
  settings?: MeetingSettings;
  /** When the meeting was made (default: now); the demo tenant's meetings were made before they took place. */
  creationDateTime?: string;
}

const HOUR = 3_600_000;

const toMeeting = (r: MeetingTable): Meeting => ({
  id: r.id,
  tenantId: r.tenant_id,
  organizerId: r.organizer_id,
  subject: r.subject,
  startDateTime: r.start_date_time,
  endDateTime: r.end_date_time,
  creationDateTime: r.created_at,
  threadId: r.thread_id,
  joinWebUrl: r.join_web_url,
  joinMeetingId: r.join_meeting_id,
  passcode: r.passcode,
  videoTeleconferenceId: r.video_teleconference_id,
  externalId: r.external_id,
  hasCalendarEvent: r.has_calendar_event === 1,
  kind: (['scheduled', 'channel', 'privateChannel'] as const).find((k) => k === r.meeting_kind) ?? 'scheduled',
  settings: parseObject(r.properties) as MeetingSettings,
});

/**
 * Teams meetings expire 60 days after they end (https://learn.microsoft.com/microsoftteams/limits-specifications-teams#meeting-expiration);
 * the artifact APIs then refuse them ("This API works only for a meeting that hasn't expired",
 * https://learn.microsoft.com/graph/api/callrecording-get).
 */
export const MEETING_EXPIRY_MS = 60 * 24 * 3_600_000;

/** Meetings that ended before this instant (ISO, as end_date_time is stored) have expired at `nowMs`. */
export const meetingExpiryCutoff = (nowMs: number): string => new Date(nowMs - MEETING_EXPIRY_MS).toISOString();

/** Whether the meeting has expired at `nowMs`. */
export const meetingExpired = (meeting: { endDateTime: string }, nowMs: number): boolean => Date.parse(meeting.endDateTime) + MEETING_EXPIRY_MS < nowMs;

function isoOrThrow(value: string, name: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new DomainError('invalid', `'${excerpt(value)}' is not a valid ${name}.`);
  return new Date(t).toISOString();
}

export async function createMeeting(ctx: DomainContext, input: NewMeeting): Promise<Meeting> {
  const organizer = await ctx.db.selectFrom('users').select(['id', 'tenant_id']).where('id', '=', input.organizerId).executeTakeFirst();
  if (organizer === undefined || organizer.tenant_id !== input.tenantId) {
    throw new DomainError('notFound', `User '${input.organizerId}' was not found in tenant '${input.tenantId}'.`);
  }
  const row = newMeetingRow(ctx, input);
  await ctx.db.insertInto('meetings').values(row).execute();
  return toMeeting(row);
}

/**
 * The row createMeeting inserts, for an organizer already known to be a user of the tenant (bulk
 * seeding builds a batch's meetings with this and inserts them together).
 */
export function newMeetingRow(ctx: DomainContext, input: NewMeeting): MeetingTable {
  const start = input.startDateTime !== undefined ? isoOrThrow(input.startDateTime, 'startDateTime') : nowIso(ctx);
  const end = input.endDateTime !== undefined ? isoOrThrow(input.endDateTime, 'endDateTime') : new Date(Date.parse(start) + HOUR).toISOString();
  if (Date.parse(end) < Date.parse(start)) throw new DomainError('invalid', 'endDateTime must not be before startDateTime.');
  const threadId = input.threadId ?? newMeetingThreadId();
  const row: MeetingTable = {
    id: meetingIdFor(input.organizerId, threadId),
    tenant_id: input.tenantId,
    organizer_id: input.organizerId,
    subject: input.subject ?? null,
    start_date_time: start,
    end_date_time: end,
    created_at: input.creationDateTime !== undefined ? isoOrThrow(input.creationDateTime, 'creationDateTime') : nowIso(ctx),
    thread_id: threadId,
    join_web_url: joinWebUrlFor(threadId, input.tenantId, input.organizerId),
    join_meeting_id: newJoinMeetingId(),
    passcode: newPasscode(),
    video_teleconference_id: newVideoTeleconferenceId(),
    external_id: input.externalId ?? null,
    has_calendar_event: input.hasCalendarEvent === false ? 0 : 1,
    meeting_kind: input.kind ?? 'scheduled',
    properties: JSON.stringify(input.settings ?? {}),
  };
  return row;
}

/** The earliest end of any meeting (ISO instant), undefined for none: whether any has expired (meetings_end index). */
export async function earliestMeetingEnd(ctx: DomainContext): Promise<string | undefined> {
  const row = await ctx.db
    .selectFrom('meetings')
    .select((eb) => eb.fn.min('end_date_time').as('end'))
    .executeTakeFirst();
  return row?.end ?? undefined;
}

export async function findMeeting(ctx: DomainContext, id: string): Promise<Meeting | undefined> {
  const row = await ctx.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toMeeting(row);
}

export type MeetingLookup = { by: 'joinWebUrl'; value: string } | { by: 'joinMeetingId'; value: string } | { by: 'videoTeleconferenceId'; value: string };

/** The `$filter` look-ups Graph documents for onlineMeetings; organizerId scopes `{me}` paths. */
export async function lookupMeetings(ctx: DomainContext, tenantId: string, lookup: MeetingLookup, organizerId?: string): Promise<Meeting[]> {
  const column = lookup.by === 'joinWebUrl' ? 'join_web_url' : lookup.by === 'joinMeetingId' ? 'join_meeting_id' : 'video_teleconference_id';
  let query = ctx.db.selectFrom('meetings').selectAll().where('tenant_id', '=', tenantId).where(column, '=', lookup.value);
  if (organizerId !== undefined) query = query.where('organizer_id', '=', organizerId);
  return (await query.execute()).map(toMeeting);
}

export async function listMeetings(ctx: DomainContext, tenantId: string, organizerId?: string): Promise<Meeting[]> {
  let query = ctx.db.selectFrom('meetings').selectAll().where('tenant_id', '=', tenantId);
  if (organizerId !== undefined) query = query.where('organizer_id', '=', organizerId);
  return (await query.orderBy('created_at').orderBy('id').execute()).map(toMeeting);
}

/** createOrGet: the meeting with this tenant, organizer and externalId (onlinemeeting-createorget.md), created if absent. */
export async function createOrGetMeeting(ctx: DomainContext, input: NewMeeting & { externalId: string }): Promise<{ meeting: Meeting; created: boolean }> {
  const existing = await ctx.db
    .selectFrom('meetings')
    .selectAll()
    .where('tenant_id', '=', input.tenantId)
    .where('organizer_id', '=', input.organizerId)
    .where('external_id', '=', input.externalId)
    .executeTakeFirst();
  if (existing !== undefined) return { meeting: toMeeting(existing), created: false };
  return { meeting: await createMeeting(ctx, input), created: true };
}

/** Remove a meeting with what hangs off it (Teams app installations, calls). */
export async function deleteMeeting(ctx: DomainContext, tenantId: string, meetingId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('meetings').selectAll().where('tenant_id', '=', tenantId).where('id', '=', meetingId).executeTakeFirst();
    if (row === undefined) throw new DomainError('notFound', `Meeting '${meetingId}' was not found in tenant '${tenantId}'.`);
    await trx.deleteFrom('meetings').where('tenant_id', '=', tenantId).where('id', '=', meetingId).execute();
    // Its events leave the calendars it was on: delta rounds report them removed (domain/calendar.ts).
    const meeting = toMeeting(row);
    const calendarUserIds = [meeting.organizerId, ...(meeting.settings.attendees ?? []).flatMap((a) => (a.userId === null ? [] : [a.userId]))];
    // Tombstones older than a delta token's lifetime serve no token that is still accepted (an older
    // one is answered 410): each delete prunes them, so the table holds at most a lifetime's deletes.
    const expired = new Date(ctx.clock.nowMs() - STATE_TOKEN_LIFETIME_MS).toISOString();
    await trx
      .deleteFrom('deleted_meetings')
      .where((eb) => eb.or([eb('id', '=', meetingId), eb('deleted_at', '<', expired)]))
      .execute();
    await trx
      .insertInto('deleted_meetings')
      .values({ id: meetingId, tenant_id: tenantId, calendar_user_ids: JSON.stringify([...new Set(calendarUserIds)]), deleted_at: nowIso(ctx) })
      .execute();
    await trx.deleteFrom('teams_app_installations').where('meeting_id', '=', meetingId).execute();
    await trx.deleteFrom('calls').where('meeting_id', '=', meetingId).execute();
  });
}
