import type { FastifyInstance } from 'fastify';
import { getAllTranscripts, getAllTranscriptsDelta } from './handlers.js';

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
}
