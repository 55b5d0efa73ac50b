import type { FastifyReply } from 'fastify';
import { adhocOwner, checkAdhocListing, meetingOwner } from '../artifacts/access.js';
import { getArtifact, listArtifacts, sendArtifactContent, type ArtifactRequest } from '../artifacts/read.js';

/** GET {me}/onlineMeetings/{id}/transcripts (https://learn.microsoft.com/graph/api/onlinemeeting-list-transcripts). */
export function listTranscripts(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return listArtifacts(request, reply, 'transcript', meetingOwner);
}

/** GET {me}/onlineMeetings/{id}/transcripts/{id} (https://learn.microsoft.com/graph/api/calltranscript-get). */
export function getTranscript(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return getArtifact(request, reply, 'transcript', meetingOwner);
}

/** GET/HEAD {me}/onlineMeetings/{id}/transcripts/{id}/content, as `text/vtt` (https://learn.microsoft.com/graph/api/calltranscript-get). */
export function getTranscriptContent(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendArtifactContent(request, reply, 'transcript', meetingOwner, 'content');
}

/** GET/HEAD {me}/onlineMeetings/{id}/transcripts/{id}/metadataContent (https://learn.microsoft.com/graph/api/calltranscript-get). */
export function getTranscriptMetadataContent(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendArtifactContent(request, reply, 'transcript', meetingOwner, 'metadataContent');
}

/** GET {me}/adhocCalls/{id}/transcripts, beta only (https://learn.microsoft.com/graph/api/adhoccall-list-transcripts?view=graph-rest-beta). */
export async function listAdhocCallTranscripts(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  checkAdhocListing(request, 'transcript');
  return listArtifacts(request, reply, 'transcript', adhocOwner);
}

/** GET {me}/adhocCalls/{id}/transcripts/{id} (https://learn.microsoft.com/graph/api/calltranscript-get). */
export function getAdhocCallTranscript(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return getArtifact(request, reply, 'transcript', adhocOwner);
}

/** GET/HEAD {me}/adhocCalls/{id}/transcripts/{id}/content (https://learn.microsoft.com/graph/api/calltranscript-get). */
export function getAdhocCallTranscriptContent(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendArtifactContent(request, reply, 'transcript', adhocOwner, 'content');
}

/** GET/HEAD {me}/adhocCalls/{id}/transcripts/{id}/metadataContent (https://learn.microsoft.com/graph/api/calltranscript-get). */
export function getAdhocCallTranscriptMetadataContent(request: ArtifactRequest, reply: FastifyReply): Promise<FastifyReply> {
  return sendArtifactContent(request, reply, 'transcript', adhocOwner, 'metadataContent');
}
