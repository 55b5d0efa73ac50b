import { randomInt, randomUUID } from 'node:crypto';
import type { CallType, JsonObject, NewCallRecord } from '../domain/callRecords.js';

/**
 * Realistic call-record content: participants_v2 and organizer_v2 (communicationsIdentitySet), sessions
 * whose caller and callee endpoints carry client or service user agents and feedback, segments with
 * media (network, device) and per-direction streams with the quality figures Teams reports (jitter,
 * packet loss, round trip, audio degradation; durations as ISO 8601, as in https://learn.microsoft.com/graph/api/callrecords-callrecord-get). Sizes are the caller's to
 * choose: a meeting of 300 participants and 150 sessions exercises paging.
 */

export interface RecordPerson {
  id: string;
  displayName: string;
  userPrincipalName?: string | null;
}

export interface GeneratedRecordOptions {
  id: string;
  tenantId: string;
  organizer: RecordPerson | null;
  /** The people who took part; more synthetic guests are added up to `participantCount`. */
  people: RecordPerson[];
  participantCount?: number;
  sessionCount?: number;
  type?: CallType;
  modalities?: string[];
  startDateTime: string;
  endDateTime: string;
  joinWebUrl?: string | null;
  callId?: string | null;
  meetingId?: string | null;
  /** Every 7th session's caller joins from an Azure Communication Services client (an evolvable-enum member after the sentinel). Default true. */
  acsClients?: boolean;
}

export const MAX_PARTICIPANTS = 5000;
export const MAX_SESSIONS = 2000;

const pick = <T>(items: readonly T[]): T => items[randomInt(0, items.length)] as T;
const between = (lo: number, hi: number): number => lo + Math.random() * (hi - lo);
const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** `PT0.016S`: Edm.Duration as Graph writes stream figures. */
export function isoSeconds(ms: number): string {
  const seconds = round(ms / 1000, 3);
  return `PT${seconds}S`;
}

const CLIENTS = [
  {
    platform: 'windows',
    productFamily: 'teams',
    headerValue: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/24295.605.3225.8804 Chrome/124.0.6367.243 Electron/30.4.0 Safari/537.36',
    applicationVersion: '24295.605.3225.8804',
  },
  {
    platform: 'macOS',
    productFamily: 'teams',
    headerValue: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Teams/24277.3502.3161.3007',
    applicationVersion: '24277.3502.3161.3007',
  },
  { platform: 'iOS', productFamily: 'teams', headerValue: 'TeamsMobile-iOS/6.20.1 (iPhone15,2; iOS 17.6.1)', applicationVersion: '6.20.1' },
  { platform: 'android', productFamily: 'teams', headerValue: 'TeamsMobile-Android/1416/1.0.0.2024143203 (SM-S918B; Android 14)', applicationVersion: '1416/1.0.0.2024143203' },
  {
    platform: 'web',
    productFamily: 'teams',
    headerValue: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0 TeamsWeb/2.1',
    applicationVersion: '2.1',
  },
  { platform: 'roomSystem', productFamily: 'teams', headerValue: 'MicrosoftTeamsRoom/5.1.25.0 (Windows NT 10.0; Lenovo ThinkSmart Core)', applicationVersion: '5.1.25.0' },
] as const;

const ACS_CLIENT = {
  platform: 'web',
  productFamily: 'azureCommunicationServices',
  headerValue: 'azsdk-js-communication-calling/1.27.1 (Chrome 128.0.0.0; Windows NT 10.0)',
  applicationVersion: '1.27.1',
} as const;

const CAPTURE_DEVICES = ['Microphone Array (Realtek(R) Audio)', 'Jabra Evolve2 65', 'MacBook Pro Microphone', 'Headset Microphone (Poly BT700)', 'Default input device'];
const RENDER_DEVICES = ['Speakers (Realtek(R) Audio)', 'Jabra Evolve2 65', 'MacBook Pro Speakers', 'Headphones (Poly BT700)', 'Default output device'];
const RATINGS = ['excellent', 'good', 'good', 'fair', 'poor', 'bad'] as const;

function userIdentity(tenantId: string, person: RecordPerson): JsonObject {
  return { id: person.id, displayName: person.displayName, tenantId };
}

/** A participant/organizer entity: `id` + communicationsIdentitySet (example 3 of https://learn.microsoft.com/graph/api/callrecords-callrecord-get). */
function participantEntity(tenantId: string, person: RecordPerson): JsonObject {
  const guest = person.userPrincipalName === null;
  return {
    id: person.id,
    identity: guest ? { guest: { id: person.id, displayName: person.displayName } } : { user: userIdentity(tenantId, person) },
    administrativeUnitInfos: [],
  };
}

