import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { startTestEmulator, useTwoEmulatorsOnOneStore, type TestEmulator } from '../support/emulator.js';
import { newMeeting, simulate } from './support/artifacts.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken } from './support/http.js';

// Graph requests keep their user, meeting and access-policy reads in a cache (src/store/readCache.ts).
// A change made through the control API, or by another emulator on the same store, must show on
// the very next request, exactly as without the cache.

const MEETING = 'microsoft.graph.onlineMeeting';
const NO_POLICY = 'No application access policy found for this app.';

interface Setup {
  path: string;
  token: string;
  policyId: string;
  userId: string;
}

/** A user with a meeting, an app with OnlineMeetings.Read.All and a policy granting it that user. */
async function setUp(emu: Emulator, name: string): Promise<Setup> {
  const tenant = emu.demo.tenantId;
  const user = await control<{ id: string }>(emu, 'POST', `/tenants/${tenant}/users`, { userPrincipalName: `${name}@contoso.example`, displayName: name });
  const meeting = await control<{ id: string }>(emu, 'POST', `/tenants/${tenant}/meetings`, { organizerId: user.id, subject: `${name}'s meeting` });
  const app = await control<{ clientId: string }>(emu, 'POST', `/tenants/${tenant}/apps`, { displayName: `${name} app`, applicationPermissions: ['OnlineMeetings.Read.All'] });
  const policy = await control<{ id: string }>(emu, 'POST', `/tenants/${tenant}/accessPolicies`, { name: `${name} policy`, appIds: [app.clientId], userIds: [user.id] });
  return { path: `/v1.0/users/${user.id}/onlineMeetings/${meeting.id}`, token: await mintToken(emu, { clientId: app.clientId }), policyId: policy.id, userId: user.id };
}

/**
 * A delta round of the demo organizer's recordings, two to a page: after its second page (which
 * reads the third ahead, graph/artifacts/pageReadAhead.ts) `write` makes a recording, which the rest
 * of the round must list, as it would without the read-ahead. Returns the round's ids and the new one.
 */
async function roundWithWriteMidway(reader: Emulator, writer: Emulator): Promise<{ seen: string[]; made: string }> {
  const adele = reader.demo.organizerUserId;
  const token = await mintToken(reader);
  const meeting = await newMeeting(writer, { organizerId: adele, subject: 'Read ahead' });
  for (let i = 0; i < 4; i++) await simulate(writer, meeting.id, { transcript: false });
  const seen: string[] = [];
  let next: string | undefined = `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}')/delta?$top=2`;
  let made = '';
  for (let page = 1; next !== undefined && page < 50; page++) {
    const body = expectGraphOk(await graph(reader, next, token), 'v1.0', 'microsoft.graph.callRecordingDeltaResponse');
    seen.push(...(body['value'] as { id: string }[]).map((item) => item.id));
    const link = body['@odata.nextLink'] as string | undefined;
    next = link?.slice(reader.url.length);
    if (page === 2) made = (await simulate(writer, meeting.id, { transcript: false })).recordingId!;
  }
  return { seen, made };
}

describe('cached reads on one emulator', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => emu.stop());

  it('a deleted access policy refuses the next request, a new one allows it again', async () => {
    const s = await setUp(emu, 'revoked');
    for (let i = 0; i < 3; i++) expectGraphOk(await graph(emu, s.path, s.token), 'v1.0', MEETING);
    await control(emu, 'DELETE', `/tenants/${emu.demo.tenantId}/accessPolicies/${s.policyId}`, undefined, 204);
    expectGraphFailure(await graph(emu, s.path, s.token), 'v1.0', 403, 'Forbidden', NO_POLICY);
    // The same app again, through a global policy this time.
    const clientId = (JSON.parse(Buffer.from(s.token.split('.')[1]!, 'base64url').toString('utf8')) as { appid: string }).appid;
    await control(emu, 'POST', `/tenants/${emu.demo.tenantId}/accessPolicies`, { name: 'revoked, then global', appIds: [clientId], global: true });
    expectGraphOk(await graph(emu, s.path, s.token), 'v1.0', MEETING);
  });

  it('a deleted user is not found on the next request', async () => {
    const s = await setUp(emu, 'deleted');
    expectGraphOk(await graph(emu, s.path, s.token), 'v1.0', MEETING);
    await control(emu, 'DELETE', `/tenants/${emu.demo.tenantId}/users/${s.userId}`, undefined, 204);
    expectGraphFailure(await graph(emu, s.path, s.token), 'v1.0', 404);
  });

  it('many requests at once, while the policy goes away, all get a Graph answer: 200 before, 403 after', async () => {
    const s = await setUp(emu, 'racing');
    const before = await Promise.all(Array.from({ length: 20 }, () => graph(emu, s.path, s.token)));
    for (const res of before) expect(res.status).toBe(200);
    const during = Promise.all(Array.from({ length: 20 }, () => graph(emu, s.path, s.token)));
    await control(emu, 'DELETE', `/tenants/${emu.demo.tenantId}/accessPolicies/${s.policyId}`, undefined, 204);
    for (const res of await during) expect([200, 403]).toContain(res.status);
    const after = await Promise.all(Array.from({ length: 20 }, () => graph(emu, s.path, s.token)));
    for (const res of after) expectGraphFailure(res, 'v1.0', 403, 'Forbidden', NO_POLICY);
  });

  it('a recording made while a delta round is paging shows in the page read ahead of it', async () => {
    const { seen, made } = await roundWithWriteMidway(emu, emu);
    expect(seen).toContain(made);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('cached reads across two emulators on one store', () => {
  const emulators = useTwoEmulatorsOnOneStore();

  it('a policy deleted through one is refused by the other on its next request', async () => {
    const s = await setUp(emulators.first(), 'elsewhere');
    for (let i = 0; i < 3; i++) expectGraphOk(await graph(emulators.second(), s.path, s.token), 'v1.0', MEETING);
    await control(emulators.first(), 'DELETE', `/tenants/${emulators.first().demo.tenantId}/accessPolicies/${s.policyId}`, undefined, 204);
    expectGraphFailure(await graph(emulators.second(), s.path, s.token), 'v1.0', 403, 'Forbidden', NO_POLICY);
  });

  it('a user deleted through one is not found by the other on its next request', async () => {
    const s = await setUp(emulators.first(), 'gone-elsewhere');
    expectGraphOk(await graph(emulators.second(), s.path, s.token), 'v1.0', MEETING);
    await control(emulators.first(), 'DELETE', `/tenants/${emulators.first().demo.tenantId}/users/${s.userId}`, undefined, 204);
    expectGraphFailure(await graph(emulators.second(), s.path, s.token), 'v1.0', 404);
  });

  it("a recording made through one while the other pages a delta round shows in the other's page read ahead of it", async () => {
    const { seen, made } = await roundWithWriteMidway(emulators.second(), emulators.first());
    expect(seen).toContain(made);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
