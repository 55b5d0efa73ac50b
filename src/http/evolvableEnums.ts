import { excerpt } from '../runtime/excerpt.js';
import { badRequest } from './errors.js';

/**
 * Evolvable enums (api-guidelines evolvable-enums.md;
 * https://learn.microsoft.com/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations):
 * members listed after `unknownFutureValue` are sent as `unknownFutureValue` unless the client sent
 * `Prefer: include-unknown-enum-members`, and are refused in request bodies without it.
 * Member lists are Microsoft's, in CSDL order (graph-schema types-meta).
 */
export const EVOLVABLE_ENUMS = {
  onlineMeetingRole: ['attendee', 'presenter', 'unknownFutureValue', 'producer', 'coorganizer'],
  lobbyBypassScope: ['organizer', 'organization', 'organizationAndFederated', 'everyone', 'unknownFutureValue', 'invited', 'organizationExcludingGuests'],
  onlineMeetingPresenters: ['everyone', 'organization', 'roleIsPresenter', 'organizer', 'unknownFutureValue'],
  meetingChatMode: ['enabled', 'disabled', 'limited', 'unknownFutureValue'],
  teamworkUserIdentityType: ['aadUser', 'onPremiseAadUser', 'anonymousGuest', 'federatedUser', 'personalMicrosoftAccountUser', 'skypeUser', 'phoneUser', 'unknownFutureValue', 'emailUser'],
  /** microsoft.graph.callRecords.productFamily (client user agents in call records). */
  productFamily: ['unknown', 'teams', 'skypeForBusiness', 'lync', 'unknownFutureValue', 'azureCommunicationServices'],
  recordingStatus: ['unknown', 'notRecording', 'recording', 'failed', 'unknownFutureValue'],
} as const satisfies Record<string, readonly string[]>;

export type EvolvableEnum = keyof typeof EVOLVABLE_ENUMS;
export type EnumMember<E extends EvolvableEnum> = (typeof EVOLVABLE_ENUMS)[E][number];

const SENTINEL = 'unknownFutureValue';

/** The wire value of a stored member for a client that did or did not opt in to new members. */
export function maskEnum<E extends EvolvableEnum>(name: E, value: string, includeUnknownMembers: boolean): string {
  if (includeUnknownMembers) return value;
  const members: readonly string[] = EVOLVABLE_ENUMS[name];
  const index = members.indexOf(value);
  return index > members.indexOf(SENTINEL) ? SENTINEL : value;
}

/** Validate a request value: members after the sentinel need the Prefer header; the sentinel itself is refused. */
export function parseEnumInput<E extends EvolvableEnum>(name: E, value: unknown, property: string, includeUnknownMembers: boolean): EnumMember<E> {
  const members: readonly string[] = EVOLVABLE_ENUMS[name];
  const member = typeof value === 'string' ? members.find((m) => m.toLowerCase() === value.toLowerCase()) : undefined;
  const sentinelIndex = members.indexOf(SENTINEL);
  if (member === undefined || member === SENTINEL || (!includeUnknownMembers && members.indexOf(member) > sentinelIndex)) {
    throw badRequest(`Invalid value '${excerpt(String(value))}' for property '${excerpt(property)}' of type 'microsoft.graph.${name}'.`);
  }
  return member as EnumMember<E>;
}
