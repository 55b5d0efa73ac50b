import { createAdhocCall } from '../domain/adhocCalls.js';
import { createArtifacts, type NewArtifact } from '../domain/artifacts.js';
import { createCall, type Call } from '../domain/calls.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';
import { adhocThreadId, newAdhocArtifactId, newContentCorrelationId, newGuid, newRecordingId, newTranscriptId } from '../domain/ids.js';
import { emitMeetingCallEvent } from '../domain/meetingCallEvents.js';
import { postMeetingChat, type ScriptedChatMessage } from './meetingChat.js';
import { findMeeting, type Meeting } from '../domain/meetings.js';
import { findUser } from '../domain/users.js';
import type { ContentStore } from '../store/blobs.js';
import { createCallRecordForCall } from './callRecords.js';
import { storeLinesTranscript, storeRecordingContent, storeSpokenContent, storeTranscriptContent } from './content/artifactContent.js';
import { DIALOGUE, voiceFor, type SpokenLanguage } from './content/speech/dialogue.js';
import type { SpokenLine } from './content/speech/spokenMp4.js';
import { loadSynthesizer } from './content/speech/synthesizer.js';

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
  /** A recording that speaks the transcript, or the sample clip. Default: spoken if there is a script, else the sample (the control API passes its default: config recordingKind). */
  recordingKind?: RecordingKind;
  /** The transcript's language (the voices' and metadataContent's spokenLanguage). Default en-us. */
  language?: SpokenLanguage;
  /** What is said, by whom (a participant's user id), in order. Default: the built-in dialogue in `language`. */
  script?: readonly ScriptLine[];
  /** Varies the pauses between lines; the same seed (and lines) gives the same bytes. Default 0. */
  seed?: number;
  /** Meetings only: messages posted in the meeting chat during the call (default: a few lines from the participants). */
  chatMessages?: ScriptedChatMessage[];
}

export type RecordingKind = 'spoken' | 'sample';

