import { createCallRecord, RETENTION_MS, type CallRecord, type CallType } from '../domain/callRecords.js';
import type { Call } from '../domain/calls.js';
import type { DomainContext } from '../domain/context.js';
import { nowIso } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';
import { findMeeting } from '../domain/meetings.js';
import { findUser } from '../domain/users.js';
import { generateCallRecord, type RecordPerson } from './callRecordGenerator.js';

export interface CallRecordForCall {
  call: Call;
  /** Users of the call's tenant who took part (ids or UPNs); the meeting's organizer and attendees when omitted. */
  participants?: string[];
  /** Total participants_v2 (synthetic guests fill up beyond `participants`). */
  participantCount?: number;
  sessionCount?: number;
  modalities?: string[];
  type?: CallType;
}

async function person(ctx: DomainContext, tenantId: string, idOrUpn: string): Promise<RecordPerson> {
  const user = await findUser(ctx, tenantId, idOrUpn);
  if (user === undefined) throw new DomainError('notFound', `User '${idOrUpn}' was not found in tenant '${tenantId}'.`);
  return { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName };
}

/**
 * The call record of a call that ended (Graph makes one per call chain: record id = call.callChainId).
 * Organizer, join URL and default participants come from the call's meeting. Emits a `created`
 * change (domain/callRecords.ts). The meeting scenario (POST /_emulator/meetings/{id}/simulate) calls this.
 */
export async function createCallRecordForCall(ctx: DomainContext, input: CallRecordForCall): Promise<CallRecord> {
  const { call } = input;
  const meeting = call.meetingId === null ? undefined : await findMeeting(ctx, call.meetingId);
  const organizer = meeting === undefined ? null : await person(ctx, call.tenantId, meeting.organizerId);
  const ids = input.participants ?? (meeting?.settings.attendees ?? []).flatMap((a) => (a.userId !== null ? [a.userId] : []));
  const people: RecordPerson[] = [];
  for (const id of ids) people.push(await person(ctx, call.tenantId, id));
  const end = call.endedDateTime ?? nowIso(ctx);
  return createCallRecord(
    ctx,
    generateCallRecord({
      id: call.callChainId,
      tenantId: call.tenantId,
      organizer,
      people,
      ...(input.participantCount !== undefined ? { participantCount: input.participantCount } : {}),
      ...(input.sessionCount !== undefined ? { sessionCount: input.sessionCount } : {}),
      ...(input.modalities !== undefined ? { modalities: input.modalities } : {}),
      ...(input.type !== undefined ? { type: input.type } : {}),
      startDateTime: call.startedDateTime,
      endDateTime: end,
      joinWebUrl: meeting?.joinWebUrl ?? null,
      callId: call.id,
      meetingId: call.meetingId,
    }),
  );
}

/** Would a record ending at `endDateTime` still be inside its 30 days now? */
export const withinRetention = (ctx: DomainContext, endDateTime: string): boolean => Date.parse(endDateTime) + RETENTION_MS > ctx.clock.nowMs();
