import { afterAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator.js';
import { SAMPLE_MP4 } from '../../src/simulation/content/sampleMp4.js';
import { storeOptions, tlsDir } from '../support/emulator.js';
import { expectGraphOk, graph, mintToken } from './support/http.js';

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
