import { describe, expect, it } from 'vitest';
import { newMeeting, simulate, type Simulation } from '../graph/support/artifacts.js';
import { control, graph, mintToken, type Version } from '../graph/support/http.js';
import { decryptNotification, type EncryptedContentWire } from '../support/notificationCrypto.js';
import { flush, inMinutes, subscribe, useNotificationRig } from '../notifications/support.js';

type Json = Record<string, unknown>;

interface Subscribed {
  name: string;
  resource: string;
  version: Version;
  token: string;
  rich: boolean;
  /** Receiver path its notifications arrive on. */
  path: string;
  /** How many notifications the events below cause for it. */
  expected: number;
}

/**
 * "The resource and @odata.id properties can be used to call Microsoft Graph to get the transcript or
 * recording" (https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript).
 * One subscription for every resource kind the emulator notifies about, each event caused through the
 * control API, every notification received on a real 127.0.0.1 receiver, and every `resource`,
 * `resourceData.@odata.id` (and, in rich notifications, the decrypted content URL) fetched back with the
 * subscribing principal's token: each must answer 200.
 */
describe('every notification names a resource that dereferences', () => {
  const rig = useNotificationRig();

  it('meeting, ad hoc call, Teams-app and call-record notifications, basic and rich, all dereference with the subscriber’s token', async () => {
    const { tenantId, organizerUserId: organizer, users } = rig.emu.demo;
    const other = users.find((u) => u.id !== organizer)!.id;
    const teamsAppId = '386bbcdb-1e1c-4f3f-b7d0-ad7b9ea6cf7c';
    const appToken = await mintToken(rig.emu);

    const meeting = await newMeeting(rig.emu, { organizerId: organizer, subject: 'Links', attendeeIds: [other] });
    await control(rig.emu, 'POST', `/tenants/${tenantId}/teamsAppInstallations`, {
      meetingId: meeting.id,
      teamsAppId,
      clientId: rig.emu.demo.clientId,
      rscPermissions: ['OnlineMeetingRecording.Read.Chat'],
    });
    // One ad hoc call whose artifacts come later (on the virtual clock), so its own subscriptions can be made first.
    const laterCall = await control<Simulation>(rig.emu, 'POST', `/tenants/${tenantId}/adhocCalls`, { organizerId: organizer, participantIds: [other], durationMinutes: 1, artifactDelay: 'PT45M' });

    const subscriptions: Subscribed[] = [];
    const add = async (name: string, resource: string, version: Version, expected: number, options: { rich?: boolean; token?: string; changeType?: string } = {}): Promise<void> => {
      const path = `/n${subscriptions.length}`;
      const rich = options.rich ?? false;
      const body: Json = {
        changeType: options.changeType ?? 'created',
        notificationUrl: `${rig.receiver.url}${path}`,
        resource,
        expirationDateTime: inMinutes(rig.emu, 55),
        clientState: name,
        ...(rich ? { includeResourceData: true, encryptionCertificate: rig.cert.certificateBase64Der, encryptionCertificateId: 'links' } : {}),
      };
      const token = options.token ?? appToken;
      const res = await subscribe(rig.emu, body, { version, token });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(201);
      subscriptions.push({ name, resource, version, token, rich, path, expected });
    };
    // Meeting artifacts: one meeting recorded and transcribed.
    await add('tenant meeting recordings', 'communications/onlineMeetings/getAllRecordings', 'v1.0', 1, { rich: true });
    await add('tenant meeting transcripts', 'communications/onlineMeetings/getAllTranscripts', 'v1.0', 1);
    await add('one meeting recordings', `communications/onlineMeetings/${meeting.id}/recordings`, 'v1.0', 1);
    await add('one meeting transcripts', `communications/onlineMeetings/${meeting.id}/transcripts`, 'beta', 1, { rich: true });
    await add("a user's meeting recordings", `users/${organizer}/onlineMeetings/getAllRecordings`, 'beta', 1);
    await add("a user's meeting transcripts", `users/${organizer}/onlineMeetings/getAllTranscripts`, 'v1.0', 1, { rich: true });
    await add('Teams app recordings', `appCatalogs/teamsApps/${teamsAppId}/installedToOnlineMeetings/getAllRecordings`, 'beta', 1);
    await add('Teams app transcripts', `appCatalogs/teamsApps/${teamsAppId}/installedToOnlineMeetings/getAllTranscripts`, 'beta', 1, { rich: true });
    // Ad hoc artifacts: two calls, the delayed one (whose transcription started before these subscriptions, so only
    // its recording notifies) and one made below. (One call's transcripts, delegated only, cannot be subscribed to
    // before a simulated call's transcription starts: the simulation makes the call and ends it at once.)
    await add('tenant ad hoc recordings', 'communications/adhocCalls/getAllRecordings', 'v1.0', 2, { rich: true });
    await add('tenant ad hoc transcripts', 'communications/adhocCalls/getAllTranscripts', 'beta', 1);
    await add("a user's ad hoc recordings", `users/${organizer}/adhocCalls/getAllRecordings`, 'v1.0', 2);
    await add("a user's ad hoc transcripts", `users/${organizer}/adhocCalls/getAllTranscripts`, 'v1.0', 1, { rich: true });
    await add('one ad hoc call recordings', `communications/adhocCalls/${laterCall.adhocCallId}/recordings`, 'beta', 1, { rich: true });
    // Call records: the meeting's and the ad hoc call's (the delayed call's record exists already), then late telemetry updates one.
    await add('call records', 'communications/callRecords', 'v1.0', 3, { changeType: 'created,updated' });

    // Transcripts notify only subscriptions made before transcription started: the calls start later.
    await control(rig.emu, 'POST', '/clock', { advance: 'PT40M' }, 200);
    const meetingSim = await simulate(rig.emu, meeting.id, { durationMinutes: 30 });
    const adhocSim = await control<Simulation>(rig.emu, 'POST', `/tenants/${tenantId}/adhocCalls`, { organizerId: organizer, participantIds: [other], durationMinutes: 30 });
    await control(rig.emu, 'POST', `/tenants/${tenantId}/callRecords/${adhocSim.callRecordId}/lateTelemetry`, {}, 200);
    // The delayed call's artifacts appear 45 minutes after it, while the subscriptions (55 minutes) still run.
    await control(rig.emu, 'POST', '/clock', { advance: 'PT6M' }, 200);
    // The clock runs what fell due in the background: wait (up to 10 s of wall time, generous for a loaded machine) until they are stored.
    const delayed = `/v1.0/users/${organizer}/adhocCalls/${laterCall.adhocCallId}/recordings/${laterCall.recordingId}`;
    for (const until = Date.now() + 10_000; (await graph(rig.emu, delayed, appToken)).status !== 200 && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
    await flush(rig.emu);

    let checked = 0;
    for (const s of subscriptions) {
      const items = await rig.receiver.waitForItems(s.expected, 15_000, s.path);
      expect(items.length, s.name).toBe(s.expected);
      for (const item of items) {
        expect(item['clientState'], s.name).toBe(s.name);
        const data = item['resourceData'] as Json;
        const links = [String(item['resource']), String(data['@odata.id'])];
        if (s.rich) {
          const plain = await decryptNotification(rig.cert.privateKeyPem, item['encryptedContent'] as EncryptedContentWire);
          expect(plain['id'], s.name).toBe(data['id']);
          const contentUrl = String(plain['recordingContentUrl'] ?? plain['transcriptContentUrl']);
          expect(contentUrl.startsWith(`${rig.emu.url}/v1.0/`), `${s.name}: ${contentUrl}`).toBe(true);
          const content = await fetch(contentUrl, { headers: { authorization: `Bearer ${s.token}` } });
          expect(content.status, `${s.name}: GET ${contentUrl}`).toBe(200);
        }
        for (const link of links) {
          const res = await graph(rig.emu, `/${s.version}/${link}`, s.token);
          expect(res.status, `${s.name}: GET ${link} → ${JSON.stringify(res.body)}`).toBe(200);
          expect(res.body['id'], s.name).toBe(data['id']);
          checked++;
        }
      }
    }
    // Every event reached every subscription it should (2 links each).
    expect(checked).toBe(2 * subscriptions.reduce((n, s) => n + s.expected, 0));
    expect(rig.receiver.items().some((item) => String(item['resource']).includes(meetingSim.recordingId!))).toBe(true);
    expect(rig.receiver.items().some((item) => String(item['resource']).includes(`adhoccalls('${adhocSim.callId}')`))).toBe(true);
  });
});
