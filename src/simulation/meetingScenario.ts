import { createAdhocCall } from '../domain/adhocCalls.js';
import { createArtifacts, type NewArtifact } from '../domain/artifacts.js';
import { createCall, type Call } from '../domain/calls.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';
import { newContentCorrelationId, newGuid, newRecordingId, newTranscriptId } from '../domain/ids.js';
import { findMeeting, type Meeting } from '../domain/meetings.js';
import { findUser } from '../domain/users.js';
import type { BlobStore } from '../store/blobs.js';
import { createCallRecordForCall } from './callRecords.js';
import { storeRecordingContent, storeTranscriptContent } from './content/artifactContent.js';

/** What `POST /_emulator/meetings/{id}/simulate` (and ad hoc call simulation) may ask for. */
export interface SimulateOptions {
  /** Minutes the call lasted (it ends now). Default 30. */
  durationMinutes?: number;
  /** Make a recording (default true) of this many bytes (default: the 3 s sample, ~21 KB). */
  recording?: boolean;
  recordingSizeBytes?: number;
  /** Make a transcript (default true). */
  transcript?: boolean;
  /** Milliseconds of virtual time after the call ends before the artifacts appear (default 0: at once). */
  artifactDelayMs?: number;
}

export interface SimulationResult {
  meetingId: string | null;
  adhocCallId: string | null;
  callId: string;
  /** Graph's callRecord id is the call's callChainId. */
  callRecordId: string;
  recordingId: string | null;
  transcriptId: string | null;
  contentCorrelationId: string;
  /** When the artifacts appear (now, unless delayed on the virtual clock). */
  artifactsAvailableDateTime: string;
}

const MINUTE = 60_000;

/** Display names of the people in the call, organizer first: the transcript's speakers. */
async function speakerNames(ctx: DomainContext, tenantId: string, userIds: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const id of userIds) {
    const user = await findUser(ctx, tenantId, id);
    if (user !== undefined && !names.includes(user.displayName)) names.push(user.displayName);
  }
  return names;
}

export interface ArtifactPlan {
  tenantId: string;
  organizerId: string;
  meetingId: string | null;
  adhocCallId: string | null;
  call: Call;
  participantIds: readonly string[];
}

/** Store the content, then create the artifacts now or when the virtual clock reaches the delay. */
export async function recordEndedCall(ctx: DomainContext, blobs: BlobStore, plan: ArtifactPlan, options: SimulateOptions): Promise<SimulationResult> {
  const wantRecording = options.recording !== false;
  const wantTranscript = options.transcript !== false;
  const contentCorrelationId = newContentCorrelationId();
  const startedAt = plan.call.startedDateTime;
  const endedAt = plan.call.endedDateTime ?? ctx.clock.now().toISOString();
  const base = {
    tenantId: plan.tenantId,
    organizerId: plan.organizerId,
    meetingId: plan.meetingId,
    adhocCallId: plan.adhocCallId,
    callId: plan.call.id,
    contentCorrelationId,
    createdDateTime: startedAt,
    endDateTime: endedAt,
  };
  const inputs: NewArtifact[] = [];
  if (wantRecording) {
    const content = await storeRecordingContent(blobs, options.recordingSizeBytes);
    inputs.push({ ...base, kind: 'recording', id: newRecordingId(plan.organizerId, plan.tenantId), content });
  }
  if (wantTranscript) {
    const speakers = await speakerNames(ctx, plan.tenantId, plan.participantIds);
    const { content, metadata } = await storeTranscriptContent(blobs, speakers, Date.parse(startedAt));
    inputs.push({ ...base, kind: 'transcript', id: newTranscriptId(), content, metadata });
  }
  const delay = Math.max(0, options.artifactDelayMs ?? 0);
  const availableAt = new Date(ctx.clock.nowMs() + delay);
  if (delay === 0) await createArtifacts(ctx, inputs);
  else ctx.clock.schedule(availableAt, async () => void (await createArtifacts(ctx, inputs)));
  return {
    meetingId: plan.meetingId,
    adhocCallId: plan.adhocCallId,
    callId: plan.call.id,
    callRecordId: plan.call.callChainId,
    recordingId: inputs.find((i) => i.kind === 'recording')?.id ?? null,
    transcriptId: inputs.find((i) => i.kind === 'transcript')?.id ?? null,
    contentCorrelationId,
    artifactsAvailableDateTime: availableAt.toISOString(),
  };
}