function clientEndpoint(tenantId: string, person: RecordPerson, index: number, acs: boolean, rated: boolean): JsonObject {
  const client = acs ? ACS_CLIENT : pick(CLIENTS);
  const endpoint: JsonObject = {
    '@odata.type': '#microsoft.graph.callRecords.participantEndpoint',
    name: `machineName_${index}`,
    cpuCoresCount: pick([4, 8, 12, 16]),
    cpuName: pick(['Intel(R) Core(TM) i7-1185G7 @ 3.00GHz', 'Apple M2 Pro', '11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz', 'AMD Ryzen 7 PRO 6850U']),
    cpuProcessorSpeedInMhz: pick([2600, 3000, 3200, 3504]),
    userAgent: {
      '@odata.type': '#microsoft.graph.callRecords.clientUserAgent',
      headerValue: client.headerValue,
      applicationVersion: client.applicationVersion,
      platform: client.platform,
      productFamily: client.productFamily,
      azureADAppId: null,
      communicationServiceId: acs ? randomUUID() : null,
    },
    identity: { user: userIdentity(tenantId, person) },
    associatedIdentity: {
      '@odata.type': '#microsoft.graph.callRecords.userIdentity',
      id: person.id,
      displayName: person.displayName,
      userPrincipalName: person.userPrincipalName ?? null,
    },
  };
  if (rated) endpoint['feedback'] = { rating: pick(RATINGS), text: null, tokens: {} };
  return endpoint;
}

/** The conferencing server a meeting's sessions connect to. */
function serviceEndpoint(): JsonObject {
  return {
    '@odata.type': '#microsoft.graph.callRecords.serviceEndpoint',
    userAgent: {
      '@odata.type': '#microsoft.graph.callRecords.serviceUserAgent',
      headerValue: 'UCCAPI/16.0.13.8022 OC/16.0.13.8022 (Microsoft Teams AV MCU)',
      applicationVersion: '16.0.13.8022',
      role: 'skypeForBusinessAudioVideoMcu',
    },
  };
}

function network(wifi: boolean): JsonObject {
  const octet = randomInt(2, 250);
  return {
    connectionType: wifi ? 'wifi' : 'wired',
    ipAddress: `10.150.${octet}.${randomInt(2, 250)}`,
    subnet: `10.150.${octet}.0`,
    linkSpeed: wifi ? pick([54_000_000, 300_000_000, 866_700_000]) : 1_000_000_000,
    port: randomInt(50000, 50060),
    reflexiveIPAddress: `203.0.113.${randomInt(2, 250)}`,
    relayIPAddress: `52.112.${randomInt(0, 255)}.${randomInt(2, 250)}`,
    relayPort: 3478,
    networkTransportProtocol: 'udp',
    dnsSuffix: 'corp.contoso.com',
    macAddress: Array.from({ length: 6 }, () => randomInt(0, 256).toString(16).padStart(2, '0'))
      .join('-')
      .toUpperCase(),
    bandwidthLowEventRatio: round(between(0, 0.02), 4),
    delayEventRatio: round(between(0, 0.01), 4),
    receivedQualityEventRatio: round(between(0, 0.03), 4),
    sentQualityEventRatio: round(between(0, 0.03), 4),
    basicServiceSetIdentifier: wifi ? '00-1A-2B-3C-4D-5E' : null,
    wifiBand: wifi ? 'frequency50GHz' : 'unknown',
    wifiRadioType: wifi ? 'wifi80211ac' : 'unknown',
    wifiChannel: wifi ? pick([36, 44, 149]) : null,
    wifiSignalStrength: wifi ? randomInt(60, 100) : null,
    wifiBatteryCharge: wifi ? randomInt(20, 100) : null,
    wifiMicrosoftDriver: null,
    wifiMicrosoftDriverVersion: null,
    wifiVendorDriver: wifi ? 'Intel(R) Wi-Fi 6E AX211 160MHz' : null,
    wifiVendorDriverVersion: wifi ? '23.40.0.4' : null,
    traceRouteHops: [
      { hopCount: 1, ipAddress: `10.150.${octet}.1`, roundTripTime: isoSeconds(between(1, 3)) },
      { hopCount: 2, ipAddress: '52.112.0.1', roundTripTime: isoSeconds(between(8, 25)) },
    ],
  };
}

