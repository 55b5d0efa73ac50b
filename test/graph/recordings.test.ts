import { PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp4Stream } from '../../src/simulation/content/mp4.js';
import { SAMPLE_MP4 } from '../../src/simulation/content/sampleMp4.js';
import { graphClient } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { newMeeting, sha256, sha256OfStream, simulate, type Simulation } from './support/artifacts.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;
const RECORDING = 'microsoft.graph.callRecording';
const COLLECTION = 'microsoft.graph.callRecordingCollectionResponse';
const NO_POLICY = 'No application access policy found for this app.';

describe('recordings of online meetings', () => {
  let emu: TestEmulator;
  let adele: string, alex: string, lee: string, megan: string;
  let appToken: string, adeleToken: string, alexToken: string;
  let meetingId: string;
  let sim: Simulation;
  const path = (v: Version, rest = ''): string => `/${v}/users/${adele}/onlineMeetings/${meetingId}/recordings${rest}`;

  beforeAll(async () => {
    emu = await startTestEmulator();
    const byName = (n: string): string => emu.demo.users.find((u) => u.userPrincipalName.startsWith(n))!.id;
    [adele, alex, lee, megan] = [byName('adele'), byName('alex'), byName('lee'), byName('megan')];
    meetingId = emu.demo.meetingId;
    [appToken, adeleToken, alexToken] = await Promise.all([mintToken(emu), mintToken(emu, { userId: adele }), mintToken(emu, { userId: alex })]);
    sim = await simulate(emu, meetingId);
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('lists the demo meeting’s recordings with the official client, as Graph documents them', async () => {
      const body = (await graphClient(emu, undefined, v).api(`/users/${adele}/onlineMeetings/${meetingId}/recordings`).get()) as Json;
      expectGraphType(v, COLLECTION, body);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele}')/onlineMeetings('${meetingId}')/recordings`);
      const value = body['value'] as Json[];
      // The demo tenant's recording plus the one simulated here.
      expect(value.length).toBe(2);
      expect(body['@odata.count']).toBe(2);
      const mine = value.find((r) => r['id'] === sim.recordingId)!;
      expect(mine).toMatchObject({
        meetingId,
        callId: sim.callId,
        contentCorrelationId: sim.contentCorrelationId,
        recordingContentUrl: `${emu.url}/${v}/users/${adele}/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`,
        meetingOrganizer: {
          application: null,
          device: null,
          user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: adele, displayName: null, userIdentityType: 'aadUser', tenantId: emu.demo.tenantId },
        },
      });
      expect(sim.contentCorrelationId).toMatch(/^[0-9a-f-]{36}-0$/);
      expect(Date.parse(mine['endDateTime'] as string)).toBeGreaterThan(Date.parse(mine['createdDateTime'] as string));
    });

    it('gets one recording, with $select and the entity context', async () => {
      const full = expectGraphOk(await graph(emu, path(v, `/${sim.recordingId}`), appToken), v, RECORDING);
      expect(full['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele}')/onlineMeetings('${meetingId}')/recordings/$entity`);
      expect(full['id']).toBe(sim.recordingId);
      const selected = expectGraphOk(await graph(emu, path(v, `/${sim.recordingId}?$select=callId,CreatedDateTime`), appToken), v, RECORDING);
      expect(Object.keys(selected).sort()).toEqual(['@odata.context', 'callId', 'createdDateTime', 'id']);
      expect(selected['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele}')/onlineMeetings('${meetingId}')/recordings(callId,createdDateTime)/$entity`);
      expectGraphFailure(await graph(emu, path(v, `/${sim.recordingId}?$select=nope`), appToken), v, 400, 'BadRequest');
    });

    it('serves the OData key forms Graph itself writes in links', async () => {
      for (const p of [
        `/${v}/users('${adele}')/onlineMeetings('${meetingId}')/recordings('${sim.recordingId}')`,
        `/${v}/users(${adele})/onlineMeetings/${meetingId}/recordings/${sim.recordingId}`,
        `/${v}/users/${adele}/onlineMeetings('${meetingId}')/recordings/('${sim.recordingId}')/content`,
      ]) {
        const res = await fetch(`${emu.url}${p}`, { headers: { authorization: `Bearer ${appToken}` } });
        expect(res.status, p).toBe(200);
        await res.arrayBuffer();
      }
    });

    it('filters on contentCorrelationId, the property name in any case', async () => {
      const filter = encodeURIComponent(`contentcorrelationId eq '${sim.contentCorrelationId}'`);
      const body = expectGraphOk(await graph(emu, `${path(v)}?$filter=${filter}`, appToken), v, COLLECTION);
      expect((body['value'] as Json[]).map((r) => r['id'])).toEqual([sim.recordingId]);
      const none = expectGraphOk(await graph(emu, `${path(v)}?$filter=${encodeURIComponent("contentCorrelationId eq 'x-0'")}`, appToken), v, COLLECTION);
      expect(none['value']).toEqual([]);
      expectGraphFailure(await graph(emu, `${path(v)}?$filter=${encodeURIComponent("callId eq 'x'")}`, appToken), v, 400, 'BadRequest', /contentCorrelationId/);
    });

    it('downloads the content byte for byte: a playable MP4 with its type and length', async () => {
      const res = await fetch(`${emu.url}${path(v, `/${sim.recordingId}/content`)}`, { headers: { authorization: `Bearer ${appToken}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      expect(res.headers.get('content-length')).toBe(String(SAMPLE_MP4.length));
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(SAMPLE_MP4)).toBe(true);
      // ISO-BMFF: ftyp first, then moov before mdat.
      expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
      expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    });

    it('answers Range with 206 and the right bytes, an unsatisfiable one with 416, HEAD with headers only', async () => {
      const url = `${emu.url}${path(v, `/${sim.recordingId}/content`)}`;
      const size = SAMPLE_MP4.length;
      const ranged = async (range: string): Promise<Response> => fetch(url, { headers: { authorization: `Bearer ${appToken}`, range } });
      for (const [range, start, end] of [
        ['bytes=0-99', 0, 99],
        ['bytes=100-', 100, size - 1],
        ['bytes=-50', size - 50, size - 1],
        [`bytes=10-${size + 500}`, 10, size - 1],
      ] as const) {
        const res = await ranged(range);
        expect(res.status, range).toBe(206);
        expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
        expect(res.headers.get('content-length')).toBe(String(end - start + 1));
        expect(Buffer.from(await res.arrayBuffer()).equals(SAMPLE_MP4.subarray(start, end + 1))).toBe(true);
      }
      for (const range of [`bytes=${size}-`, 'bytes=-0', `bytes=${size + 10}-${size + 20}`]) {
        const res = await ranged(range);
        expect(res.status, range).toBe(416);
        expect(res.headers.get('content-range')).toBe(`bytes */${size}`);
        expectGraphFailure({ status: res.status, headers: res.headers, body: (await res.json()) as Json }, v, 416, 'invalidRange');
      }
      // A header we do not understand is ignored (RFC 9110): the whole content.
      const whole = await ranged('items=0-5');
      expect(whole.status).toBe(200);
      expect((await whole.arrayBuffer()).byteLength).toBe(size);
      const head = await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${appToken}` } });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(size));
      expect(head.headers.get('content-type')).toBe('video/mp4');
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    });

    it('404s an unknown meeting, an unknown recording and a recording of another meeting', async () => {
      const other = await simulate(emu, (await newMeeting(emu, { organizerId: adele, subject: 'Other' })).id, { transcript: false });
      expectGraphFailure(await graph(emu, path(v, `/${other.recordingId}`), appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, path(v, '/VjIjIzE='), appToken), v, 404, 'NotFound');
      const unknownMeeting = Buffer.from(`1*${adele}*0**19:meeting_bm90aGVyZQ@thread.v2`).toString('base64');
      expectGraphFailure(await graph(emu, `/${v}/users/${adele}/onlineMeetings/${unknownMeeting}/recordings`, appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, path(v), undefined), v, 401, 'InvalidAuthenticationToken');
    });
  });

  it('pages a meeting’s recordings with $top and nextLink; the official PageIterator walks them all', async () => {
    const meeting = await newMeeting(emu, { organizerId: adele, subject: 'Paged' });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await simulate(emu, meeting.id, { transcript: false })).recordingId!);
    const client = tokenClient(emu, appToken);
    const first = (await client.api(`/users/${adele}/onlineMeetings/${meeting.id}/recordings?$top=2`).get()) as Json;
    expectGraphType('v1.0', COLLECTION, first);
    expect((first['value'] as Json[]).length).toBe(2);
    expect(first['@odata.nextLink']).toMatch(/\$skiptoken=/);
    const seen: string[] = [];
    await new PageIterator(client, first as never, (item: Json) => {
      seen.push(item['id'] as string);
      return true;
    }).iterate();
    expect(seen).toEqual(made);
    // Prefer: odata.maxpagesize works too, and says so.
    const res = await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meeting.id}/recordings`, appToken, { headers: { prefer: 'odata.maxpagesize=3' } });
    expect((expectGraphOk(res, 'v1.0', COLLECTION)['value'] as Json[]).length).toBe(3);
    expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=3');
    // A skip token from another meeting's list, or altered, is refused.
    const token = new URL(first['@odata.nextLink'] as string).searchParams.get('$skiptoken')!;
    expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meetingId}/recordings?$skiptoken=${encodeURIComponent(token)}`, appToken), 'v1.0', 400, 'BadRequest');
    const tampered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meeting.id}/recordings?$skiptoken=${encodeURIComponent(tampered)}`, appToken), 'v1.0', 400, 'BadRequest');
  });

  it('streams a large recording (grown MP4) byte for byte, and a range from its middle', async () => {
    const size = 6 * 1024 * 1024 + 123;
    const big = await simulate(emu, meetingId, { recordingSizeBytes: size, transcript: false });
    const url = `${emu.url}/v1.0/users/${adele}/onlineMeetings/${meetingId}/recordings/${big.recordingId}/content`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${appToken}` } });
    expect(res.headers.get('content-length')).toBe(String(size));
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.length).toBe(size);
    expect(sha256(got)).toBe(await sha256OfStream(mp4Stream(size)));
    expect(got.subarray(0, SAMPLE_MP4.length).equals(SAMPLE_MP4)).toBe(true);
    expect(got.subarray(SAMPLE_MP4.length + 4, SAMPLE_MP4.length + 8).toString('latin1')).toBe('free');
    const mid = await fetch(url, { headers: { authorization: `Bearer ${appToken}`, range: 'bytes=3000000-3000999' } });
    expect(mid.status).toBe(206);
    expect(Buffer.from(await mid.arrayBuffer()).equals(got.subarray(3_000_000, 3_001_000))).toBe(true);
  });

  describe('permissions', () => {
    it('lets the organizer download through /me; a participant may list and get but not download (403)', async () => {
      const mine = await tokenClient(emu, adeleToken).api(`/me/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`).getStream();
      expect(await sha256OfStream(mine)).toBe(sha256(SAMPLE_MP4));
      const listed = expectGraphOk(await graph(emu, `/v1.0/me/onlineMeetings/${meetingId}/recordings`, alexToken), 'v1.0', COLLECTION);
      expect(listed['@odata.context']).toBe(`${emu.url}/v1.0/$metadata#users('${alex}')/onlineMeetings('${meetingId}')/recordings`);
      expectGraphOk(await graph(emu, `/v1.0/me/onlineMeetings/${meetingId}/recordings/${sim.recordingId}`, alexToken), 'v1.0', RECORDING);
      expectGraphFailure(await graph(emu, `/v1.0/me/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`, alexToken), 'v1.0', 403, 'Forbidden', /organizer/);
      // The official client's getStream rejects with the status (its body stays a stream).
      const refused = await tokenClient(emu, alexToken)
        .api(`/me/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`)
        .getStream()
        .then(
          () => undefined,
          (err: { statusCode?: number }) => err.statusCode,
        );
      expect(refused).toBe(403);
    });

    it('refuses tokens without the permission, delegated or app', async () => {
      const noScope = await mintToken(emu, { userId: adele, scopes: ['User.Read', 'OnlineMeetings.Read'] });
      expectGraphFailure(await graph(emu, `/v1.0/me/onlineMeetings/${meetingId}/recordings`, noScope), 'v1.0', 403, 'Forbidden');
      const transcriptsOnly = await mintToken(emu, { roles: ['OnlineMeetingTranscript.Read.All', 'OnlineMeetings.Read.All'] });
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meetingId}/recordings`, transcriptsOnly), 'v1.0', 403, 'Forbidden');
    });

    it('needs an application access policy for the user in the path', async () => {
      const leeMeeting = await newMeeting(emu, { organizerId: lee, subject: 'Lee only' });
      const leeSim = await simulate(emu, leeMeeting.id);
      expectGraphFailure(await graph(emu, `/v1.0/users/${lee}/onlineMeetings/${leeMeeting.id}/recordings`, appToken), 'v1.0', 403, 'Forbidden', NO_POLICY);
      expectGraphFailure(await graph(emu, `/v1.0/users/${lee}/onlineMeetings/${leeMeeting.id}/recordings/${leeSim.recordingId}/content`, appToken), 'v1.0', 403, 'Forbidden', NO_POLICY);
      // Megan is covered by the policy but is not in Lee's meeting.
      expectGraphFailure(await graph(emu, `/v1.0/users/${megan}/onlineMeetings/${leeMeeting.id}/recordings`, appToken), 'v1.0', 404, 'NotFound');
    });

    it('grants OnlineMeetingRecording.Read.Chat (RSC) through a Teams app installed in that meeting only', async () => {
      const app = await control<{ clientId: string }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/apps`, { displayName: 'RSC bot', applicationPermissions: [] });
      const rscToken = await mintToken(emu, { clientId: app.clientId });
      const url = `/v1.0/users/${adele}/onlineMeetings/${meetingId}/recordings`;
      expectGraphFailure(await graph(emu, url, rscToken), 'v1.0', 403, 'Forbidden');
      await control(emu, 'POST', `/tenants/${emu.demo.tenantId}/teamsAppInstallations`, { meetingId, clientId: app.clientId, rscPermissions: ['OnlineMeetingRecording.Read.Chat'] });
      expectGraphOk(await graph(emu, url, rscToken), 'v1.0', COLLECTION);
      const content = await fetch(`${emu.url}${url}/${sim.recordingId}/content`, { headers: { authorization: `Bearer ${rscToken}` } });
      expect(content.status).toBe(200);
      expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(sha256(SAMPLE_MP4));
      // The consent is for recordings of this meeting: not transcripts, not another meeting.
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meetingId}/transcripts`, rscToken), 'v1.0', 403, 'Forbidden');
      const other = await newMeeting(emu, { organizerId: adele, subject: 'No bot here' });
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${other.id}/recordings`, rscToken), 'v1.0', 403, 'Forbidden');
    });

    it('refuses channel meetings, meetings without a calendar event, and expired meetings', async () => {
      const channel = await newMeeting(emu, { organizerId: adele, subject: 'Channel', kind: 'channel' });
      await simulate(emu, channel.id);
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${channel.id}/recordings`, appToken), 'v1.0', 400, 'BadRequest', 'Channel based meetings are currently not supported.');
      const adHoc = await newMeeting(emu, { organizerId: adele, subject: 'No calendar', hasCalendarEvent: false });
      expectGraphFailure(await graph(emu, `/beta/users/${adele}/onlineMeetings/${adHoc.id}/recordings`, appToken), 'beta', 400, 'BadRequest', /calendar backed OnlineMeeting/);
      const day = 86_400_000;
      const now = emu.clock.nowMs();
      const old = await newMeeting(emu, {
        organizerId: adele,
        subject: 'Long ago',
        startDateTime: new Date(now - 70 * day).toISOString(),
        endDateTime: new Date(now - 70 * day + 3_600_000).toISOString(),
      });
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${old.id}/recordings`, appToken), 'v1.0', 404, 'NotFound', /expired/);
    });
  });

  describe('ad hoc calls (adhoccall-list-recordings.md)', () => {
    it('serves a group call’s recording under each participant’s adhocCalls, on v1.0 and beta', async () => {
      const call = await control<Simulation>(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, { organizerId: adele, participantIds: [alex, megan] });
      expect(call.meetingId).toBeNull();
      // Listing one call's recordings is beta only (adhoccall-list-recordings?view=graph-rest-beta); v1.0 answers Graph's 501.
      expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/adhocCalls/${call.adhocCallId}/recordings`, appToken), 'v1.0', 501, 'NotImplemented', /getAllRecordings/);
      for (const v of ['beta'] as const) {
        const body = expectGraphOk(await graph(emu, `/${v}/users/${adele}/adhocCalls/${call.adhocCallId}/recordings`, appToken), v, COLLECTION);
        expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele}')/adhocCalls('${call.adhocCallId}')/recordings`);
        const [rec] = body['value'] as Json[];
        expect(rec).toMatchObject({
          id: call.recordingId,
          meetingId: null,
          callId: call.callId,
          recordingContentUrl: `${emu.url}/${v}/users/${adele}/adhocCalls/${call.adhocCallId}/recordings/${call.recordingId}/content`,
        });
      }
      const content = await fetch(`${emu.url}/v1.0/users/${megan}/adhocCalls/${call.adhocCallId}/recordings/${call.recordingId}/content`, { headers: { authorization: `Bearer ${appToken}` } });
      expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(sha256(SAMPLE_MP4));
      const one = expectGraphOk(await graph(emu, `/v1.0/users/${adele}/adhocCalls/${call.adhocCallId}/recordings/${call.recordingId}`, appToken), 'v1.0', 'microsoft.graph.callRecording');
      expect(one).toMatchObject({ id: call.recordingId, meetingId: null, callId: call.callId });
      expectGraphFailure(await graph(emu, `/beta/users/${lee}/adhocCalls/${call.adhocCallId}/recordings`, appToken), 'beta', 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/v1.0/users/${lee}/adhocCalls/${call.adhocCallId}/recordings/${call.recordingId}`, appToken), 'v1.0', 404, 'NotFound');
      const noRole = await mintToken(emu, { roles: ['OnlineMeetingRecording.Read.All'] });
      expectGraphFailure(await graph(emu, `/beta/users/${adele}/adhocCalls/${call.adhocCallId}/recordings`, noRole), 'beta', 403, 'Forbidden');
      // Delegated: the organizer downloads, a participant may not.
      expect((await fetch(`${emu.url}/v1.0/me/adhocCalls/${call.adhocCallId}/recordings/${call.recordingId}/content`, { headers: { authorization: `Bearer ${adeleToken}` } })).status).toBe(200);
      expectGraphFailure(await graph(emu, `/v1.0/me/adhocCalls/${call.adhocCallId}/recordings/${call.recordingId}/content`, alexToken), 'v1.0', 403, 'Forbidden');
    });

    it('refuses a bad ad hoc call request on the control API', async () => {
      await control(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, { organizerId: adele, participantIds: [] }, 400);
      await control(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, { organizerId: adele, participantIds: ['00000000-0000-0000-0000-000000000009'] }, 404);
    });
  });

  describe('simulation and metering', () => {
    it('makes artifacts appear after a delay on the virtual clock', async () => {
      const meeting = await newMeeting(emu, { organizerId: adele, subject: 'Later' });
      const later = await simulate(emu, meeting.id, { artifactDelay: 'PT10M' });
      const url = `/v1.0/users/${adele}/onlineMeetings/${meeting.id}/recordings`;
      expect(expectGraphOk(await graph(emu, url, appToken), 'v1.0', COLLECTION)['value']).toEqual([]);
      await control(emu, 'POST', '/clock', { advance: 'PT11M' }, 200);
      const after = expectGraphOk(await graph(emu, url, appToken), 'v1.0', COLLECTION)['value'] as Json[];
      expect(after.map((r) => r['id'])).toEqual([later.recordingId]);
    });

    it('refuses bad simulate requests with the control API’s errors', async () => {
      await control(emu, 'POST', '/meetings/bm9uZQ==/simulate', {}, 404);
      await control(emu, 'POST', `/meetings/${meetingId}/simulate`, { durationMinutes: -1 }, 400);
      await control(emu, 'POST', `/meetings/${meetingId}/simulate`, { artifactDelay: 'soon' }, 400);
      await control(emu, 'POST', `/meetings/${meetingId}/simulate`, { unknown: true }, 400);
    });

    it('counts calls to the metered APIs per app and API (GET /_emulator/usage)', async () => {
      const before = await control<{ value: Array<{ clientId: string; api: string; calls: number }> }>(emu, 'GET', '/usage');
      const count = (u: typeof before, api: string): number => u.value.find((e) => e.clientId === emu.demo.clientId && e.api === api)?.calls ?? 0;
      await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meetingId}/recordings`, appToken);
      await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meetingId}/recordings/${sim.recordingId}`, appToken);
      // Refused calls are not billed.
      await graph(emu, `/v1.0/users/${lee}/onlineMeetings/${meetingId}/recordings`, appToken);
      const after = await control<typeof before>(emu, 'GET', `/usage?tenantId=${emu.demo.tenantId}`);
      expect(count(after, 'onlineMeetingRecording') - count(before, 'onlineMeetingRecording')).toBe(2);
    });

    it('bills downloaded content by its minutes: GET /_emulator/usage estimates the cost at the list price', async () => {
      type Usage = { value: Array<{ clientId: string; api: string; calls: number; contentMinutes: number; estimatedCostUsd: number }> };
      const entry = (u: Usage): { contentMinutes: number; estimatedCostUsd: number } =>
        u.value.find((e) => e.clientId === emu.demo.clientId && e.api === 'onlineMeetingRecording') ?? { contentMinutes: 0, estimatedCostUsd: 0 };
      const before = entry(await control<Usage>(emu, 'GET', '/usage'));
      const meta = await graph(emu, path('v1.0', `/${sim.recordingId}`), appToken);
      const minutes = (Date.parse(String(meta.body['endDateTime'])) - Date.parse(String(meta.body['createdDateTime']))) / 60_000;
      expect(minutes).toBeGreaterThan(0);
      const after1 = entry(await control<Usage>(emu, 'GET', '/usage'));
      // Reading the metadata is a call, not content: no minutes.
      expect(after1.contentMinutes).toBeCloseTo(before.contentMinutes, 6);
      const res = await fetch(`${emu.url}${path('v1.0', `/${sim.recordingId}/content`)}`, { headers: { authorization: `Bearer ${appToken}` } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      const after2 = entry(await control<Usage>(emu, 'GET', '/usage'));
      expect(after2.contentMinutes - before.contentMinutes).toBeCloseTo(minutes, 2);
      expect(after2.estimatedCostUsd - before.estimatedCostUsd).toBeCloseTo(minutes * 0.003, 3);
    });
  });
});
