import { attendanceCutoff } from './callRecords.js';
import type { DomainContext } from './context.js';
import type { Meeting } from './meetings.js';

/**
 * Attendance reports of a meeting (https://learn.microsoft.com/graph/api/resources/meetingattendancereport),
 * derived from the meeting's call records: one report per call of the meeting that ended, its id the
 * record's id, one attendance record per participant of the call, and an interval per session of that
 * participant (join = session start, leave = session end). The people and times are therefore those
 * of the call record, and its users are the transcript's speakers (simulation/meetingScenario.ts).
 * A report lives a year from its meeting, as Teams keeps them (callRecords.ts ATTENDANCE_RETENTION_MS),
 * though the callRecords API stops serving its call record after 30 days.
 */
export interface AttendanceInterval {
  joinDateTime: string;
  leaveDateTime: string;
  durationInSeconds: number;
}

export interface AttendanceEntry {
  id: string;
  displayName: string | null;
  tenantId: string | null;
  /** The user's mail or UPN; null for guests. */
  emailAddress: string | null;
  role: 'Organizer' | 'Presenter' | 'Attendee';
  intervals: AttendanceInterval[];
  totalAttendanceInSeconds: number;
}

export interface AttendanceReport {
  id: string;
  meetingStartDateTime: string;
  meetingEndDateTime: string;
  records: AttendanceEntry[];
}

/** Graph lists at most the 50 most recent reports (https://learn.microsoft.com/graph/api/meetingattendancereport-list). */
export const MAX_REPORTS = 50;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function participantIdentity(body: Json): { id: string; displayName: string | null; tenantId: string | null } | undefined {
  const identity = obj(body['identity']);
  const who = obj(identity?.['user']) ?? obj(identity?.['guest']);
  const id = str(body['id']);
  if (id === null) return undefined;
  return { id, displayName: str(who?.['displayName']), tenantId: str(who?.['tenantId']) };
}

/** Whose leg a session is: the caller's associated identity (simulation/callRecordGenerator.ts). */
function sessionOwner(body: Json): string | null {
  const caller = obj(body['caller']);
  return str(obj(caller?.['associatedIdentity'])?.['id']) ?? str(obj(obj(caller?.['identity'])?.['user'])?.['id']);
}

const seconds = (from: string, to: string): number => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

function roleOf(meeting: Meeting, userId: string): AttendanceEntry['role'] {
  if (userId === meeting.organizerId) return 'Organizer';
  const attendee = (meeting.settings.attendees ?? []).find((a) => a.userId === userId);
  return attendee?.role === 'presenter' || attendee?.role === 'coorganizer' ? 'Presenter' : 'Attendee';
}

/** The meeting's reports, most recent first (at most 50). */
export async function attendanceReports(ctx: DomainContext, meeting: Meeting): Promise<AttendanceReport[]> {
  const now = ctx.clock.now().toISOString();
  const records = await ctx.db
    .selectFrom('call_records')
    .select(['id', 'start_date_time', 'end_date_time'])
    .where('tenant_id', '=', meeting.tenantId)
    .where('meeting_id', '=', meeting.id)
    .where('end_date_time', '<=', now)
    .where('end_date_time', '>', attendanceCutoff(ctx))
    .orderBy('start_date_time', 'desc')
    .orderBy('id')
    .limit(MAX_REPORTS)
    .execute();
  const reports: AttendanceReport[] = [];
  for (const record of records) reports.push(await reportOf(ctx, meeting, record));
  return reports;
}

async function reportOf(ctx: DomainContext, meeting: Meeting, record: { id: string; start_date_time: string; end_date_time: string }): Promise<AttendanceReport> {
  const participants = await ctx.db.selectFrom('call_record_participants').select('body').where('record_id', '=', record.id).orderBy('position').execute();
  const sessions = await ctx.db.selectFrom('call_record_sessions').select('body').where('record_id', '=', record.id).orderBy('position').execute();
  const intervals = new Map<string, AttendanceInterval[]>();
  for (const { body } of sessions) {
    const session = obj(JSON.parse(body) as unknown) ?? {};
    const owner = sessionOwner(session);
    const join = str(session['startDateTime']);
    const leave = str(session['endDateTime']);
    if (owner === null || join === null || leave === null) continue;
    const list = intervals.get(owner) ?? [];
    list.push({ joinDateTime: join, leaveDateTime: leave, durationInSeconds: seconds(join, leave) });
    intervals.set(owner, list);
  }
  const entries: AttendanceEntry[] = [];
  for (const { body } of participants) {
    const who = participantIdentity(obj(JSON.parse(body) as unknown) ?? {});
    if (who === undefined) continue;
    const user = await ctx.db.selectFrom('users').select(['user_principal_name', 'mail']).where('id', '=', who.id).where('tenant_id', '=', meeting.tenantId).executeTakeFirst();
    const mine = (intervals.get(who.id) ?? []).sort((a, b) => a.joinDateTime.localeCompare(b.joinDateTime));
    entries.push({
      id: who.id,
      displayName: who.displayName,
      tenantId: who.tenantId,
      emailAddress: user === undefined ? null : (user.mail ?? user.user_principal_name),
      role: roleOf(meeting, who.id),
      intervals: mine,
      totalAttendanceInSeconds: mine.reduce((sum, i) => sum + i.durationInSeconds, 0),
    });
  }
  return { id: record.id, meetingStartDateTime: record.start_date_time, meetingEndDateTime: record.end_date_time, records: entries };
}
