import { describe, expect, it } from 'vitest';
import { expectGraphType } from '../support/graphSchema.js';
import { decryptNotification, type EncryptedContentWire } from '../support/notificationCrypto.js';
import { newMeeting, simulate } from '../graph/support/artifacts.js';
import { control, expectGraphFailure, expectGraphOk, mintToken } from '../graph/support/http.js';
import { deliveries, flush, inMinutes, subscribe, useNotificationRig } from './support.js';

type Json = Record<string, unknown>;

/**
 * Meeting call events (https://learn.microsoft.com/graph/changenotifications-for-onlinemeeting): a
 * beta, application-only subscription to one meeting's call starting and ending, rich or basic.
 */
describe('meeting call events: callStarted and callEnded reach meetingCallEvents subscribers', () => {
  const rig = useNotificationRig();
  const resourceOf = (joinWebUrl: string): string => `communications/onlineMeetings(joinWebUrl='${encodeURIComponent(joinWebUrl)}')/meetingCallEvents`;
  const body = (path: string, resource: string, rich: boolean): Json => ({
    changeType: 'updated',
    notificationUrl: `${rig.receiver.url}${path}`,
    lifecycleNotificationUrl: `${rig.receiver.url}/lifecycle`,
    resource,
    expirationDateTime: inMinutes(rig.emu, 24 * 60),
    clientState: 'call-events',
    ...(rich ? { includeResourceData: true, encryptionCertificate: rig.cert.certificateBase64Der, encryptionCertificateId: 'call-events' } : {}),
  });

  it('a simulated meeting notifies its call start and end, rich (decrypting to the callEvent) and basic, and no other meeting’s', async () => {
    const { organizerUserId, users } = rig.emu.demo;
    const meeting = await newMeeting(rig.emu, { organizerId: organizerUserId, subject: 'Call events', attendeeIds: [users[1]!.id] });
    const other = await newMeeting(rig.emu, { organizerId: organizerUserId, subject: 'Not watched' });
    const resource = resourceOf(meeting.joinWebUrl);
    const created = await subscribe(rig.emu, body('/rich', resource, true), { version: 'beta' });
    expectGraphOk(created, 'beta', 'microsoft.graph.subscription', 201);
    expect((await subscribe(rig.emu, body('/basic', resource, false), { version: 'beta' })).status).toBe(201);

    await simulate(rig.emu, other.id, { durationMinutes: 10 });
    const sim = await simulate(rig.emu, meeting.id, { durationMinutes: 25 });
    await flush(rig.emu);
    const rich = await rig.receiver.waitForItems(2, 10_000, '/rich');
    const basic = await rig.receiver.waitForItems(2, 10_000, '/basic');
    const calls = await control<{ value: { id: string; startedDateTime: string; endedDateTime: string }[] }>(rig.emu, 'GET', `/tenants/${rig.emu.demo.tenantId}/calls`);
    const call = calls.value.find((c) => c.id === sim.callId)!;

    const events: Json[] = [];
    for (const item of rich) {
      expectGraphType('beta', 'microsoft.graph.changeNotification', item);
      expect(item).toMatchObject({ changeType: 'updated', resource, clientState: 'call-events', tenantId: rig.emu.demo.tenantId });
      expect(item['resourceData']).toMatchObject({ '@odata.type': '#microsoft.graph.callevent', '@odata.id': resource });
      const event = await decryptNotification(rig.cert.privateKeyPem, item['encryptedContent'] as EncryptedContentWire);
      expect(event['id']).toBe((item['resourceData'] as Json)['id']);
      expect(Object.keys(event).sort()).toEqual(['@odata.id', '@odata.type', 'eventDateTime', 'eventType', 'id']);
      events.push(event);
    }
    expect(events.map((e) => [e['eventType'], e['eventDateTime']])).toEqual([
      ['callStarted', call.startedDateTime],
      ['callEnded', call.endedDateTime],
    ]);
    for (const item of basic) {
      expect(item).not.toHaveProperty('encryptedContent');
      expect(item).toMatchObject({ changeType: 'updated', resource, resourceData: { '@odata.type': '#microsoft.graph.callevent', '@odata.id': resource } });
    }
    // The other meeting's call reached nobody here.
    expect([...rig.receiver.items('/rich'), ...rig.receiver.items('/basic')]).toHaveLength(4);
  });

  it('a live call of the meeting (control API) notifies callStarted when placed and callEnded when it ends', async () => {
    const { organizerUserId, tenantId } = rig.emu.demo;
    const meeting = await newMeeting(rig.emu, { organizerId: organizerUserId, subject: 'Live call events' });
    expect((await subscribe(rig.emu, body('/live', resourceOf(meeting.joinWebUrl), true), { version: 'beta' })).status).toBe(201);
    const call = await control<{ id: string }>(rig.emu, 'POST', `/tenants/${tenantId}/calls`, { meetingId: meeting.id });
    await flush(rig.emu);
    await rig.receiver.waitForItems(1, 10_000, '/live');
    await control(rig.emu, 'POST', `/calls/${call.id}/end`, {}, 200);
    await control(rig.emu, 'POST', `/calls/${call.id}/end`, {}, 200); // ending again notifies nothing more
    await flush(rig.emu);
    const items = await rig.receiver.waitForItems(2, 10_000, '/live');
    const types: unknown[] = [];
    for (const item of items) types.push((await decryptNotification(rig.cert.privateKeyPem, item['encryptedContent'] as EncryptedContentWire))['eventType']);
    expect(types).toEqual(['callStarted', 'callEnded']);
    // The delivery log's decrypted view is what was encrypted: the callEvent, nothing kept for matching.
    const log = await deliveries(rig.emu);
    const mine = log.filter((d) => d.payload['resource'] === resourceOf(meeting.joinWebUrl) || JSON.stringify(d.payload).includes(encodeURIComponent(meeting.joinWebUrl)));
    expect(mine.length).toBeGreaterThan(0);
    for (const d of mine) expect(Object.keys(d.decryptedResourceData ?? {}).sort()).toEqual(['@odata.id', '@odata.type', 'eventDateTime', 'eventType', 'id']);
    expect(rig.receiver.items('/live')).toHaveLength(2);
  });

  it('refuses as Graph does: v1.0, delegated, no OnlineMeetings permission, wrong changeType, unknown meeting, malformed resource', async () => {
    const { organizerUserId } = rig.emu.demo;
    const meeting = await newMeeting(rig.emu, { organizerId: organizerUserId, subject: 'Refusals' });
    const resource = resourceOf(meeting.joinWebUrl);
    expectGraphFailure(await subscribe(rig.emu, body('/x', resource, false), { version: 'v1.0' }), 'v1.0', 400, 'InvalidRequest', /beta/);
    const delegated = await mintToken(rig.emu, { userId: organizerUserId });
    expectGraphFailure(await subscribe(rig.emu, body('/x', resource, false), { version: 'beta', token: delegated }), 'beta', 403);
    const noMeetings = await mintToken(rig.emu, { roles: ['CallRecords.Read.All'] });
    expectGraphFailure(await subscribe(rig.emu, body('/x', resource, false), { version: 'beta', token: noMeetings }), 'beta', 403);
    expectGraphFailure(await subscribe(rig.emu, { ...body('/x', resource, false), changeType: 'created' }, { version: 'beta' }), 'beta', 400, 'InvalidRequest');
    const unknown = resourceOf('https://teams.microsoft.com/l/meetup-join/19%3ameeting_bm9uZQ%40thread.v2/0');
    expectGraphFailure(await subscribe(rig.emu, body('/x', unknown, false), { version: 'beta' }), 'beta', 404, 'NotFound');
    expectGraphFailure(await subscribe(rig.emu, body('/x', `communications/onlineMeetings(joinWebUrl='not-a-url')/meetingCallEvents`, false), { version: 'beta' }), 'beta', 400, 'InvalidRequest');
  });
});
