import type { Kysely } from 'kysely';
import { PostgresAdapter } from '../kysely.js';

/**
 * The change feed (the one change pipeline, src/domain/changes.ts): one row per change to an artifact, call record
 * or subscription, numbered by a monotonically increasing sequence that delta tokens point into.
 * Also the index the core lacked for meeting lookups by videoTeleconferenceId.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('change_feed')
    .addColumn('seq', postgres ? 'serial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('change_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('organizer_id', 'text')
    .addColumn('meeting_id', 'text')
    .addColumn('call_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('change_feed_tenant_resource').on('change_feed').columns(['tenant_id', 'resource', 'seq']).execute();
  await db.schema.createIndex('change_feed_organizer').on('change_feed').columns(['organizer_id', 'resource', 'seq']).execute();

  await db.schema.createIndex('meetings_video_teleconference_id').on('meetings').column('video_teleconference_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('meetings_video_teleconference_id').execute();
  await db.schema.dropTable('change_feed').execute();
}
