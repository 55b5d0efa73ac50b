import { eventIdFor } from '../../domain/calendar.js';
import type { Meeting } from '../../domain/meetings.js';
import type { User } from '../../domain/users.js';
import { localDateTime, type EventTimeZone } from './timeZones.js';

/** Every event property a client may $select (the v1.0 CSDL's event and outlookItem). */
export const EVENT_PROPERTIES: readonly string[] = [
  'id',
  'categories',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'allowNewTimeProposals',
  'attendees',
  'body',
  'bodyPreview',
  'end',
  'hasAttachments',
  'hideAttendees',
  'iCalUId',
  'importance',
  'isAllDay',
  'isCancelled',
  'isDraft',
  'isOnlineMeeting',
  'isOrganizer',
  'isReminderOn',
  'location',
  'locations',
  'onlineMeeting',
  'onlineMeetingProvider',
  'onlineMeetingUrl',
  'organizer',
  'originalEndTimeZone',
  'originalStart',
  'originalStartTimeZone',
  'recurrence',
  'reminderMinutesBeforeStart',
  'responseRequested',
  'responseStatus',
  'sensitivity',
  'seriesMasterId',
  'showAs',
  'start',
  'subject',
  'transactionId',
  'type',
  'webLink',
];

const address = (user: Pick<User, 'mail' | 'userPrincipalName'>): string => user.mail ?? user.userPrincipalName;

/** The meeting invitation's body: Teams writes the join link into it. */
function invitation(meeting: Meeting): string {
  return (
    `<html><body><div>${meeting.subject ?? ''}</div><hr><div>Microsoft Teams meeting</div>` +
    `<div><a href="${meeting.joinWebUrl}">Join the meeting now</a></div><div>Meeting ID: ${meeting.joinMeetingId}</div><div>Passcode: ${meeting.passcode}</div></body></html>`
  );
}

const preview = (meeting: Meeting): string => `Microsoft Teams meeting\r\nJoin: ${meeting.joinWebUrl}\r\nMeeting ID: ${meeting.joinMeetingId}\r\nPasscode: ${meeting.passcode}`;

/**
 * The event a meeting is on `owner`'s calendar (https://learn.microsoft.com/graph/api/resources/event):
 * the same join URL, organizer and attendees as its onlineMeeting. `start` and `end` are in `zone`
 * (`Prefer: outlook.timezone`), UTC without it; the original zones stay UTC, where Teams made them.
 */
export function toGraphEvent(meeting: Meeting, owner: User, organizer: User, webOrigin: string, zone?: EventTimeZone): Record<string, unknown> {
  const id = eventIdFor(owner.id, meeting.id);
  const isOrganizer = owner.id === organizer.id;
  const attendees = (meeting.settings.attendees ?? []).map((a) => ({
    type: 'required',
    status: { response: 'none', time: '0001-01-01T00:00:00Z' },
    emailAddress: { name: a.displayName ?? a.upn, address: a.upn },
  }));
  const location = { displayName: 'Microsoft Teams Meeting', locationType: 'default', uniqueId: 'Microsoft Teams Meeting', uniqueIdType: 'private' };
  const iCalUId = `040000008200E00074C5B7101A82E008${Buffer.from(meeting.id).toString('hex').slice(0, 64).toUpperCase()}`;
  return {
    id,
    createdDateTime: meeting.creationDateTime,
    lastModifiedDateTime: meeting.creationDateTime,
    changeKey: Buffer.from(`${meeting.id}|${meeting.creationDateTime}`).toString('base64').slice(0, 40),
    categories: [],
    transactionId: null,
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: meeting.subject,
    bodyPreview: preview(meeting),
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: false,
    isCancelled: false,
    isOrganizer,
    responseRequested: true,
    seriesMasterId: null,
    showAs: isOrganizer ? 'busy' : 'tentative',
    type: 'singleInstance',
    webLink: `${webOrigin}/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: true,
    onlineMeetingProvider: 'teamsForBusiness',
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    responseStatus: { response: isOrganizer ? 'organizer' : 'none', time: '0001-01-01T00:00:00Z' },
    body: { contentType: 'html', content: invitation(meeting) },
    start: { dateTime: localDateTime(meeting.startDateTime, zone), timeZone: zone?.name ?? 'UTC' },
    end: { dateTime: localDateTime(meeting.endDateTime, zone), timeZone: zone?.name ?? 'UTC' },
    location,
    locations: [location],
    recurrence: null,
    attendees,
    organizer: { emailAddress: { name: organizer.displayName, address: address(organizer) } },
    onlineMeeting: { joinUrl: meeting.joinWebUrl, conferenceId: meeting.joinMeetingId, tollNumber: null },
  };
}
