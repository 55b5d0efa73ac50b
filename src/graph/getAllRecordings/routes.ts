import type { FastifyInstance } from 'fastify';
import { getAllAdhocCallRecordings, getAllAdhocCallRecordingsDelta, getAllRecordings, getAllRecordingsDelta } from './handlers.js';

/**
 * getAllRecordings and its delta: application only (https://learn.microsoft.com/graph/api/onlinemeeting-getallrecordings).
 * `getAllRecordings(meetingOrganizerUserId='…',…)` is one path segment: the `:args` routes take the parameter list
 * (see plugin.ts); the plain name takes `@alias` parameters from the query string or a `$filter`.
 */
export function registerGetAllRecordingsRoutes(app: FastifyInstance): void {
  app.get('/me/onlineMeetings/getAllRecordings:args', getAllRecordings);
  app.get('/me/onlineMeetings/getAllRecordings:args/delta', getAllRecordingsDelta);
  app.get('/me/onlineMeetings/getAllRecordings', getAllRecordings);
  app.get('/me/onlineMeetings/getAllRecordings/delta', getAllRecordingsDelta);
  app.get('/users/:userId/onlineMeetings/getAllRecordings:args', getAllRecordings);
  app.get('/users/:userId/onlineMeetings/getAllRecordings:args/delta', getAllRecordingsDelta);
  app.get('/users/:userId/onlineMeetings/getAllRecordings', getAllRecordings);
  app.get('/users/:userId/onlineMeetings/getAllRecordings/delta', getAllRecordingsDelta);
  // The same function bound to the ad hoc calls a user initiated (https://learn.microsoft.com/graph/api/adhoccall-getallrecordings).
  app.get('/me/adhocCalls/getAllRecordings:args', getAllAdhocCallRecordings);
  app.get('/me/adhocCalls/getAllRecordings:args/delta', getAllAdhocCallRecordingsDelta);
  app.get('/me/adhocCalls/getAllRecordings', getAllAdhocCallRecordings);
  app.get('/me/adhocCalls/getAllRecordings/delta', getAllAdhocCallRecordingsDelta);
  app.get('/users/:userId/adhocCalls/getAllRecordings:args', getAllAdhocCallRecordings);
  app.get('/users/:userId/adhocCalls/getAllRecordings:args/delta', getAllAdhocCallRecordingsDelta);
  app.get('/users/:userId/adhocCalls/getAllRecordings', getAllAdhocCallRecordings);
  app.get('/users/:userId/adhocCalls/getAllRecordings/delta', getAllAdhocCallRecordingsDelta);
}
