import { describe, expect, it } from 'vitest';
import { expectGraphType } from '../support/graphSchema.js';
import { decryptNotification, type EncryptedContentWire } from '../support/notificationCrypto.js';
import { newMeeting, simulate } from '../graph/support/artifacts.js';
import { mintToken, tokenClient } from '../graph/support/http.js';
import { flush, inMinutes, useNotificationRig } from './support.js';

type Json = Record<string, unknown>;
interface MentionEvent {
  eventDateTime: string;
  transcriptUtterance: string;
  speaker: { user: { id: string | null; displayName: string } };
}

/**
 * A note-taker's loop end to end (issue 17 §3 and §6): subscribe through the official Graph client to
 * a meeting's call events (https://learn.microsoft.com/graph/changenotifications-for-onlinemeeting),
 * hear callEnded at a real webhook receiver, then read the meeting's AI insights through the client
 * and find the mentions of the viewer that the meeting's script made
 * (https://learn.microsoft.com/graph/api/resources/callaiinsightviewpoint: mentionEvents).
 */
describe('note-taker: callEnded at the webhook, then the mentions in the AI insights', () => {
  const rig = useNotificationRig();

  it('a scripted meeting that names Adele twice: her insight lists both mentions by their speakers and times, Alex’s none', async () => {
    const { emu, receiver, cert } = rig;
    const byName = (upn: string) => emu.demo.users.find((u) => u.userPrincipalName.startsWith(upn))!;
    const [adele, alex, megan] = [byName('adele'), byName('alex'), byName('megan')];
    const meeting = await newMeeting(emu, { organizerId: adele.id, subject: 'Mentions', attendeeIds: [alex.id, megan.id] });
    const appToken = await mintToken(emu);

    const resource = `communications/onlineMeetings(joinWebUrl='${encodeURIComponent(meeting.joinWebUrl)}')/meetingCallEvents`;
    const subscription = (await tokenClient(emu, appToken, 'beta')
      .api('/subscriptions')
      .post({
        changeType: 'updated',
        notificationUrl: `${receiver.url}/note-taker`,
        lifecycleNotificationUrl: `${receiver.url}/note-taker-lifecycle`,
        resource,
        expirationDateTime: inMinutes(emu, 60),
        clientState: 'note-taker',
        includeResourceData: true,
        encryptionCertificate: cert.certificateBase64Der,
        encryptionCertificateId: 'note-taker',
      })) as Json;
    expectGraphType('beta', 'microsoft.graph.subscription', subscription);

    const script = [
      { speaker: alex.id, text: 'Good morning. Adele, could you walk us through the budget?' },
      { speaker: adele.id, text: 'Sure, the numbers are in the shared folder.' },
      { speaker: megan.id, text: 'Thanks Adele, I will review them today.' },
      { speaker: alex.id, text: 'Great, that is all for today.' },
    ];
    // The sample recording: this test is about the transcript, and a spoken one costs seconds of CPU.
    const sim = await simulate(emu, meeting.id, { durationMinutes: 20, script, recordingKind: 'sample' });
    await flush(emu);
    const items = await receiver.waitForItems(2, 10_000, '/note-taker');
    const events: Json[] = [];
    for (const item of items) {
      expect(item).toMatchObject({ subscriptionId: subscription['id'], clientState: 'note-taker', resource });
      events.push(await decryptNotification(cert.privateKeyPem, item['encryptedContent'] as EncryptedContentWire));
    }
    expect(events.map((e) => e['eventType'])).toEqual(['callStarted', 'callEnded']);

    // On callEnded the note-taker reads the insights of the meeting it heard about.
    const client = tokenClient(emu, appToken, 'v1.0');
    const path = `/copilot/users/${adele.id}/onlineMeetings/${meeting.id}/aiInsights`;
    const list = (await client.api(path).get()) as { value: Json[] };
    const meta = list.value.find((i) => i['contentCorrelationId'] === sim.contentCorrelationId);
    expect(meta).toBeDefined();
    const insight = (await client.api(`${path}/${String(meta!['id'])}`).get()) as Json;
    expectGraphType('v1.0', 'microsoft.graph.callAiInsight', insight);
    const mentions = (insight['viewpoint'] as { mentionEvents: MentionEvent[] }).mentionEvents;
    expect(mentions.map((m) => [m.speaker.user.id, m.speaker.user.displayName, m.transcriptUtterance])).toEqual([
      [alex.id, alex.displayName, script[0]!.text],
      [megan.id, megan.displayName, script[2]!.text],
    ]);
    // Each mention happened during the call, in the order spoken.
    const callStart = Date.parse(String(events[0]!['eventDateTime']));
    const callEnd = Date.parse(String(events[1]!['eventDateTime']));
    const times = mentions.map((m) => Date.parse(m.eventDateTime));
    for (const t of times) expect(t >= callStart && t <= callEnd).toBe(true);
    expect(times[0]!).toBeLessThan(times[1]!);

    // Nobody named Alex: his own view of the same meeting has no mentions.
    const alexToken = await mintToken(emu, { userId: alex.id });
    const alexInsight = (await tokenClient(emu, alexToken, 'v1.0')
      .api(`/copilot/users/${alex.id}/onlineMeetings/${meeting.id}/aiInsights/${String(meta!['id'])}`)
      .get()) as Json;
    expect((alexInsight['viewpoint'] as { mentionEvents: MentionEvent[] }).mentionEvents).toEqual([]);
  });
});
