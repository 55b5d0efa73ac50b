import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator.js';
import { openStore } from '../../src/store/database.js';
import { storeOptions, tlsDir } from '../support/emulator.js';
import { control, expectGraphFailure, expectGraphOk, graph, mintToken } from './support/http.js';

type Json = Record<string, unknown>;
interface CallView {
  id: string;
}
interface RecordView {
  id: string;
  endDateTime: string;
  expiresDateTime: string;
}

const RECORD = 'microsoft.graph.callRecords.callRecord';
const RECORDS = 'microsoft.graph.callRecords.callRecordCollectionResponse';
const REPORTS = 'microsoft.graph.meetingAttendanceReportCollectionResponse';
const DAY = 86_400_000;

async function listedIds(emu: Emulator): Promise<string[]> {
  const body = expectGraphOk(await graph(emu, '/v1.0/communications/callRecords', await mintToken(emu)), 'v1.0', RECORDS);
  return (body['value'] as Json[]).map((r) => String(r['id']));
}

describe("30-day retention on the virtual clock (a meeting's records a year, for its attendance reports)", () => {
  it('a record is served for 30 days after its call ended, then 404 and gone from the list, also after a restart', async () => {
    const { options, cleanup } = storeOptions(true);
    let emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    try {
      await control(emu, 'POST', '/clock', { freeze: true }, 200);
      const call = await control<CallView>(emu, 'POST', `/tenants/${emu.demo.tenantId}/calls`, { meetingId: emu.demo.meetingId });
      const made = await control<RecordView>(emu, 'POST', `/calls/${call.id}/callRecord`, { sessionCount: 2 });
      expect(Date.parse(made.expiresDateTime) - Date.parse(made.endDateTime)).toBe(30 * DAY);

      // The demo record's call ended an hour before the store was made: it goes first.
      await control(emu, 'POST', '/clock', { advance: 'P29DT22H' }, 200);
      expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${made.id}`, await mintToken(emu)), 'v1.0', RECORD);
      expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}`, await mintToken(emu)), 'v1.0', RECORD);
      await control(emu, 'POST', '/clock', { advance: 'PT1H30M' }, 200);
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}`, await mintToken(emu)), 'v1.0', 404, 'NotFound');
      expect(await listedIds(emu)).toEqual([made.id]);

      await control(emu, 'POST', '/clock', { advance: 'PT2H' }, 200);
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${made.id}`, await mintToken(emu)), 'v1.0', 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${made.id}/sessions`, await mintToken(emu)), 'v1.0', 404, 'NotFound');
      expect(await listedIds(emu)).toEqual([]);
      await control(emu, 'GET', `/tenants/${emu.demo.tenantId}/callRecords/${made.id}`, undefined, 404);

      // A restart neither resurrects the demo record nor the expired one.
      await emu.close();
      emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}`, await mintToken(emu)), 'v1.0', 404, 'NotFound');
      expectGraphFailure(await graph(emu, `/v1.0/communications/callRecords/${made.id}`, await mintToken(emu)), 'v1.0', 404, 'NotFound');
      expect(await listedIds(emu)).toEqual([]);

      // Both are meeting records: their rows stay for the meetings' attendance reports, a year after
      // the calls ended (https://learn.microsoft.com/graph/api/resources/meetingattendancereport).
      const reports = async (): Promise<string[]> => {
        const organizer = emu.demo.users.find((u) => u.userPrincipalName.startsWith('adele'))!.id;
        const path = `/v1.0/users/${organizer}/onlineMeetings/${emu.demo.meetingId}/attendanceReports`;
        return (expectGraphOk(await graph(emu, path, await mintToken(emu)), 'v1.0', REPORTS)['value'] as Json[]).map((r) => String(r['id']));
      };
      expect((await reports()).sort()).toEqual([emu.demo.callRecordId, made.id].sort());
      // 364 days 23.5 hours after the made call ended: the demo call (an hour earlier) has left its year.
      await control(emu, 'POST', '/clock', { advance: 'P334DT22H' }, 200);
      expect(await reports()).toEqual([made.id]);
      await control(emu, 'POST', '/clock', { advance: 'PT1H' }, 200);
      expect(await reports()).toEqual([]);

      // The sweep on the clock freed the rows too (reads never depended on it).
      await emu.close();
      const store = await openStore(emu.config.store);
      try {
        expect(await store.db.selectFrom('call_records').select('id').execute()).toEqual([]);
        expect(await store.db.selectFrom('call_record_sessions').select('record_id').execute()).toEqual([]);
      } finally {
        await store.close();
      }
      emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    } finally {
      await emu.close({ dropDatabaseSchema: true });
      cleanup();
    }
  });

  it('a restart keeps live records, their version and the demo record (created once)', async () => {
    const { options, cleanup } = storeOptions(true);
    let emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    try {
      const first = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}?$expand=sessions`, await mintToken(emu)), 'v1.0', RECORD);
      await control(emu, 'POST', `/tenants/${emu.demo.tenantId}/callRecords/${emu.demo.callRecordId}/lateTelemetry`, { sessions: 1 }, 200);
      await emu.close();
      emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
      const again = expectGraphOk(await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}?$expand=sessions`, await mintToken(emu)), 'v1.0', RECORD);
      expect(again['version']).toBe(2);
      expect(again['sessions']).toHaveLength((first['sessions'] as Json[]).length + 1);
      expect((again['sessions'] as Json[]).slice(0, -1)).toEqual(first['sessions']);
    } finally {
      await emu.close({ dropDatabaseSchema: true });
      cleanup();
    }
  });
});
