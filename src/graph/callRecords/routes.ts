import type { FastifyInstance } from 'fastify';
import { getCallRecordOrFunction } from './get.js';
import { listCallRecords } from './list.js';
import { getCallRecordOrganizer, listCallRecordParticipants } from './participants.js';
import { getCallRecordSession, listCallRecordSegments, listCallRecordSessions } from './sessions.js';

/**
 * Call records: application-only, CallRecords.Read.All (https://learn.microsoft.com/graph/api/callrecords-callrecord-get).
 * `getPstnCalls(fromDateTime=…,toDateTime=…)` and `getDirectRoutingCalls(…)` arrive at `:callRecordId` (see plugin.ts).
 */
export function registerCallRecordRoutes(app: FastifyInstance): void {
  app.get('/communications/callRecords', listCallRecords);
  app.get('/communications/callRecords/:callRecordId', getCallRecordOrFunction);
  app.get('/communications/callRecords/:callRecordId/sessions', listCallRecordSessions);
  app.get('/communications/callRecords/:callRecordId/sessions/:sessionId', getCallRecordSession);
  app.get('/communications/callRecords/:callRecordId/sessions/:sessionId/segments', listCallRecordSegments);
  app.get('/communications/callRecords/:callRecordId/participants_v2', listCallRecordParticipants);
  app.get('/communications/callRecords/:callRecordId/organizer_v2', getCallRecordOrganizer);
}
