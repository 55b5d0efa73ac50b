import { afterAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator.js';
import { SAMPLE_MP4 } from '../../src/simulation/content/sampleMp4.js';
import { graphClient } from '../support/clients.js';
import { storeOptions, tlsDir, useEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { control, expectGraphOk, graph, mintToken } from './support/http.js';

type Json = Record<string, unknown>;

describe('the demo meeting’s artifacts across restarts', () => {
  const { options, cleanup } = storeOptions(true);
  const started: Emulator[] = [];
  afterAll(async () => {
    for (const emu of started) await emu.close({ dropDatabaseSchema: emu === started.at(-1) });
    cleanup();
  });

  it('are made once, and their content is served after a restart (refilled when the blob store was temporary)', async () => {
    const ids: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
      started.push(emu);
      const token = await mintToken(emu);
      const base = `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}`;
      const recordings = expectGraphOk(await graph(emu, `${base}/recordings`, token), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse')['value'] as Json[];
      const transcripts = expectGraphOk(await graph(emu, `${base}/transcripts`, token), 'v1.0', 'microsoft.graph.callTranscriptCollectionResponse')['value'] as Json[];
      expect(recordings.length).toBe(1);
      expect(transcripts.length).toBe(1);
      // The demo's live call id is the one `GET /_emulator/demo` names; the recording belongs to the finished call.
      expect(recordings[0]!['callId']).not.toBe(emu.demo.callId);
      ids.push([recordings[0]!['id'] as string, transcripts[0]!['id'] as string]);
      const content = await fetch(`${emu.url}${base}/recordings/${ids[i]![0]!}/content`, { headers: { authorization: `Bearer ${token}` } });
      expect(Buffer.from(await content.arrayBuffer()).equals(SAMPLE_MP4)).toBe(true);
      const vtt = await fetch(`${emu.url}${base}/transcripts/${ids[i]![1]!}/content`, { headers: { authorization: `Bearer ${token}` } });
      expect(vtt.status).toBe(200);
      expect(await vtt.text()).toContain('<v Adele Vance>');
      if (i === 0) await emu.close();
    }
    expect(ids[1]).toEqual(ids[0]);
  });
});

describe('the demo meetings', () => {
  const emu = useEmulator();

  it('were made before they took place, and their chat threads encode a GUID as Teams’ do (official client)', async () => {
    const { organizerUserId, meetingId } = emu.demo;
    const meeting = (await graphClient(emu).api(`/users/${organizerUserId}/onlineMeetings/${meetingId}`).get()) as Json;
    expectGraphType('v1.0', 'microsoft.graph.onlineMeeting', meeting);
    const [created, start, end] = ['creationDateTime', 'startDateTime', 'endDateTime'].map((k) => Date.parse(String(meeting[k])));
    expect(created).toBeLessThan(start!);
    expect(start).toBeLessThan(end!);
    const threadId = String((meeting['chatInfo'] as Json)['threadId']);
    // `19:meeting_OTBlOTcxMzAtNzc0YS00YzA1LThiZWEtZThkM2Y4ZDJhYTA1@thread.v2` in the seeds: Base64 of a GUID's text.
    const encoded = /^19:meeting_([A-Za-z0-9+/]{48})@thread\.v2$/.exec(threadId)?.[1];
    expect(Buffer.from(encoded ?? '', 'base64').toString()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Buffer.from(meetingId, 'base64').toString()).toBe(`1*${organizerUserId}*0**${threadId}`);
    const meetings = (await control<{ value: Json[] }>(emu, 'GET', `/tenants/${emu.demo.tenantId}/meetings`)).value;
    expect(meetings).toHaveLength(3);
    for (const m of meetings) {
      expect(Date.parse(String(m['creationDateTime']))).toBeLessThan(Date.parse(String(m['startDateTime'])));
      expect(String(m['threadId'])).toMatch(/^19:meeting_[A-Za-z0-9+/]{48}@thread\.v2$/);
    }
  });
});

describe('a store seeded before the demo thread ids encoded a GUID', () => {
  const { options, cleanup } = storeOptions(true);
  const started: Emulator[] = [];
  afterAll(async () => {
    for (const emu of started) await emu.close({ dropDatabaseSchema: emu === started.at(-1) });
    cleanup();
  });

  it('keeps its demo meeting: GET /_emulator/demo names the meeting the store holds', async () => {
    const first = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    started.push(first);
    const { organizerUserId, meetingId } = first.demo;
    // What an earlier version seeded: the weekly sync on the `demo-meeting-0001-contoso-weekly` thread.
    const legacyThread = '19:meeting_ZGVtby1tZWV0aW5nLTAwMDEtY29udG9zby13ZWVrbHk@thread.v2';
    const legacyId = Buffer.from(`1*${organizerUserId}*0**${legacyThread}`).toString('base64');
    const { db } = first.internals.services.ctx;
    await db.updateTable('meetings').set({ id: legacyId, thread_id: legacyThread }).where('id', '=', meetingId).execute();
    await db.updateTable('artifacts').set({ meeting_id: legacyId }).where('meeting_id', '=', meetingId).execute();
    await db.updateTable('calls').set({ meeting_id: legacyId }).where('meeting_id', '=', meetingId).execute();
    // Its metadataContent was written in the earlier layout, under a key whose blob is gone (a temporary blob store).
    const gone = 'f'.repeat(64);
    await db.updateTable('artifacts').set({ metadata_blob: gone }).where('meeting_id', '=', legacyId).where('kind', '=', 'transcript').execute();
    await first.close();

    const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    started.push(emu);
    expect(emu.demo.meetingId).toBe(legacyId);
    const res = await fetch(`${emu.url}/_emulator/demo`);
    expect(((await res.json()) as Json)['meetingId']).toBe(legacyId);
    const token = await mintToken(emu);
    const recordings = expectGraphOk(await graph(emu, `/v1.0/users/${organizerUserId}/onlineMeetings/${legacyId}/recordings`, token), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse');
    expect(recordings['value']).toHaveLength(1);
    // Remade in today's layout and served.
    const transcripts = expectGraphOk(await graph(emu, `/v1.0/users/${organizerUserId}/onlineMeetings/${legacyId}/transcripts`, token), 'v1.0', 'microsoft.graph.callTranscriptCollectionResponse');
    const transcriptId = String((transcripts['value'] as Json[])[0]!['id']);
    const metadata = await fetch(`${emu.url}/v1.0/users/${organizerUserId}/onlineMeetings/${legacyId}/transcripts/${transcriptId}/metadataContent`, { headers: { authorization: `Bearer ${token}` } });
    expect(metadata.status).toBe(200);
    expect((await metadata.text()).split('\n')[3]).toMatch(/^\{"startDateTime":"[^"]+\+00:00",/);
  });
});
