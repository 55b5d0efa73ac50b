import type { FastifyInstance } from 'fastify';
import { getAllAdhocCallTranscripts, getAllAdhocCallTranscriptsDelta, getAllTranscripts, getAllTranscriptsDelta } from './handlers.js';

/**
 * getAllTranscripts and its delta: application only (https://learn.microsoft.com/graph/api/onlinemeeting-getalltranscripts).
 * `getAllTranscripts(meetingOrganizerUserId='…',…)` is one path segment: the `:args` routes take the parameter list
 * (see plugin.ts); the plain name takes `@alias` parameters from the query string or a `$filter`.
 */
export function registerGetAllTranscriptsRoutes(app: FastifyInstance): void {
  app.get('/me/onlineMeetings/getAllTranscripts:args', getAllTranscripts);
  app.get('/me/onlineMeetings/getAllTranscripts:args/delta', getAllTranscriptsDelta);
  app.get('/me/onlineMeetings/getAllTranscripts', getAllTranscripts);
  app.get('/me/onlineMeetings/getAllTranscripts/delta', getAllTranscriptsDelta);
  app.get('/users/:userId/onlineMeetings/getAllTranscripts:args', getAllTranscripts);
  app.get('/users/:userId/onlineMeetings/getAllTranscripts:args/delta', getAllTranscriptsDelta);
  app.get('/users/:userId/onlineMeetings/getAllTranscripts', getAllTranscripts);
  app.get('/users/:userId/onlineMeetings/getAllTranscripts/delta', getAllTranscriptsDelta);
  // The same function bound to the ad hoc calls a user initiated (https://learn.microsoft.com/graph/api/adhoccall-getalltranscripts).
  app.get('/me/adhocCalls/getAllTranscripts:args', getAllAdhocCallTranscripts);
  app.get('/me/adhocCalls/getAllTranscripts:args/delta', getAllAdhocCallTranscriptsDelta);
  app.get('/me/adhocCalls/getAllTranscripts', getAllAdhocCallTranscripts);
  app.get('/me/adhocCalls/getAllTranscripts/delta', getAllAdhocCallTranscriptsDelta);
  app.get('/users/:userId/adhocCalls/getAllTranscripts:args', getAllAdhocCallTranscripts);
  app.get('/users/:userId/adhocCalls/getAllTranscripts:args/delta', getAllAdhocCallTranscriptsDelta);
  app.get('/users/:userId/adhocCalls/getAllTranscripts', getAllAdhocCallTranscripts);
  app.get('/users/:userId/adhocCalls/getAllTranscripts/delta', getAllAdhocCallTranscriptsDelta);
}
