import type { Call, RecordingStatusUpdate } from '../../domain/calls.js';
import type { Meeting } from '../../domain/meetings.js';
import type { User } from '../../domain/users.js';

/** A call as its app sees it (microsoft.graph.call, v1.0 properties; call-get.md). */
export function toGraphCall(call: Call, meeting: Meeting | undefined, organizer: User | undefined, myParticipantId: string): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.call',
    id: call.id,
    state: call.state,
    direction: 'incoming',
    callChainId: call.callChainId,
    tenantId: call.tenantId,
    myParticipantId,
    subject: meeting?.subject ?? null,
    // Non-nullable in CSDL; the emulator does not call bots back, so it is a placeholder.
    callbackUri: 'https://bot.contoso.com/api/calling',
    requestedModalities: ['audio'],
    mediaConfig: { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: null },
    mediaState: { audio: 'active' },
    chatInfo: meeting === undefined ? null : { threadId: meeting.threadId, messageId: '0', replyChainMessageId: null },
    meetingInfo:
      organizer === undefined
        ? null
        : {
            '@odata.type': '#microsoft.graph.organizerMeetingInfo',
            organizer: { user: { '@odata.type': '#microsoft.graph.identity', id: organizer.id, displayName: organizer.displayName } },
          },
    source: null,
    targets: [],
    callRoutes: [],
    callOptions: null,
    incomingContext: null,
    toneInfo: null,
    transcription: null,
    resultInfo: null,
  };
}

/** The updateRecordingStatusOperation exactly as https://learn.microsoft.com/graph/api/call-updaterecordingstatus shows it: lower-case `completed`. */
export function toGraphOperation(op: RecordingStatusUpdate): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.updateRecordingStatusOperation',
    clientContext: op.clientContext,
    id: op.id,
    resultInfo: null,
    status: op.operationStatus,
  };
}
