import { describe, expect, it } from 'vitest';
import { graphClient } from '../support/clients.js';
import { control, controlJson, expectControlError } from '../support/control.js';
import { useEmulator } from '../support/emulator.js';

/** The control routes behind the dashboard's Call records and Live calls pages (src/admin/callViewRoutes.ts), over the real socket. */
type Json = Record<string, unknown>;
interface Page<T> {
  value: T[];
  more: boolean;
}
interface RecordRow {
  id: string;
  meetingId: string | null;
  startDateTime: string;
  sessionCount: number;
  participantCount: number;
  modalities: string[];
}
interface Detail {
  record: RecordRow;
  organizer: Json | null;
  participants: Json[];
  participantsMore: boolean;
  sessions: Array<Json & { segments: Array<Json & { media: Array<{ label: string; streams: Json[] }> }> }>;
  sessionsMore: boolean;
}
interface Activity {
  id: string;
  state: string;
  apps: Array<{ clientId: string; recordingAllowed: boolean; updates: Array<{ status: string; clientContext: string | null; operationStatus: string }> }>;
}

const emu = useEmulator();
const tenant = (): string => emu.demo.tenantId;

describe('call records for the dashboard', () => {
  it('lists the records newest start first, paged, and a simulated meeting’s record has sessions, segments and media stream figures', async () => {
    const simulated = await controlJson<{ callRecordId: string }>(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, { durationMinutes: 20 });
    const all = await controlJson<Page<RecordRow>>(emu, 'GET', `/tenants/${tenant()}/callRecords?top=200`);
    expect(all.more).toBe(false);
    expect(all.value.map((r) => r.id)).toEqual(expect.arrayContaining([simulated.callRecordId, emu.demo.callRecordId]));
    const starts = all.value.map((r) => r.startDateTime);
    expect(starts).toEqual([...starts].sort().reverse());
    // Paging: one at a time, the same order.
    const first = await controlJson<Page<RecordRow>>(emu, 'GET', `/tenants/${tenant()}/callRecords?top=1`);
    const second = await controlJson<Page<RecordRow>>(emu, 'GET', `/tenants/${tenant()}/callRecords?top=1&skip=1`);
    expect(first.more).toBe(true);
    expect([first.value[0]!.id, second.value[0]!.id]).toEqual(all.value.slice(0, 2).map((r) => r.id));

    const detail = await controlJson<Detail>(emu, 'GET', `/tenants/${tenant()}/callRecords/${simulated.callRecordId}/detail`);
    expect(detail.record).toMatchObject({ id: simulated.callRecordId, meetingId: emu.demo.meetingId });
    expect(detail.sessions).toHaveLength(detail.record.sessionCount);
    expect(detail.participants).toHaveLength(detail.record.participantCount);
    expect(detail.organizer).toMatchObject({ id: emu.demo.organizerUserId });
    const stream = detail.sessions[0]!.segments[0]!.media[0]!.streams[0]!;
    expect(stream['averageJitter']).toMatch(/^PT[\d.]+S$/);
    expect(stream['averageRoundTripTime']).toMatch(/^PT[\d.]+S$/);
    expect(typeof stream['averagePacketLossRate']).toBe('number');
  });

  it('pages a record’s sessions', async () => {
    const full = await controlJson<Detail>(emu, 'GET', `/tenants/${tenant()}/callRecords/${emu.demo.callRecordId}/detail`);
    expect(full.sessions.length).toBeGreaterThan(2);
    const page = await controlJson<Detail>(emu, 'GET', `/tenants/${tenant()}/callRecords/${emu.demo.callRecordId}/detail?skip=1&top=2`);
    expect(page.sessionsMore).toBe(full.sessions.length > 3);
    expect(page.sessions.map((s) => s['id'])).toEqual(full.sessions.slice(1, 3).map((s) => s['id']));
  });

  it('answers a Graph-shaped 404 for an unknown record or tenant, and 400 for bad paging', async () => {
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/callRecords/00000000-0000-0000-0000-000000000000/detail`), 404, /Call record/);
    expectControlError(await control(emu, 'GET', `/tenants/00000000-0000-0000-0000-000000000000/callRecords`), 404, /Tenant/);
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/callRecords?top=0`), 400);
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/callRecords?skip=-1`), 400);
  });
});

describe('PSTN and Direct Routing rows for the dashboard', () => {
  it('lists each kind newest first', async () => {
    await controlJson(emu, 'POST', `/tenants/${tenant()}/pstnCalls`, { kind: 'pstn', count: 3 });
    await controlJson(emu, 'POST', `/tenants/${tenant()}/pstnCalls`, { kind: 'directRouting', count: 2 });
    const pstn = await controlJson<Page<Json>>(emu, 'GET', `/tenants/${tenant()}/pstnCalls?kind=pstn`);
    const direct = await controlJson<Page<Json>>(emu, 'GET', `/tenants/${tenant()}/pstnCalls?kind=directRouting`);
    expect(pstn.value).toHaveLength(3);
    expect(direct.value).toHaveLength(2);
    expect(pstn.value[0]).toHaveProperty('charge');
    expect(direct.value[0]).toHaveProperty('trunkFullyQualifiedDomainName', 'sbc1.contoso.com');
    const starts = pstn.value.map((r) => String(r['startDateTime']));
    expect(starts).toEqual([...starts].sort().reverse());
    const paged = await controlJson<Page<Json>>(emu, 'GET', `/tenants/${tenant()}/pstnCalls?kind=pstn&top=2`);
    expect(paged.more).toBe(true);
  });

  it('answers 400 without a valid kind and a Graph-shaped 404 for an unknown tenant', async () => {
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/pstnCalls`), 400);
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/pstnCalls?kind=voip`), 400);
    expectControlError(await control(emu, 'GET', `/tenants/00000000-0000-0000-0000-000000000000/pstnCalls?kind=pstn`), 404, /Tenant/);
  });
});

describe('calls and their apps for the dashboard', () => {
  it('lists calls newest first with each app’s recording-status history, as the app reported it through Graph', async () => {
    const call = await controlJson<{ id: string }>(emu, 'POST', `/tenants/${tenant()}/calls`, { meetingId: emu.demo.meetingId, clientId: emu.demo.clientId });
    const client = graphClient(emu);
    await client.api(`/communications/calls/${call.id}/updateRecordingStatus`).post({ status: 'recording', clientContext: 'view-1' });
    await client.api(`/communications/calls/${call.id}/updateRecordingStatus`).post({ status: 'notRecording', clientContext: 'view-2' });
    const page = await controlJson<Page<Activity>>(emu, 'GET', `/tenants/${tenant()}/callActivity`);
    const found = page.value.find((c) => c.id === call.id);
    expect(found?.state).toBe('established');
    expect(found?.apps.map((a) => a.clientId)).toEqual([emu.demo.clientId]);
    expect(found?.apps[0]!.recordingAllowed).toBe(false);
    expect(found?.apps[0]!.updates.map((u) => [u.status, u.clientContext, u.operationStatus])).toEqual([
      ['recording', 'view-1', 'completed'],
      ['notRecording', 'view-2', 'completed'],
    ]);
    // Newest first: the call just started comes before the demo's live call.
    const ids = page.value.map((c) => c.id);
    expect(ids.indexOf(call.id)).toBeLessThan(ids.indexOf(emu.demo.callId));
    // withApps: a call no app is in is left out; the app's call stays.
    const ended = await controlJson<{ id: string }>(emu, 'POST', `/tenants/${tenant()}/calls`, { meetingId: emu.demo.meetingId });
    expect((await controlJson<Page<Activity>>(emu, 'GET', `/tenants/${tenant()}/callActivity?top=200`)).value.map((c) => c.id)).toContain(ended.id);
    const withApps = (await controlJson<Page<Activity>>(emu, 'GET', `/tenants/${tenant()}/callActivity?withApps=true&top=200`)).value;
    expect(withApps.map((c) => c.id)).toContain(call.id);
    expect(withApps.map((c) => c.id)).not.toContain(ended.id);
    expect(withApps.every((c) => c.apps.length > 0)).toBe(true);
    const one = await controlJson<Page<Activity>>(emu, 'GET', `/tenants/${tenant()}/callActivity?top=1`);
    expect(one.value).toHaveLength(1);
    expect(one.more).toBe(true);
  });

  it('answers a Graph-shaped 404 for an unknown tenant and 400 for bad paging', async () => {
    expectControlError(await control(emu, 'GET', `/tenants/00000000-0000-0000-0000-000000000000/callActivity`), 404, /Tenant/);
    expectControlError(await control(emu, 'GET', `/tenants/${tenant()}/callActivity?top=1000`), 400);
  });
});

describe('OpenAPI description of the call views', () => {
  it.each([
    '/_emulator/tenants/{tenantId}/callRecords',
    '/_emulator/tenants/{tenantId}/callRecords/{recordId}/detail',
    '/_emulator/tenants/{tenantId}/pstnCalls',
    '/_emulator/tenants/{tenantId}/callActivity',
  ])('describes GET %s with its paging parameters', async (path) => {
    const doc = await controlJson<{ paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>> }>(emu, 'GET', '/openapi.json');
    const query = (doc.paths[path]?.['get']?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(query).toEqual(expect.arrayContaining(['skip', 'top']));
  });
});
