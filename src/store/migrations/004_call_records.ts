import type { Kysely } from 'kysely';

/**
 * Call records (https://learn.microsoft.com/graph/api/resources/callrecords-api-overview) and the calls surface
 * (https://learn.microsoft.com/graph/api/call-updaterecordingstatus): a record's core properties, its
 * participants and sessions as positioned rows (so nested pages are cheap range reads), PSTN and
 * Direct Routing log rows, the apps that joined each call and every updateRecordingStatus operation.
 * Numbered 004: 003 belongs to the recordings/transcripts work, merged separately.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('call_id', 'text')
    .addColumn('meeting_id', 'text')
    .addColumn('organizer_id', 'text')
    .addColumn('start_date_time', 'text', (c) => c.notNull())
    .addColumn('end_date_time', 'text', (c) => c.notNull())
    .addColumn('last_modified_date_time', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('participant_count', 'integer', (c) => c.notNull())
    .addColumn('session_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('call_records_tenant_start').on('call_records').columns(['tenant_id', 'start_date_time']).execute();
  await db.schema.createIndex('call_records_expires').on('call_records').column('expires_at').execute();

  await db.schema
    .createTable('call_record_participants')
    .addColumn('record_id', 'text', (c) => c.notNull().references('call_records.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_record_participants_pk', ['record_id', 'position'])
    .execute();
  await db.schema.createIndex('call_record_participants_id').on('call_record_participants').columns(['participant_id', 'record_id']).execute();

  await db.schema
    .createTable('call_record_sessions')
    .addColumn('record_id', 'text', (c) => c.notNull().references('call_records.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('segments', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_record_sessions_pk', ['record_id', 'position'])
    .execute();

  await db.schema
    .createTable('pstn_calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('start_date_time', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pstn_calls_tenant_kind_start').on('pstn_calls').columns(['tenant_id', 'kind', 'start_date_time']).execute();

  await db.schema
    .createTable('call_app_joins')
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_app_joins_pk', ['call_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('call_recording_statuses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('client_context', 'text')
    .addColumn('operation_status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('call_recording_statuses_call').on('call_recording_statuses').columns(['call_id', 'position']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['call_recording_statuses', 'call_app_joins', 'pstn_calls', 'call_record_sessions', 'call_record_participants', 'call_records']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
