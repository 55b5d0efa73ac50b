import { randomBytes, randomFillSync, randomInt, randomUUID } from 'node:crypto';

/** Identifier shapes as Graph issues them, so apps that parse or store ids see realistic values. */

export const newGuid = (): string => randomUUID();

/**
 * `19:meeting_{base64 of a GUID, no padding}@thread.v2`, the chat thread of a scheduled meeting. With
 * `createdMs` (bulk seeding), the GUID is time-ordered (newTimeOrderedGuid), so that the meeting ids made
 * from it (meetingIdFor) of one batch share a long prefix and land together in the meeting and artifact
 * indexes, instead of each on a page of its own that every batch's commit writes again.
 */
export function newMeetingThreadId(createdMs?: number): string {
  const guid = createdMs === undefined ? randomUUID() : timeOrderedUuid(createdMs);
  return `19:meeting_${Buffer.from(guid).toString('base64').replace(/=+$/, '')}@thread.v2`;
}

/** onlineMeeting ids are Base64 of `1*{organizerId}*0**{threadId}` (as in the examples of https://learn.microsoft.com/graph/api/callrecording-delta and https://learn.microsoft.com/graph/api/callrecording-get). */
export function meetingIdFor(organizerId: string, threadId: string): string {
  return Buffer.from(`1*${organizerId}*0**${threadId}`).toString('base64');
}

export function parseMeetingId(meetingId: string): { organizerId: string; threadId: string } | undefined {
  const text = Buffer.from(meetingId, 'base64').toString('utf8');
  const m = /^1\*([0-9a-fA-F-]{36})\*0\*\*(19:.+)$/.exec(text);
  return m === null ? undefined : { organizerId: m[1]!, threadId: m[2]! };
}

/** Teams writes its percent-escapes in lower case (`19%3ameeting_…%40thread.v2`); the text itself keeps its case. */
const teamsEncode = (text: string): string => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());

/** `https://teams.microsoft.com/l/meetup-join/19%3ameeting_…%40thread.v2/0?context=%7b%22Tid%22%3a…%7d` (onlinemeeting-get.md). */
export function joinWebUrlFor(threadId: string, tenantId: string, organizerId: string): string {
  const context = teamsEncode(JSON.stringify({ Tid: tenantId, Oid: organizerId }));
  return `https://teams.microsoft.com/l/meetup-join/${teamsEncode(threadId)}/0?context=${context}`;
}

/** Teams join meeting ids are 12–13 digits; passcodes are 6 alphanumerics. */
export function newJoinMeetingId(): string {
  return String(randomInt(1, 10)) + Array.from({ length: 12 }, () => randomInt(0, 10)).join('');
}

export function newPasscode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from({ length: 6 }, () => alphabet[randomInt(0, alphabet.length)]).join('');
}

export function newVideoTeleconferenceId(): string {
  return Array.from({ length: 10 }, () => randomInt(0, 10)).join('');
}

/** Client secrets look like Entra's: 40 characters with a `~` in the fourth place. */
export function newClientSecret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.';
  const body = Array.from({ length: 37 }, () => alphabet[randomInt(0, alphabet.length)]).join('');
  return `${body.slice(0, 3)}8Q~${body.slice(3)}`;
}

// Random bytes drawn 16 KiB at a time: a recording id may take dozens of draws (pathSafeBase64), and a
// bulk seed makes millions, where one randomBytes call per draw was a tenth of the time.
const POOL_SIZE = 16_384;
const pool = Buffer.alloc(POOL_SIZE);
let poolAt = POOL_SIZE;
const randomHex = (bytes: number): string => {
  if (bytes > POOL_SIZE) return randomBytes(bytes).toString('hex');
  if (poolAt + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
};

/** Base64 that stays one URL path segment: re-draw the random part until the text has no `/` or `+`. */
function pathSafeBase64(make: () => string): string {
  for (let i = 0; i < 64; i++) {
    const id = Buffer.from(make()).toString('base64');
    if (!/[/+]/.test(id)) return id;
  }
  return Buffer.from(make()).toString('base64url');
}

/**
 * callRecording ids: Base64 of `V2##1{organizerId}{tenantId}{iCalUid hex}##{guid}` (the seeds' ids decode
 * to this shape). `createdMs` (bulk seeding: the meeting's start) fills the 8 bytes after the iCalUid's
 * class id instead of random ones, so the ids of a batch share a long prefix and land together in the
 * id index instead of on a page each (a random id per row made every batch rewrite most of the index).
 */
export function newRecordingId(organizerId: string, tenantId: string, createdMs?: number): string {
  const created = createdMs === undefined ? randomHex(8).toUpperCase() : Math.trunc(createdMs).toString(16).toUpperCase().padStart(16, '0');
  return pathSafeBase64(() => `V2##1${organizerId}${tenantId}040000008200E00074C5B7101A82E008${created}01000000000000000010000000${randomHex(16)}##${randomUUID()}`);
}

/**
 * callTranscript ids: Base64 of `1##0##{guid}` (calltranscript-get.md). With `createdMs` (bulk seeding),
 * the GUID is time-ordered (the UUID version 7 layout, RFC 9562), for the same reason as newRecordingId's.
 */
export function newTranscriptId(createdMs?: number): string {
  return pathSafeBase64(() => `1##0##${createdMs === undefined ? randomUUID() : timeOrderedUuid(createdMs)}`);
}

/** A GUID that sorts by `ms` (a version 7 UUID): for bulk-seeded rows, whose ids then sort together in an index. */
export const newTimeOrderedGuid = (ms: number): string => timeOrderedUuid(ms);

/** A version 7 UUID (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits. */
function timeOrderedUuid(ms: number): string {
  const time = Math.trunc(ms).toString(16).padStart(12, '0').slice(-12);
  const random = randomHex(10);
  const variant = ((parseInt(random.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(8, 20)}`;
}

/** contentCorrelationId: a GUID with Teams' `-0` suffix (example 3 of https://learn.microsoft.com/graph/api/callrecording-get), shared by a recording and its transcript. */
export const newContentCorrelationId = (): string => `${randomUUID()}-0`;

/**
 * The chat thread of an ad hoc call: a 1:1 call's is `19:{userA}_{userB}@unq.gbl.spaces` (the ids in the examples of
 * https://learn.microsoft.com/graph/api/adhoccall-getallrecordings decode to it), a group call's `19:{32 hex}@thread.v2`
 * (the seed's ad hoc transcript id).
 */
export function adhocThreadId(participantIds: readonly string[]): string {
  if (participantIds.length === 2) return `19:${participantIds[0]}_${participantIds[1]}@unq.gbl.spaces`;
  return `19:${randomHex(16)}@thread.v2`;
}

/**
 * Ad hoc call recording and transcript ids: Base64 of `3##{thread}##{guid}-{unix seconds}-Recording|TranscriptV2`, the
 * `MyM…` ids of the seed's ad hoc notifications (https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript;
 * the GUID there is not the call's id, so each artifact draws its own and two recordings of a call never share an id).
 */
export function newAdhocArtifactId(kind: 'recording' | 'transcript', threadId: string, startedMs: number): string {
  const suffix = kind === 'recording' ? 'Recording' : 'TranscriptV2';
  return pathSafeBase64(() => `3##${threadId}##${randomUUID()}-${Math.floor(startedMs / 1000)}-${suffix}`);
}
