import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, controlJson, expectControlError } from '../support/control.js';
import { graphClient } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { clientFailure, mintToken, tokenClient } from '../graph/support/http.js';

type KindReport = { granted: string[]; used: string[]; unused: string[]; missing: string[]; minimal: string[] };
interface Operation {
  kind: string;
  operation: string;
  outcome: string;
  satisfiedBy: string | null;
  via: string | null;
  accepted: string[];
  accessPolicyMissing: boolean;
  calls: number;
}
interface Report {
  clientId: string;
  tenantId: string;
  application: KindReport;
  delegated: KindReport;
  resourceSpecific: string[];
  operations: Operation[];
}

/**
 * GET /_emulator/apps/{clientId}/permissions-report (issue 14 item 9): real Graph calls through the
 * official clients, then the report of what they needed, from the permission tables that authorized them.
 */
describe('permissions report', () => {
  let emu: TestEmulator;
  let adele: string;
  let clientId: string;
  const secret = 'report-app-secret';

  beforeAll(async () => {
    emu = await startTestEmulator();
    adele = emu.demo.users.find((u) => u.userPrincipalName.startsWith('adele'))!.id;
    const app = await controlJson<{ clientId: string }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/apps`, {
      displayName: 'Least privilege',
      clientSecret: secret,
      applicationPermissions: ['OnlineMeetingRecording.Read.All', 'OnlineMeetings.ReadWrite.All', 'CallRecords.Read.All'],
      delegatedPermissions: ['OnlineMeetingRecording.Read.All', 'User.Read'],
    });
    clientId = app.clientId;
    await controlJson(emu, 'POST', `/tenants/${emu.demo.tenantId}/accessPolicies`, { name: 'report app', appIds: [clientId], userIds: [adele] });
  });
  afterAll(async () => emu.stop());

  it('reports, per kind, the permissions used, unused, missing, and the minimal set to consent', async () => {
    const meetings = `/users/${adele}/onlineMeetings/${emu.demo.meetingId}`;
    const client = graphClient(emu, new ClientSecretCredential(emu.demo.tenantId, clientId, secret, { authorityHost: emu.url, disableInstanceDiscovery: true }));
    await client.api(`${meetings}/recordings`).get();
    await client.api(`${meetings}/recordings`).get();
    await client.api('/communications/callRecords').get();
    const from = new Date(emu.clock.nowMs() - 86_400_000).toISOString();
    const to = new Date(emu.clock.nowMs()).toISOString();
    await client.api(`/communications/callRecords/getPstnCalls(fromDateTime=${from},toDateTime=${to})`).get();
    expect((await clientFailure(client.api(`${meetings}/transcripts`).get())).statusCode).toBe(403);
    // Delegated, as Adele: a scope the token holds, and one it lacks.
    const delegated = tokenClient(emu, await mintToken(emu, { clientId, userId: adele, scopes: ['OnlineMeetingRecording.Read.All', 'User.Read'] }));
    await delegated.api(`/me/onlineMeetings/${emu.demo.meetingId}/recordings`).get();
    expect((await clientFailure(delegated.api(`/me/onlineMeetings/${emu.demo.meetingId}/transcripts`).get())).statusCode).toBe(403);

    const report = await controlJson<Report>(emu, 'GET', `/apps/${clientId}/permissions-report`);
    expect(report).toMatchObject({ clientId, tenantId: emu.demo.tenantId, resourceSpecific: [] });
    expect(report.application).toEqual({
      granted: ['CallRecords.Read.All', 'OnlineMeetingRecording.Read.All', 'OnlineMeetings.ReadWrite.All'],
      used: ['CallRecords.Read.All', 'OnlineMeetingRecording.Read.All'],
      unused: ['OnlineMeetings.ReadWrite.All'],
      missing: ['OnlineMeetingTranscript.Read.All'],
      // getPstnCalls accepts CallRecord-PstnCalls.Read.All or CallRecords.Read.All: the list records already need the latter.
      minimal: ['CallRecords.Read.All', 'OnlineMeetingRecording.Read.All', 'OnlineMeetingTranscript.Read.All'],
    });
    expect(report.delegated).toEqual({
      granted: ['OnlineMeetingRecording.Read.All', 'User.Read'],
      used: ['OnlineMeetingRecording.Read.All'],
      unused: ['User.Read'],
      missing: ['OnlineMeetingTranscript.Read.All'],
      minimal: ['OnlineMeetingRecording.Read.All', 'OnlineMeetingTranscript.Read.All'],
    });
    const recordings = report.operations.find((o) => o.kind === 'application' && /\/recordings$/i.test(o.operation))!;
    expect(recordings).toMatchObject({ outcome: 'authorized', satisfiedBy: 'OnlineMeetingRecording.Read.All', via: 'role', calls: 2, accessPolicyMissing: false });
    expect(recordings.operation).toMatch(/^GET \/v1\.0\/users\/:userId\/onlineMeetings\/:meetingId\/recordings$/i);
    const refused = report.operations.find((o) => o.kind === 'delegated' && /\/transcripts$/i.test(o.operation))!;
    expect(refused).toMatchObject({ outcome: 'refused', satisfiedBy: null, via: null, accepted: ['OnlineMeetingTranscript.Read.All'], calls: 1 });
  });

  it('notes a call refused for want of an access policy under the role that would otherwise do', async () => {
    const bare = await controlJson<{ clientId: string }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/apps`, { displayName: 'No policy', applicationPermissions: ['OnlineMeetingRecording.Read.All'] });
    const token = await mintToken(emu, { clientId: bare.clientId });
    expect((await clientFailure(tokenClient(emu, token).api(`/users/${adele}/onlineMeetings/${emu.demo.meetingId}/recordings`).get())).statusCode).toBe(403);
    const report = await controlJson<Report>(emu, 'GET', `/apps/${bare.clientId}/permissions-report`);
    expect(report.operations).toEqual([expect.objectContaining({ outcome: 'authorized', satisfiedBy: 'OnlineMeetingRecording.Read.All', accessPolicyMissing: true })]);
    expect(report.application.minimal).toEqual(['OnlineMeetingRecording.Read.All']);
  });

  it('answers a Graph-shaped 404 for an unknown app, and starts empty after a reset', async () => {
    expectControlError(await control(emu, 'GET', '/apps/00000000-0000-0000-0000-00000000abcd/permissions-report'), 404, /was not found/);
    await controlJson(emu, 'POST', '/reset', undefined, 200);
    const report = await controlJson<Report>(emu, 'GET', `/apps/${emu.demo.clientId}/permissions-report`);
    expect(report.operations).toEqual([]);
    expect(report.application.minimal).toEqual([]);
  });
});
