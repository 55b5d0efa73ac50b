import { createHash } from 'node:crypto';
import type { DomainContext } from './context.js';
import { listMeetings, type Meeting } from './meetings.js';

/**
 * The calendar view of online meetings: every meeting is an event on its organizer's calendar and on
 * each invited attendee's (https://learn.microsoft.com/graph/api/resources/event), with the meeting's
 * join URL, organizer and attendees. Events are derived from meetings, not stored: they cannot drift
 * from the onlineMeeting resource.
 *
 * An event's id names the mailbox and the meeting, as each attendee's copy of a meeting has an id of
 * its own in Exchange: `AAMkA` (the prefix Outlook ids carry) + base64url("{userId}|{meetingId}").
 */
const EVENT_ID_PREFIX = 'AAMkA';

export const eventIdFor = (userId: string, meetingId: string): string => `${EVENT_ID_PREFIX}${Buffer.from(`${userId}|${meetingId}`).toString('base64url')}`;

/** The mailbox and meeting an event id names, or undefined for an id this emulator never issued. */
export function parseEventId(id: string): { userId: string; meetingId: string } | undefined {
  if (!id.startsWith(EVENT_ID_PREFIX) || id.length > 2_048 || !/^[A-Za-z0-9_-]+$/.test(id.slice(EVENT_ID_PREFIX.length))) return undefined;
  const text = Buffer.from(id.slice(EVENT_ID_PREFIX.length), 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar <= 0 || bar === text.length - 1) return undefined;
  return { userId: text.slice(0, bar), meetingId: text.slice(bar + 1) };
}

/** Is the user on this meeting's calendar: its organizer or an invited attendee? */
export const onCalendarOf = (meeting: Meeting, userId: string): boolean => meeting.organizerId === userId || (meeting.settings.attendees ?? []).some((a) => a.userId === userId);

/** The meetings on a user's calendar, by start time then id. */
export async function calendarMeetings(ctx: DomainContext, tenantId: string, userId: string): Promise<Meeting[]> {
  const all = await listMeetings(ctx, tenantId);
  return all.filter((m) => onCalendarOf(m, userId)).sort((a, b) => a.startDateTime.localeCompare(b.startDateTime) || a.id.localeCompare(b.id));
}

/** Meetings overlapping [start, end) (https://learn.microsoft.com/graph/api/user-list-calendarview: events that end after the start and start before the end). */
export function inWindow(meetings: readonly Meeting[], startMs: number, endMs: number): Meeting[] {
  return meetings.filter((m) => Date.parse(m.endDateTime) > startMs && Date.parse(m.startDateTime) < endMs);
}

/** A short fingerprint of a meeting for delta tokens (36 bits: a collision among one calendar's events is negligible). */
export const meetingFingerprint = (meetingId: string): string => createHash('sha256').update(meetingId).digest('base64url').slice(0, 6);

/**
 * The meetings that have left a user's calendar view since a delta round held them (their
 * fingerprints): deleted meetings the user was on (tombstones, migration 014), and meetings that
 * still exist but are no longer in `current` (moved out of the window, or the user uninvited).
 */
export async function meetingsGone(ctx: DomainContext, tenantId: string, userId: string, held: ReadonlySet<string>, current: readonly Meeting[]): Promise<string[]> {
  const present = new Set(current.map((m) => meetingFingerprint(m.id)));
  const missing = new Set([...held].filter((f) => !present.has(f)));
  if (missing.size === 0) return [];
  const gone: string[] = [];
  for (const m of await listMeetings(ctx, tenantId)) if (missing.has(meetingFingerprint(m.id))) gone.push(m.id);
  const deleted = await ctx.db.selectFrom('deleted_meetings').select(['id', 'calendar_user_ids']).where('tenant_id', '=', tenantId).orderBy('deleted_at').orderBy('id').execute();
  for (const d of deleted) {
    const users = JSON.parse(d.calendar_user_ids) as unknown;
    if (Array.isArray(users) && users.includes(userId) && missing.has(meetingFingerprint(d.id)) && !gone.includes(d.id)) gone.push(d.id);
  }
  return gone;
}
