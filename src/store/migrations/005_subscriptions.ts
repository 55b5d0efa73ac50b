import type { Kysely } from 'kysely';
import { PostgresAdapter } from '../kysely.js';

/**
 * Change notifications (issue 5): subscriptions, and the outbox the change pipeline writes in the
 * change's own transaction (one delivery row per matching subscription), with every attempt logged.
 * Delivery rows are claimed by one dispatcher at a time (claimed_by / claim_expires_at), so several
 * instances sharing a PostgreSQL database deliver each notification once. Failed attempts are rows of
 * notification_attempts; the delivering attempt is recorded on the delivery row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'text', (c) => c.notNull())
    .addColumn('principal_kind', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('resource_kind', 'text', (c) => c.notNull())
    .addColumn('artifact', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text')
    .addColumn('rsc', 'integer', (c) => c.notNull())
    .addColumn('change_type', 'text', (c) => c.notNull())
    .addColumn('notification_url', 'text', (c) => c.notNull())
    .addColumn('lifecycle_notification_url', 'text')
    .addColumn('client_state', 'text')
    .addColumn('include_resource_data', 'integer', (c) => c.notNull())
    .addColumn('encryption_certificate', 'text')
    .addColumn('encryption_certificate_id', 'text')
    .addColumn('encryption_certificate_thumbprint', 'text')
    .addColumn('latest_supported_tls_version', 'text', (c) => c.notNull())
    .addColumn('notification_url_app_id', 'text')
    .addColumn('notification_query_options', 'text')
    .addColumn('notification_content_type', 'text')
    .addColumn('expiration_date_time', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('removed_reason', 'text')
    .addColumn('next_lifecycle_at', 'text')
    .execute();
  await db.schema.createIndex('subscriptions_match').on('subscriptions').columns(['tenant_id', 'artifact', 'status']).execute();
  await db.schema.createIndex('subscriptions_app').on('subscriptions').columns(['app_id', 'status']).execute();

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_url', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('resource_data', 'text')
    .addColumn('rich', 'integer', (c) => c.notNull())
    .addColumn('change_seq', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('first_due_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_wall_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('last_error', 'text')
    // The successful attempt is kept on the row itself (no attempts row: the hot path stays one UPDATE).
    .addColumn('last_status_code', 'integer')
    .addColumn('last_duration_ms', 'integer')
    .addColumn('last_batch_size', 'integer')
    .addColumn('last_instance_id', 'text')
    .execute();
  await db.schema.createIndex('notification_deliveries_due').on('notification_deliveries').columns(['status', 'due_at', 'id']).execute();
  await db.schema.createIndex('notification_deliveries_subscription').on('notification_deliveries').columns(['subscription_id', 'id']).execute();

  await db.schema
    .createTable('notification_attempts')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('delivery_id', 'integer', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('wall_at', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('batch_size', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notification_attempts_delivery').on('notification_attempts').columns(['delivery_id', 'attempt']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_attempts').execute();
  await db.schema.dropTable('notification_deliveries').execute();
  await db.schema.dropTable('subscriptions').execute();
}
