import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { openLegStore } from '../support/emulator.js';

/**
 * The table types in src/store/schema.ts are what every query is checked against, and the migrations
 * are what the database really holds: this keeps the two in step. `EXPECTED` is typed from schema.ts
 * (tsc, run by `npm test`, rejects a missing or extra column or a wrong nullability), and the test
 * compares it with the tables the migrations made, on this leg's store.
 */
type Nullability<T> = { [K in keyof T]-?: null extends T[K] ? 'null' : 'not null' };
type Columns = { [Table in keyof Database]: Nullability<Database[Table]> };

const EXPECTED: Columns = {
  tenants: { id: 'not null', display_name: 'not null', domain: 'not null', created_at: 'not null' },
  users: {
    id: 'not null',
    tenant_id: 'not null',
    user_principal_name: 'not null',
    display_name: 'not null',
    given_name: 'null',
    surname: 'null',
    mail: 'null',
    job_title: 'null',
    password: 'not null',
    created_at: 'not null',
  },
  apps: {
    client_id: 'not null',
    tenant_id: 'not null',
    display_name: 'not null',
    service_principal_id: 'not null',
    client_secrets: 'not null',
    application_permissions: 'not null',
    delegated_permissions: 'not null',
    redirect_uris: 'not null',
    created_at: 'not null',
    is_fallback_public_client: 'not null',
  },
  access_policies: { id: 'not null', tenant_id: 'not null', name: 'not null', app_ids: 'not null', description: 'null', is_global: 'not null', created_at: 'not null' },
  access_policy_grants: { tenant_id: 'not null', user_id: 'not null', policy_id: 'not null' },
  teams_app_installations: { id: 'not null', tenant_id: 'not null', meeting_id: 'not null', teams_app_id: 'not null', client_id: 'not null', rsc_permissions: 'not null', created_at: 'not null' },
  meetings: {
    id: 'not null',
    tenant_id: 'not null',
    organizer_id: 'not null',
    subject: 'null',
    start_date_time: 'not null',
    end_date_time: 'not null',
    created_at: 'not null',
    thread_id: 'not null',
    join_web_url: 'not null',
    join_meeting_id: 'not null',
    passcode: 'not null',
    video_teleconference_id: 'not null',
    external_id: 'null',
    has_calendar_event: 'not null',
    meeting_kind: 'not null',
    properties: 'not null',
  },
  calls: { id: 'not null', tenant_id: 'not null', meeting_id: 'null', client_id: 'null', state: 'not null', call_chain_id: 'not null', started_at: 'not null', ended_at: 'null' },
  signing_keys: { kid: 'not null', private_jwk: 'not null', public_jwk: 'not null', created_at: 'not null' },
  auth_codes: {
    code: 'not null',
    tenant_id: 'not null',
    client_id: 'not null',
    user_id: 'not null',
    redirect_uri: 'not null',
    scopes: 'not null',
    code_challenge: 'null',
    code_challenge_method: 'null',
    nonce: 'null',
    expires_at: 'not null',
  },
  settings: { key: 'not null', value: 'not null' },
  chat_messages: {
    chat_id: 'not null',
    id: 'not null',
    tenant_id: 'not null',
    meeting_id: 'null',
    from_user_id: 'null',
    from_display_name: 'null',
    content_type: 'not null',
    content: 'not null',
    created_at: 'not null',
  },
  change_feed: {
    seq: 'not null',
    tenant_id: 'not null',
    resource: 'not null',
    change_type: 'not null',
    resource_id: 'not null',
    organizer_id: 'null',
    meeting_id: 'null',
    call_id: 'null',
    data: 'not null',
    created_at: 'not null',
  },
  call_records: {
    id: 'not null',
    tenant_id: 'not null',
    call_id: 'null',
    meeting_id: 'null',
    organizer_id: 'null',
    start_date_time: 'not null',
    end_date_time: 'not null',
    last_modified_date_time: 'not null',
    version: 'not null',
    expires_at: 'not null',
    body: 'not null',
    participant_count: 'not null',
    session_count: 'not null',
  },
  call_record_participants: { record_id: 'not null', position: 'not null', participant_id: 'not null', body: 'not null' },
  call_record_sessions: { record_id: 'not null', position: 'not null', session_id: 'not null', body: 'not null', segments: 'not null' },
  pstn_calls: { id: 'not null', tenant_id: 'not null', kind: 'not null', start_date_time: 'not null', body: 'not null' },
  call_app_joins: { call_id: 'not null', client_id: 'not null', joined_at: 'not null' },
  call_recording_statuses: {
    id: 'not null',
    call_id: 'not null',
    position: 'not null',
    client_id: 'not null',
    status: 'not null',
    client_context: 'null',
    operation_status: 'not null',
    created_at: 'not null',
  },
  artifacts: {
    id: 'not null',
    kind: 'not null',
    tenant_id: 'not null',
    organizer_id: 'not null',
    meeting_id: 'null',
    adhoc_call_id: 'null',
    call_id: 'not null',
    content_correlation_id: 'not null',
    created_at: 'not null',
    end_at: 'not null',
    feed_seq: 'not null',
    content_blob: 'not null',
    content_type: 'not null',
    content_size: 'not null',
    metadata_blob: 'null',
    metadata_size: 'null',
    resource_json: 'not null',
    recording_kind: 'null',
  },
  deleted_meetings: { id: 'not null', tenant_id: 'not null', calendar_user_ids: 'not null', deleted_at: 'not null' },
  adhoc_calls: { id: 'not null', tenant_id: 'not null', organizer_id: 'not null', call_id: 'not null', participant_ids: 'not null', created_at: 'not null' },
  state_token_keys: { id: 'not null', secret: 'not null', created_at: 'not null' },
  subscriptions: {
    id: 'not null',
    tenant_id: 'not null',
    app_id: 'not null',
    creator_id: 'not null',
    principal_kind: 'not null',
    resource: 'not null',
    resource_kind: 'not null',
    artifact: 'not null',
    scope_id: 'null',
    rsc: 'not null',
    change_type: 'not null',
    notification_url: 'not null',
    lifecycle_notification_url: 'null',
    client_state: 'null',
    include_resource_data: 'not null',
    encryption_certificate: 'null',
    encryption_certificate_id: 'null',
    encryption_certificate_thumbprint: 'null',
    latest_supported_tls_version: 'not null',
    notification_url_app_id: 'null',
    notification_query_options: 'null',
    notification_content_type: 'null',
    expiration_date_time: 'not null',
    created_at: 'not null',
    status: 'not null',
    removed_reason: 'null',
    next_lifecycle_at: 'null',
    link_root: 'null',
  },
  notification_deliveries: {
    id: 'not null',
    subscription_id: 'not null',
    tenant_id: 'not null',
    app_id: 'not null',
    kind: 'not null',
    target_url: 'not null',
    payload: 'not null',
    resource_data: 'null',
    rich: 'not null',
    change_seq: 'null',
    status: 'not null',
    attempts: 'not null',
    due_at: 'not null',
    first_due_at: 'not null',
    claimed_by: 'null',
    claim_expires_at: 'null',
    created_at: 'not null',
    created_wall_at: 'not null',
    finished_at: 'null',
    last_error: 'null',
    last_status_code: 'null',
    last_duration_ms: 'null',
    last_batch_size: 'null',
    last_instance_id: 'null',
  },
  notification_attempts: {
    id: 'not null',
    delivery_id: 'not null',
    attempt: 'not null',
    instance_id: 'not null',
    at: 'not null',
    wall_at: 'not null',
    status_code: 'null',
    error: 'null',
    duration_ms: 'not null',
    batch_size: 'not null',
    outcome: 'not null',
  },
  content_blobs: { id: 'not null', key: 'null', size: 'not null', chunk_size: 'not null', started_at: 'not null' },
  content_chunks: { content_id: 'not null', seq: 'not null', bytes: 'not null' },
};

