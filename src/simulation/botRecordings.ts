import { findAdhocCallOfCall } from '../domain/adhocCalls.js';
import { createArtifacts, type Artifact } from '../domain/artifacts.js';
import { appIsInCall, botRecordingAllowed, findCall } from '../domain/calls.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';
import { adhocThreadId, newAdhocArtifactId, newContentCorrelationId, newRecordingId } from '../domain/ids.js';
import { findMeeting } from '../domain/meetings.js';
import type { ContentStore } from '../store/blobs.js';
import { storeRecordingContent } from './content/artifactContent.js';
import { checkRecordingSize } from './meetingScenario.js';

export interface BotRecordingInput {
  callId: string;
  /** The compliance-recording bot (an app in the call) handing in what it recorded. */
  clientId: string;
  /** Grow the MP4 to this many bytes; default the 3-second sample. */
  recordingSizeBytes?: number;
}

/** Whose recording it becomes: the meeting's organizer, or the ad hoc call's. */
interface Owner {
  tenantId: string;
  organizerId: string;
  meetingId: string | null;
  adhocCallId: string | null;
  /** An ad hoc call's people (its artifact ids name their chat thread). */
  participantIds?: readonly string[];
}

async function ownerOf(ctx: DomainContext, callId: string, tenantId: string, meetingId: string | null): Promise<Owner> {
  if (meetingId !== null) {
    const meeting = await findMeeting(ctx, meetingId);
    if (meeting !== undefined) return { tenantId, organizerId: meeting.organizerId, meetingId: meeting.id, adhocCallId: null };
  }
  const adhoc = await findAdhocCallOfCall(ctx, callId);
  if (adhoc !== undefined) return { tenantId, organizerId: adhoc.organizerId, meetingId: null, adhocCallId: adhoc.id, participantIds: adhoc.participantIds };
  throw new DomainError('conflict', `Call '${callId}' belongs to no meeting or ad hoc call, so a recording of it has nowhere to be listed.`);
}

/**
 * A compliance-recording bot hands in the recording it made of a call. The seed's rule
 * (updateRecordingStatus): media may be persisted only after the app told Graph `recording` and got
 * success, so the artifact is accepted only while that app's latest status on the call is
 * `recording` (domain/calls.ts botRecordingAllowed); otherwise nothing is stored and it is a conflict.
 */
export async function acceptBotRecording(ctx: DomainContext, blobs: ContentStore, input: BotRecordingInput): Promise<Artifact> {
  checkRecordingSize(input.recordingSizeBytes);
  const call = await findCall(ctx, input.callId.toLowerCase());
  if (call === undefined) throw new DomainError('notFound', `Call '${input.callId}' was not found.`);
  const clientId = input.clientId.toLowerCase();
  if (!(await appIsInCall(ctx, call, clientId))) throw new DomainError('conflict', `App '${input.clientId}' is not in call '${call.id}'.`);
  if (!(await botRecordingAllowed(ctx, call.id, clientId))) {
    throw new DomainError('conflict', `App '${input.clientId}' may not persist media of call '${call.id}': its latest updateRecordingStatus on the call is not a successful 'recording'.`);
  }
  const { participantIds, ...owner } = await ownerOf(ctx, call.id, call.tenantId, call.meetingId);
  const id = participantIds !== undefined ? newAdhocArtifactId('recording', adhocThreadId(participantIds), Date.parse(call.startedDateTime)) : newRecordingId(owner.organizerId, owner.tenantId);
  const content = await storeRecordingContent(blobs, input.recordingSizeBytes);
  const [artifact] = await createArtifacts(ctx, [
    {
      ...owner,
      kind: 'recording',
      id,
      callId: call.id,
      contentCorrelationId: newContentCorrelationId(),
      createdDateTime: call.startedDateTime,
      endDateTime: call.endedDateTime ?? ctx.clock.now().toISOString(),
      content,
    },
  ]);
  if (artifact === undefined) throw new Error('createArtifacts returned no artifact');
  return artifact;
}
