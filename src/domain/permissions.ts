/**
 * The permission model: which token roles (application) or scopes (delegated) each Graph operation
 * accepts, from the permission tables of Graph's reference pages. `null` means "not supported".
 * Higher-privileged permissions are listed alongside the least-privileged ones, as Graph accepts either.
 */
export interface PermissionRule {
  readonly delegated: readonly string[] | null;
  readonly application: readonly string[] | null;
  /** Resource-specific consent permissions an app may hold through a Teams app installed in the meeting. */
  readonly rsc?: readonly string[];
  /** Application permissions that additionally need an application access policy for the user in the path. */
  readonly needsAccessPolicy?: boolean;
}

export const PERMISSIONS = {
  onlineMeetingRead: {
    delegated: ['OnlineMeetings.Read', 'OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
    needsAccessPolicy: true,
  },
  onlineMeetingWrite: {
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    needsAccessPolicy: true,
  },
  /** The VideoTeleconferenceId look-up is app-only and not subject to access policies (onlinemeeting-get.md). */
  onlineMeetingByVtcId: {
    delegated: null,
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
  },
  /** list/get/content of a meeting's recordings (https://learn.microsoft.com/graph/api/callrecording-get): RSC for apps installed in the meeting; app use needs a policy. */
  recordingRead: {
    delegated: ['OnlineMeetingRecording.Read.All'],
    application: ['OnlineMeetingRecording.Read.All'],
    rsc: ['OnlineMeetingRecording.Read.Chat'],
    needsAccessPolicy: true,
  },
  transcriptRead: {
    delegated: ['OnlineMeetingTranscript.Read.All'],
    application: ['OnlineMeetingTranscript.Read.All'],
    rsc: ['OnlineMeetingTranscript.Read.Chat'],
    needsAccessPolicy: true,
  },
  /** getAllRecordings / getAllTranscripts and their delta: application only (https://learn.microsoft.com/graph/api/callrecording-delta). */
  recordingGetAll: { delegated: null, application: ['OnlineMeetingRecording.Read.All'], needsAccessPolicy: true },
  transcriptGetAll: { delegated: null, application: ['OnlineMeetingTranscript.Read.All'], needsAccessPolicy: true },
  /** Ad hoc call artifacts (adhoccall-list-recordings.md; the permission tables of https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript). */
  adhocRecordingRead: { delegated: ['CallRecordings.Read.All'], application: ['CallRecordings.Read.All'] },
  adhocTranscriptRead: { delegated: ['CallTranscripts.Read.All'], application: ['CallTranscripts.Read.All'] },
  /** Application only, no access policy named (https://learn.microsoft.com/graph/api/adhoccall-getallrecordings, adhoccall-getalltranscripts). */
  adhocRecordingGetAll: { delegated: null, application: ['CallRecordings.Read.All'] },
  adhocTranscriptGetAll: { delegated: null, application: ['CallTranscripts.Read.All'] },
  /**
   * Attendance reports and records (https://learn.microsoft.com/graph/api/meetingattendancereport-list,
   * attendancerecord-list): OnlineMeetingArtifact.Read.All; application use needs an access policy for
   * the path user; RSC OnlineMeetingArtifact.Read.Chat for an app installed in the meeting.
   */
  attendanceRead: {
    delegated: ['OnlineMeetingArtifact.Read.All'],
    application: ['OnlineMeetingArtifact.Read.All'],
    rsc: ['OnlineMeetingArtifact.Read.Chat'],
    needsAccessPolicy: true,
  },
  /** List a chat's messages (https://learn.microsoft.com/graph/api/chat-list-messages); RSC for an app installed in the chat. */
  chatMessagesRead: {
    delegated: ['Chat.Read', 'Chat.ReadWrite'],
    application: ['ChatMessage.Read.All', 'Chat.Read.All', 'Chat.ReadWrite.All'],
    rsc: ['ChatMessage.Read.Chat'],
  },
  /** Get one message (https://learn.microsoft.com/graph/api/chatmessage-get). */
  chatMessageRead: {
    delegated: ['ChatMessage.Read', 'Chat.Read', 'Chat.ReadWrite'],
    application: ['ChatMessage.Read.All', 'Chat.Read.All', 'Chat.ReadWrite.All'],
    rsc: ['ChatMessage.Read.Chat'],
  },
  /** Send a message (https://learn.microsoft.com/graph/api/chat-post-messages): delegated; application only to import (Teamwork.Migrate.All, not emulated). */
  chatMessageSend: { delegated: ['ChatMessage.Send', 'Chat.ReadWrite'], application: null },
  /** Meeting AI insights (https://learn.microsoft.com/graph/api/onlinemeeting-list-aiinsights): application use needs an access policy for the path user. */
  aiInsightRead: { delegated: ['OnlineMeetingAiInsight.Read.All'], application: ['OnlineMeetingAiInsight.Read.All'], needsAccessPolicy: true },
  /**
   * Calendar reads: events, calendarView and its delta (https://learn.microsoft.com/graph/api/event-get,
   * user-list-calendarview, event-delta). Application permissions reach every mailbox of the tenant:
   * Teams application access policies do not govern calendars (Exchange scopes mailboxes with its own
   * ApplicationAccessPolicy / RBAC for Applications, https://learn.microsoft.com/graph/auth-limit-mailbox-access,
   * which the emulator does not model).
   */
  calendarRead: {
    delegated: ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'],
    application: ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'],
  },
  /** GET /me or /users/{own id}: User.Read covers the signed-in user's own profile. */
  userReadSelf: {
    delegated: ['User.Read', 'User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'],
    application: ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'],
  },
  /** GET /users/{someone else}: needs a directory-wide permission. */
  userRead: {
    delegated: ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'],
    application: ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'],
  },
} as const satisfies Record<string, PermissionRule>;

/** Every application permission the seeds name: the demo app is granted all of them. */
export const SEED_APPLICATION_PERMISSIONS = [
  'OnlineMeetings.Read.All',
  'OnlineMeetings.ReadWrite.All',
  'OnlineMeetingArtifact.Read.All',
  'OnlineMeetingRecording.Read.All',
  'OnlineMeetingTranscript.Read.All',
  'CallRecordings.Read.All',
  'CallTranscripts.Read.All',
  'CallRecords.Read.All',
  'CallRecord-PstnCalls.Read.All',
  'Calls.JoinGroupCalls.All',
  'Calls.AccessMedia.All',
  'User.Read.All',
  'Calendars.Read',
  'ChatMessage.Read.All',
  'OnlineMeetingAiInsight.Read.All',
] as const;

/** Delegated permissions the demo app has consent for. */
export const SEED_DELEGATED_PERMISSIONS = [
  'User.Read',
  'OnlineMeetings.Read',
  'OnlineMeetings.ReadWrite',
  'OnlineMeetingRecording.Read.All',
  'OnlineMeetingTranscript.Read.All',
  'CallRecordings.Read.All',
  'CallTranscripts.Read.All',
  'Calendars.Read',
  'OnlineMeetingArtifact.Read.All',
  'Chat.Read',
  'ChatMessage.Send',
  'OnlineMeetingAiInsight.Read.All',
] as const;

/** The RSC permissions the seeds name (granted by installing a Teams app in a meeting). */
export const SEED_RSC_PERMISSIONS = ['OnlineMeetingRecording.Read.Chat', 'OnlineMeetingTranscript.Read.Chat'] as const;
