import type { Generated } from 'kysely';

/**
 * Table types shared by both SQL backends. Timestamps are ISO-8601 UTC strings with millisecond
 * precision (they sort lexicographically in both SQLite and PostgreSQL); booleans are 0/1 integers;
 * structured values are JSON text. Keeping to these three column kinds makes every query portable.
 */
export interface TenantTable {
  id: string;
  display_name: string;
  domain: string;
  created_at: string;
}

export interface UserTable {
  id: string;
  tenant_id: string;
  user_principal_name: string;
  display_name: string;
  given_name: string | null;
  surname: string | null;
  mail: string | null;
  job_title: string | null;
  password: string;
  created_at: string;
}

export interface AppTable {
  /** The application (client) id. */
  client_id: string;
  tenant_id: string;
  display_name: string;
  /** Object id of the app's service principal: the `oid` of its app-only tokens. */
  service_principal_id: string;
  /** JSON string[] of client secrets. */
  client_secrets: string;
  /** JSON string[]: application permissions (app roles) admin-consented. */
  application_permissions: string;
  /** JSON string[]: delegated permissions consented for all users. */
  delegated_permissions: string;
  /** JSON string[]: registered redirect URIs. */
  redirect_uris: string;
  created_at: string;
}

/** Teams `CsApplicationAccessPolicy`: a named list of app ids, granted to users or globally. */
export interface AccessPolicyTable {
  id: string;
  tenant_id: string;
  name: string;
  /** JSON string[] of client ids. */
  app_ids: string;
  description: string | null;
  /** 1 when granted tenant-wide (`Grant-CsApplicationAccessPolicy -Global`). */
  is_global: number;
  created_at: string;
}

export interface AccessPolicyGrantTable {
  tenant_id: string;
  user_id: string;
  policy_id: string;
}

/** A Teams app installed in a meeting's chat, granting resource-specific consent permissions. */
export interface TeamsAppInstallationTable {
  id: string;
  tenant_id: string;
  meeting_id: string;
  teams_app_id: string;
  /** Client id of the Entra app behind the Teams app. */
  client_id: string;
  /** JSON string[] of RSC permissions, e.g. OnlineMeetingRecording.Read.Chat. */
  rsc_permissions: string;
  created_at: string;
}

export interface MeetingTable {
  id: string;
  tenant_id: string;
  organizer_id: string;
  subject: string | null;
  start_date_time: string;
  end_date_time: string;
  created_at: string;
  thread_id: string;
  join_web_url: string;
  join_meeting_id: string;
  passcode: string;
  video_teleconference_id: string;
  external_id: string | null;
  /** 1 when created from a calendar event (Graph's artifact APIs only serve those). */
  has_calendar_event: number;
  /** 'scheduled' | 'channel' | 'privateChannel'. */
  meeting_kind: string;
  /** JSON: the onlineMeeting properties the emulator stores as given (participants, lobby, ...). */
  properties: string;
}

export interface CallTable {
  id: string;
  tenant_id: string;
  meeting_id: string | null;
  /** Client id of the app that joined (owns) this call, if any. */
  client_id: string | null;
  /** 'establishing' | 'established' | 'terminated'. */
  state: string;
  call_chain_id: string;
  started_at: string;
  ended_at: string | null;
}

export interface SigningKeyTable {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: string;
}

export interface AuthCodeTable {
  code: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  nonce: string | null;
  expires_at: string;
}

/** The change feed (migration 002): see domain/changes.ts. */
export interface ChangeFeedTable {
  seq: Generated<number>;
  tenant_id: string;
  /** 'recording' | 'transcript' | 'callRecord' | … */
  resource: string;
  change_type: string;
  resource_id: string;
  organizer_id: string | null;
  meeting_id: string | null;
  call_id: string | null;
  /** JSON object: what the change's consumers need beyond the columns. */
  data: string;
  created_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

/** A change-notification subscription (migration 005): see domain/subscriptions.ts. */
export interface SubscriptionTable {
  id: string;
  tenant_id: string;
  /** Client id of the app that created it (applicationId). */
  app_id: string;
  /** Service principal id (app-only) or user id (delegated). */
  creator_id: string;
  /** 'application' | 'delegated'. */
  principal_kind: string;
  /** The resource string as the client sent it. */
  resource: string;
  /** Which resource pattern it matched (domain/subscriptionResources.ts). */
  resource_kind: string;
  /** 'recording' | 'transcript' | 'callRecord': the change-feed resource it listens to. */
  artifact: string;
  /** The pattern's id segment: user, meeting, ad hoc call or Teams app id. */
  scope_id: string | null;
  /** 1 with `?useResourceSpecificConsentBasedAuthorization=true`. */
  rsc: number;
  change_type: string;
  notification_url: string;
  lifecycle_notification_url: string | null;
  client_state: string | null;
  include_resource_data: number;
  encryption_certificate: string | null;
  encryption_certificate_id: string | null;
  /** Upper-case hex SHA-1 of the certificate's DER. */
  encryption_certificate_thumbprint: string | null;
  latest_supported_tls_version: string;
  notification_url_app_id: string | null;
  notification_query_options: string | null;
  notification_content_type: string | null;
  expiration_date_time: string;
  created_at: string;
  /** 'active' | 'removed' (expired, deleted by the service, or permission revoked). */
  status: string;
  removed_reason: string | null;
  /** Virtual instant of the next lifecycle check (reauthorizationRequired, expiry). */
  next_lifecycle_at: string | null;
}

/** The notifications outbox: one row per notification to deliver (migration 005). */
export interface NotificationDeliveryTable {
  id: Generated<number>;
  subscription_id: string;
  tenant_id: string;
  app_id: string;
  /** 'change' | 'lifecycle'. */
  kind: string;
  target_url: string;
  /** JSON: the changeNotification item as sent (encryptedContent included). */
  payload: string;
  /** JSON: resource data in clear when not in the change feed (null: the decrypted view reads change_feed.data by change_seq). */
  resource_data: string | null;
  rich: number;
  change_seq: number | null;
  /** 'pending' | 'delivered' | 'dropped'. */
  status: string;
  attempts: number;
  /** Virtual instant the next attempt is due. */
  due_at: string;
  /** Virtual instant of the first attempt: retries stop 4 hours after it. */
  first_due_at: string;
  claimed_by: string | null;
  /** Wall-clock instant a claim lapses (an instance that died mid-delivery frees its rows). */
  claim_expires_at: string | null;
  created_at: string;
  /** Wall-clock creation instant, for latency measurements. */
  created_wall_at: string;
  finished_at: string | null;
  last_error: string | null;
  /** The delivering attempt (failed ones are notification_attempts rows). */
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_batch_size: number | null;
  last_instance_id: string | null;
}

export interface NotificationAttemptTable {
  id: Generated<number>;
  delivery_id: number;
  attempt: number;
  instance_id: string;
  at: string;
  wall_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  batch_size: number;
  /** 'retry' | 'dropped' (a delivering attempt is kept on the delivery row). */
  outcome: string;
}

export interface Database {
  tenants: TenantTable;
  users: UserTable;
  apps: AppTable;
  access_policies: AccessPolicyTable;
  access_policy_grants: AccessPolicyGrantTable;
  teams_app_installations: TeamsAppInstallationTable;
  meetings: MeetingTable;
  calls: CallTable;
  signing_keys: SigningKeyTable;
  auth_codes: AuthCodeTable;
  settings: SettingTable;
  change_feed: ChangeFeedTable;
  subscriptions: SubscriptionTable;
  notification_deliveries: NotificationDeliveryTable;
  notification_attempts: NotificationAttemptTable;
}

export type { Generated };
