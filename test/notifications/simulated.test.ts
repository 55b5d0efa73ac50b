import { describe, expect, it } from 'vitest';
import { expectGraphType } from '../support/graphSchema.js';
import { decryptNotification, type EncryptedContentWire } from '../support/notificationCrypto.js';
import { newMeeting, simulate } from '../graph/support/artifacts.js';
import { graph, mintToken } from '../graph/support/http.js';
import { deliveries, flush, inMinutes, subscribe, useNotificationRig } from './support.js';

/**
 * The whole pipeline from the control API: a simulated meeting's recording, transcript and call
 * record each reach a subscriber, the rich payload decrypting (with the test's own implementation)
 * to what GET serves, its links pointing at the emulator rather than Microsoft's host.
 */
describe('a simulated meeting notifies its subscribers', () => {
  const rig = useNotificationRig();

  it('recording (rich), transcript and call record arrive, each once', async () => {
    const rich = (path: string, resource: string) => ({
      changeType: 'created',
      notificationUrl: `${rig.receiver.url}${path}`,
      resource,
      includeResourceData: true,
      encryptionCertificate: rig.cert.certificateBase64Der,
      encryptionCertificateId: 'e2e',
      expirationDateTime: inMinutes(rig.emu, 55),
    });
    expect((await subscribe(rig.emu, rich('/recordings', 'communications/onlineMeetings/getAllRecordings'))).status).toBe(201);
    expect((await subscribe(rig.emu, { ...rich('/transcripts', 'communications/onlineMeetings/getAllTranscripts'), includeResourceData: false })).status).toBe(201);
    expect(
      (await subscribe(rig.emu, { changeType: 'created', notificationUrl: `${rig.receiver.url}/callRecords`, resource: 'communications/callRecords', expirationDateTime: inMinutes(rig.emu, 55) }))
        .status,
    ).toBe(201);

    const { organizerUserId } = rig.emu.demo;
    const meeting = await newMeeting(rig.emu, { organizerId: organizerUserId, subject: 'Notified', attendeeIds: [rig.emu.demo.users[1]!.id] });
    // Transcripts notify only subscriptions made before transcription started: the meeting starts later.
    const clock = await fetch(`${rig.emu.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: 'PT40M' }) });
    expect(clock.status).toBe(200);
    const sim = await simulate(rig.emu, meeting.id, { durationMinutes: 30 });
    await flush(rig.emu);

    const [recording] = await rig.receiver.waitForItems(1, 10_000, '/recordings');
    expect(recording).toMatchObject({ changeType: 'created', resource: `users/${organizerUserId}/onlineMeetings('${meeting.id}')/recordings('${sim.recordingId}')` });
    const data = await decryptNotification(rig.cert.privateKeyPem, recording!['encryptedContent'] as EncryptedContentWire);
    expectGraphType('v1.0', 'microsoft.graph.callRecording', data);
    const served = (await graph(rig.emu, `/v1.0/users/${organizerUserId}/onlineMeetings/${meeting.id}/recordings/${sim.recordingId}`, await mintToken(rig.emu))).body;
    expect(data['recordingContentUrl']).toBe(served['recordingContentUrl']);
    expect(String(data['recordingContentUrl']).startsWith(`${rig.emu.url}/v1.0/`)).toBe(true);
    expect(data).toMatchObject({ id: sim.recordingId, callId: sim.callId, meetingId: meeting.id, contentCorrelationId: sim.contentCorrelationId });
    // The decrypted recording ends with `"content": null`, as the seed's sample does.
    expect(Object.keys(data).at(-1)).toBe('content');
    expect(data['content']).toBeNull();

    const [transcript] = await rig.receiver.waitForItems(1, 10_000, '/transcripts');
    expect(transcript).toMatchObject({ resource: `users/${organizerUserId}/onlineMeetings('${meeting.id}')/transcripts('${sim.transcriptId}')` });
    expect(transcript).not.toHaveProperty('encryptedContent');

    const [record] = await rig.receiver.waitForItems(1, 10_000, '/callRecords');
    expect(record).toMatchObject({ changeType: 'created', resourceData: expect.objectContaining({ id: sim.callRecordId }) });

    // A meeting that started before the subscriptions: its recording notifies, its transcript does not.
    const earlier = await simulate(rig.emu, meeting.id, { durationMinutes: 45 });
    await flush(rig.emu);
    await rig.receiver.waitForItems(2, 10_000, '/recordings');
    expect(rig.receiver.items('/transcripts').some((item) => String(item['resource']).includes(earlier.transcriptId!))).toBe(false);

    // Exactly one delivery per subscription and change: nothing twice.
    const log = await deliveries(rig.emu);
    const forThisMeeting = log.filter((d) => JSON.stringify(d).includes(sim.recordingId!) || JSON.stringify(d).includes(sim.transcriptId!) || JSON.stringify(d).includes(sim.callRecordId));
    expect(forThisMeeting.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });
});
