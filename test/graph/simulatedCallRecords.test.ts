import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { newMeeting, simulate, type Simulation } from './support/artifacts.js';
import { control, expectGraphOk, graph, mintToken } from './support/http.js';

interface Identity {
  user?: { id: string } | null;
}
interface Participant {
  identity?: { user?: { id: string } | null };
}

const participantIds = (record: Record<string, unknown>): string[] =>
  ((record['participants_v2'] as Participant[] | undefined) ?? []).flatMap((p) => (p.identity?.user?.id === undefined ? [] : [p.identity.user.id]));

/** A simulated meeting or ad hoc call ends with its call record, as Graph makes one per call chain. */
describe('simulated calls produce their call records', () => {
  let emu: TestEmulator;
  let token: string;
  beforeAll(async () => {
    emu = await startTestEmulator();
    token = await mintToken(emu);
  });
  afterAll(async () => emu.stop());

  it('a simulated meeting: the returned callRecordId is served, organized by the meeting organizer, with its attendees', async () => {
    const users = emu.demo.users;
    const meeting = await newMeeting(emu, { organizerId: emu.demo.organizerUserId, subject: 'Simulated', attendeeIds: [users[1]!.id, users[2]!.id] });
    const sim = await simulate(emu, meeting.id);
    const res = await graph(emu, `/v1.0/communications/callRecords/${sim.callRecordId}?$expand=participants_v2`, token);
    const record = expectGraphOk(res, 'v1.0', 'microsoft.graph.callRecords.callRecord');
    expect(record['type']).toBe('groupCall');
    expect((record['organizer_v2'] as Identity & { id: string }).id).toBe(emu.demo.organizerUserId);
    expect(participantIds(record)).toEqual(expect.arrayContaining([users[1]!.id, users[2]!.id]));
    // Its call is the one the artifacts name.
    const recording = expectGraphOk(
      await graph(emu, `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${meeting.id}/recordings/${sim.recordingId}`, token),
      'v1.0',
      'microsoft.graph.callRecording',
    );
    expect(recording['callId']).toBe(sim.callId);
  });

  it('an ad hoc 1:1 call is a peerToPeer record of both people; a group call a groupCall', async () => {
    const [adele, megan, alex] = [emu.demo.organizerUserId, emu.demo.users[1]!.id, emu.demo.users[2]!.id];
    const oneToOne = await control<Simulation>(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, { organizerId: adele, participantIds: [megan] });
    const record = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${oneToOne.callRecordId}?$expand=participants_v2`, token), 'v1.0', 'microsoft.graph.callRecords.callRecord');
    expect(record['type']).toBe('peerToPeer');
    expect(participantIds(record).sort()).toEqual([adele, megan].sort());
    const group = await control<Simulation>(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, { organizerId: adele, participantIds: [megan, alex] });
    const groupRecord = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${group.callRecordId}`, token), 'v1.0', 'microsoft.graph.callRecords.callRecord');
    expect(groupRecord['type']).toBe('groupCall');
  });

  it('a meeting that cannot be simulated leaves no call record behind', async () => {
    const before = await graph(emu, '/v1.0/communications/callRecords', token);
    const count = (before.body['value'] as unknown[]).length;
    const res = await fetch(`${emu.url}/_emulator/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ durationMinutes: -1 }),
    });
    expect(res.status).toBe(400);
    const after = await graph(emu, '/v1.0/communications/callRecords', token);
    expect((after.body['value'] as unknown[]).length).toBe(count);
  });
});
