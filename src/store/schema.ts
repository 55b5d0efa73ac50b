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
  /** Past this instant (endDateTime + 30 days) the record is gone (S2). */
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
  /** The callRecording/callTranscript JSON with links under GRAPH_V1_ROOT (domain/artifactResource.ts). */
  resource_json: string;
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
  call_records: CallRecordTable;
  call_record_participants: CallRecordParticipantTable;
  call_record_sessions: CallRecordSessionTable;
  pstn_calls: PstnCallTable;
  call_app_joins: CallAppJoinTable;
  call_recording_statuses: CallRecordingStatusTable;
  artifacts: ArtifactTable;
  adhoc_calls: AdhocCallTable;
  state_token_keys: StateTokenKeyTable;
}

export type { Generated };
