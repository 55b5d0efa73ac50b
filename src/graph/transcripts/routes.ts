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
 * of ad hoc calls (https://learn.microsoft.com/graph/api/adhoccall-list-transcripts). Content streams have
 * their own HEAD routes, which stream nothing (see artifacts/read.ts).
 */
export function registerTranscriptRoutes(app: FastifyInstance): void {
  app.get('/me/onlineMeetings/:meetingId/transcripts', listTranscripts);
  app.get('/me/onlineMeetings/:meetingId/transcripts/:transcriptId', getTranscript);
  app.head('/me/onlineMeetings/:meetingId/transcripts/:transcriptId/content', getTranscriptContent);
  app.get('/me/onlineMeetings/:meetingId/transcripts/:transcriptId/content', getTranscriptContent);
  app.head('/me/onlineMeetings/:meetingId/transcripts/:transcriptId/metadataContent', getTranscriptMetadataContent);
  app.get('/me/onlineMeetings/:meetingId/transcripts/:transcriptId/metadataContent', getTranscriptMetadataContent);
  app.get('/users/:userId/onlineMeetings/:meetingId/transcripts', listTranscripts);
  app.get('/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId', getTranscript);
  app.head('/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId/content', getTranscriptContent);
  app.get('/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId/content', getTranscriptContent);
  app.head('/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId/metadataContent', getTranscriptMetadataContent);
  app.get('/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId/metadataContent', getTranscriptMetadataContent);

  app.get('/me/adhocCalls/:callId/transcripts', listAdhocCallTranscripts);
  app.get('/me/adhocCalls/:callId/transcripts/:transcriptId', getAdhocCallTranscript);
  app.head('/me/adhocCalls/:callId/transcripts/:transcriptId/content', getAdhocCallTranscriptContent);
  app.get('/me/adhocCalls/:callId/transcripts/:transcriptId/content', getAdhocCallTranscriptContent);
  app.head('/me/adhocCalls/:callId/transcripts/:transcriptId/metadataContent', getAdhocCallTranscriptMetadataContent);
  app.get('/me/adhocCalls/:callId/transcripts/:transcriptId/metadataContent', getAdhocCallTranscriptMetadataContent);
  app.get('/users/:userId/adhocCalls/:callId/transcripts', listAdhocCallTranscripts);
  app.get('/users/:userId/adhocCalls/:callId/transcripts/:transcriptId', getAdhocCallTranscript);
  app.head('/users/:userId/adhocCalls/:callId/transcripts/:transcriptId/content', getAdhocCallTranscriptContent);
  app.get('/users/:userId/adhocCalls/:callId/transcripts/:transcriptId/content', getAdhocCallTranscriptContent);
  app.head('/users/:userId/adhocCalls/:callId/transcripts/:transcriptId/metadataContent', getAdhocCallTranscriptMetadataContent);
  app.get('/users/:userId/adhocCalls/:callId/transcripts/:transcriptId/metadataContent', getAdhocCallTranscriptMetadataContent);
}
