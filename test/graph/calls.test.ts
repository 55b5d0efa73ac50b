import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { clientFailure, control, expectGraphFailure, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;
interface CallView {
  id: string;
  state: string;
  apps: string[];
}
interface History {
  callId: string;
  recordingAllowed: Record<string, boolean>;
  value: Array<{ id: string; clientId: string; status: string; clientContext: string | null; operationStatus: string }>;
}

const OPERATION = 'microsoft.graph.updateRecordingStatusOperation';
const json = { 'content-type': 'application/json' };

describe('calls and updateRecordingStatus', () => {
  let emu: TestEmulator;
  let tenant: string;
  let token: string;
  let botClientId: string;
  let botToken: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    tenant = emu.demo.tenantId;
    token = await mintToken(emu);
    const bot = await control<{ clientId: string }>(emu, 'POST', `/tenants/${tenant}/apps`, {
      displayName: 'Compliance recorder',
      applicationPermissions: ['Calls.JoinGroupCalls.All', 'Calls.AccessMedia.All'],
    });
    botClientId = bot.clientId;
    botToken = await mintToken(emu, { clientId: botClientId });
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('GET /communications/calls/{id}: the demo app sees its live demo call (official client)', async () => {
      const call = (await tokenClient(emu, token, v).api(`/communications/calls/${emu.demo.callId}`).get()) as Json;
      expectGraphType(v, 'microsoft.graph.call', call);
      expect(call).toMatchObject({ id: emu.demo.callId, state: 'established', tenantId: tenant });
      expect(call['@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/calls/$entity`);
      expect((call['meetingInfo'] as Json)['organizer']).toBeTruthy();
    });

    it('updateRecordingStatus answers exactly as the seed: 200, absolute Location, the operation', async () => {
      const res = await graph(emu, `/${v}/communications/calls/${emu.demo.callId}/updateRecordingStatus`, token, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ clientContext: 'clientContext-value', status: 'recording' }),
      });
      const body = expectGraphOk(res, v, OPERATION);
      expect(Object.keys(body)).toEqual(['@odata.type', 'clientContext', 'id', 'resultInfo', 'status']);
      expect(body).toMatchObject({ '@odata.type': '#microsoft.graph.updateRecordingStatusOperation', clientContext: 'clientContext-value', resultInfo: null, status: 'completed' });
      expect(res.headers.get('location')).toBe(`${emu.url}/${v}/communications/calls/${emu.demo.callId}/operations/${String(body['id'])}`);
      const op = (await tokenClient(emu, token, v).api(res.headers.get('location')!).get()) as Json;
      expectGraphType(v, 'microsoft.graph.commsOperation', op);
      expect(op).toMatchObject({ id: body['id'], clientContext: 'clientContext-value', status: 'completed' });
      expect(op['@odata.context']).toBe(`${emu.url}/${v}/$metadata#communications/calls('${emu.demo.callId}')/operations/$entity`);
    });
  });

  it('a bot joins a live meeting call through the control API; the compliance rule follows its recording status', async () => {
    const call = await control<CallView>(emu, 'POST', `/tenants/${tenant}/calls`, { meetingId: emu.demo.meetingId });
    // Not in the call yet: to the bot it does not exist.
    expectGraphFailure(await graph(emu, `/v1.0/communications/calls/${call.id}`, botToken), 'v1.0', 404, 'NotFound');
    const joined = await control<CallView>(emu, 'POST', `/calls/${call.id}/apps`, { clientId: botClientId }, 200);
    expect(joined.apps).toEqual([botClientId]);
    // Joining twice changes nothing.
    expect((await control<CallView>(emu, 'POST', `/calls/${call.id}/apps`, { clientId: botClientId }, 200)).apps).toEqual([botClientId]);
    expectGraphOk(await graph(emu, `/v1.0/communications/calls/${call.id}`, botToken), 'v1.0', 'microsoft.graph.call');

    const history = (): Promise<History> => control<History>(emu, 'GET', `/calls/${call.id}/recordingStatus`);
    expect(await history()).toMatchObject({ recordingAllowed: { [botClientId]: false }, value: [] });

    const client = tokenClient(emu, botToken);
    const post = (status: string, clientContext?: string) =>
      client.api(`/communications/calls/${call.id}/updateRecordingStatus`).post({ status, ...(clientContext !== undefined ? { clientContext } : {}) }) as Promise<Json>;
    const first = await post('recording', 'c1');
    expectGraphType('v1.0', OPERATION, first);
    expect((await history()).recordingAllowed[botClientId]).toBe(true);
    await post('notRecording');
    expect((await history()).recordingAllowed[botClientId]).toBe(false);
    await post('recording', 'c3');
    await post('failed', 'c4');
    const h = await history();
    expect(h.recordingAllowed[botClientId]).toBe(false);
    expect(h.value.map((x) => [x.status, x.clientContext, x.operationStatus, x.clientId])).toEqual([
      ['recording', 'c1', 'completed', botClientId],
      ['notRecording', null, 'completed', botClientId],
      ['recording', 'c3', 'completed', botClientId],
      ['failed', 'c4', 'completed', botClientId],
    ]);
    expect(h.value[0]!.id).toBe(first['id']);

    // Once the call ends it is gone for Graph; operations stay readable by their app.
    await control(emu, 'POST', `/calls/${call.id}/end`, undefined, 200);
    expectGraphFailure(await graph(emu, `/v1.0/communications/calls/${call.id}`, botToken), 'v1.0', 404, 'NotFound', /has ended/);
    const ended = await graph(emu, `/v1.0/communications/calls/${call.id}/updateRecordingStatus`, botToken, { method: 'POST', headers: json, body: JSON.stringify({ status: 'recording' }) });
    expectGraphFailure(ended, 'v1.0', 404, 'NotFound', /has ended/);
    expectGraphOk(await graph(emu, `/v1.0/communications/calls/${call.id}/operations/${String(first['id'])}`, botToken), 'v1.0', 'microsoft.graph.commsOperation');
    // Another app cannot read the bot's operation.
    expectGraphFailure(await graph(emu, `/v1.0/communications/calls/${call.id}/operations/${String(first['id'])}`, token), 'v1.0', 404, 'NotFound');
    await control(emu, 'POST', `/calls/${call.id}/apps`, { clientId: emu.demo.clientId }, 409);
  });

  it('a bot hands in its recording through the control API: accepted only while its status is recording, then served by Graph', async () => {
    const call = await control<CallView>(emu, 'POST', `/tenants/${tenant}/calls`, { meetingId: emu.demo.meetingId });
    await control(emu, 'POST', `/calls/${call.id}/apps`, { clientId: botClientId }, 200);
    const recordingsPath = `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}/recordings`;
    const listed = async (): Promise<string[]> =>
      ((expectGraphOk(await graph(emu, recordingsPath, token), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse')['value'] ?? []) as Json[]).map((r) => String(r['id']));
    const hand = (expected: number, body: Json = { clientId: botClientId }) => control<Json>(emu, 'POST', `/calls/${call.id}/botRecordings`, body, expected);
    const before = await listed();

    // No status yet: refused, nothing stored.
    expect((await hand(409))['error']).toMatchObject({ code: 'Conflict', message: expect.stringMatching(/latest updateRecordingStatus/) });
    const client = tokenClient(emu, botToken);
    const post = (status: string) => client.api(`/communications/calls/${call.id}/updateRecordingStatus`).post({ status });
    await post('failed');
    await hand(409);
    expect(await listed()).toEqual(before);

    await post('recording');
    const accepted = await hand(201, { clientId: botClientId.toUpperCase(), recordingSizeBytes: 65536 });
    expect(accepted).toMatchObject({ callId: call.id, meetingId: emu.demo.meetingId, adhocCallId: null, organizerId: emu.demo.organizerUserId, size: 65536 });
    expect(await listed()).toEqual([...before, accepted['id']]);
    const one = expectGraphOk(await graph(emu, `${recordingsPath}/${String(accepted['id'])}`, token), 'v1.0', 'microsoft.graph.callRecording');
    expect(one).toMatchObject({ id: accepted['id'], callId: call.id, contentCorrelationId: accepted['contentCorrelationId'] });
    const content = await fetch(`${emu.url}${recordingsPath}/${String(accepted['id'])}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(content.status).toBe(200);
    expect((await content.arrayBuffer()).byteLength).toBe(65536);
    expect(content.headers.get('content-type')).toBe('video/mp4');
    expect(content.headers.get('content-length')).toBe('65536');

    // The window closes with notRecording.
    await post('notRecording');
    await hand(409);
    expect(await listed()).toEqual([...before, accepted['id']]);
  });

  it('control API: bot recordings need a known call, an app in it, a place to list it and a valid body', async () => {
    await control(emu, 'POST', '/calls/00000000-0000-0000-0000-000000000000/botRecordings', { clientId: botClientId }, 404);
    // The demo call's app is the demo app, not the bot.
    await control(emu, 'POST', `/calls/${emu.demo.callId}/botRecordings`, { clientId: botClientId }, 409);
    await control(emu, 'POST', `/calls/${emu.demo.callId}/botRecordings`, {}, 400);
    await control(emu, 'POST', `/calls/${emu.demo.callId}/botRecordings`, { clientId: botClientId, recordingSizeBytes: -1 }, 400);
    await control(emu, 'POST', `/calls/${emu.demo.callId}/botRecordings`, { clientId: botClientId, extra: 1 }, 400);
    // A live call of no meeting (started through the control API) has nowhere to list a recording.
    const bare = await control<CallView>(emu, 'POST', `/tenants/${tenant}/calls`, { clientId: botClientId });
    await tokenClient(emu, botToken).api(`/communications/calls/${bare.id}/updateRecordingStatus`).post({ status: 'recording' });
    const refused = await control<Json>(emu, 'POST', `/calls/${bare.id}/botRecordings`, { clientId: botClientId }, 409);
    expect(String((refused['error'] as Json)['message'])).toMatch(/no meeting or ad hoc call/);
  });

  describe('errors', () => {
    const update = (callId: string, body: unknown, t: string | undefined = token, headers: Record<string, string> = json) =>
      graph(emu, `/v1.0/communications/calls/${callId}/updateRecordingStatus`, t, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

    it('validates the body: status required and from the enum (evolvable rules), clientContext ≤ 256', async () => {
      const id = emu.demo.callId;
      expectGraphOk(await update(id, { status: 'recording', clientContext: 'x'.repeat(256) }), 'v1.0', OPERATION);
      expectGraphFailure(await update(id, { status: 'recording', clientContext: 'x'.repeat(257) }), 'v1.0', 400, 'BadRequest', 'clientContext exceeds the maximum length of 256 characters.');
      expectGraphFailure(await update(id, { status: 'recording', clientContext: 5 }), 'v1.0', 400, 'BadRequest', /Edm.String/);
      expectGraphFailure(await update(id, { clientContext: 'x' }), 'v1.0', 400, 'BadRequest', /'status' is required/);
      expectGraphFailure(await update(id, { status: null }), 'v1.0', 400, 'BadRequest', /'status' is required/);
      for (const status of ['unknownFutureValue', 'unknown', 'paused', 7]) {
        expectGraphFailure(await update(id, { status }), 'v1.0', 400, 'BadRequest', /for property 'status' of type 'microsoft.graph.recordingStatus'/);
      }
      // The header does not make the sentinel acceptable.
      expectGraphFailure(await update(id, { status: 'unknownFutureValue' }, token, { ...json, prefer: 'include-unknown-enum-members' }), 'v1.0', 400, 'BadRequest');
      // Members match ignoring case, as OData enum parsing does.
      expectGraphOk(await update(id, { status: 'NotRecording' }), 'v1.0', OPERATION);
      expectGraphFailure(await update(id, { status: 'recording', extra: true }), 'v1.0', 400, 'BadRequest', /'extra' in the request payload is not a valid parameter/);
      expectGraphFailure(await update(id, '[1]'), 'v1.0', 400, 'BadRequest');
      expectGraphFailure(await update(id, '{"status":'), 'v1.0', 400, 'BadRequest');
      expectGraphFailure(await update(id, 'status=recording', token, { 'content-type': 'text/plain' }), 'v1.0', 415);
    });

    it('needs Calls.JoinGroupCalls.All or Calls.AccessMedia.All, application-only', async () => {
      const id = emu.demo.callId;
      const joinOnly = await mintToken(emu, { roles: ['Calls.JoinGroupCalls.All'] });
      expectGraphOk(await update(id, { status: 'recording' }, joinOnly), 'v1.0', OPERATION);
      const mediaOnly = await mintToken(emu, { roles: ['Calls.AccessMedia.All'] });
      expectGraphOk(await update(id, { status: 'recording' }, mediaOnly), 'v1.0', OPERATION);
      const none = await mintToken(emu, { roles: ['CallRecords.Read.All'] });
      expectGraphFailure(await update(id, { status: 'recording' }, none), 'v1.0', 403, 'Forbidden');
      expectGraphFailure(await graph(emu, `/v1.0/communications/calls/${id}`, none), 'v1.0', 403, 'Forbidden');
      const delegated = await mintToken(emu, { userId: emu.demo.organizerUserId });
      expectGraphFailure(await update(id, { status: 'recording' }, delegated), 'v1.0', 403, 'Forbidden');
      expectGraphFailure(
        await graph(emu, `/v1.0/communications/calls/${id}/updateRecordingStatus`, undefined, { method: 'POST', headers: json, body: '{"status":"recording"}' }),
        'v1.0',
        401,
        'InvalidAuthenticationToken',
      );
    });

    it('unknown calls, calls of other apps and unknown operations are 404', async () => {
      const failure = await clientFailure(tokenClient(emu, token).api('/communications/calls/00000000-0000-0000-0000-000000000000/updateRecordingStatus').post({ status: 'recording' }));
      expect(failure.statusCode).toBe(404);
      expect(failure.body.error.code).toBe('NotFound');
      expectGraphFailure(await update(emu.demo.callId, { status: 'recording' }, botToken), 'v1.0', 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/v1.0/communications/calls/${emu.demo.callId}/operations/00000000-0000-0000-0000-000000000000`, token), 'v1.0', 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/v1.0/communications/calls/${emu.demo.callId}/updateRecordingStatus`, token), 'v1.0', 405);
      expectGraphFailure(await graph(emu, `/v1.0/communications/calls/${emu.demo.callId}?$select=id`, token), 'v1.0', 400, 'BadRequest', /Query option 'Select' is not allowed/);
    });

    it('control API: joining needs a live call and an app of its tenant', async () => {
      await control(emu, 'POST', '/calls/nope/apps', { clientId: botClientId }, 404);
      await control(emu, 'POST', `/calls/${emu.demo.callId}/apps`, { clientId: '00000000-0000-0000-0000-000000000000' }, 404);
      await control(emu, 'POST', `/calls/${emu.demo.callId}/apps`, {}, 400);
      await control(emu, 'GET', '/calls/nope/recordingStatus', undefined, 404);
      await control(emu, 'POST', '/calls/nope/end', undefined, 404);
      const calls = await control<{ value: CallView[] }>(emu, 'GET', `/tenants/${tenant}/calls`);
      expect(calls.value.find((c) => c.id === emu.demo.callId)?.apps).toEqual([emu.demo.clientId]);
    });
  });
});
