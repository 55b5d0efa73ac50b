import { artifactBlobKeysOfMeeting, repointMeetingArtifacts } from '../domain/artifacts.js';
import { SEED_APPLICATION_PERMISSIONS, SEED_DELEGATED_PERMISSIONS } from '../domain/permissions.js';
import { createAccessPolicy } from '../domain/accessPolicies.js';
import { createApp } from '../domain/apps.js';
import { createCall, findCall } from '../domain/calls.js';
import type { DomainContext } from '../domain/context.js';
import { meetingIdFor } from '../domain/ids.js';
import { createMeeting, findMeeting } from '../domain/meetings.js';
import { createTenant, findTenant } from '../domain/tenants.js';
import { createUser } from '../domain/users.js';
import { ensureDemoCallRecord } from './demoCalls.js';
import type { ContentStore } from '../store/blobs.js';
import { storeRecordingContent, storeTranscriptContent } from './content/artifactContent.js';
import { recordEndedCall } from './meetingScenario.js';

/** `19:meeting_{Base64 of the GUID's text}@thread.v2` (36 characters: no padding). */
function threadOf(guid: string): string {
  return `19:meeting_${Buffer.from(guid).toString('base64')}@thread.v2`;
}

/**
 * The demo tenant every fresh store starts with. Its ids and secret are fixed, so READMEs, scripts
 * and tests can name them; everything else about it is ordinary data, made through the domain.
 */
export const DEMO = {
  tenantId: '7d3f2a61-5c4e-4b8a-9f21-0c6e8b5d4a17',
  tenantDomain: 'contoso.onmicrosoft.com',
  clientId: '3f6b1c2d-8e4a-4d7b-a5c9-6e1f0b2d3c48',
  clientSecret: 'Dem8Q~graph-comms-emulator.demo-secret.0001',
  appDisplayName: 'Contoso meeting bot (demo)',
  users: [
    { id: '8b081ef6-4792-4def-b2c9-c363a1bf41d5', upn: 'adele.vance@contoso.onmicrosoft.com', displayName: 'Adele Vance', givenName: 'Adele', surname: 'Vance', jobTitle: 'Product Manager' },
    { id: '1c9165ff-ae92-49af-89b4-415554a36a51', upn: 'megan.bowen@contoso.onmicrosoft.com', displayName: 'Megan Bowen', givenName: 'Megan', surname: 'Bowen', jobTitle: 'Marketing Manager' },
    { id: 'b935e675-5e67-48b9-8d45-249d5f88e964', upn: 'alex.wilber@contoso.onmicrosoft.com', displayName: 'Alex Wilber', givenName: 'Alex', surname: 'Wilber', jobTitle: 'Marketing Assistant' },
    { id: '4d2c6a3b-7f1e-4c9d-8b0a-5e3f1d2c6b7a', upn: 'lee.gu@contoso.onmicrosoft.com', displayName: 'Lee Gu', givenName: 'Lee', surname: 'Gu', jobTitle: 'Director' },
    { id: '9e8d7c6b-5a4f-4e3d-b2c1-0a9f8e7d6c5b', upn: 'nestor.wilke@contoso.onmicrosoft.com', displayName: 'Nestor Wilke', givenName: 'Nestor', surname: 'Wilke', jobTitle: 'Director' },
  ],
  /** Demo users' password for the password grant. */
  password: 'Passw0rd!',
  // Chat threads as Teams names them: `19:meeting_` + Base64 of a GUID (the seeds' meeting ids decode to
  // `19:meeting_OTBlOTcxMzAtNzc0YS00YzA1LThiZWEtZThkM2Y4ZDJhYTA1@thread.v2`, the GUID 90e97130-774a-…).
  meetingThreadId: threadOf('5d3e9b1c-7a24-4f8e-9c61-2b8d4e0f7a93'),
  secondMeetingThreadId: threadOf('a8c41e6f-2d3b-4b5a-8e97-6f1c0d2e3b45'),
  thirdMeetingThreadId: threadOf('0f7b2c9d-4e1a-4c8b-b3d6-9a5e8f1c2d70'),
  /** The weekly sync's thread in stores seeded before the ids encoded a GUID: such a store keeps its meeting. */
  legacyMeetingThreadId: '19:meeting_ZGVtby1tZWV0aW5nLTAwMDEtY29udG9zby13ZWVrbHk@thread.v2',
  finishedCallId: '57dab8b1-894c-409a-b240-bd8beae78896',
  callRecordId: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
  liveCallId: 'af630fe0-04d3-4559-8cf9-91fe45e36296',
  liveCallChainId: '2d6a1e4f-3b5c-4a7d-9e8f-1c0b2a3d4e5f',
  accessPolicyName: 'Contoso meeting bot policy',
} as const;