function device(): JsonObject {
  return {
    captureDeviceName: pick(CAPTURE_DEVICES),
    captureDeviceDriver: 'Microsoft: 10.0.22621.1',
    renderDeviceName: pick(RENDER_DEVICES),
    renderDeviceDriver: 'Microsoft: 10.0.22621.1',
    receivedSignalLevel: randomInt(-30, -5),
    receivedNoiseLevel: randomInt(-80, -50),
    sentSignalLevel: randomInt(-30, -5),
    sentNoiseLevel: randomInt(-80, -50),
    initialSignalLevelRootMeanSquare: round(between(50, 400), 2),
    captureNotFunctioningEventRatio: 0,
    renderNotFunctioningEventRatio: 0,
    cpuInsufficentEventRatio: round(between(0, 0.01), 4),
    deviceClippingEventRatio: round(between(0, 0.01), 4),
    deviceGlitchEventRatio: round(between(0, 0.02), 4),
    howlingEventCount: 0,
    lowSpeechLevelEventRatio: round(between(0, 0.05), 4),
    lowSpeechToNoiseEventRatio: round(between(0, 0.05), 4),
    micGlitchRate: round(between(0, 5), 2),
    renderMuteEventRatio: 0,
    renderZeroVolumeEventRatio: 0,
    speakerGlitchRate: round(between(0, 5), 2),
  };
}

function stream(direction: 'callerToCallee' | 'calleeToCaller', video: boolean, start: string, end: string): JsonObject {
  const jitterMs = between(2, 30);
  const rttMs = between(15, 120);
  const loss = between(0, 0.02);
  return {
    streamId: String(randomInt(1_000_000_000, 2_147_483_647)),
    streamDirection: direction,
    startDateTime: start,
    endDateTime: end,
    audioCodec: video ? null : pick(['satin', 'silkWide', 'opus']),
    videoCodec: video ? pick(['h264', 'h264s', 'av1']) : null,
    averageAudioDegradation: video ? null : round(between(0, 1.2), 3),
    averageAudioNetworkJitter: video ? null : isoSeconds(jitterMs * 0.8),
    maxAudioNetworkJitter: video ? null : isoSeconds(jitterMs * 2.5),
    averageBandwidthEstimate: randomInt(video ? 1_500_000 : 60_000, video ? 6_000_000 : 500_000),
    averageJitter: isoSeconds(jitterMs),
    maxJitter: isoSeconds(jitterMs * 3),
    averagePacketLossRate: round(loss, 4),
    maxPacketLossRate: round(loss * 4, 4),
    postForwardErrorCorrectionPacketLossRate: round(loss / 3, 4),
    averageRoundTripTime: isoSeconds(rttMs),
    maxRoundTripTime: isoSeconds(rttMs * 2.2),
    averageRatioOfConcealedSamples: video ? null : round(between(0, 0.03), 4),
    maxRatioOfConcealedSamples: video ? null : round(between(0.03, 0.1), 4),
    averageReceivedFrameRate: video ? round(between(24, 30), 2) : null,
    averageVideoFrameRate: video ? round(between(24, 30), 2) : null,
    averageVideoFrameLossPercentage: video ? round(between(0, 2), 2) : null,
    averageVideoPacketLossRate: video ? round(loss, 4) : null,
    averageFreezeDuration: video ? isoSeconds(between(0, 400)) : null,
    rmsFreezeDuration: video ? isoSeconds(between(0, 600)) : null,
    lowFrameRateRatio: video ? round(between(0, 0.05), 4) : null,
    lowVideoProcessingCapabilityRatio: video ? round(between(0, 0.02), 4) : null,
    isAudioForwardErrorCorrectionUsed: !video && loss > 0.01,
    packetUtilization: randomInt(video ? 40_000 : 5_000, video ? 400_000 : 60_000),
    wasMediaBypassed: false,
  };
}

function media(label: string, video: boolean, start: string, end: string): JsonObject {
  return {
    label,
    callerNetwork: network(Math.random() < 0.5),
    calleeNetwork: network(false),
    callerDevice: device(),
    calleeDevice: device(),
    streams: [stream('callerToCallee', video, start, end), stream('calleeToCaller', video, start, end)],
  };
}

const LABELS: Readonly<Record<string, { label: string; video: boolean }>> = {
  audio: { label: 'main-audio', video: false },
  video: { label: 'main-video', video: true },
  screenSharing: { label: 'applicationsharing-video', video: true },
  videoBasedScreenSharing: { label: 'applicationsharing-video', video: true },
};

