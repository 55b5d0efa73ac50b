import type { DomainContext } from './context.js';
import { newGuid } from './ids.js';
import type { Meeting } from './meetings.js';

/**
 * Meeting call events (https://learn.microsoft.com/graph/changenotifications-for-onlinemeeting): when
 * a meeting's call starts and ends, a change for `communications/onlineMeetings(joinWebUrl='…')/meetingCallEvents`
 * subscriptions. The change's data is the callEvent a rich notification carries (its `@odata.id` the
 * subscription resource with the join URL URL-encoded), plus `joinWebUrl` for matching, which the
 * outbox leaves out of the payload.
 */
export type MeetingCallEventType = 'callStarted' | 'callEnded';

export const meetingCallEventsResource = (joinWebUrl: string): string => `communications/onlineMeetings(joinWebUrl='${encodeURIComponent(joinWebUrl)}')/meetingCallEvents`;

export async function emitMeetingCallEvent(ctx: DomainContext, meeting: Meeting, callId: string, eventType: MeetingCallEventType, eventDateTime: string): Promise<string> {
  const id = newGuid();
  const data = {
    '@odata.type': '#microsoft.graph.callevent',
    '@odata.id': meetingCallEventsResource(meeting.joinWebUrl),
    id,
    eventType,
    eventDateTime,
    joinWebUrl: meeting.joinWebUrl,
  };
  await ctx.db
    .transaction()
    .execute((trx) =>
      ctx.changes.emit(
        trx,
        { resource: 'meetingCallEvent', changeType: 'updated', tenantId: meeting.tenantId, resourceId: id, organizerId: meeting.organizerId, meetingId: meeting.id, callId },
        ctx.clock.now().toISOString(),
        data,
      ),
    );
  return id;
}
