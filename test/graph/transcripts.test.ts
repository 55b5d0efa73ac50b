import { ResponseType } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { newMeeting, simulate, type Simulation } from './support/artifacts.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;
const TRANSCRIPT = 'microsoft.graph.callTranscript';
const COLLECTION = 'microsoft.graph.callTranscriptCollectionResponse';
/** A WebVTT timestamp line as every standard parser reads it. */
const CUE_TIMING = /^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$/;
const TEAMS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}\+00:00$/;

describe('transcripts of online meetings (calltranscript-get.md)', () => {
  let emu: TestEmulator;
  let adele: string, alex: string;
  let appToken: string, alexToken: string;
  let meetingId: string;
  let sim: Simulation;
  const base = (v: Version): string => `/${v}/users/${adele}/onlineMeetings/${meetingId}/transcripts`;
  const text = async (path: string, token: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  beforeAll(async () => {
    emu = await startTestEmulator();
    const byName = (n: string): string => emu.demo.users.find((u) => u.userPrincipalName.startsWith(n))!.id;
    [adele, alex] = [byName('adele'), byName('alex')];
    meetingId = emu.demo.meetingId;
    [appToken, alexToken] = await Promise.all([mintToken(emu), mintToken(emu, { userId: alex })]);
    sim = await simulate(emu, meetingId);
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('lists and gets transcripts; contentCorrelationId links the transcript to its recording', async () => {
      const body = (await graphClient(emu, undefined, v).api(`/users/${adele}/onlineMeetings/${meetingId}/transcripts`).get()) as Json;
      expectGraphType(v, COLLECTION, body);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele}')/onlineMeetings('${meetingId}')/transcripts`);
      const transcript = (body['value'] as Json[]).find((t) => t['id'] === sim.transcriptId)!;
      expect(transcript).toMatchObject({
        meetingId,
        callId: sim.callId,
        contentCorrelationId: sim.contentCorrelationId,
        transcriptContentUrl: `${emu.url}/${v}/users/${adele}/onlineMeetings/${meetingId}/transcripts/${sim.transcriptId}/content`,
      });
      expect(Buffer.from(sim.transcriptId!, 'base64').toString()).toMatch(/^1##0##[0-9a-f-]{36}$/);
      const one = expectGraphOk(await graph(emu, `${base(v)}/${sim.transcriptId}?$select=contentCorrelationId`, appToken), v, TRANSCRIPT);
      expect(one).toEqual({
        '@odata.context': `${emu.url}/${v}/$metadata#users('${adele}')/onlineMeetings('${meetingId}')/transcripts(contentCorrelationId)/$entity`,
        id: sim.transcriptId,
        contentCorrelationId: sim.contentCorrelationId,
      });
      // The recording with the same contentCorrelationId (example 3 of https://learn.microsoft.com/graph/api/callrecording-get), found through the transcript's.
      const filter = encodeURIComponent(`ContentCorrelationId eq '${sim.contentCorrelationId}'`);
      const recordings = expectGraphOk(
        await graph(emu, `/${v}/users/${adele}/onlineMeetings/${meetingId}/recordings?$filter=${filter}`, appToken),
        v,
        'microsoft.graph.callRecordingCollectionResponse',
      );
      expect((recordings['value'] as Json[]).map((r) => r['id'])).toEqual([sim.recordingId]);
      const transcripts = expectGraphOk(await graph(emu, `${base(v)}?$filter=${filter}`, appToken), v, COLLECTION);
      expect((transcripts['value'] as Json[]).map((r) => r['id'])).toEqual([sim.transcriptId]);
    });

    it('serves the content as WebVTT with a <v Speaker> cue per line, with or without $format=text/vtt', async () => {
      for (const query of ['', '?$format=text/vtt', '?$FORMAT=TEXT/VTT']) {
        const res = await text(`${base(v)}/${sim.transcriptId}/content${query}`, appToken);
        expect(res.status, query).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/vtt/);
        const vtt = await res.text();
        expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(vtt)));
        const [header, ...cues] = vtt.trimEnd().split('\n\n');
        expect(header).toBe('WEBVTT');
        expect(cues.length).toBe(10);
        for (const cue of cues) {
          const [timing, line] = cue.split('\n');
          expect(timing).toMatch(CUE_TIMING);
          expect(line).toMatch(/^<v (Adele Vance|Alex Wilber|Lee Gu|Nestor Wilke)>[^<]+<\/v>$/);
        }
        // Organizer and the three attendees all speak.
        expect(new Set(cues.map((c) => /<v ([^>]+)>/.exec(c)![1])).size).toBe(4);
      }
    });

    it('refuses an unknown $format with Graph’s 400 (docx is no longer served)', async () => {
      for (const format of ['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']) {
        const res = await graph(emu, `${base(v)}/${sim.transcriptId}/content?$format=${encodeURIComponent(format)}`, appToken);
        expectGraphFailure(res, v, 400, 'BadRequest', `Invalid format '${format}'`);
      }
    });

    it('serves metadataContent: WebVTT whose cues carry the JSON of ex.4, one compact object on one line, times as Teams writes them', async () => {
      const res = await text(`${base(v)}/${sim.transcriptId}/metadataContent`, appToken);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/vtt/);
      const body = await res.text();
      // The official client reads the same bytes.
      const viaClient = (await graphClient(emu, undefined, v)
        .api(`/users/${adele}/onlineMeetings/${meetingId}/transcripts/${sim.transcriptId}/metadataContent`)
        .responseType(ResponseType.TEXT)
        .get()) as string;
      expect(viaClient).toBe(body);
      const [header, ...cues] = body.trimEnd().split('\n\n');
      expect(header).toBe('WEBVTT');
      expect(cues.length).toBe(10);
      for (const cue of cues) {
        const lines = cue.split('\n');
        expect(lines).toHaveLength(2);
        const [timing, json] = lines as [string, string];
        expect(timing).toMatch(CUE_TIMING);
        const payload = JSON.parse(json) as Json;
        expect(json).toBe(JSON.stringify(payload));
        expect(Object.keys(payload)).toEqual(['startDateTime', 'endDateTime', 'speakerName', 'spokenText', 'spokenLanguage']);
        // `2023-03-08T08:22:30.0461639+00:00` in https://learn.microsoft.com/graph/api/calltranscript-get ex.4.
        expect(payload['startDateTime']).toMatch(TEAMS_DATE_TIME);
        expect(payload['endDateTime']).toMatch(TEAMS_DATE_TIME);
        expect(Date.parse(payload['endDateTime'] as string)).toBeGreaterThan(Date.parse(payload['startDateTime'] as string));
        expect(payload['spokenLanguage']).toBe('en-us');
      }
      const ranged = await text(`${base(v)}/${sim.transcriptId}/metadataContent`, appToken, { range: 'bytes=0-5' });
      expect(ranged.status).toBe(206);
      expect(await ranged.text()).toBe('WEBVTT');
    });
  });

  it('lets a participant list transcripts but not download them (delegated)', async () => {
    expectGraphOk(await graph(emu, `/v1.0/me/onlineMeetings/${meetingId}/transcripts`, alexToken), 'v1.0', COLLECTION);
    expectGraphFailure(await graph(emu, `/v1.0/me/onlineMeetings/${meetingId}/transcripts/${sim.transcriptId}/content`, alexToken), 'v1.0', 403, 'Forbidden');
    expectGraphFailure(await graph(emu, `/v1.0/me/onlineMeetings/${meetingId}/transcripts/${sim.transcriptId}/metadataContent`, alexToken), 'v1.0', 403, 'Forbidden');
    const adeleToken = await mintToken(emu, { userId: adele });
    expect((await text(`/v1.0/me/onlineMeetings/${meetingId}/transcripts/${sim.transcriptId}/content`, adeleToken)).status).toBe(200);
  });

  it('grants OnlineMeetingTranscript.Read.Chat through an installed Teams app; needs OnlineMeetingTranscript.Read.All otherwise', async () => {
    const recordingsOnly = await mintToken(emu, { roles: ['OnlineMeetingRecording.Read.All'] });
    expectGraphFailure(await graph(emu, base('v1.0'), recordingsOnly), 'v1.0', 403, 'Forbidden');
    const app = await control<{ clientId: string }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/apps`, { displayName: 'Transcript bot', applicationPermissions: [] });
    const rscToken = await mintToken(emu, { clientId: app.clientId });
    expectGraphFailure(await graph(emu, base('v1.0'), rscToken), 'v1.0', 403, 'Forbidden');
    await control(emu, 'POST', `/tenants/${emu.demo.tenantId}/teamsAppInstallations`, { meetingId, clientId: app.clientId, rscPermissions: ['OnlineMeetingTranscript.Read.Chat'] });
    expectGraphOk(await graph(emu, base('v1.0'), rscToken), 'v1.0', COLLECTION);
    expect((await text(`${base('v1.0')}/${sim.transcriptId}/content`, rscToken)).status).toBe(200);
    expectGraphFailure(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meetingId}/recordings`, rscToken), 'v1.0', 403, 'Forbidden');
  });

  it('makes a meeting without a transcript when asked, and an ad hoc call’s transcript under adhocCalls', async () => {
    const meeting = await newMeeting(emu, { organizerId: adele, subject: 'Silent' });
    const quiet = await simulate(emu, meeting.id, { transcript: false });
    expect(quiet.transcriptId).toBeNull();
    expect(expectGraphOk(await graph(emu, `/v1.0/users/${adele}/onlineMeetings/${meeting.id}/transcripts`, appToken), 'v1.0', COLLECTION)['value']).toEqual([]);
    const call = await control<Simulation>(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, { organizerId: adele, participantIds: [alex], recording: false });
    expect(call.recordingId).toBeNull();
    const listed = expectGraphOk(await graph(emu, `/beta/users/${alex}/adhocCalls/${call.adhocCallId}/transcripts`, appToken), 'beta', COLLECTION);
    expect((listed['value'] as Json[]).map((t) => t['id'])).toEqual([call.transcriptId]);
    const vtt = await (await text(`/beta/users/${alex}/adhocCalls/${call.adhocCallId}/transcripts/${call.transcriptId}/content`, appToken)).text();
    expect(vtt).toContain('<v Adele Vance>');
    expect(vtt).toContain('<v Alex Wilber>');
    const noRole = await mintToken(emu, { roles: ['OnlineMeetingTranscript.Read.All'] });
    expectGraphFailure(await graph(emu, `/beta/users/${alex}/adhocCalls/${call.adhocCallId}/transcripts`, noRole), 'beta', 403, 'Forbidden');
    expectGraphFailure(await graph(emu, `/v1.0/users/${alex}/adhocCalls/${call.adhocCallId}/transcripts/${call.transcriptId}`, noRole), 'v1.0', 403, 'Forbidden');
    // v1.0 gets one transcript by id; listing one call's is beta only (adhocCall resource: "Enumeration of artifacts for a particular call isn't available").
    expectGraphOk(await graph(emu, `/v1.0/users/${alex}/adhocCalls/${call.adhocCallId}/transcripts/${call.transcriptId}`, appToken), 'v1.0', TRANSCRIPT);
    expectGraphFailure(await graph(emu, `/v1.0/users/${alex}/adhocCalls/${call.adhocCallId}/transcripts`, appToken), 'v1.0', 501, 'NotImplemented', /getAllTranscripts/);
  });

  it('gives GET /_emulator/demo a meeting that already has a recording and a transcript with content', async () => {
    const demo = await control<{ meetingId: string; organizerUserId: string }>(emu, 'GET', '/demo');
    const listed = expectGraphOk(await graph(emu, `/v1.0/users/${demo.organizerUserId}/onlineMeetings/${demo.meetingId}/transcripts`, appToken), 'v1.0', COLLECTION);
    const first = (listed['value'] as Json[])[0]!;
    const vtt = await (await text(`/v1.0/users/${demo.organizerUserId}/onlineMeetings/${demo.meetingId}/transcripts/${first['id'] as string}/content`, appToken)).text();
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    const recordings = expectGraphOk(
      await graph(emu, `/v1.0/users/${demo.organizerUserId}/onlineMeetings/${demo.meetingId}/recordings`, appToken),
      'v1.0',
      'microsoft.graph.callRecordingCollectionResponse',
    );
    expect((recordings['value'] as Json[]).length).toBeGreaterThanOrEqual(1);
  });
});
