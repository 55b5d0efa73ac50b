import type { FastifyReply } from 'fastify';
import { sendGetAllPage, type GetAllRequest } from '../artifacts/getAll.js';

/** GET {me}/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='…',…) (https://learn.microsoft.com/graph/api/onlinemeeting-getalltranscripts). */
export function getAllTranscripts(request: GetAllRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGetAllPage(request, reply, 'transcript', false);
}

/** GET {me}/onlineMeetings/getAllTranscripts(…)/delta (https://learn.microsoft.com/graph/api/calltranscript-delta). */
export function getAllTranscriptsDelta(request: GetAllRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGetAllPage(request, reply, 'transcript', true);
}

/** GET {me}/adhocCalls/getAllTranscripts(userId='…',…) (https://learn.microsoft.com/graph/api/adhoccall-getalltranscripts). */
export function getAllAdhocCallTranscripts(request: GetAllRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGetAllPage(request, reply, 'transcript', false, 'adhocCalls');
}

/** GET {me}/adhocCalls/getAllTranscripts(…)/delta (the CSDL's ChangeTracking on getAllTranscripts bound to Collection(adhocCall)). */
export function getAllAdhocCallTranscriptsDelta(request: GetAllRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGetAllPage(request, reply, 'transcript', true, 'adhocCalls');
}
