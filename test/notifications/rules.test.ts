import { describe, expect, it } from 'vitest';
import { useEmulator, useWebhookReceiver } from '../support/emulator.js';
import { produceCallRecord, produceRecording, produceTranscript, type Produced } from '../support/artifactChanges.js';
import { control, mintToken } from '../graph/support/http.js';
import { deliveries, flush, inMinutes, subscribe } from './support.js';

const emu = useEmulator();
const receiver = useWebhookReceiver();

async function sub(resource: string, version: 'v1.0' | 'beta' = 'v1.0', extra: Record<string, unknown> = {}): Promise<string> {
  const res = await subscribe(emu, { changeType: 'created', notificationUrl: `${receiver.url}/rules`, resource, expirationDateTime: inMinutes(emu, 50), ...extra }, { version });
  if (res.status !== 201) throw new Error(`subscribe ${resource}: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body['id']);
}

/** Which subscriptions got a notification for the produced change (from the delivery log). */
async function notified(produced: Produced): Promise<string[]> {
  await flush(emu);
  const log = await deliveries(emu, '?kind=change');
  return log
    .filter((d) => (d.payload['resourceData'] as { id: string }).id === produced.id)
    .map((d) => d.subscriptionId)
    .sort();
}

describe('scope matching', () => {
  it('sends each change to exactly the subscriptions whose resource covers it', async () => {
    const { tenantId, organizerUserId: organizer, meetingId } = emu.demo;
    const other = await control<{ id: string }>(emu, 'POST', `/tenants/${tenantId}/users`, { userPrincipalName: `other${Date.now()}@contoso.com`, displayName: 'Other' });
    const otherMeeting = await control<{ id: string }>(emu, 'POST', `/tenants/${tenantId}/meetings`, { organizerId: other.id });
    const teamsAppId = '386bbcdb-1e1c-4f3f-b7d0-ad7b9ea6cf7c';
    await control(emu, 'POST', `/tenants/${tenantId}/teamsAppInstallations`, { meetingId, teamsAppId, clientId: emu.demo.clientId, rscPermissions: ['OnlineMeetingRecording.Read.Chat'] });
    const callId = '5f3640e7-a59c-4bec-82ca-e66251f795b7';
    const s = {
      tenantMeetings: await sub('communications/onlineMeetings/getAllRecordings'),
      tenantAdhoc: await sub('communications/adhocCalls/getAllRecordings', 'beta'),
      meeting: await sub(`communications/onlineMeetings/${meetingId}/recordings`),
      otherMeeting: await sub(`communications/onlineMeetings/${otherMeeting.id}/recordings`),
      userMeetings: await sub(`users/${organizer}/onlineMeetings/getAllRecordings`),
      otherUserMeetings: await sub(`users/${other.id}/onlineMeetings/getAllRecordings`),
      userAdhoc: await sub(`users/${organizer}/adhocCalls/getAllRecordings`, 'beta'),
      adhocCall: await sub(`communications/adhocCalls/${callId}/recordings`, 'beta'),
      teamsApp: await sub(`appCatalogs/teamsApps/${teamsAppId}/installedToOnlineMeetings/getAllRecordings`, 'beta'),
      transcripts: await sub('communications/onlineMeetings/getAllTranscripts'),
    };
    const inMeeting = await produceRecording(emu, { tenantId, organizerId: organizer, meetingId });
    expect(await notified(inMeeting)).toEqual([s.tenantMeetings, s.meeting, s.userMeetings, s.teamsApp].sort());
    const inOtherMeeting = await produceRecording(emu, { tenantId, organizerId: other.id, meetingId: otherMeeting.id });
    expect(await notified(inOtherMeeting)).toEqual([s.tenantMeetings, s.otherMeeting, s.otherUserMeetings].sort());
    const adhoc = await produceRecording(emu, { tenantId, organizerId: organizer, meetingId: null, callId });
    expect(await notified(adhoc)).toEqual([s.tenantAdhoc, s.userAdhoc, s.adhocCall].sort());
    const otherAdhoc = await produceRecording(emu, { tenantId, organizerId: other.id, meetingId: null });
    expect(await notified(otherAdhoc)).toEqual([s.tenantAdhoc]);
  });

  it('never notifies for private channel meetings', async () => {
    const { tenantId, organizerUserId } = emu.demo;
    const id = await sub('communications/onlineMeetings/getAllTranscripts');
    const meeting = await control<{ id: string }>(emu, 'POST', `/tenants/${tenantId}/meetings`, { organizerId: organizerUserId, kind: 'privateChannel' });
    const produced = await produceTranscript(emu, { tenantId, organizerId: organizerUserId, meetingId: meeting.id, createdDateTime: inMinutes(emu, 1) });
    expect(await notified(produced)).toEqual([]);
    const channel = await control<{ id: string }>(emu, 'POST', `/tenants/${tenantId}/meetings`, { organizerId: organizerUserId, kind: 'channel' });
    const visible = await produceTranscript(emu, { tenantId, organizerId: organizerUserId, meetingId: channel.id, createdDateTime: inMinutes(emu, 1) });
    expect(await notified(visible)).toContain(id);
  });

  it('notifies a transcript only to subscriptions created before transcription started', async () => {
    const { tenantId, organizerUserId, meetingId } = emu.demo;
    const startedBefore = new Date(emu.clock.nowMs() - 60_000).toISOString();
    const id = await sub(`communications/onlineMeetings/${meetingId}/transcripts`);
    const early = await produceTranscript(emu, { tenantId, organizerId: organizerUserId, meetingId, createdDateTime: startedBefore });
    expect(await notified(early)).not.toContain(id);
    const late = await produceTranscript(emu, { tenantId, organizerId: organizerUserId, meetingId, createdDateTime: inMinutes(emu, 1) });
    expect(await notified(late)).toContain(id);
    // Recordings have no such rule.
    const recordings = await sub(`communications/onlineMeetings/${meetingId}/recordings`);
    const recording = await produceRecording(emu, { tenantId, organizerId: organizerUserId, meetingId, createdDateTime: startedBefore });
    expect(await notified(recording)).toContain(recordings);
  });

  it('honours changeType and tenant', async () => {
    const { tenantId, organizerUserId } = emu.demo;
    const createdOnly = await sub('communications/callRecords');
    const both = await sub('communications/callRecords', 'v1.0', { changeType: 'created,updated' });
    const updated = await produceCallRecord(emu, { tenantId, organizerId: organizerUserId, changeType: 'updated' });
    const got = await notified(updated);
    expect(got).toContain(both);
    expect(got).not.toContain(createdOnly);
    const elsewhere = await control<{ id: string }>(emu, 'POST', '/tenants', { displayName: 'Fabrikam' });
    const foreign = await produceCallRecord(emu, { tenantId: elsewhere.id, organizerId: organizerUserId });
    expect(await notified(foreign)).toEqual([]);
  });

  it('a deleted subscription gets nothing more', async () => {
    const { tenantId, organizerUserId, meetingId } = emu.demo;
    const id = await sub(`communications/onlineMeetings/${meetingId}/recordings`);
    const token = await mintToken(emu);
    expect((await fetch(`${emu.url}/v1.0/subscriptions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
    expect(await notified(await produceRecording(emu, { tenantId, organizerId: organizerUserId, meetingId }))).not.toContain(id);
  });
});
