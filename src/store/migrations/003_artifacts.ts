import type { Kysely } from 'kysely';

/**
 * Meeting artifacts (recordings and transcripts, one table: they share every column but the
 * metadata stream) and ad hoc calls. `feed_seq` is the artifact's change_feed sequence number:
 * getAllRecordings/getAllTranscripts delta pages walk it (see domain/artifacts.ts for why it is safe
 * under concurrent commits).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('adhoc_calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('organizer_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('participant_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('adhoc_calls_tenant').on('adhoc_calls').columns(['tenant_id', 'created_at']).execute();

  await db.schema
    .createTable('artifacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('organizer_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text')
    .addColumn('adhoc_call_id', 'text')
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('content_correlation_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('end_at', 'text', (c) => c.notNull())
    .addColumn('feed_seq', 'bigint', (c) => c.notNull())
    .addColumn('content_blob', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('content_size', 'bigint', (c) => c.notNull())
    .addColumn('metadata_blob', 'text')
    .addColumn('metadata_size', 'bigint')
    // The resource as v1.0 serves it (links under Graph's root), so a delta page is read and written as text.
    .addColumn('resource_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('artifacts_organizer_feed').on('artifacts').columns(['tenant_id', 'organizer_id', 'kind', 'feed_seq']).execute();
  await db.schema.createIndex('artifacts_meeting').on('artifacts').columns(['meeting_id', 'kind', 'feed_seq']).execute();
  await db.schema.createIndex('artifacts_adhoc').on('artifacts').columns(['adhoc_call_id', 'kind', 'feed_seq']).execute();

  // The state-token key (domain/stateTokens.ts): kept by a store reset, so a token signed
  // before it still verifies and is answered 410 (resync) rather than taken for a forgery.
  await db.schema
    .createTable('state_token_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('state_token_keys').execute();
  await db.schema.dropTable('artifacts').execute();
  await db.schema.dropTable('adhoc_calls').execute();
}
