import type { PermissionRule } from './permissions.js';

/**
 * The resource strings a change-notification subscription may name (https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript; https://learn.microsoft.com/graph/api/resources/subscription):
 * what each listens to, on which Graph versions, with which permissions, for how long.
 */
export type SubscribedArtifact = 'recording' | 'transcript' | 'callRecord' | 'meetingCallEvent';

export type ResourceKind = 'tenantMeetings' | 'tenantAdhocCalls' | 'meeting' | 'adhocCall' | 'userMeetings' | 'userAdhocCalls' | 'teamsApp' | 'callRecords' | 'meetingCallEvents';

export interface ResourcePattern {
  readonly kind: ResourceKind;
  readonly artifact: SubscribedArtifact;
  /** The id segment of the resource string (user, meeting, call or Teams app), when it has one. */
  readonly scopeId: string | null;
  /** `?useResourceSpecificConsentBasedAuthorization=true` was given (meeting and Teams-app scopes only). */
  readonly rsc: boolean;
  readonly betaOnly: boolean;
  readonly permissions: PermissionRule;
  /** Longest lifetime Graph grants, in minutes (change-notifications-subscription-lifetime.md). */
  readonly maxLifetimeMinutes: number;
  /** The changeType values the resource raises. */
  readonly changeTypes: readonly string[];
  readonly supportsResourceData: boolean;
  /** Teams resources need a lifecycleNotificationUrl beyond one hour (https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript). */
  readonly needsLifecycleUrlBeyondOneHour: boolean;
}

const RECORDING_ALL = 'OnlineMeetingRecording.Read.All';
const TRANSCRIPT_ALL = 'OnlineMeetingTranscript.Read.All';

/** The permission tables of https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript, per resource pattern and artifact. */
function permissionsFor(kind: ResourceKind, artifact: SubscribedArtifact, rsc: boolean): PermissionRule {
  const meetingAll = artifact === 'recording' ? RECORDING_ALL : TRANSCRIPT_ALL;
  const meetingChat = artifact === 'recording' ? 'OnlineMeetingRecording.Read.Chat' : 'OnlineMeetingTranscript.Read.Chat';
  const callAll = artifact === 'recording' ? 'CallRecordings.Read.All' : 'CallTranscripts.Read.All';
  switch (kind) {
    case 'tenantMeetings':
      return { delegated: null, application: [meetingAll] };
    case 'tenantAdhocCalls':
      return { delegated: null, application: [callAll] };
    case 'meeting':
      return { delegated: [meetingAll], application: [meetingAll], ...(rsc ? { rsc: [meetingChat] } : {}) };
    case 'adhocCall':
      // Transcripts of one ad hoc call are delegated only; recordings both.
      return { delegated: [callAll], application: artifact === 'transcript' ? null : [callAll] };
    case 'userMeetings':
      return { delegated: [meetingAll], application: [meetingAll] };
    case 'userAdhocCalls':
      return { delegated: [callAll], application: [callAll] };
    case 'teamsApp':
      return { delegated: null, application: [meetingAll], ...(rsc ? { rsc: [meetingChat] } : {}) };
    case 'callRecords':
      return { delegated: null, application: ['CallRecords.Read.All'] };
    case 'meetingCallEvents':
      return { delegated: null, application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'] };
  }
}

/**
 * `communications/onlineMeetings(joinWebUrl='{URL-encoded joinWebUrl}')/meetingCallEvents`, beta and
 * application only, `updated`, rich or basic, three days at most
 * (https://learn.microsoft.com/graph/changenotifications-for-onlinemeeting). The scope is the meeting's
 * join URL as onlineMeeting.joinWebUrl has it: the argument decoded once (an argument that is already
 * a plain https URL is taken as given).
 */
const MEETING_CALL_EVENTS = /^\/?communications\/onlinemeetings\(joinweburl='([^']+)'\)\/meetingcallevents\/?$/i;

