import type { FastifyInstance } from 'fastify';
import {
  getAdhocCallTranscript,
  getAdhocCallTranscriptContent,
  getAdhocCallTranscriptMetadataContent,
  getTranscript,
  getTranscriptContent,
  getTranscriptMetadataContent,
  listAdhocCallTranscripts,
  listTranscripts,
} from './handlers.js';

/**
 * Transcripts of online meetings (https://learn.microsoft.com/graph/api/onlinemeeting-list-transcripts) and
 * of ad hoc calls (https://learn.microsoft.com/graph/api/adhoccall-list-transcripts). Content streams' GET
 * routes answer HEAD too (http/app.ts), streaming nothing for it (http/byteRanges.ts).
 */
export function registerTranscriptRoutes(app: FastifyInstance): void {
  app.get('/me/onlineMeetings/:meetingId/transcripts', listTranscripts);
  app.get('/me/onlineMeetings/:meetingId/transcripts/:transcriptId', getTranscript);
  app.get('/me/onlineMeetings/:meetingId/transcripts/:transcriptId/content', getTranscriptContent);
  app.get('/me/onlineMeetings/:meetingId/transcripts/:transcriptId/metadataContent', getTranscriptMetadataContent);
  app.get('/users/:userId/onlineMeetings/:meetingId/transcripts', listTranscripts);
  app.get('/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId', getTranscript);
  app.get('/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId/content', getTranscriptContent);
  app.get('/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId/metadataContent', getTranscriptMetadataContent);

  app.get('/me/adhocCalls/:callId/transcripts', listAdhocCallTranscripts);
  app.get('/me/adhocCalls/:callId/transcripts/:transcriptId', getAdhocCallTranscript);
  app.get('/me/adhocCalls/:callId/transcripts/:transcriptId/content', getAdhocCallTranscriptContent);
  app.get('/me/adhocCalls/:callId/transcripts/:transcriptId/metadataContent', getAdhocCallTranscriptMetadataContent);
  app.get('/users/:userId/adhocCalls/:callId/transcripts', listAdhocCallTranscripts);
  app.get('/users/:userId/adhocCalls/:callId/transcripts/:transcriptId', getAdhocCallTranscript);
  app.get('/users/:userId/adhocCalls/:callId/transcripts/:transcriptId/content', getAdhocCallTranscriptContent);
  app.get('/users/:userId/adhocCalls/:callId/transcripts/:transcriptId/metadataContent', getAdhocCallTranscriptMetadataContent);
}
