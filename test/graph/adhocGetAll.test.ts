import { PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import type { Simulation } from './support/artifacts.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;

/** Graph's seven fractional digits (the examples of https://learn.microsoft.com/graph/api/adhoccall-getallrecordings). */
const SEVEN_DIGITS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

/**
 * adhocCall: getAllRecordings / getAllTranscripts and their delta (https://learn.microsoft.com/graph/api/adhoccall-getallrecordings,
 * https://learn.microsoft.com/graph/api/adhoccall-getalltranscripts): the artifacts of the ad hoc calls a user initiated.
 */
describe('adhocCalls/getAllRecordings and getAllTranscripts', () => {
  let emu: TestEmulator;
  let adele: string, alex: string, megan: string;
  let appToken: string;
  let oneToOne: Simulation, group: Simulation, byAlex: Simulation;
  const adhocCall = (organizerId: string, participantIds: string[]): Promise<Simulation> =>
    control<Simulation>(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, { organizerId, participantIds });

  beforeAll(async () => {
    emu = await startTestEmulator();
    const byName = (n: string): string => emu.demo.users.find((u) => u.userPrincipalName.startsWith(n))!.id;
    [adele, alex, megan] = [byName('adele'), byName('alex'), byName('megan')];
    appToken = await mintToken(emu);
    oneToOne = await adhocCall(adele, [megan]);
    group = await adhocCall(adele, [megan, alex]);
    byAlex = await adhocCall(alex, [adele]);
  });
  afterAll(async () => emu.stop());

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('lists the recordings of the calls the user initiated, through the official client, as Graph documents them', async () => {
      const body = (await graphClient(emu, undefined, v).api(`/users/${adele}/adhocCalls/getAllRecordings(userId='${adele}')`).get()) as Json;
      expectGraphType(v, 'microsoft.graph.callRecordingCollectionResponse', body);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele}')/adhocCalls`);
      const value = body['value'] as Json[];
      // Adele's two calls, not Alex's (she was only in it) and not her meeting's recordings.
      expect(value.map((r) => r['id']).sort()).toEqual([oneToOne.recordingId, group.recordingId].sort());
      expect(body['@odata.count']).toBe(2);
      for (const recording of value) {
        const call = recording['id'] === oneToOne.recordingId ? oneToOne : group;
        // One id: the ad hoc call's id is the recording's callId, and its content URL names it.
        expect(call.adhocCallId).toBe(call.callId);
        expect(recording).toMatchObject({
          meetingId: null,
          callId: call.callId,
          contentCorrelationId: call.contentCorrelationId,
          recordingContentUrl: `${emu.url}/${v}/users/${adele}/adhocCalls/${call.callId}/recordings/${call.recordingId}/content`,
        });
        expect(recording['createdDateTime']).toMatch(SEVEN_DIGITS);
        expect(recording['endDateTime']).toMatch(SEVEN_DIGITS);
        // The MyM… shape of the seed's ad hoc ids: Base64 of 3##{chat thread}##{guid}-{unix seconds}-Recording.
        expect(String(recording['id']).startsWith('MyM')).toBe(true);
        const decoded = Buffer.from(String(recording['id']), 'base64').toString('utf8');
        expect(decoded).toMatch(/^3##19:[^#]+##[0-9a-f-]{36}-\d{10}-Recording$/);
        const content = await fetch(String(recording['recordingContentUrl']), { headers: { authorization: `Bearer ${appToken}` } });
        expect(content.status).toBe(200);
      }
      const oneToOneId = Buffer.from(String(oneToOne.recordingId), 'base64').toString('utf8');
      expect(oneToOneId).toContain(`19:${adele}_${megan}@unq.gbl.spaces`);
    });

    it("takes the .NET SDK's alias form, dates filtering on when the call was recorded", async () => {
      const path = (start: string, end: string): string =>
        `/${v}/users/${adele}/adhocCalls/getAllTranscripts(userId='@userId',startDateTime=@startDateTime,endDateTime=@endDateTime)?@userId='${adele}'&@startDateTime=${start}&@endDateTime=${end}`;
      const all = expectGraphOk(await graph(emu, path('2000-01-01T00:00:00Z', '2999-01-01T00:00:00Z'), appToken), v, 'microsoft.graph.callTranscriptCollectionResponse');
      const value = all['value'] as Json[];
      expect(value.map((t) => t['id']).sort()).toEqual([oneToOne.transcriptId, group.transcriptId].sort());
      expect(value.every((t) => t['meetingId'] === null && String(t['transcriptContentUrl']).includes(`/adhocCalls/${String(t['callId'])}/transcripts/`))).toBe(true);
      expect(Buffer.from(String(value[0]!['id']), 'base64').toString('utf8')).toMatch(/-TranscriptV2$/);
      const none = expectGraphOk(await graph(emu, path('2999-01-01T00:00:00Z', '2999-12-31T00:00:00Z'), appToken), v, 'microsoft.graph.callTranscriptCollectionResponse');
      expect(none['value']).toEqual([]);
    });

    it('walks a delta round with the official PageIterator, then sees only calls added since', async () => {
      const client = graphClient(emu, undefined, v);
      const first = (await client.api(`/users/${alex}/adhocCalls/getAllRecordings(userId='${alex}')/delta?$top=1`).get()) as Json;
      expectGraphType(v, 'microsoft.graph.callRecordingDeltaResponse', first);
      const ids: string[] = [];
      const iterator = new PageIterator(client, first as never, (item: Json) => {
        ids.push(item['id'] as string);
        return true;
      });
      await iterator.iterate();
      expect(ids).toContain(byAlex.recordingId);
      const deltaLink = iterator.getDeltaLink()!;
      expect(deltaLink.startsWith(`${emu.url}/${v}/users(${alex})/adhocCalls/getAllRecordings(userId='${alex}')/delta?skipToken=`)).toBe(true);
      const added = await adhocCall(alex, [megan]);
      const next = (await client.api(deltaLink).get()) as Json;
      expect((next['value'] as Json[]).map((r) => r['id'])).toEqual([added.recordingId]);
    });
  });

  it('answers as Graph does: application only, userId required, its own parameters, tokens of its own rounds', async () => {
    const fn = `/v1.0/users/${adele}/adhocCalls/getAllRecordings`;
    expectGraphFailure(await graph(emu, `${fn}()`, appToken), 'v1.0', 400, 'BadRequest', /'userId' is required/);
    expectGraphFailure(await graph(emu, `${fn}(meetingOrganizerUserId='${adele}')`, appToken), 'v1.0', 400, 'BadRequest', /not a parameter/);
    // The $filter form of the organizer is the meeting functions' alone (onlinemeeting-getallrecordings).
    expectGraphFailure(await graph(emu, `${fn}?$filter=${encodeURIComponent(`MeetingOrganizer/User/Id eq '${adele}'`)}`, appToken), 'v1.0', 400, 'BadRequest', /Query option 'Filter' is not allowed/);
    // Delegated: "Not supported" (adhoccall-getallrecordings permissions table).
    const delegated = await mintToken(emu, { userId: adele, scopes: ['CallRecordings.Read.All'] });
    expectGraphFailure(await graph(emu, `${fn}(userId='${adele}')`, delegated), 'v1.0', 403, 'Forbidden');
    // CallRecordings.Read.All, not the meeting permission.
    const meetingRole = await mintToken(emu, { roles: ['OnlineMeetingRecording.Read.All'] });
    expectGraphFailure(await graph(emu, `${fn}(userId='${adele}')`, meetingRole), 'v1.0', 403, 'Forbidden');
    expectGraphOk(await graph(emu, `${fn}(userId='${adele}')`, await mintToken(emu, { roles: ['CallRecordings.Read.All'] })), 'v1.0', 'microsoft.graph.callRecordingCollectionResponse');
    expectGraphFailure(await graph(emu, `${fn}(userId='00000000-0000-0000-0000-000000000009')`, appToken), 'v1.0', 404, 'Request_ResourceNotFound');
    // A token from a meeting round is not one of this function's.
    const meetings = expectGraphOk(
      await graph(emu, `/v1.0/users/${adele}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${adele}')/delta`, appToken),
      'v1.0',
      'microsoft.graph.callRecordingDeltaResponse',
    );
    const token = new URL(String(meetings['@odata.deltaLink'])).searchParams.get('skipToken')!;
    expectGraphFailure(await graph(emu, `${fn}(userId='${adele}')/delta?skipToken=${encodeURIComponent(token)}`, appToken), 'v1.0', 400, 'BadRequest', /state token/);
    // Ad hoc artifacts are not meeting artifacts.
    const meetingIds = (meetings['value'] as Json[]).map((r) => r['id']);
    expect(meetingIds).not.toContain(oneToOne.recordingId);
  });
});
