import type { FastifyReply, FastifyRequest } from 'fastify';
import { attendanceReports, type AttendanceReport } from '../../domain/attendance.js';
import type { Meeting } from '../../domain/meetings.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import type { User } from '../../domain/users.js';
import { forbidden, GraphError } from '../../http/errors.js';
import { parseQueryOptions, type QueryInput } from '../../http/odata/queryOptions.js';
import { applySelect } from '../../http/odata/select.js';
import { authorize, principalOf, resolvePathUser } from '../authorize.js';
import { cachedMeeting } from '../cachedReads.js';
import { contextUrl, selectedSet, sendGraphJson } from '../respond.js';
import { servicesOf } from '../servicesOf.js';
import { RECORD_PROPERTIES, REPORT_PROPERTIES, toGraphAttendanceRecord, toGraphAttendanceReport } from './shape.js';

type Req = FastifyRequest<{ Params: { userId?: string; meetingId?: string; reportId?: string } }>;

const REPORT_TYPE = 'microsoft.graph.meetingAttendanceReport';
const RECORD_TYPE = 'microsoft.graph.attendanceRecord';

const meetingNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `The onlineMeeting '${id}' was not found for this user.`);
const reportNotFound = (id: string): GraphError => new GraphError(404, 'NotFound', `The attendance report '${id}' was not found.`);

/**
 * The path user, the permission (role + access policy, RSC, or scope) and the meeting, which only its
 * organizer may read the reports of (https://learn.microsoft.com/graph/cloud-communications-online-meeting-artifacts:
 * "Only the meeting organizer can access").
 */
async function meetingOf(request: Req): Promise<{ user: User; meeting: Meeting }> {
  const services = servicesOf(request);
  const principal = principalOf(request);
  const user = await resolvePathUser(services, request, request.params.userId);
  const meetingId = request.params.meetingId ?? '';
  await authorize(services, request, PERMISSIONS.attendanceRead, { userId: user.id, meetingId });
  const meeting = await cachedMeeting(services, meetingId);
  const attends = meeting !== undefined && (meeting.settings.attendees ?? []).some((a) => a.userId === user.id);
  if (meeting === undefined || meeting.tenantId !== principal.tenantId || (meeting.organizerId !== user.id && !attends)) throw meetingNotFound(meetingId);
  if (meeting.organizerId !== user.id) throw forbidden('Only the meeting organizer can access its attendance reports.');
  return { user, meeting };
}

const reportsSet = (user: User, meeting: Meeting): string => `users('${user.id}')/onlineMeetings('${meeting.id}')/attendanceReports`;

function reportOptions(request: Req) {
  return parseQueryOptions(request.query as QueryInput, {
    select: { properties: REPORT_PROPERTIES, typeName: REPORT_TYPE },
    expand: { navigation: ['attendanceRecords'], typeName: REPORT_TYPE },
  });
}

function shapeReport(report: AttendanceReport, options: ReturnType<typeof reportOptions>): Record<string, unknown> {
  const expand = (options.expand ?? []).some((e) => e.name === 'attendanceRecords' || e.name === '*');
  const body = toGraphAttendanceReport(report, expand);
  return options.select === undefined ? body : applySelect(body, expand ? [...options.select, 'attendanceRecords'] : options.select, ['id']);
}

async function findReport(request: Req): Promise<{ user: User; meeting: Meeting; report: AttendanceReport }> {
  const { user, meeting } = await meetingOf(request);
  const reportId = request.params.reportId ?? '';
  const report = (await attendanceReports(servicesOf(request).ctx, meeting)).find((r) => r.id.toLowerCase() === reportId.toLowerCase());
  if (report === undefined) throw reportNotFound(reportId);
  return { user, meeting, report };
}

/** GET {me}/onlineMeetings/{id}/attendanceReports: the 50 most recent (https://learn.microsoft.com/graph/api/meetingattendancereport-list). */
export async function listAttendanceReports(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const options = reportOptions(request);
  const { user, meeting } = await meetingOf(request);
  const reports = await attendanceReports(servicesOf(request).ctx, meeting);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, selectedSet(reportsSet(user, meeting), options.select)),
    value: reports.map((r) => shapeReport(r, options)),
  });
}

/** GET {me}/onlineMeetings/{id}/attendanceReports/{reportId}[?$expand=attendanceRecords] (https://learn.microsoft.com/graph/api/meetingattendancereport-get). */
export async function getAttendanceReport(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const options = reportOptions(request);
  const { user, meeting, report } = await findReport(request);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, `${selectedSet(reportsSet(user, meeting), options.select)}/$entity`),
    ...shapeReport(report, options),
  });
}

/** GET …/attendanceReports/{reportId}/attendanceRecords (https://learn.microsoft.com/graph/api/attendancerecord-list). */
export async function listAttendanceRecords(request: Req, reply: FastifyReply): Promise<FastifyReply> {
  const options = parseQueryOptions(request.query as QueryInput, { select: { properties: RECORD_PROPERTIES, typeName: RECORD_TYPE } });
  const { user, meeting, report } = await findReport(request);
  return sendGraphJson(request, reply, 200, {
    '@odata.context': contextUrl(request, selectedSet(`${reportsSet(user, meeting)}('${report.id}')/attendanceRecords`, options.select)),
    value: report.records.map((e) => {
      const body = toGraphAttendanceRecord(e);
      return options.select === undefined ? body : applySelect(body, options.select, ['id']);
    }),
  });
}
