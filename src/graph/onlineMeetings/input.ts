import { excerpt } from '../../runtime/excerpt.js';
import type { MeetingAttendee, MeetingSettings } from '../../domain/meetings.js';
import { findUser } from '../../domain/users.js';
import type { DomainContext } from '../../domain/context.js';
import { badRequest } from '../../http/errors.js';
import { parseEnumInput } from '../../http/evolvableEnums.js';

/** The onlineMeeting body of a create or createOrGet request, checked as Graph checks it. */
export interface OnlineMeetingInput {
  subject?: string | null;
  startDateTime?: string;
  endDateTime?: string;
  externalId?: string;
  settings: MeetingSettings;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`Invalid value for property '${name}': a string was expected.`);
  return v;
}

function optionalDate(body: Record<string, unknown>, name: string): string | undefined {
  const v = optionalString(body, name);
  if (v === undefined) return undefined;
  if (Number.isNaN(Date.parse(v))) throw badRequest(`Cannot convert the literal '${excerpt(v)}' to the expected type 'Edm.DateTimeOffset'.`);
  return new Date(Date.parse(v)).toISOString();
}

function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`Invalid value for property '${name}': a boolean was expected.`);
  return v;
}

async function parseAttendees(ctx: DomainContext, tenantId: string, value: unknown, includeUnknown: boolean): Promise<MeetingAttendee[]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("Invalid value for property 'participants.attendees': an array was expected.");
  const out: MeetingAttendee[] = [];
  for (const item of value) {
    if (!isObject(item)) throw badRequest("Invalid value in 'participants.attendees': an object was expected.");
    const identity = isObject(item['identity']) ? item['identity'] : {};
    const user = isObject(identity['user']) ? identity['user'] : {};
    const userId = typeof user['id'] === 'string' ? user['id'] : null;
    const upn = typeof item['upn'] === 'string' ? item['upn'] : null;
    const known = userId !== null ? await findUser(ctx, tenantId, userId) : upn !== null ? await findUser(ctx, tenantId, upn) : undefined;
    out.push({
      userId: known?.id ?? userId,
      upn: known?.userPrincipalName ?? upn,
      displayName: known?.displayName ?? (typeof user['displayName'] === 'string' ? user['displayName'] : null),
      role: item['role'] === undefined || item['role'] === null ? 'attendee' : parseEnumInput('onlineMeetingRole', item['role'], 'role', includeUnknown),
    });
  }
  return out;
}

export async function parseOnlineMeetingInput(ctx: DomainContext, tenantId: string, body: unknown, includeUnknown: boolean): Promise<OnlineMeetingInput> {
  if (!isObject(body)) throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  const startDateTime = optionalDate(body, 'startDateTime');
  const endDateTime = optionalDate(body, 'endDateTime');
  if (startDateTime !== undefined && endDateTime !== undefined && Date.parse(endDateTime) < Date.parse(startDateTime)) {
    throw badRequest('The meeting end time must be after the start time.');
  }
  const participants = isObject(body['participants']) ? body['participants'] : {};
  const lobby = isObject(body['lobbyBypassSettings']) ? body['lobbyBypassSettings'] : undefined;
  const settings: MeetingSettings = {
    attendees: await parseAttendees(ctx, tenantId, participants['attendees'], includeUnknown),
  };
  if (body['allowedPresenters'] !== undefined && body['allowedPresenters'] !== null) {
    settings.allowedPresenters = parseEnumInput('onlineMeetingPresenters', body['allowedPresenters'], 'allowedPresenters', includeUnknown);
  }
  if (body['allowMeetingChat'] !== undefined && body['allowMeetingChat'] !== null) {
    settings.allowMeetingChat = parseEnumInput('meetingChatMode', body['allowMeetingChat'], 'allowMeetingChat', includeUnknown);
  }
  if (lobby !== undefined) {
    if (lobby['scope'] !== undefined && lobby['scope'] !== null) settings.lobbyBypassScope = parseEnumInput('lobbyBypassScope', lobby['scope'], 'scope', includeUnknown);
    const dialIn = optionalBoolean(lobby, 'isDialInBypassEnabled');
    if (dialIn !== undefined) settings.isDialInBypassEnabled = dialIn;
  }
  for (const name of [
    'isEntryExitAnnounced',
    'recordAutomatically',
    'allowTeamworkReactions',
    'allowAttendeeToEnableCamera',
    'allowAttendeeToEnableMic',
    'allowRecording',
    'allowTranscription',
  ] as const) {
    const v = optionalBoolean(body, name);
    if (v !== undefined) settings[name] = v;
  }
  const subject = optionalString(body, 'subject');
  const externalId = optionalString(body, 'externalId');
  return {
    ...(subject !== undefined ? { subject } : {}),
    ...(startDateTime !== undefined ? { startDateTime } : {}),
    ...(endDateTime !== undefined ? { endDateTime } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
    settings,
  };
}
