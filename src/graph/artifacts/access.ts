import { findAdhocCall } from '../../domain/adhocCalls.js';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../domain/principal.js';
import { PERMISSIONS, type PermissionRule } from '../../domain/permissions.js';
import { collectionOf, type ArtifactKind } from '../../domain/artifactResource.js';
import { GraphErrors } from '../../http/errorCatalogue.js';
import { versionHas } from '../../http/versions.js';
import { version } from '../respond.js';
import { findMeeting, meetingExpired, type Meeting } from '../../domain/meetings.js';
import type { User } from '../../domain/users.js';
import { badRequest, forbidden, GraphError, notFound } from '../../http/errors.js';
import type { GraphServices } from '../graphServices.js';
import { authorize, principalOf, resolvePathUser } from '../authorize.js';
import type { MeteredApi } from '../../domain/usage.js';

/** Path parameters of the recordings and transcripts routes (`callId` is an ad hoc call's id). */
export type ArtifactParams = { userId?: string; meetingId?: string; callId?: string; recordingId?: string; transcriptId?: string };

export interface ArtifactOwner {
  principal: Principal;
  /** The user in the path (or the caller, for /me). */
  user: User;
  /** Exactly one of these two. */
  meeting?: Meeting;
  adhocCall?: { id: string; tenantId: string; organizerId: string; participantIds: string[] };
}

const meetingRule = (kind: ArtifactKind): PermissionRule => (kind === 'recording' ? PERMISSIONS.recordingRead : PERMISSIONS.transcriptRead);
const adhocRule = (kind: ArtifactKind): PermissionRule => (kind === 'recording' ? PERMISSIONS.adhocRecordingRead : PERMISSIONS.adhocTranscriptRead);

export const meteredApi = (kind: ArtifactKind, adhoc: boolean): MeteredApi =>
  adhoc ? (kind === 'recording' ? 'adhocCallRecording' : 'adhocCallTranscript') : kind === 'recording' ? 'onlineMeetingRecording' : 'onlineMeetingTranscript';

const meetingNotFound = (id: string): GraphError => notFound(`The onlineMeeting '${id}' was not found for this user.`);

/**
 * The meeting a `{me}/onlineMeetings/{id}/recordings|transcripts` request reads, after every check
 * Graph makes: path user, permission (role + access policy, scope, or RSC in this meeting), the
 * meeting being the path user's, and the meeting kinds the artifact APIs refuse.
 */
export async function meetingOwner(services: GraphServices, request: FastifyRequest<{ Params: ArtifactParams }>, kind: ArtifactKind): Promise<ArtifactOwner> {
  const principal = principalOf(request);
  const user = await resolvePathUser(services, request, request.params.userId);
  const meetingId = request.params.meetingId ?? '';
  await authorize(services, request, meetingRule(kind), { userId: user.id, meetingId });
  const meeting = await findMeeting(services.ctx, meetingId);
  const attends = meeting !== undefined && (meeting.organizerId === user.id || (meeting.settings.attendees ?? []).some((a) => a.userId === user.id));
  if (meeting === undefined || meeting.tenantId !== principal.tenantId || !attends) throw meetingNotFound(meetingId);
  // The wording of Graph's answers as users report them (msgraph-beta-sdk-dotnet#695, microsoft-graph-docs-contrib#9103).
  if (meeting.kind !== 'scheduled') throw badRequest('Channel based meetings are currently not supported.');
  if (!meeting.hasCalendarEvent) throw badRequest('No iCalUid found for the meeting. This API is supported only for calendar backed OnlineMeeting.');
  if (meetingExpired(meeting, services.ctx.clock.nowMs())) {
    throw notFound(`The onlineMeeting '${meetingId}' has expired; its ${kind === 'recording' ? 'recordings' : 'transcripts'} are no longer available.`);
  }
  return { principal, user, meeting };
}

/**
 * Graph's own 501 for an operation its metadata names but the version does not offer: one ad hoc call's
 * artifacts are listed on beta only (http/versions.ts `adhocCall.listArtifacts`); v1.0 callers use getAll….
 */
export function checkAdhocListing(request: FastifyRequest, kind: ArtifactKind): void {
  if (versionHas(version(request), 'adhocCall.listArtifacts')) return;
  const fn = kind === 'recording' ? 'getAllRecordings' : 'getAllTranscripts';
  throw GraphErrors.notImplemented(
    `Enumeration of the ${collectionOf(kind)} of a particular ad hoc call isn't available on v1.0: use /users/{id}/adhocCalls/${fn}(userId='{id}') or the beta endpoint.`,
  );
}

/** The ad hoc call a `{me}/adhocCalls/{id}/...` request reads: the path user must have been in it. */
export async function adhocOwner(services: GraphServices, request: FastifyRequest<{ Params: ArtifactParams }>, kind: ArtifactKind): Promise<ArtifactOwner> {
  const principal = principalOf(request);
  const user = await resolvePathUser(services, request, request.params.userId);
  await authorize(services, request, adhocRule(kind), { userId: user.id });
  const id = request.params.callId ?? '';
  const call = await findAdhocCall(services.ctx, id);
  if (call === undefined || call.tenantId !== principal.tenantId || !call.participantIds.includes(user.id)) {
    throw notFound(`The adhocCall '${id}' was not found for this user.`);
  }
  return { principal, user, adhocCall: { id: call.id, tenantId: call.tenantId, organizerId: call.organizerId, participantIds: [...call.participantIds] } };
}

/** Delegated content download is the organizer's alone: participants may list but not download. */
export function checkContentAccess(owner: ArtifactOwner): void {
  if (owner.principal.kind !== 'delegated') return;
  const organizerId = owner.meeting?.organizerId ?? owner.adhocCall?.organizerId;
  if (organizerId !== owner.principal.objectId) {
    throw forbidden('Only the meeting organizer can download the content of its recordings and transcripts.');
  }
}