interface ColumnInfo {
  name: string;
  nullable: boolean;
}

async function columnsOf(store: Store, table: string): Promise<ColumnInfo[]> {
  if (store.kind === 'sqlite') {
    const { rows } = await sql<{ name: string; notnull: number; pk: number }>`select name, "notnull", pk from pragma_table_info(${table})`.execute(store.db);
    // SQLite lets a non-INTEGER primary key hold NULL unless declared NOT NULL; the store never writes one.
    return rows.map((r) => ({ name: r.name, nullable: r.notnull === 0 && r.pk === 0 }));
  }
  const { rows } = await sql<{ column_name: string; is_nullable: string }>`
    select column_name, is_nullable from information_schema.columns where table_schema = ${store.schema ?? 'public'} and table_name = ${table}`.execute(store.db);
  return rows.map((r) => ({ name: r.column_name, nullable: r.is_nullable === 'YES' }));
}

async function tablesOf(store: Store): Promise<string[]> {
  const { rows } =
    store.kind === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(store.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = ${store.schema ?? 'public'}`.execute(store.db);
  return rows
    .map((r) => r.name)
    .filter((name) => !name.startsWith('kysely_migration'))
    .sort();
}

describe('store schema types', () => {
  it('match the tables the migrations make: same tables, same columns, same nullability', async () => {
    const store = await openLegStore();
    try {
      expect(await tablesOf(store)).toEqual(Object.keys(EXPECTED).sort());
      for (const [table, expected] of Object.entries(EXPECTED)) {
        const actual = await columnsOf(store, table);
        expect(actual.length, `table ${table} exists`).toBeGreaterThan(0);
        const actualMap = Object.fromEntries(actual.map((c) => [c.name, c.nullable ? 'null' : 'not null']));
        expect(actualMap, `columns of ${table}`).toEqual(expected);
      }
    } finally {
      await store.dropSchema();
      await store.close();
    }
  });
});
