import type { FastifyInstance } from 'fastify';
import { getAdhocCallRecording, getAdhocCallRecordingContent, getRecording, getRecordingContent, listAdhocCallRecordings, listRecordings } from './handlers.js';

/**
 * Recordings of online meetings (https://learn.microsoft.com/graph/api/onlinemeeting-list-recordings) and
 * of ad hoc calls (https://learn.microsoft.com/graph/api/adhoccall-list-recordings). Content's GET route
 * answers HEAD too (http/app.ts), streaming nothing for it (http/byteRanges.ts).
 */
export function registerRecordingRoutes(app: FastifyInstance): void {
  app.get('/me/onlineMeetings/:meetingId/recordings', listRecordings);
  app.get('/me/onlineMeetings/:meetingId/recordings/:recordingId', getRecording);
  app.get('/me/onlineMeetings/:meetingId/recordings/:recordingId/content', getRecordingContent);
  app.get('/users/:userId/onlineMeetings/:meetingId/recordings', listRecordings);
  app.get('/users/:userId/onlineMeetings/:meetingId/recordings/:recordingId', getRecording);
  app.get('/users/:userId/onlineMeetings/:meetingId/recordings/:recordingId/content', getRecordingContent);

  app.get('/me/adhocCalls/:callId/recordings', listAdhocCallRecordings);
  app.get('/me/adhocCalls/:callId/recordings/:recordingId', getAdhocCallRecording);
  app.get('/me/adhocCalls/:callId/recordings/:recordingId/content', getAdhocCallRecordingContent);
  app.get('/users/:userId/adhocCalls/:callId/recordings', listAdhocCallRecordings);
  app.get('/users/:userId/adhocCalls/:callId/recordings/:recordingId', getAdhocCallRecording);
  app.get('/users/:userId/adhocCalls/:callId/recordings/:recordingId/content', getAdhocCallRecordingContent);
}