function segment(caller: JsonObject, callee: JsonObject, modalities: readonly string[], start: string, end: string): JsonObject {
  const mediaList = modalities.filter((m) => LABELS[m] !== undefined).map((m) => media(LABELS[m]!.label, LABELS[m]!.video, start, end));
  return { id: randomUUID(), startDateTime: start, endDateTime: end, caller, callee, failureInfo: null, media: mediaList };
}

/** Extra people beyond those given: guests joining anonymously, with stable-looking ids. */
function guests(count: number): RecordPerson[] {
  return Array.from({ length: count }, (_, i) => ({ id: randomUUID(), displayName: `Guest ${i + 1}`, userPrincipalName: null }));
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Sessions spread over the call: each participant's leg(s) to the conferencing service, in time order. */
function sessions(options: GeneratedRecordOptions, people: RecordPerson[], modalities: readonly string[], count: number): JsonObject[] {
  const startMs = Date.parse(options.startDateTime);
  const endMs = Math.max(Date.parse(options.endDateTime), startMs + 1000);
  const span = endMs - startMs;
  const peerToPeer = options.type === 'peerToPeer';
  const out: JsonObject[] = [];
  for (let i = 0; i < count; i++) {
    const person = people[i % Math.max(people.length, 1)] ?? { id: randomUUID(), displayName: 'Unknown', userPrincipalName: null };
    // Join within the first fifth of the call, leave within the last fifth (a few leave early).
    const joinMs = startMs + Math.floor((span * 0.2 * i) / Math.max(count, 1));
    const leaveMs = i % 9 === 4 ? startMs + Math.floor(span * 0.6) : endMs - Math.floor((span * 0.15 * (count - i)) / Math.max(count, 1));
    const start = iso(joinMs);
    const end = iso(Math.max(leaveMs, joinMs + 1000));
    const acs = options.acsClients !== false && i % 7 === 3;
    const caller = clientEndpoint(options.tenantId, person, 2 * i + 1, acs, false);
    const other = people[(i + 1) % Math.max(people.length, 1)] ?? person;
    const callee = peerToPeer ? clientEndpoint(options.tenantId, other, 2 * i + 2, false, i % 2 === 0) : serviceEndpoint();
    if (!peerToPeer && i % 3 === 0) caller['feedback'] = { rating: pick(RATINGS), text: null, tokens: {} };
    // A long leg is split where the client reconnected: two segments.
    const midMs = Math.floor((Date.parse(start) + Date.parse(end)) / 2);
    const segments =
      i % 5 === 0 && Date.parse(end) - Date.parse(start) > 60_000
        ? [segment(caller, callee, modalities, start, iso(midMs)), segment(caller, callee, modalities, iso(midMs), end)]
        : [segment(caller, callee, modalities, start, end)];
    out.push({ id: randomUUID(), modalities: [...modalities], startDateTime: start, endDateTime: end, isTest: false, caller, callee, failureInfo: null, segments });
  }
  return out;
}

/** A complete record ready for `createCallRecord`. */
export function generateCallRecord(options: GeneratedRecordOptions): NewCallRecord {
  const modalities = options.modalities ?? ['audio', 'video'];
  const given = options.organizer !== null && !options.people.some((p) => p.id === options.organizer?.id) ? [options.organizer, ...options.people] : options.people;
  const participantCount = Math.min(Math.max(options.participantCount ?? given.length, 1), MAX_PARTICIPANTS);
  const people = [...given.slice(0, participantCount), ...guests(Math.max(0, participantCount - given.length))];
  const sessionCount = Math.min(Math.max(options.sessionCount ?? people.length, 1), MAX_SESSIONS);
  const type = options.type ?? (people.length <= 2 && options.meetingId === null ? 'peerToPeer' : 'groupCall');
  return {
    id: options.id,
    tenantId: options.tenantId,
    callId: options.callId ?? null,
    meetingId: options.meetingId ?? null,
    organizerId: options.organizer?.id ?? null,
    type,
    modalities,
    joinWebUrl: options.joinWebUrl ?? null,
    startDateTime: options.startDateTime,
    endDateTime: options.endDateTime,
    organizerV2: options.organizer === null ? null : participantEntity(options.tenantId, options.organizer),
    participants: people.map((p) => participantEntity(options.tenantId, p)),
    sessions: sessions({ ...options, type }, people, modalities, sessionCount),
  };
}

/** Late telemetry for an existing record: a few more sessions of the same people. */
export function generateLateSessions(options: GeneratedRecordOptions, count: number): JsonObject[] {
  return sessions(options, options.people.length > 0 ? options.people : guests(1), options.modalities ?? ['audio'], count);
}
