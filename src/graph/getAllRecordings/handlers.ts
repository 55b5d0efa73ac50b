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
