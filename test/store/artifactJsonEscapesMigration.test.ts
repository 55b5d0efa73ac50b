import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { openStore, type Store } from '../../src/store/database.js';
import { ARTIFACT_JSON_ESCAPES_KEY } from '../../src/store/migrations/017_artifact_json_escapes.js';
import type { ArtifactTable } from '../../src/store/schema.js';
import { artifactRow } from '../support/artifactRows.js';
import { storeOptions } from '../support/emulator.js';

const row = (id: string, callId: string): ArtifactTable =>
  artifactRow(
    {
      id,
      kind: 'recording',
      tenantId: 't',
      organizerId: 'o',
      meetingId: 'm',
      adhocCallId: null,
      callId,
      contentCorrelationId: 'cc',
      createdDateTime: '2025-01-01T00:00:00.000Z',
      endDateTime: '2025-01-01T01:00:00.000Z',
    },
    Number(id.replace(/\D/g, '')),
  );

const noted = async (store: Store): Promise<boolean> => (await store.db.selectFrom('settings').select('value').where('key', '=', ARTIFACT_JSON_ESCAPES_KEY).executeTakeFirst()) !== undefined;

async function dropTriggers(store: Store): Promise<void> {
  if (store.kind === 'sqlite') {
    await sql`DROP TRIGGER artifacts_json_escapes_insert`.execute(store.db);
    await sql`DROP TRIGGER artifacts_json_escapes_update`.execute(store.db);
  } else {
    await sql`DROP TRIGGER artifacts_json_escapes ON artifacts`.execute(store.db);
  }
}

describe('migration 017_artifact_json_escapes', () => {
  it("checks an older store's rows once, and its triggers note rows written afterwards", async () => {
    const { options, cleanup } = storeOptions(true);
    const storeConfig = resolveConfig(options, { port: 0, inMemory: false }).store;
    try {
      // Take the store back to before the migration, holding a row with a quote in it.
      const old = await openStore(storeConfig);
      await dropTriggers(old);
      await old.dialect.insertMany(old.db, 'artifacts', [row('r1', 'plain'), row('r2', 'call "2"')]);
      await sql`DELETE FROM kysely_migration WHERE name >= '017_artifact_json_escapes'`.execute(old.db);
      expect(await noted(old)).toBe(false);
      await old.close();

      const migrated = await openStore(storeConfig);
      expect(await noted(migrated)).toBe(true);
      await migrated.db.deleteFrom('settings').where('key', '=', ARTIFACT_JSON_ESCAPES_KEY).execute();
      await migrated.dialect.insertMany(migrated.db, 'artifacts', [row('r3', 'plain')]);
      expect(await noted(migrated)).toBe(false);
      await migrated.dialect.insertMany(migrated.db, 'artifacts', [row('r4', 'tab\there')]);
      expect(await noted(migrated)).toBe(true);
      await migrated.close();

      // Run again on a store whose rows are all plain: nothing to note.
      const again = await openStore(storeConfig);
      await again.db.deleteFrom('artifacts').where('id', 'in', ['r2', 'r4']).execute();
      await again.db.deleteFrom('settings').where('key', '=', ARTIFACT_JSON_ESCAPES_KEY).execute();
      await sql`DELETE FROM kysely_migration WHERE name >= '017_artifact_json_escapes'`.execute(again.db);
      await again.close();
      const rerun = await openStore(storeConfig);
      try {
        expect(await noted(rerun)).toBe(false);
        await rerun.dialect.insertMany(rerun.db, 'artifacts', [row('r5', 'back\\slash')]);
        expect(await noted(rerun)).toBe(true);
      } finally {
        await rerun.dropSchema();
        await rerun.close();
      }
    } finally {
      cleanup();
    }
  }, 60_000);
});
