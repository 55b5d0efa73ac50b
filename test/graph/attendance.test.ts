import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { demoUser, type DemoUser } from './support/artifacts.js';
import { clientFailure, control, expectGraphFailure, expectGraphOk, graph, mintToken, tokenClient, VERSIONS, type Version } from './support/http.js';

type Json = Record<string, unknown>;
interface Interval {
  joinDateTime: string;
  leaveDateTime: string;
  durationInSeconds: number;
}

const REPORT = 'microsoft.graph.meetingAttendanceReport';
const REPORTS = 'microsoft.graph.meetingAttendanceReportCollectionResponse';
const RECORDS = 'microsoft.graph.attendanceRecordCollectionResponse';

describe('attendance reports and records', () => {
  let emu: TestEmulator;
  let tenant: string;
  let adele: DemoUser, alex: DemoUser, lee: DemoUser;
  let appToken: string, adeleToken: string;
  let meetingId: string;
  let simulated: { callRecordId: string; transcriptId: string };

  beforeAll(async () => {
    emu = await startTestEmulator();
    tenant = emu.demo.tenantId;
    const byName = (upn: string): DemoUser => demoUser(emu, upn);
    [adele, alex, lee] = [byName('adele'), byName('alex'), byName('lee')];
    [appToken, adeleToken] = await Promise.all([mintToken(emu), mintToken(emu, { userId: adele.id })]);
    meetingId = emu.demo.meetingId;
    simulated = await control(emu, 'POST', `/meetings/${meetingId}/simulate`, { durationMinutes: 20 });
  });
  afterAll(async () => emu.stop());

  const base = (user = adele.id, meeting = meetingId): string => `/users/${user}/onlineMeetings/${meeting}/attendanceReports`;

  describe.each(VERSIONS)('on %s', (v: Version) => {
    it('lists a report per ended call of the meeting, as its call record has it (official client)', async () => {
      const body = (await tokenClient(emu, appToken, v).api(base()).get()) as Json;
      expectGraphType(v, REPORTS, body);
      expect(body['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele.id}')/onlineMeetings('${meetingId}')/attendanceReports`);
      const reports = body['value'] as Json[];
      const ids = reports.map((r) => r['id']);
      expect(ids).toContain(emu.demo.callRecordId);
      expect(ids).toContain(simulated.callRecordId);
      expect(reports[0]!['id']).toBe(simulated.callRecordId); // most recent first
      expect(reports[0]).not.toHaveProperty('attendanceRecords');
      const record = (await tokenClient(emu, appToken, v).api(`/communications/callRecords/${simulated.callRecordId}`).get()) as Json;
      expect(reports[0]).toMatchObject({ meetingStartDateTime: record['startDateTime'], meetingEndDateTime: record['endDateTime'] });
    });

    it('has one attendance record per call-record participant, with intervals equal to their sessions', async () => {
      const records = expectGraphOk(await graph(emu, `/${v}${base()}/${simulated.callRecordId}/attendanceRecords`, appToken), v, RECORDS)['value'] as Json[];
      const participants = (await tokenClient(emu, appToken, v).api(`/communications/callRecords/${simulated.callRecordId}/participants_v2`).get()) as { value: Json[] };
      expect(records.map((r) => r['id']).sort()).toEqual(participants.value.map((p) => p['id']).sort());
      const sessions = (await tokenClient(emu, appToken, v).api(`/communications/callRecords/${simulated.callRecordId}/sessions`).get()) as { value: Json[] };
      for (const r of records) {
        const mine = sessions.value
          .filter((s) => ((s['caller'] as Json)['associatedIdentity'] as Json)['id'] === r['id'])
          .map((s) => ({ joinDateTime: s['startDateTime'], leaveDateTime: s['endDateTime'] }))
          .sort((a, b) => String(a.joinDateTime).localeCompare(String(b.joinDateTime)));
        const intervals = r['attendanceIntervals'] as Interval[];
        expect(intervals.map((i) => ({ joinDateTime: i.joinDateTime, leaveDateTime: i.leaveDateTime }))).toEqual(mine);
        for (const i of intervals) expect(i.durationInSeconds).toBe(Math.round((Date.parse(i.leaveDateTime) - Date.parse(i.joinDateTime)) / 1000));
        expect(r['totalAttendanceInSeconds']).toBe(intervals.reduce((sum, i) => sum + i.durationInSeconds, 0));
      }
      const organizer = records.find((r) => r['id'] === adele.id)!;
      expect(organizer).toMatchObject({ role: 'Organizer', emailAddress: adele.userPrincipalName, identity: { id: adele.id, displayName: adele.displayName } });
      expect(records.find((r) => r['id'] === alex.id)).toMatchObject({ role: 'Attendee' });
    });

    it('names the transcript’s speakers among the attendees', async () => {
      const res = await fetch(`${emu.url}/${v}/users/${adele.id}/onlineMeetings/${meetingId}/transcripts/${simulated.transcriptId}/content`, { headers: { authorization: `Bearer ${appToken}` } });
      expect(res.status).toBe(200);
      const speakers = new Set([...(await res.text()).matchAll(/<v ([^>]+)>/g)].map((m) => m[1]));
      expect(speakers.size).toBeGreaterThan(0);
      const records = expectGraphOk(await graph(emu, `/${v}${base()}/${simulated.callRecordId}/attendanceRecords`, appToken), v, RECORDS)['value'] as Json[];
      const names = new Set(records.map((r) => (r['identity'] as Json)['displayName']));
      for (const speaker of speakers) expect(names).toContain(speaker);
    });

    it('gets one report, with its records inline under $expand, and $select, through /me for the organizer', async () => {
      const plain = expectGraphOk(await graph(emu, `/${v}/me/onlineMeetings/${meetingId}/attendanceReports/${simulated.callRecordId}`, adeleToken), v, REPORT);
      expect(plain['@odata.context']).toBe(`${emu.url}/${v}/$metadata#users('${adele.id}')/onlineMeetings('${meetingId}')/attendanceReports/$entity`);
      expect(plain).not.toHaveProperty('attendanceRecords');
      const expanded = (await tokenClient(emu, adeleToken, v).api(`/me/onlineMeetings/${meetingId}/attendanceReports/${simulated.callRecordId}?$expand=attendanceRecords`).get()) as Json;
      expectGraphType(v, REPORT, expanded);
      expect((expanded['attendanceRecords'] as Json[]).length).toBe(expanded['totalParticipantCount']);
      const selected = expectGraphOk(await graph(emu, `/${v}${base()}/${simulated.callRecordId}?$select=totalParticipantCount`, appToken), v, REPORT);
      expect(
        Object.keys(selected)
          .filter((k) => !k.startsWith('@'))
          .sort(),
      ).toEqual(['id', 'totalParticipantCount']);
      expectGraphFailure(await graph(emu, `/${v}${base()}/${simulated.callRecordId}?$expand=sessions`, appToken), v, 400, 'BadRequest');
    });

    it('refuses as Graph does: no access policy, an attendee’s path, no permission, unknown report or meeting', async () => {
      const leeMeeting = await control<{ id: string }>(emu, 'POST', `/tenants/${tenant}/meetings`, { organizerId: lee.id, subject: `Lee ${v}` });
      // Lee grants the demo app no application access policy.
      expectGraphFailure(await graph(emu, `/${v}${base(lee.id, leeMeeting.id)}`, appToken), v, 403, 'Forbidden', 'No application access policy found for this app.');
      const alexPolicy = await control<{ id: string }>(emu, 'POST', `/tenants/${tenant}/accessPolicies`, { name: `alex-${v}`, appIds: [emu.demo.clientId], userIds: [alex.id] });
      expectGraphFailure(await graph(emu, `/${v}${base(alex.id)}`, appToken), v, 403, 'Forbidden', /organizer/);
      await control(emu, 'DELETE', `/tenants/${tenant}/accessPolicies/${alexPolicy.id}`, undefined, 204);
      const noArtifacts = await mintToken(emu, { roles: ['OnlineMeetings.Read.All'] });
      const refused = await clientFailure(tokenClient(emu, noArtifacts, v).api(base()).get());
      expect(refused.statusCode).toBe(403);
      const noScope = await mintToken(emu, { userId: adele.id, scopes: ['OnlineMeetings.Read'] });
      expectGraphFailure(await graph(emu, `/${v}/me/onlineMeetings/${meetingId}/attendanceReports`, noScope), v, 403, 'Forbidden');
      expectGraphFailure(await graph(emu, `/${v}${base()}/00000000-0000-0000-0000-000000000000`, appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/${v}${base()}/00000000-0000-0000-0000-000000000000/attendanceRecords`, appToken), v, 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/${v}${base(adele.id, 'bm90LWEtbWVldGluZw')}`, appToken), v, 404, 'NotFound');
    });
  });
});
