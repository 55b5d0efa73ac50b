import type { Kysely } from 'kysely';

// Migrations take Kysely<unknown>: they must not depend on the current schema types.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_principal_name', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('given_name', 'text')
    .addColumn('surname', 'text')
    .addColumn('mail', 'text')
    .addColumn('job_title', 'text')
    .addColumn('password', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_tenant').on('users').column('tenant_id').execute();

  await db.schema
    .createTable('apps')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('service_principal_id', 'text', (c) => c.notNull())
    .addColumn('client_secrets', 'text', (c) => c.notNull())
    .addColumn('application_permissions', 'text', (c) => c.notNull())
    .addColumn('delegated_permissions', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('access_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('app_ids', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_global', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('access_policies_tenant_name', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('access_policy_grants')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('policy_id', 'text', (c) => c.notNull().references('access_policies.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('access_policy_grants_pk', ['tenant_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('teams_app_installations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('teams_app_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('rsc_permissions', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('teams_app_installations_meeting').on('teams_app_installations').columns(['meeting_id', 'client_id']).execute();

  await db.schema
    .createTable('meetings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('organizer_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('start_date_time', 'text', (c) => c.notNull())
    .addColumn('end_date_time', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .addColumn('join_web_url', 'text', (c) => c.notNull())
    .addColumn('join_meeting_id', 'text', (c) => c.notNull())
    .addColumn('passcode', 'text', (c) => c.notNull())
    .addColumn('video_teleconference_id', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('has_calendar_event', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('meeting_kind', 'text', (c) => c.notNull().defaultTo('scheduled'))
    .addColumn('properties', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meetings_organizer').on('meetings').columns(['organizer_id', 'created_at']).execute();
  await db.schema.createIndex('meetings_join_web_url').on('meetings').column('join_web_url').execute();
  await db.schema.createIndex('meetings_join_meeting_id').on('meetings').column('join_meeting_id').execute();
  await db.schema.createIndex('meetings_external_id').on('meetings').columns(['organizer_id', 'external_id']).execute();

  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('meeting_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('call_chain_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('auth_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text')
    .addColumn('code_challenge_method', 'text')
    .addColumn('nonce', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['settings', 'auth_codes', 'signing_keys', 'calls', 'meetings', 'teams_app_installations', 'access_policy_grants', 'access_policies', 'apps', 'users', 'tenants']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
