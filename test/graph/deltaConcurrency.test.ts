import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { newMeeting, simulate } from './support/artifacts.js';
import { expectGraphOk, graph, mintToken } from './support/http.js';

type Json = Record<string, unknown>;

/**
 * Artifacts committed concurrently must never be skipped by a delta round running at the same time
 * (the reason domain/artifacts.ts takes an advisory lock on PostgreSQL before drawing a feed seq).
 */
describe('delta while artifacts are being created concurrently', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => emu.stop());

  it('loses nothing: rounds run during 40 concurrent simulations see every recording exactly once', async () => {
    const adele = emu.demo.organizerUserId;
    const token = await mintToken(emu);
    const meetings = await Promise.all(Array.from({ length: 4 }, (_, i) => newMeeting(emu, { organizerId: adele, subject: `Busy ${i}` })));
    const seen: string[] = [];
    let next = `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}')/delta?$top=3`;
    const follow = async (): Promise<void> => {
      const body = expectGraphOk(await graph(emu, next, token), 'v1.0', 'microsoft.graph.callRecordingDeltaResponse');
      for (const item of body['value'] as Json[]) seen.push(item['id'] as string);
      const link = (body['@odata.nextLink'] ?? body['@odata.deltaLink']) as string;
      next = link.slice(emu.url.length);
    };
    let writing = true;
    const writers = (async () => {
      const made: string[] = [];
      for (let batch = 0; batch < 10; batch++) {
        const sims = await Promise.all(meetings.map((m) => simulate(emu, m.id, { transcript: false })));
        made.push(...sims.map((s) => s.recordingId!));
      }
      writing = false;
      return made;
    })();
    for (let i = 0; i < 2_000 && writing; i++) await follow();
    const made = await writers;
    // Drain: a few more pages after the last write.
    for (let i = 0; i < 50; i++) await follow();
    const demoRecordings = 1;
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(made.length + demoRecordings);
    for (const id of made) expect(seen).toContain(id);
  });
});