function checkOptions(options: SimulateOptions): void {
  const minutes = options.durationMinutes;
  if (minutes !== undefined && (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)) {
    throw new DomainError('invalid', 'durationMinutes must be between 0 (exclusive) and 1440.');
  }
  checkRecordingSize(options.recordingSizeBytes);
}

/** A requested recording size (simulated or bot-recorded): whole bytes, at most 64 GiB. */
export function checkRecordingSize(size: number | undefined): void {
  if (size !== undefined && (!Number.isInteger(size) || size < 0 || size > 64 * 1024 ** 3)) {
    throw new DomainError('invalid', 'recordingSizeBytes must be an integer from 0 to 68719476736 (64 GiB).');
  }
}

/**
 * A meeting happens now: an ended call of its participants, then (at once, or after a delay on the
 * virtual clock) a recording with a real MP4 and a transcript in WebVTT, linked by contentCorrelationId.
 */
export async function simulateMeeting(ctx: DomainContext, blobs: BlobStore, meetingId: string, options: SimulateOptions = {}): Promise<SimulationResult> {
  checkOptions(options);
  const meeting: Meeting | undefined = await findMeeting(ctx, meetingId);
  if (meeting === undefined) throw new DomainError('notFound', `Meeting '${meetingId}' was not found.`);
  const endMs = ctx.clock.nowMs();
  const startMs = endMs - (options.durationMinutes ?? 30) * MINUTE;
  const call = await createCall(ctx, {
    tenantId: meeting.tenantId,
    meetingId: meeting.id,
    state: 'terminated',
    startedDateTime: new Date(startMs).toISOString(),
    endedDateTime: new Date(endMs).toISOString(),
  });
  await createCallRecordForCall(ctx, { call });
  const attendeeIds = (meeting.settings.attendees ?? []).flatMap((a) => (a.userId === null ? [] : [a.userId]));
  return recordEndedCall(
    ctx,
    blobs,
    { tenantId: meeting.tenantId, organizerId: meeting.organizerId, meetingId: meeting.id, adhocCallId: null, call, participantIds: [meeting.organizerId, ...attendeeIds] },
    options,
  );
}

export interface AdhocCallInput extends SimulateOptions {
  tenantId: string;
  organizerId: string;
  /** The other people in the call: one for a 1:1 call, more for a group call. */
  participantIds: string[];
}

/** An ad hoc call (no meeting) happens now, with its recording and transcript under the organizer's adhocCalls. */
export async function simulateAdhocCall(ctx: DomainContext, blobs: BlobStore, input: AdhocCallInput): Promise<SimulationResult> {
  checkOptions(input);
  const organizer = await findUser(ctx, input.tenantId, input.organizerId);
  if (organizer === undefined) throw new DomainError('notFound', `User '${input.organizerId}' was not found in tenant '${input.tenantId}'.`);
  if (input.participantIds.length === 0) throw new DomainError('invalid', 'An ad hoc call needs at least one other participant.');
  const participants = [organizer.id];
  for (const id of input.participantIds) {
    const user = await findUser(ctx, input.tenantId, id);
    if (user === undefined) throw new DomainError('notFound', `User '${id}' was not found in tenant '${input.tenantId}'.`);
    if (!participants.includes(user.id)) participants.push(user.id);
  }
  const endMs = ctx.clock.nowMs();
  const call = await createCall(ctx, {
    tenantId: input.tenantId,
    state: 'terminated',
    startedDateTime: new Date(endMs - (input.durationMinutes ?? 30) * MINUTE).toISOString(),
    endedDateTime: new Date(endMs).toISOString(),
  });
  await createCallRecordForCall(ctx, { call, participants, type: participants.length === 2 ? 'peerToPeer' : 'groupCall' });
  const adhocCallId = newGuid();
  await createAdhocCall(ctx, { id: adhocCallId, tenantId: input.tenantId, organizerId: organizer.id, callId: call.id, participantIds: participants, createdDateTime: call.startedDateTime });
  return recordEndedCall(ctx, blobs, { tenantId: input.tenantId, organizerId: organizer.id, meetingId: null, adhocCallId, call, participantIds: participants }, input);
}