export interface ScriptLine {
  speaker: string;
  text: string;
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
  /** What the recording holds: speech of the transcript, or the sample clip (also when the synthesizer is not installed). */
  recordingKind: RecordingKind | null;
  /** A meeting's chat (chatInfo.threadId) and the messages posted in it during the call. */
  chatId?: string;
  chatMessageIds?: string[];
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

/** A call's recording and transcript bytes, already in the blob store. */
export interface CallContent {
  recording?: Awaited<ReturnType<typeof storeRecordingContent>>;
  transcript?: Awaited<ReturnType<typeof storeTranscriptContent>>;
  recordingKind?: RecordingKind;
}

/** Who says what: the script (its speakers must be in the call), or the built-in dialogue in turn. */
async function spokenLines(ctx: DomainContext, tenantId: string, participantIds: readonly string[], options: SimulateOptions): Promise<SpokenLine[]> {
  const language = options.language ?? 'en-us';
  const people: { id: string; name: string }[] = [];
  for (const id of participantIds) {
    const user = await findUser(ctx, tenantId, id);
    if (user !== undefined && !people.some((p) => p.id === user.id)) people.push({ id: user.id, name: user.displayName });
  }
  const line = (index: number, text: string): SpokenLine => ({ speakerName: people[index]?.name ?? 'Unknown speaker', speakerIndex: index, voice: voiceFor(language, index), text });
  if (options.script === undefined) return DIALOGUE[language].map((text, i) => line(people.length === 0 ? 0 : i % people.length, text));
  return options.script.map((s, i) => {
    const index = people.findIndex((p) => p.id === s.speaker);
    if (index < 0) throw new DomainError('invalid', `script[${i}].speaker '${s.speaker}' is not a participant of the call (its organizer or an attendee with a user id).`);
    return line(index, s.text);
  });
}

/**
 * Store the recording and transcript bytes a call will have. The simulations do this before writing
 * any row: a full disk (a large recording is the likeliest write to hit it) then fails the request
 * with nothing in the store, not with a call that has no artifacts.
 */
export async function storeCallContent(
  ctx: DomainContext,
  blobs: ContentStore,
  call: { tenantId: string; participantIds: readonly string[]; startedAt: string },
  options: SimulateOptions,
): Promise<CallContent> {
  const wantRecording = options.recording !== false;
  const wantTranscript = options.transcript !== false;
  const startedAtMs = Date.parse(call.startedAt);
  const custom = options.script !== undefined || (options.language !== undefined && options.language !== 'en-us');
  const lines = custom || options.recordingKind === 'spoken' ? await spokenLines(ctx, call.tenantId, call.participantIds, options) : undefined;
  const spoken = (options.recordingKind ?? (options.script !== undefined ? 'spoken' : 'sample')) === 'spoken';
  const language = options.language ?? 'en-us';
  if (spoken && lines !== undefined && (wantRecording || wantTranscript)) {
    const synthesizers = await loadSynthesizer();
    if (synthesizers !== undefined) {
      const made = await storeSpokenContent(blobs, synthesizers, { lines, seed: String(options.seed ?? 0), language, startedAtMs, recording: wantRecording, transcript: wantTranscript });
      return { ...made, ...(made.recording !== undefined ? { recordingKind: 'spoken' as const } : {}) };
    }
  }
  const stored: CallContent = {};
  if (wantRecording) {
    stored.recording = await storeRecordingContent(blobs, options.recordingSizeBytes);
    stored.recordingKind = 'sample';
  }
  if (wantTranscript) {
    stored.transcript =
      lines !== undefined
        ? await storeLinesTranscript(blobs, lines, startedAtMs, language)
        : await storeTranscriptContent(blobs, await speakerNames(ctx, call.tenantId, call.participantIds), startedAtMs);
  }
  return stored;
}

/** Store the content (unless given), then create the artifacts now or when the virtual clock reaches the delay. */
export async function recordEndedCall(ctx: DomainContext, blobs: ContentStore, plan: ArtifactPlan, options: SimulateOptions, content?: CallContent): Promise<SimulationResult> {
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
  const stored = content ?? (await storeCallContent(ctx, blobs, { tenantId: plan.tenantId, participantIds: plan.participantIds, startedAt }, options));
  const inputs: NewArtifact[] = [];
  // An ad hoc call's artifacts are named after its chat thread and call (ids.ts); a meeting's as Graph names those.
  const thread = plan.adhocCallId !== null ? adhocThreadId(plan.participantIds) : null;
  const idOf = (kind: 'recording' | 'transcript'): string =>
    thread !== null ? newAdhocArtifactId(kind, thread, Date.parse(startedAt)) : kind === 'recording' ? newRecordingId(plan.organizerId, plan.tenantId) : newTranscriptId();
  if (stored.recording !== undefined) inputs.push({ ...base, kind: 'recording', id: idOf('recording'), content: stored.recording, recordingKind: stored.recordingKind ?? 'sample' });
  if (stored.transcript !== undefined) inputs.push({ ...base, kind: 'transcript', id: idOf('transcript'), ...stored.transcript });
  const delay = Math.max(0, options.artifactDelayMs ?? 0);
  const availableAt = new Date(ctx.clock.nowMs() + delay);
  if (delay === 0) await createArtifacts(ctx, inputs);
  else {
    const what = inputs.map((i) => i.kind).join(' and ') || 'artifacts';
    const of = plan.meetingId !== null ? `meeting ${plan.meetingId}` : `ad hoc call ${plan.adhocCallId ?? plan.call.id}`;
    ctx.clock.schedule(availableAt, async () => void (await createArtifacts(ctx, inputs)), {
      kind: 'artifactsAvailable',
      description: `The ${what} of ${of} become available.`,
      subjectId: plan.meetingId ?? plan.adhocCallId,
    });
  }
  return {
    meetingId: plan.meetingId,
    adhocCallId: plan.adhocCallId,
    callId: plan.call.id,
    callRecordId: plan.call.callChainId,
    recordingId: inputs.find((i) => i.kind === 'recording')?.id ?? null,
    transcriptId: inputs.find((i) => i.kind === 'transcript')?.id ?? null,
    contentCorrelationId,
    artifactsAvailableDateTime: availableAt.toISOString(),
    recordingKind: stored.recording !== undefined ? (stored.recordingKind ?? 'sample') : null,
  };
}

function checkOptions(options: SimulateOptions): void {
  const minutes = options.durationMinutes;
  if (minutes !== undefined && (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)) {
    throw new DomainError('invalid', 'durationMinutes must be between 0 (exclusive) and 1440.');
  }
  checkRecordingSize(options.recordingSizeBytes);
  if (options.recordingSizeBytes !== undefined && (options.recordingKind === 'spoken' || (options.recordingKind === undefined && options.script !== undefined))) {
    throw new DomainError('invalid', 'recordingSizeBytes grows the sample recording; a spoken recording is as long as its speech (set recordingKind to sample, or leave out recordingSizeBytes).');
  }
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
export async function simulateMeeting(ctx: DomainContext, blobs: ContentStore, meetingId: string, options: SimulateOptions = {}): Promise<SimulationResult> {
  checkOptions(options);
  const meeting: Meeting | undefined = await findMeeting(ctx, meetingId);
  if (meeting === undefined) throw new DomainError('notFound', `Meeting '${meetingId}' was not found.`);
  const endMs = ctx.clock.nowMs();
  const startMs = endMs - (options.durationMinutes ?? 30) * MINUTE;
  const attendeeIds = (meeting.settings.attendees ?? []).flatMap((a) => (a.userId === null ? [] : [a.userId]));
  const participantIds = [meeting.organizerId, ...attendeeIds];
  const content = await storeCallContent(ctx, blobs, { tenantId: meeting.tenantId, participantIds, startedAt: new Date(startMs).toISOString() }, options);
  const call = await createCall(ctx, {
    tenantId: meeting.tenantId,
    meetingId: meeting.id,
    state: 'terminated',
    startedDateTime: new Date(startMs).toISOString(),
    endedDateTime: new Date(endMs).toISOString(),
  });
  // The call started and ended: meetingCallEvents subscribers hear both, in order, with their times.
  await emitMeetingCallEvent(ctx, meeting, call.id, 'callStarted', call.startedDateTime);
  await emitMeetingCallEvent(ctx, meeting, call.id, 'callEnded', call.endedDateTime ?? new Date(endMs).toISOString());
  const chatMessageIds = await postMeetingChat(ctx, meeting, participantIds, startMs, endMs, options.chatMessages);
  await createCallRecordForCall(ctx, { call });
  const result = await recordEndedCall(ctx, blobs, { tenantId: meeting.tenantId, organizerId: meeting.organizerId, meetingId: meeting.id, adhocCallId: null, call, participantIds }, options, content);
  return { ...result, chatId: meeting.threadId, chatMessageIds };
}

export interface AdhocCallInput extends SimulateOptions {
  tenantId: string;
  organizerId: string;
  /** The other people in the call: one for a 1:1 call, more for a group call. */
  participantIds: string[];
}

/** An ad hoc call (no meeting) happens now, with its recording and transcript under the organizer's adhocCalls. */
export async function simulateAdhocCall(ctx: DomainContext, blobs: ContentStore, input: AdhocCallInput): Promise<SimulationResult> {
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
  const startedAt = new Date(endMs - (input.durationMinutes ?? 30) * MINUTE).toISOString();
  const content = await storeCallContent(ctx, blobs, { tenantId: input.tenantId, participantIds: participants, startedAt }, input);
  // Graph names an ad hoc call by its call chain: adhocCall.id is the callId of its recordings and
  // transcripts and the callChainId (https://learn.microsoft.com/graph/api/resources/adhoccall?view=graph-rest-beta).
  const chainId = newGuid();
  const call = await createCall(ctx, {
    id: chainId,
    callChainId: chainId,
    tenantId: input.tenantId,
    state: 'terminated',
    startedDateTime: startedAt,
    endedDateTime: new Date(endMs).toISOString(),
  });
  await createCallRecordForCall(ctx, { call, participants, type: participants.length === 2 ? 'peerToPeer' : 'groupCall' });
  const adhocCallId = call.id;
  await createAdhocCall(ctx, { id: adhocCallId, tenantId: input.tenantId, organizerId: organizer.id, callId: call.id, participantIds: participants, createdDateTime: call.startedDateTime });
  return recordEndedCall(ctx, blobs, { tenantId: input.tenantId, organizerId: organizer.id, meetingId: null, adhocCallId, call, participantIds: participants }, input, content);
}
