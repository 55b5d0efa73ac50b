import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createArtifacts, type NewArtifact } from '../../src/domain/artifacts.js';
import { control, controlJson, expectControlError } from '../support/control.js';
import { useEmulator } from '../support/emulator.js';

/** GET /_emulator/tenants/{id}/adhocCalls (src/admin/adhocCallViews.ts), the Meetings page's ad hoc calls, over the real socket. */
interface ArtifactRow {
  id: string;
  kind: string;
  callId: string;
  size: number;
  contentUrl: string;
}
interface AdhocRow {
  id: string;
  organizerId: string;
  callId: string;
  participantIds: string[];
  createdDateTime: string;
  recordings: ArtifactRow[];
  transcripts: ArtifactRow[];
}
interface Page {
  value: AdhocRow[];
  more: boolean;
}
interface Simulated {
  adhocCallId: string;
  callId: string;
  recordingId: string | null;
  transcriptId: string | null;
}

const emu = useEmulator();
const tenant = (): string => emu.demo.tenantId;
const simulate = (body: Record<string, unknown>): Promise<Simulated> => controlJson<Simulated>(emu, 'POST', `/tenants/${tenant()}/adhocCalls`, body);

describe('ad hoc calls for the dashboard', () => {
  it('lists the tenant’s ad hoc calls newest (start) first with participants, recordings and transcripts whose content plays without a token', async () => {
    const [organizer, other, third] = emu.demo.users;
    const first = await simulate({ organizerId: organizer!.id, participantIds: [other!.id], durationMinutes: 5 });
    await controlJson(emu, 'POST', '/clock', { advance: 'PT1M' }, 200);
    const second = await simulate({ organizerId: other!.id, participantIds: [organizer!.id, third!.id], durationMinutes: 5, transcript: false });

    const page = await controlJson<Page>(emu, 'GET', `/tenants/${tenant()}/adhocCalls`);
    const ids = page.value.map((c) => c.id);
    expect(ids.indexOf(second.adhocCallId)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second.adhocCallId)).toBeLessThan(ids.indexOf(first.adhocCallId));
    const newer = page.value.find((c) => c.id === second.adhocCallId)!;
    expect(newer.organizerId).toBe(other!.id);
    expect(newer.callId).toBe(second.callId);
    expect(newer.participantIds).toEqual(expect.arrayContaining([other!.id, organizer!.id, third!.id]));
    expect(newer.recordings.map((r) => r.id)).toEqual([second.recordingId]);
    expect(newer.transcripts).toEqual([]);

    const older = page.value.find((c) => c.id === first.adhocCallId)!;
    expect(older.transcripts.map((t) => t.id)).toEqual([first.transcriptId]);
    const recording = older.recordings[0]!;
    expect(recording.kind).toBe('recording');
    expect(recording.contentUrl).toMatch(/^\/_emulator\/recordings\//);
    const bytes = await fetch(new URL(recording.contentUrl, emu.url), { headers: { range: 'bytes=0-15' } });
    expect(bytes.status).toBe(206);
    expect(
      Buffer.from(await bytes.arrayBuffer())
        .subarray(4, 8)
        .toString('latin1'),
    ).toBe('ftyp');
    const vtt = await fetch(new URL(older.transcripts[0]!.contentUrl, emu.url));
    expect(vtt.status).toBe(200);
    expect(await vtt.text()).toMatch(/^WEBVTT/);
  });

  it('pages with skip and top, saying whether more follow', async () => {
    const [organizer, other] = emu.demo.users;
    for (let i = 0; i < 3; i++) await simulate({ organizerId: organizer!.id, participantIds: [other!.id], durationMinutes: 1 });
    const all = await controlJson<Page>(emu, 'GET', `/tenants/${tenant()}/adhocCalls?top=100`);
    expect(all.value.length).toBeGreaterThanOrEqual(3);
    const one = await controlJson<Page>(emu, 'GET', `/tenants/${tenant()}/adhocCalls?top=1&skip=1`);
    expect(one.value.map((c) => c.id)).toEqual([all.value[1]!.id]);
    expect(one.more).toBe(true);
    const last = await controlJson<Page>(emu, 'GET', `/tenants/${tenant()}/adhocCalls?skip=${all.value.length - 1}`);
    expect(last.value.map((c) => c.id)).toEqual([all.value.at(-1)!.id]);
    expect(last.more).toBe(false);
  });

  it('caps artifacts per call, so a call with very many cannot crowd the page’s other calls out', async () => {
    const [organizer, other] = emu.demo.users;
    await controlJson(emu, 'POST', '/clock', { advance: 'PT1M' }, 200);
    const crowded = await simulate({ organizerId: organizer!.id, participantIds: [other!.id], durationMinutes: 1 });
    // Far more recordings than a page of two calls used to read in all (100 per call on the page), written as bot recordings are.
    const { ctx } = emu.internals.services;
    const recording = await ctx.db.selectFrom('artifacts').selectAll().where('id', '=', crowded.recordingId!).executeTakeFirstOrThrow();
    const extra = Array.from({ length: 250 }, (): NewArtifact => ({
      kind: 'recording',
      tenantId: tenant(),
      organizerId: organizer!.id,
      meetingId: null,
      adhocCallId: crowded.adhocCallId,
      callId: crowded.callId,
      contentCorrelationId: randomUUID(),
      createdDateTime: recording.created_at,
      endDateTime: recording.end_at,
      content: { blobKey: recording.content_blob, size: Number(recording.content_size), contentType: recording.content_type },
    }));
    await createArtifacts(ctx, extra);
    await controlJson(emu, 'POST', '/clock', { advance: 'PT1M' }, 200);
    const newer = await simulate({ organizerId: other!.id, participantIds: [organizer!.id], durationMinutes: 1 });

    const page = await controlJson<Page>(emu, 'GET', `/tenants/${tenant()}/adhocCalls?top=2`);
    expect(page.value.map((c) => c.id)).toEqual([newer.adhocCallId, crowded.adhocCallId]);
    expect(page.value[0]!.recordings.map((r) => r.id)).toEqual([newer.recordingId]);
    expect(page.value[0]!.transcripts.map((t) => t.id)).toEqual([newer.transcriptId]);
    const capped = page.value[1]!;
    expect(capped.recordings.length + capped.transcripts.length).toBe(100);
    expect(capped.recordings[0]!.id).toBe(crowded.recordingId);
    expect(capped.transcripts.map((t) => t.id)).toEqual([crowded.transcriptId]);
  });

  it('answers an unknown tenant with a Graph-shaped 404 and bad paging with a 400', async () => {
    expectControlError(await control(emu, 'GET', '/tenants/00000000-0000-0000-0000-000000000000/adhocCalls'), 404, /Tenant/);
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/adhocCalls?top=0`), 400);
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/adhocCalls?skip=-1`), 400);
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/adhocCalls?top=abc`), 400);
  });
});
