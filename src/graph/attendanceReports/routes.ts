import type { FastifyInstance } from 'fastify';
import { getAttendanceReport, listAttendanceRecords, listAttendanceReports } from './handlers.js';

/** Attendance reports of online meetings (https://learn.microsoft.com/graph/api/resources/meetingattendancereport), from their call records. */
export function registerAttendanceReportRoutes(app: FastifyInstance): void {
  app.get('/me/onlineMeetings/:meetingId/attendanceReports', listAttendanceReports);
  app.get('/me/onlineMeetings/:meetingId/attendanceReports/:reportId', getAttendanceReport);
  app.get('/me/onlineMeetings/:meetingId/attendanceReports/:reportId/attendanceRecords', listAttendanceRecords);
  app.get('/users/:userId/onlineMeetings/:meetingId/attendanceReports', listAttendanceReports);
  app.get('/users/:userId/onlineMeetings/:meetingId/attendanceReports/:reportId', getAttendanceReport);
  app.get('/users/:userId/onlineMeetings/:meetingId/attendanceReports/:reportId/attendanceRecords', listAttendanceRecords);
}
