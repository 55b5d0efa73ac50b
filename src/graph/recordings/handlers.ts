import type { FastifyReply } from 'fastify';
import { adhocOwner, checkAdhocListing, meetingOwner } from '../artifacts/access.js';
import { getArtifact, listArtifacts, sendArtifactContent, type ArtifactRequest } from '../artifacts/read.js';

/** GET {me}/onlineMeetings/{id}/recordings (https://learn.microsoft.com/graph/api/onlinemeeting-list-recordings). */
export function listRecordings(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return listArtifacts(request, reply, 'recording', meetingOwner);
}

/** GET {me}/onlineMeetings/{id}/recordings/{id} (https://learn.microsoft.com/graph/api/callrecording-get). */
export function getRecording(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return getArtifact(request, reply, 'recording', meetingOwner);
}

/** GET/HEAD {me}/onlineMeetings/{id}/recordings/{id}/content (https://learn.microsoft.com/graph/api/callrecording-get). */
export function getRecordingContent(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendArtifactContent(request, reply, 'recording', meetingOwner, 'content');
}

/** GET {me}/adhocCalls/{id}/recordings, beta only (https://learn.microsoft.com/graph/api/adhoccall-list-recordings?view=graph-rest-beta). */
export async function listAdhocCallRecordings(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  checkAdhocListing(request, 'recording');
  return listArtifacts(request, reply, 'recording', adhocOwner);
}

/** GET {me}/adhocCalls/{id}/recordings/{id} (https://learn.microsoft.com/graph/api/callrecording-get). */
export function getAdhocCallRecording(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return getArtifact(request, reply, 'recording', adhocOwner);
}

/** GET/HEAD {me}/adhocCalls/{id}/recordings/{id}/content (https://learn.microsoft.com/graph/api/callrecording-get). */
export function getAdhocCallRecordingContent(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendArtifactContent(request, reply, 'recording', adhocOwner, 'content');
}
