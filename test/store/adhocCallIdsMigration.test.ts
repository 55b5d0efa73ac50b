import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { createEmulator } from '../../src/emulator.js';
import { openStore } from '../../src/store/database.js';
import { storeOptions, tlsDir } from '../support/emulator.js';
import { graph, mintToken } from '../graph/support/http.js';

const OLD_ID = '0f0e0d0c-0b0a-4909-8807-060504030201';

describe('migration 007_adhoc_call_ids', () => {
  it("re-keys an older store's ad hoc calls by their call id, with the links that named the old id", async () => {
    const { options, cleanup } = storeOptions(true);
    const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    const { tenantId, organizerUserId, users } = emu.demo;
    const sim = await emu.admin.simulateAdhocCall(tenantId, { organizerId: organizerUserId, participantIds: [users.find((u) => u.id !== organizerUserId)!.id] });
    await emu.close();
    const callId = sim.callId;
    const storeConfig = resolveConfig(options, { port: 0, inMemory: false }).store;
    try {
      // Take the store back to before the migration: the ad hoc call had an id of its own, and its artifacts' links named it.
      const store = await openStore(storeConfig);
      const from = `/adhocCalls/${callId}/`;
      const to = `/adhocCalls/${OLD_ID}/`;
      await sql`UPDATE adhoc_calls SET id = ${OLD_ID} WHERE call_id = ${callId}`.execute(store.db);
      await sql`UPDATE artifacts SET adhoc_call_id = ${OLD_ID}, resource_json = REPLACE(resource_json, ${from}, ${to}) WHERE call_id = ${callId}`.execute(store.db);
      await sql`UPDATE change_feed SET data = REPLACE(data, ${from}, ${to}) WHERE call_id = ${callId}`.execute(store.db);
      // Later migrations' rows go too (Kysely refuses a gap); they run again on reopen and change nothing more (008 and 010 are idempotent).
      await sql`DELETE FROM kysely_migration WHERE name >= '007_adhoc_call_ids'`.execute(store.db);
      await store.close();

      const reopened = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
      try {
        const token = await mintToken(reopened);
        const recording = await graph(reopened, `/v1.0/users/${organizerUserId}/adhoccalls('${callId}')/recordings('${sim.recordingId}')`, token);
        expect(recording.status).toBe(200);
        expect(recording.body['recordingContentUrl']).toBe(`${reopened.url}/v1.0/users/${organizerUserId}/adhocCalls/${callId}/recordings/${sim.recordingId}/content`);
        expect((await graph(reopened, `/v1.0/users/${organizerUserId}/adhocCalls/${OLD_ID}/recordings/${sim.recordingId}`, token)).status).toBe(404);
        const listed = await graph(reopened, `/v1.0/users/${organizerUserId}/adhocCalls/getAllTranscripts(userId='${organizerUserId}')`, token);
        expect(JSON.stringify(listed.body)).not.toContain(OLD_ID);
        expect(JSON.stringify(listed.body)).toContain(`/adhocCalls/${callId}/transcripts/${sim.transcriptId}/content`);
        const feed = await sql<{ data: string }>`SELECT data FROM change_feed WHERE call_id = ${callId} AND meeting_id IS NULL`.execute(reopened.internals.services.ctx.db);
        expect(feed.rows.length).toBeGreaterThan(0);
        expect(feed.rows.every((r) => !r.data.includes(OLD_ID))).toBe(true);
      } finally {
        await reopened.close({ dropDatabaseSchema: true });
      }
    } finally {
      cleanup();
    }
  });
});
