import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator.js';
import { openStore } from '../../src/store/database.js';
import { storeOptions, tlsDir } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';
import { control, graph, mintToken } from './support/http.js';

interface CallView {
  id: string;
  meetingId: string;
}
interface RecordView {
  id: string;
}

describe('call-record changes on the change pipeline', () => {
  it('every created or updated record is in the change feed with its v1.0 resource, in the same store', async () => {
    const { options, cleanup } = storeOptions(true);
    const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    let dropped = false;
    try {
      const call = await control<CallView>(emu, 'POST', `/tenants/${emu.demo.tenantId}/calls`, { meetingId: emu.demo.meetingId });
      const made = await control<RecordView>(emu, 'POST', `/calls/${call.id}/callRecord`, { sessionCount: 2 });
      await control(emu, 'POST', `/tenants/${emu.demo.tenantId}/callRecords/${made.id}/lateTelemetry`, { sessions: 1 }, 200);
      const served = (await graph(emu, `/v1.0/communications/callRecords/${made.id}`, await mintToken(emu))).body;
      await emu.close();
      const store = await openStore(emu.config.store);
      try {
        const rows = await store.db.selectFrom('change_feed').selectAll().where('resource', '=', 'callRecord').orderBy('seq').execute();
        expect(rows.map((r) => [r.resource_id, r.change_type])).toEqual([
          [emu.demo.callRecordId, 'created'],
          [made.id, 'created'],
          [made.id, 'updated'],
        ]);
        const updated = rows[2]!;
        expect(updated).toMatchObject({ tenant_id: emu.demo.tenantId, call_id: call.id, meeting_id: emu.demo.meetingId, organizer_id: emu.demo.organizerUserId });
        const data = JSON.parse(updated.data) as Record<string, unknown>;
        expectGraphType('v1.0', 'microsoft.graph.callRecords.callRecord', data);
        expect(data).toMatchObject({ id: made.id, version: 2 });
        expect(data).not.toHaveProperty('sessions');
        // The fed resource is what GET serves, without the annotations.
        const plain = Object.fromEntries(Object.entries(served).filter(([k]) => !k.includes('@')));
        expect(data).toEqual(plain);
        expect(JSON.parse(rows[1]!.data)).toMatchObject({ version: 1 });
      } finally {
        await store.dropSchema();
        dropped = true;
        await store.close();
      }
    } finally {
      if (!dropped) await emu.close({ dropDatabaseSchema: true });
      cleanup();
    }
  });
});