/** What `GET /_emulator/demo` returns (the control API's field names). */
export interface DemoTenant {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  organizerUserId: string;
  /** A meeting of the organizer that has a recording and a transcript. */
  meetingId: string;
  callRecordId: string;
  /** A live call the demo app may update the recording status of. */
  callId: string;
  users: Array<{ id: string; userPrincipalName: string; displayName: string; password: string }>;
  caCertificate: string | null;
}

const [adele, megan, alex, lee, nestor] = DEMO.users;

export const demoMeetingId = (): string => meetingIdFor(adele.id, DEMO.meetingThreadId);

/** The demo meeting's id in this store: demoMeetingId(), or the legacy one a store seeded by an earlier version holds. */
export async function storedDemoMeetingId(ctx: DomainContext): Promise<string> {
  const legacy = meetingIdFor(adele.id, DEMO.legacyMeetingThreadId);
  return (await findMeeting(ctx, legacy)) !== undefined ? legacy : demoMeetingId();
}

export function demoTenantInfo(caCertificate: string | undefined, meetingId = demoMeetingId()): DemoTenant {
  return {
    tenantId: DEMO.tenantId,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    organizerUserId: adele.id,
    meetingId,
    callRecordId: DEMO.callRecordId,
    callId: DEMO.liveCallId,
    users: DEMO.users.map((u) => ({ id: u.id, userPrincipalName: u.upn, displayName: u.displayName, password: DEMO.password })),
    caCertificate: caCertificate ?? null,
  };
}

