import type { AttendanceEntry, AttendanceReport } from '../../domain/attendance.js';

export const REPORT_PROPERTIES: readonly string[] = ['id', 'externalEventInformation', 'meetingEndDateTime', 'meetingStartDateTime', 'totalParticipantCount', 'attendanceRecords'];
export const RECORD_PROPERTIES: readonly string[] = ['id', 'attendanceIntervals', 'emailAddress', 'externalRegistrationInformation', 'identity', 'registrationId', 'role', 'totalAttendanceInSeconds'];

/** An attendanceRecord (https://learn.microsoft.com/graph/api/resources/attendancerecord). */
export function toGraphAttendanceRecord(entry: AttendanceEntry): Record<string, unknown> {
  return {
    id: entry.id,
    emailAddress: entry.emailAddress,
    totalAttendanceInSeconds: entry.totalAttendanceInSeconds,
    role: entry.role,
    registrationId: null,
    identity: { '@odata.type': '#microsoft.graph.communicationsUserIdentity', id: entry.id, displayName: entry.displayName, tenantId: entry.tenantId },
    attendanceIntervals: entry.intervals.map((i) => ({ joinDateTime: i.joinDateTime, leaveDateTime: i.leaveDateTime, durationInSeconds: i.durationInSeconds })),
    externalRegistrationInformation: null,
  };
}

/** A meetingAttendanceReport (https://learn.microsoft.com/graph/api/resources/meetingattendancereport); records only when expanded. */
export function toGraphAttendanceReport(report: AttendanceReport, expandRecords: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: report.id,
    totalParticipantCount: report.records.length,
    meetingStartDateTime: report.meetingStartDateTime,
    meetingEndDateTime: report.meetingEndDateTime,
    externalEventInformation: [],
  };
  if (expandRecords) body['attendanceRecords'] = report.records.map(toGraphAttendanceRecord);
  return body;
}
