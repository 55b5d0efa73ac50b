import { writeArtifactRows, type NewArtifact } from '../domain/artifacts.js';
import { newCallRow } from '../domain/calls.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';
import { newContentCorrelationId, newMeetingThreadId, newRecordingId, newTimeOrderedGuid, newTranscriptId } from '../domain/ids.js';
import { newMeetingRow } from '../domain/meetings.js';
import { findUser } from '../domain/users.js';
import type { ContentStore } from '../store/blobs.js';
import type { CallTable, MeetingTable } from '../store/schema.js';
import { storeRecordingContent, storeTranscriptContent } from './content/artifactContent.js';

/** How far back seeded meetings reach at most: inside the 60 days after which a meeting expires. */
const SEEDED_SPAN_MS = 50 * 86_400_000;

export interface SeedRequest {
  tenantId: string;
  organizerId: string;
  recordings: number;
  /** Transcripts to make alongside (each paired with a recording while there are some). Default 0. */
  transcripts?: number;
  /** Artifacts of a kind per meeting (a recurring meeting has many). Default 10. */
  perMeeting?: number;
  /** Artifacts per transaction. Default 1,000. */
  batchSize?: number;
  /** Called after each batch with the artifacts made so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  meetings: number;
  recordings: number;
  transcripts: number;
}

export const MAX_SEED = 10_000_000;

/**
 * Bulk-create artifacts for load and delta tests: meetings of one organizer, an ended call each, and
 * their recordings/transcripts in batches of one transaction each. Every artifact goes through the
 * same domain code (and change pipeline) as a simulated meeting; the bytes are the sample MP4 and one
 * transcript, stored once (the blob store is content-addressed).
 */
export async function seedArtifacts(ctx: DomainContext, blobs: ContentStore, request: SeedRequest): Promise<SeedResult> {
  const transcripts = request.transcripts ?? 0;
  const perMeeting = Math.max(1, Math.floor(request.perMeeting ?? 10));
  const batchSize = Math.max(1, Math.floor(request.batchSize ?? 1_000));
  for (const [name, n] of [
    ['recordings', request.recordings],
    ['transcripts', transcripts],
  ] as const) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_SEED) throw new DomainError('invalid', `${name} must be a whole number from 0 to ${MAX_SEED}.`);
  }
  const organizer = await findUser(ctx, request.tenantId, request.organizerId);
  if (organizer === undefined) throw new DomainError('notFound', `User '${request.organizerId}' was not found in tenant '${request.tenantId}'.`);
  const recording = await storeRecordingContent(blobs);
  const nowMs = ctx.clock.nowMs();
  const transcript = await storeTranscriptContent(blobs, [organizer.displayName], nowMs);
  const total = request.recordings + transcripts;
  const meetingsNeeded = Math.ceil(Math.max(request.recordings, transcripts) / perMeeting);
  const spacingMs = Math.min(3_600_000, Math.floor(SEEDED_SPAN_MS / meetingsNeeded));
  let done = 0;
  let meetings = 0;
  // One transaction per batch: its meetings, their calls, its artifacts and their changes (one commit
  // per batch, not per meeting, is most of a bulk load's speed on SQLite).
  for (let m = 0; m < meetingsNeeded;) {
    const made = await ctx.db.transaction().execute(async (trx) => {
      const tctx: DomainContext = { ...ctx, db: trx };
      const pending: NewArtifact[] = [];
      // The batch's meetings and calls go in with one insert each (what createMeeting and createCall
      // write, the organizer checked once above).
      const meetingRows: MeetingTable[] = [];
      const callRows: CallTable[] = [];
      let count = 0;
      while (m < meetingsNeeded && (pending.length === 0 || pending.length + perMeeting * (transcripts > 0 ? 2 : 1) <= batchSize)) {
        // Meetings an hour apart (closer when there are more than 50 days of them), the newest ending an
        // hour ago: all within the 60 days before a meeting expires, so every seeded artifact is listed
        // (https://learn.microsoft.com/microsoftteams/limits-specifications-teams#meeting-expiration).
        const endMs = nowMs - (meetingsNeeded - m) * spacingMs;
        const startMs = endMs - 1_800_000;
        const meeting = newMeetingRow(tctx, {
          tenantId: request.tenantId,
          organizerId: organizer.id,
          subject: `Seeded meeting ${m + 1}`,
          startDateTime: new Date(startMs).toISOString(),
          endDateTime: new Date(endMs).toISOString(),
          // Time-ordered ids: a batch's meetings and calls go to the end of their indexes (see newMeetingThreadId).
          threadId: newMeetingThreadId(startMs),
        });
        const call = newCallRow(tctx, {
          id: newTimeOrderedGuid(startMs),
          tenantId: request.tenantId,
          meetingId: meeting.id,
          state: 'terminated',
          startedDateTime: meeting.start_date_time,
          endedDateTime: meeting.end_date_time,
        });
        meetingRows.push(meeting);
        callRows.push(call);
        for (let i = 0; i < perMeeting; i++) {
          const index = m * perMeeting + i;
          const base = {
            tenantId: request.tenantId,
            organizerId: organizer.id,
            meetingId: meeting.id,
            adhocCallId: null,
            callId: call.id,
            contentCorrelationId: newContentCorrelationId(),
            createdDateTime: new Date(startMs + i * 1_000).toISOString(),
            endDateTime: meeting.end_date_time,
          };
          // Ids from the meeting's start: a batch's ids sort together (see newRecordingId).
          if (index < request.recordings) pending.push({ ...base, kind: 'recording', id: newRecordingId(organizer.id, request.tenantId, startMs), content: recording });
          if (index < transcripts) pending.push({ ...base, kind: 'transcript', id: newTranscriptId(startMs), content: transcript.content, metadata: transcript.metadata });
        }
        m++;
        count++;
      }
      await ctx.dialect.insertMany(trx, 'meetings', meetingRows);
      await ctx.dialect.insertMany(trx, 'calls', callRows);
      await writeArtifactRows(tctx, trx, pending);
      return { meetings: count, artifacts: pending.length };
    });
    meetings += made.meetings;
    done += made.artifacts;
    request.onProgress?.(done, total);
  }
  return { meetings, recordings: request.recordings, transcripts };
}