function meetingCallEvents(path: string): ResourcePattern | undefined {
  const match = MEETING_CALL_EVENTS.exec(path);
  if (match === null) return undefined;
  const argument = match[1]!;
  let joinWebUrl: string;
  try {
    joinWebUrl = /^https?:\/\//i.test(argument) ? argument : decodeURIComponent(argument);
  } catch {
    return undefined;
  }
  if (!/^https?:\/\//i.test(joinWebUrl)) return undefined;
  return {
    kind: 'meetingCallEvents',
    artifact: 'meetingCallEvent',
    scopeId: joinWebUrl,
    rsc: false,
    betaOnly: true,
    permissions: permissionsFor('meetingCallEvents', 'meetingCallEvent', false),
    maxLifetimeMinutes: 4320,
    changeTypes: ['updated'],
    supportsResourceData: true,
    needsLifecycleUrlBeyondOneHour: true,
  };
}

const RSC_SWITCH = 'useresourcespecificconsentbasedauthorization';

export type ParsedResource = { ok: true; pattern: ResourcePattern } | { ok: false; reason: 'unknown' | 'rscNotAllowed' | 'badQuery' };

/**
 * Parse a subscription's resource string. Graph takes it without the base URL; a leading slash is
 * tolerated (the callRecords doc writes `/communications/callRecords`). Segment names are
 * case-insensitive, ids are kept as given.
 */
export function parseSubscriptionResource(resource: string): ParsedResource {
  const [rawPath = '', query] = resource.split('?', 2) as [string, string | undefined];
  let rsc = false;
  if (query !== undefined) {
    const params = new URLSearchParams(query);
    for (const [name, value] of params) {
      if (name.toLowerCase() !== RSC_SWITCH) return { ok: false, reason: 'badQuery' };
      if (value.toLowerCase() === 'true') rsc = true;
      else if (value.toLowerCase() !== 'false') return { ok: false, reason: 'badQuery' };
    }
  }
  if (query === undefined) {
    const callEvents = meetingCallEvents(rawPath);
    if (callEvents !== undefined) return { ok: true, pattern: callEvents };
  }
  const segments = rawPath.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  const lower = segments.map((s) => s.toLowerCase());
  const last = lower[lower.length - 1];
  const artifactOf = (name: string | undefined): SubscribedArtifact | undefined =>
    name === 'getallrecordings' || name === 'recordings' ? 'recording' : name === 'getalltranscripts' || name === 'transcripts' ? 'transcript' : undefined;
  const make = (kind: ResourceKind, artifact: SubscribedArtifact, scopeId: string | null): ParsedResource => {
    const rscCapable = kind === 'meeting' || kind === 'teamsApp';
    if (rsc && !rscCapable) return { ok: false, reason: 'rscNotAllowed' };
    const isCallRecords = kind === 'callRecords';
    return {
      ok: true,
      pattern: {
        kind,
        artifact,
        scopeId,
        rsc,
        // The page marks only these "available only on the /beta endpoint"; the other ad hoc resources are on v1.0 too
        // (its adhocCall resource supports change notifications: https://learn.microsoft.com/graph/api/resources/adhoccall).
        betaOnly: kind === 'teamsApp' || (kind === 'tenantAdhocCalls' && artifact === 'transcript'),
        permissions: permissionsFor(kind, artifact, rsc),
        maxLifetimeMinutes: isCallRecords ? 4230 : 4320,
        changeTypes: isCallRecords ? ['created', 'updated'] : ['created'],
        supportsResourceData: !isCallRecords,
        needsLifecycleUrlBeyondOneHour: !isCallRecords,
      },
    };
  };
  const validId = (id: string | undefined): id is string => id !== undefined && id !== '' && !/[()'"\s]/.test(id);

  if (lower.length === 2 && lower[0] === 'communications' && lower[1] === 'callrecords' && query === undefined) return make('callRecords', 'callRecord', null);
  if (lower.length === 3 && lower[0] === 'communications') {
    const artifact = artifactOf(last);
    if (artifact !== undefined && last!.startsWith('getall')) {
      if (lower[1] === 'onlinemeetings') return make('tenantMeetings', artifact, null);
      if (lower[1] === 'adhoccalls') return make('tenantAdhocCalls', artifact, null);
    }
  }
  if (lower.length === 4 && lower[0] === 'communications' && (last === 'recordings' || last === 'transcripts') && validId(segments[2])) {
    const artifact = artifactOf(last)!;
    if (lower[1] === 'onlinemeetings') return make('meeting', artifact, segments[2]);
    if (lower[1] === 'adhoccalls') return make('adhocCall', artifact, segments[2]);
  }
  if (lower.length === 4 && lower[0] === 'users' && validId(segments[1]) && (last === 'getallrecordings' || last === 'getalltranscripts')) {
    const artifact = artifactOf(last)!;
    if (lower[2] === 'onlinemeetings') return make('userMeetings', artifact, segments[1]!.toLowerCase());
    if (lower[2] === 'adhoccalls') return make('userAdhocCalls', artifact, segments[1]!.toLowerCase());
  }
  if (
    lower.length === 5 &&
    lower[0] === 'appcatalogs' &&
    lower[1] === 'teamsapps' &&
    validId(segments[2]) &&
    lower[3] === 'installedtoonlinemeetings' &&
    (last === 'getallrecordings' || last === 'getalltranscripts')
  ) {
    return make('teamsApp', artifactOf(last)!, segments[2]!);
  }
  return { ok: false, reason: 'unknown' };
}

/** What a subscription needs to know about a change to decide whether it matches. */
export interface ChangeScope {
  readonly artifact: SubscribedArtifact;
  readonly tenantId: string;
  readonly organizerId: string | null;
  /** null for ad hoc calls. */
  readonly meetingId: string | null;
  readonly callId: string | null;
  /** Teams apps installed in the meeting (for appCatalogs/teamsApps/{id}/… subscriptions). */
  readonly installedTeamsAppIds: readonly string[];
  /** The meeting's join URL (for meetingCallEvents subscriptions). */
  readonly joinWebUrl?: string | null;
}

/** Does a subscription of this kind and scope id cover the change? (tenant and artifact already match) */
export function scopeMatches(kind: ResourceKind, scopeId: string | null, change: ChangeScope): boolean {
  const adhoc = change.meetingId === null;
  switch (kind) {
    case 'callRecords':
      return true;
    case 'tenantMeetings':
      return !adhoc;
    case 'tenantAdhocCalls':
      return adhoc;
    case 'meeting':
      return !adhoc && change.meetingId === scopeId;
    case 'adhocCall':
      return adhoc && change.callId !== null && change.callId.toLowerCase() === scopeId?.toLowerCase();
    case 'userMeetings':
      return !adhoc && change.organizerId?.toLowerCase() === scopeId;
    case 'userAdhocCalls':
      return adhoc && change.organizerId?.toLowerCase() === scopeId;
    case 'teamsApp':
      return !adhoc && change.installedTeamsAppIds.some((id) => id.toLowerCase() === scopeId?.toLowerCase());
    case 'meetingCallEvents':
      return !adhoc && change.joinWebUrl !== undefined && change.joinWebUrl !== null && change.joinWebUrl === scopeId;
  }
}