/** Create the demo tenant unless it exists; safe to call on every start. */
export async function ensureDemoTenant(ctx: DomainContext): Promise<void> {
  if ((await findTenant(ctx, DEMO.tenantId)) !== undefined) return ensureDemoCallRecord(ctx, DEMO);
  try {
    await createTenant(ctx, { id: DEMO.tenantId, displayName: 'Contoso', domain: DEMO.tenantDomain });
  } catch (err) {
    // Another instance on the same database created it first (the tenant row is the seed's claim).
    if ((await findTenant(ctx, DEMO.tenantId)) !== undefined) return;
    throw err;
  }
  for (const u of DEMO.users) {
    await createUser(ctx, {
      id: u.id,
      tenantId: DEMO.tenantId,
      userPrincipalName: u.upn,
      displayName: u.displayName,
      givenName: u.givenName,
      surname: u.surname,
      jobTitle: u.jobTitle,
      password: DEMO.password,
    });
  }
  await createApp(ctx, {
    clientId: DEMO.clientId,
    tenantId: DEMO.tenantId,
    displayName: DEMO.appDisplayName,
    clientSecret: DEMO.clientSecret,
    applicationPermissions: [...SEED_APPLICATION_PERMISSIONS],
    delegatedPermissions: [...SEED_DELEGATED_PERMISSIONS],
    redirectUris: ['http://localhost', 'http://localhost/callback'],
    // The demo app stands for desktop tools and scripts too: MSAL's PublicClientApplication uses it.
    isFallbackPublicClient: true,
  });
  // The organizers (Adele, Megan) grant the demo app access to their meetings; the others do not.
  await createAccessPolicy(ctx, {
    tenantId: DEMO.tenantId,
    name: DEMO.accessPolicyName,
    appIds: [DEMO.clientId],
    description: 'Lets the demo app read the demo organizers’ meetings and artifacts.',
    userIds: [adele.id, megan.id],
  });
  const now = ctx.clock.nowMs();
  // Scheduled a week ahead, as meetings are: each was made before it started (and ended).
  const creationDateTime = new Date(now - 7 * 86_400_000).toISOString();
  const weekly = await createMeeting(ctx, {
    creationDateTime,
    threadId: DEMO.meetingThreadId,
    tenantId: DEMO.tenantId,
    organizerId: adele.id,
    subject: 'Contoso weekly sync',
    startDateTime: new Date(now - 2 * 3_600_000).toISOString(),
    endDateTime: new Date(now - 3_600_000).toISOString(),
    settings: {
      attendees: [alex, lee, nestor].map((u) => ({ userId: u.id, upn: u.upn, displayName: u.displayName, role: 'attendee' })),
    },
  });
  const review = await createMeeting(ctx, {
    creationDateTime,
    threadId: DEMO.secondMeetingThreadId,
    tenantId: DEMO.tenantId,
    organizerId: megan.id,
    subject: 'Product review',
    startDateTime: new Date(now - 600_000).toISOString(),
    endDateTime: new Date(now + 3_000_000).toISOString(),
    settings: {
      attendees: [adele, alex].map((u) => ({ userId: u.id, upn: u.upn, displayName: u.displayName, role: 'presenter' })),
    },
  });
  await createMeeting(ctx, {
    creationDateTime,
    threadId: DEMO.thirdMeetingThreadId,
    tenantId: DEMO.tenantId,
    organizerId: adele.id,
    subject: 'Adele / Alex 1:1',
    startDateTime: new Date(now + 86_400_000).toISOString(),
    endDateTime: new Date(now + 86_400_000 + 1_800_000).toISOString(),
    settings: { attendees: [{ userId: alex.id, upn: alex.upn, displayName: alex.displayName, role: 'attendee' }] },
  });
  await createCall(ctx, {
    id: DEMO.finishedCallId,
    callChainId: DEMO.callRecordId,
    tenantId: DEMO.tenantId,
    meetingId: weekly.id,
    state: 'terminated',
    startedDateTime: weekly.startDateTime,
    endedDateTime: weekly.endDateTime,
  });
  await createCall(ctx, {
    id: DEMO.liveCallId,
    callChainId: DEMO.liveCallChainId,
    tenantId: DEMO.tenantId,
    meetingId: review.id,
    clientId: DEMO.clientId,
    state: 'established',
    startedDateTime: review.startDateTime,
  });
  await ensureDemoCallRecord(ctx, DEMO);
}

/**
 * The demo meeting's recording and transcript (`GET /_emulator/demo` names a meeting
 * that has both), made once through the same code as a simulated meeting. On later starts the rows
 * exist; their content is deterministic, so a blob store that was emptied (a temporary one beside
 * PostgreSQL) is refilled with the same bytes under the same keys.
 */
export async function ensureDemoArtifacts(ctx: DomainContext, blobs: ContentStore): Promise<void> {
  const meetingId = await storedDemoMeetingId(ctx);
  const meeting = await findMeeting(ctx, meetingId);
  const call = await findCall(ctx, DEMO.finishedCallId);
  if (meeting === undefined || call === undefined) return;
  const participantIds = [meeting.organizerId, ...(meeting.settings.attendees ?? []).flatMap((a) => (a.userId === null ? [] : [a.userId]))];
  const existing = await artifactBlobKeysOfMeeting(ctx, meetingId);
  if (existing.length === 0) {
    await recordEndedCall(ctx, blobs, { tenantId: meeting.tenantId, organizerId: meeting.organizerId, meetingId, adhocCallId: null, call, participantIds }, {});
    return;
  }
  const missing = [];
  for (const key of existing) if (!(await blobs.has(key))) missing.push(key);
  if (missing.length === 0) return;
  const recording = await storeRecordingContent(blobs);
  const speakers: string[] = [];
  for (const id of participantIds) {
    const user = DEMO.users.find((u) => u.id === id);
    if (user !== undefined) speakers.push(user.displayName);
  }
  const transcript = await storeTranscriptContent(blobs, speakers, Date.parse(call.startedDateTime));
  // Bytes an earlier version wrote in another layout (metadataContent's JSON was pretty-printed) had other keys.
  const remade = new Set([recording.blobKey, transcript.content.blobKey, transcript.metadata.blobKey]);
  if (missing.some((key) => !remade.has(key))) await repointMeetingArtifacts(ctx, meetingId, recording, transcript);
}
