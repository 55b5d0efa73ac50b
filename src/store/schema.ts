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
  /** 0/1: "Allow public client flows": delegated grants without the client's secret. */
  is_fallback_public_client: number;
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

/** A deleted meeting (migration 014): the calendars it was on, for calendarView delta's @removed entries. */
export interface DeletedMeetingTable {
  id: string;
  tenant_id: string;
  /** JSON array: its organizer and invited attendees (user ids). */
  calendar_user_ids: string;
  deleted_at: string;
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

/** A meeting chat's message (migration 008): see domain/chatMessages.ts. */
export interface ChatMessageTable {
  chat_id: string;
  id: string;
  tenant_id: string;
  meeting_id: string | null;
  from_user_id: string | null;
  from_display_name: string | null;
  /** 'text' | 'html'. */
  content_type: string;
  content: string;
  created_at: string;
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
  /** JSON object: what the change's consumers need beyond the columns; '' for an artifact's change, whose row (artifacts.feed_seq = seq) derives it. */
  data: string;
  created_at: string;
}

/** A call record (migration 004): see domain/callRecords.ts. */
export interface CallRecordTable {
  id: string;
  tenant_id: string;
  call_id: string | null;
  meeting_id: string | null;
  organizer_id: string | null;
  start_date_time: string;
  end_date_time: string;
  last_modified_date_time: string;
  version: number;
  /** Past this instant (endDateTime + 30 days) the record is gone (https://learn.microsoft.com/graph/api/callrecords-callrecord-get). */
  expires_at: string;
  /** JSON: the record's own properties (type, modalities, joinWebUrl, organizer, participants, organizer_v2). */
  body: string;
  participant_count: number;
  session_count: number;
}

/** participants_v2 and sessions of a record, in order; `body` is the Graph JSON. */
export interface CallRecordParticipantTable {
  record_id: string;
  position: number;
  participant_id: string;
  body: string;
}

export interface CallRecordSessionTable {
  record_id: string;
  position: number;
  session_id: string;
  /** The session without `segments`. */
  body: string;
  /** JSON array: the session's segments (served only with `$expand=sessions($expand=segments)`). */
  segments: string;
}

/** Simulated PSTN ('pstn') and Direct Routing ('directRouting') log rows. */
export interface PstnCallTable {
  id: string;
  tenant_id: string;
  kind: string;
  start_date_time: string;
  body: string;
}

/** Apps (bots) that joined a call: they may read it and update its recording status. */
export interface CallAppJoinTable {
  call_id: string;
  client_id: string;
  joined_at: string;
}

/** Every updateRecordingStatus operation, oldest first: the history the compliance rule reads. */
export interface CallRecordingStatusTable {
  id: string;
  call_id: string;
  /** 1, 2, … per call: the history's order even when the clock stands still. */
  position: number;
  client_id: string;
  /** 'notRecording' | 'recording' | 'failed'. */
  status: string;
  client_context: string | null;
  /** The commsOperation status: 'completed' (accepted) or 'failed'. */
  operation_status: string;
  created_at: string;
}

/** A recording or transcript (migration 003): see domain/artifacts.ts. */
export interface ArtifactTable {
  id: string;
  /** 'recording' | 'transcript'. */
  kind: string;
  tenant_id: string;
  organizer_id: string;
  /** The onlineMeeting; null for ad hoc calls. */
  meeting_id: string | null;
  adhoc_call_id: string | null;
  call_id: string;
  content_correlation_id: string;
  created_at: string;
  end_at: string;
  /** The change_feed seq of its 'created' change: where delta pages stand. */
  feed_seq: number | string;
  /** Blob store key (sha-256 of the bytes), media type and length of the content stream. */
  content_blob: string;
  content_type: string;
  content_size: number | string;
  /** Transcripts: the metadataContent stream (WebVTT cues carrying JSON). */
  metadata_blob: string | null;
  metadata_size: number | string | null;
  /** Always '' since migration 010: the resource is derived from the row (domain/artifactResource.ts). */
  resource_json: string;
  /** Recordings since migration 013: 'spoken' or 'sample'; null for transcripts and older recordings. */
  recording_kind: string | null;
}

/** An ad hoc (1:1 or group) call without a meeting, whose artifacts live under /users/{id}/adhocCalls. */
export interface AdhocCallTable {
  id: string;
  tenant_id: string;
  organizer_id: string;
  call_id: string;
  /** JSON string[]: user ids in the call (the organizer included). */
  participant_ids: string;
  created_at: string;
}

/** The HMAC key of skip/delta tokens (one row, id 'current'); survives a store reset. */
export interface StateTokenKeyTable {
  id: string;
  secret: string;
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
  /** Graph root for rich notifications' links when created through the drop-in proxy; null: the instance's URL. */
  link_root: string | null;
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

/** A recording's or transcript's bytes stored in the database (migration 012, store/pgContent.ts). */
export interface ContentBlobTable {
  /** Random id of this write; chunks name it. */
  id: string;
  /** sha-256 hex of the bytes once all are written; null while the writing transaction is open. */
  key: string | null;
  size: number | string;
  chunk_size: number;
  /** When the write began (ms since the epoch, wall clock), for an operator reading the table. */
  started_at: number | string;
}

/** One `chunk_size` slice of a content's bytes; the last may be shorter. */
export interface ContentChunkTable {
  content_id: string;
  seq: number;
  bytes: Uint8Array;
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
  chat_messages: ChatMessageTable;
  deleted_meetings: DeletedMeetingTable;
  call_records: CallRecordTable;
  call_record_participants: CallRecordParticipantTable;
  call_record_sessions: CallRecordSessionTable;
  pstn_calls: PstnCallTable;
  call_app_joins: CallAppJoinTable;
  call_recording_statuses: CallRecordingStatusTable;
  artifacts: ArtifactTable;
  adhoc_calls: AdhocCallTable;
  state_token_keys: StateTokenKeyTable;
  subscriptions: SubscriptionTable;
  notification_deliveries: NotificationDeliveryTable;
  notification_attempts: NotificationAttemptTable;
  content_blobs: ContentBlobTable;
  content_chunks: ContentChunkTable;
}

export type { Generated };
