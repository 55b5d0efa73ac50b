import type { Meeting, MeetingAttendee } from '../../domain/meetings.js';
import type { User } from '../../domain/users.js';
import { maskEnum } from '../../http/evolvableEnums.js';
import { versionHas, type GraphVersion } from '../../http/versions.js';

/** Every onlineMeeting property of v1.0 a client may $select (graph-schema v1.0 types-meta, streams and navigations included). */
const V1_PROPERTIES = [
  'id',
  'allowAttendeeToEnableCamera',
  'allowAttendeeToEnableMic',
  'allowBreakoutRooms',
  'allowCopyingAndSharingMeetingContent',
  'allowedLobbyAdmitters',
  'allowedPresenters',
  'allowLiveShare',
  'allowMeetingChat',
  'allowParticipantsToChangeName',
  'allowPowerPointSharing',
  'allowRecording',
  'allowTeamworkReactions',
  'allowTranscription',
  'allowWhiteboard',
  'audioConferencing',
  'chatInfo',
  'chatRestrictions',
  'cloudVideoInteropInfo',
  'expiryDateTime',
  'isEndToEndEncryptionEnabled',
  'isEntryExitAnnounced',
  'joinInformation',
  'joinMeetingIdSettings',
  'joinWebUrl',
  'lobbyBypassSettings',
  'meetingOptionsWebUrl',
  'meetingSpokenLanguageTag',
  'recordAutomatically',
  'sensitivityLabelAssignment',
  'shareMeetingChatHistoryDefault',
  'subject',
  'videoTeleconferenceId',
  'watermarkProtection',
  'attendeeReport',
  'broadcastSettings',
  'creationDateTime',
  'endDateTime',
  'externalId',
  'isBroadcast',
  'meetingTemplateId',
  'meetingType',
  'participants',
  'startDateTime',
  'recordings',
  'transcripts',
] as const;

/** Beta adds these (graph-schema README, "Beta differences"). */
const BETA_ONLY = ['joinUrl', 'capabilities', 'recording', 'alternativeRecording', 'broadcastRecording', 'anonymizeIdentityForRoles'] as const;

const BETA_PROPERTIES: readonly string[] = [...V1_PROPERTIES, ...BETA_ONLY];

/** What `$select` may name on this version: a beta-only property on v1.0 is unknown there, as in Graph. */
export const onlineMeetingProperties = (graphVersion: GraphVersion): readonly string[] => (versionHas(graphVersion, 'onlineMeeting.betaProperties') ? BETA_PROPERTIES : V1_PROPERTIES);

function identityFor(userId: string | null, displayName: string | null, tenantId: string): Record<string, unknown> {
  return { application: null, device: null, user: { id: userId, displayName, tenantId } };
}

function attendee(a: MeetingAttendee, tenantId: string, includeUnknown: boolean): Record<string, unknown> {
  return {
    upn: a.upn,
    role: maskEnum('onlineMeetingRole', a.role, includeUnknown),
    identity: identityFor(a.userId, a.displayName, tenantId),
  };
}

const joinInformation = (meeting: Meeting): Record<string, unknown> => ({
  content: `data:text/html,${encodeURIComponent(
    `<div>Microsoft Teams meeting</div><div><a href="${meeting.joinWebUrl}">Join the meeting now</a></div>` + `<div>Meeting ID: ${meeting.joinMeetingId}</div><div>Passcode: ${meeting.passcode}</div>`,
  )}`,
  contentType: 'html',
});

/** The onlineMeeting resource as Graph serializes it (property order as Graph sends it). */
export function toGraphOnlineMeeting(meeting: Meeting, organizer: User, graphVersion: GraphVersion, includeUnknownEnumMembers: boolean): Record<string, unknown> {
  const s = meeting.settings;
  const body: Record<string, unknown> = {
    id: meeting.id,
    creationDateTime: meeting.creationDateTime,
    startDateTime: meeting.startDateTime,
    endDateTime: meeting.endDateTime,
    joinWebUrl: meeting.joinWebUrl,
    joinUrl: meeting.joinWebUrl,
    subject: meeting.subject,
    isBroadcast: false,
    capabilities: [],
    externalId: meeting.externalId,
    videoTeleconferenceId: meeting.videoTeleconferenceId,
    meetingTemplateId: null,
    isEntryExitAnnounced: s.isEntryExitAnnounced ?? true,
    allowedPresenters: maskEnum('onlineMeetingPresenters', s.allowedPresenters ?? 'everyone', includeUnknownEnumMembers),
    allowAttendeeToEnableMic: s.allowAttendeeToEnableMic ?? true,
    allowAttendeeToEnableCamera: s.allowAttendeeToEnableCamera ?? true,
    allowMeetingChat: maskEnum('meetingChatMode', s.allowMeetingChat ?? 'enabled', includeUnknownEnumMembers),
    allowTeamworkReactions: s.allowTeamworkReactions ?? true,
    allowRecording: s.allowRecording ?? true,
    allowTranscription: s.allowTranscription ?? true,
    recordAutomatically: s.recordAutomatically ?? false,
    allowParticipantsToChangeName: false,
    allowBreakoutRooms: true,
    allowPowerPointSharing: true,
    allowWhiteboard: true,
    allowCopyingAndSharingMeetingContent: true,
    isEndToEndEncryptionEnabled: false,
    meetingSpokenLanguageTag: null,
    expiryDateTime: null,
    meetingOptionsWebUrl: null,
    watermarkProtection: null,
    chatRestrictions: null,
    allowedLobbyAdmitters: null,
    allowLiveShare: null,
    broadcastSettings: null,
    audioConferencing: null,
    participants: {
      organizer: {
        upn: organizer.userPrincipalName,
        role: 'presenter',
        identity: identityFor(organizer.id, null, meeting.tenantId),
      },
      attendees: (s.attendees ?? []).map((a) => attendee(a, meeting.tenantId, includeUnknownEnumMembers)),
    },
    lobbyBypassSettings: {
      scope: maskEnum('lobbyBypassScope', s.lobbyBypassScope ?? 'organization', includeUnknownEnumMembers),
      isDialInBypassEnabled: s.isDialInBypassEnabled ?? false,
    },
    joinMeetingIdSettings: { isPasscodeRequired: true, joinMeetingId: meeting.joinMeetingId, passcode: meeting.passcode },
    chatInfo: { threadId: meeting.threadId, messageId: '0', replyChainMessageId: null },
    joinInformation: joinInformation(meeting),
  };
  if (!versionHas(graphVersion, 'onlineMeeting.betaProperties')) for (const p of BETA_ONLY) delete body[p];
  return body;
}
