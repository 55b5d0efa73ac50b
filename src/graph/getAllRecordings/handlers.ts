import type { FastifyReply } from 'fastify';
import { sendGetAllPage, type GetAllRequest } from '../artifacts/getAll.js';

/** GET {me}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='…',…) (https://learn.microsoft.com/graph/api/onlinemeeting-getallrecordings). */
export function getAllRecordings(request: GetAllRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGetAllPage(request, reply, 'recording', false);
}

/** GET {me}/onlineMeetings/getAllRecordings(…)/delta (https://learn.microsoft.com/graph/api/callrecording-delta). */
export function getAllRecordingsDelta(request: GetAllRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGetAllPage(request, reply, 'recording', true);
}

/** GET {me}/adhocCalls/getAllRecordings(userId='…',…) (https://learn.microsoft.com/graph/api/adhoccall-getallrecordings). */
export function getAllAdhocCallRecordings(request: GetAllRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGetAllPage(request, reply, 'recording', false, 'adhocCalls');
}

/** GET {me}/adhocCalls/getAllRecordings(…)/delta (the CSDL's ChangeTracking on getAllRecordings bound to Collection(adhocCall)). */
export function getAllAdhocCallRecordingsDelta(request: GetAllRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendGetAllPage(request, reply, 'recording', true, 'adhocCalls');
}
