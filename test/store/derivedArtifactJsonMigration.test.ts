import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { createEmulator } from '../../src/emulator.js';
import { openStore } from '../../src/store/database.js';
import { storeOptions, tlsDir } from '../support/emulator.js';
import { graph, mintToken } from '../graph/support/http.js';

describe('migration 010_derived_artifact_json', () => {
  it("empties an older store's copies of artifact JSON, and pages serve the same resources derived from the rows", async () => {
    const { options, cleanup } = storeOptions(true);
    const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
    const { tenantId, organizerUserId, users } = emu.demo;
    const sim = await emu.admin.simulateAdhocCall(tenantId, { organizerId: organizerUserId, participantIds: [users.find((u) => u.id !== organizerUserId)!.id] });
    const listUrl = `/v1.0/users/${organizerUserId}/adhocCalls/getAllRecordings(userId='${organizerUserId}')`;
    const before = await graph(emu, listUrl, await mintToken(emu));
    expect(before.status).toBe(200);
    await emu.close();
    const storeConfig = resolveConfig(options, { port: 0, inMemory: false }).store;
    try {
      // Take the store back to before the migration: the resource JSON kept in the artifact row and in its change.
      const store = await openStore(storeConfig);
      const feedCount = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM change_feed WHERE resource IN ('recording', 'transcript')`.execute(store.db);
      expect(Number(feedCount.rows[0]?.n)).toBeGreaterThan(0);
      await sql`UPDATE artifacts SET resource_json = '{"stale":true}'`.execute(store.db);
      await sql`UPDATE change_feed SET data = '{"stale":true}', resource_id = 'x' WHERE resource IN ('recording', 'transcript')`.execute(store.db);
      await sql`DELETE FROM kysely_migration WHERE name >= '010_derived_artifact_json'`.execute(store.db);
      await store.close();

      const reopened = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options });
      try {
        const db = reopened.internals.services.ctx.db;
        const artifacts = await sql<{ resource_json: string }>`SELECT resource_json FROM artifacts`.execute(db);
        expect(artifacts.rows.length).toBeGreaterThan(0);
        expect(artifacts.rows.every((r) => r.resource_json === '')).toBe(true);
        const feed = await sql<{ data: string; resource_id: string }>`SELECT data, resource_id FROM change_feed WHERE resource IN ('recording', 'transcript')`.execute(db);
        expect(feed.rows.every((r) => r.data === '' && r.resource_id === '')).toBe(true);
        const after = await graph(reopened, listUrl, await mintToken(reopened));
        expect(after.status).toBe(200);
        const value = after.body['value'] as Array<Record<string, unknown>>;
        expect(value.map((v) => v['id'])).toEqual([sim.recordingId]);
        // The same resource as before the migration, links under the new server's root.
        const previous = (before.body['value'] as Array<Record<string, unknown>>)[0]!;
        expect(value[0]).toEqual({ ...previous, recordingContentUrl: String(previous['recordingContentUrl']).replace(emu.url, reopened.url) });
      } finally {
        await reopened.close({ dropDatabaseSchema: true });
      }
    } finally {
      cleanup();
    }
  });
});
