/**
 * The control API's wire shapes (what /_emulator answers as JSON), declared once: the server modules
 * that produce them and the dashboard (src/ui) that reads them both use these. Types only — the
 * dashboard is bundled for the browser and may import this file, and nothing else of the server,
 * with `import type` (eslint.config.js, src/ui/tsconfig.json). Dates are ISO 8601 strings.
 */

// Directory (GET /_emulator/tenants/…)

export interface Tenant {
  id: string;
  displayName: string;
  /** The initial domain, e.g. `contoso.onmicrosoft.com`; token endpoints accept it in place of the id. */
  domain: string;
  createdDateTime: string;
}

export interface User {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  jobTitle: string | null;
  /** Only the identity platform's password grant and sign-in page read this. */
  password: string;
}

export interface App {
  clientId: string;
  tenantId: string;
  displayName: string;
  servicePrincipalId: string;
  clientSecrets: string[];
  applicationPermissions: string[];
  delegatedPermissions: string[];
  redirectUris: string[];
  /**
   * "Allow public client flows" (Graph's `application.isFallbackPublicClient`): the app may use the
   * password, authorization code and refresh token grants without a client secret.
   */
  isFallbackPublicClient: boolean;
}

export interface AccessPolicy {
  id: string;
  tenantId: string;
  name: string;
  appIds: string[];
  description: string | null;
  global: boolean;
  userIds: string[];
}

export interface TeamsAppInstallation {
  id: string;
  tenantId: string;
  meetingId: string;
  teamsAppId: string;
  clientId: string;
  rscPermissions: string[];
}

// Requests (GET /_emulator/requests)

/** One request as GET /_emulator/requests shows it: secrets redacted, the bearer token's claims decoded (never the token). */
export interface RecordedRequest {
  id: number;
  at: string;
  method: string;
  path: string;
  url: string;
  area: 'graph' | 'identity' | 'control' | 'other';
  status: number;
  ms: number;
  appId: string | null;
  userId: string | null;
  user: string | null;
  error: string | null;
  fault: string | null;
  requestId: string | null;
  tokenClaims: Record<string, unknown> | null;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  responseHeaders: Record<string, string>;
  responseBody: string | null;
  responseBodyTruncated: boolean;
}

// Faults (GET/POST /_emulator/faults)

export interface FaultRuleInput {
  /** Path pattern matched case-insensitively against the request path; `*` matches any run of characters. */
  path: string;
  /** Only this HTTP method; any method when absent. */
  method?: string;
  /** Status to answer with (429, 500, 502, 503, 504, ...); latency only when absent. */
  status?: number;
  /** Retry-After in seconds; 429 and 503 send 1 when absent, as Graph always sends one. */
  retryAfterSeconds?: number;
  latencyMs?: number;
  /** Apply to this many matching requests, then retire. Unlimited when absent. */
  count?: number;
  /** Apply to each matching request with this probability (0–1). Always when absent. */
  probability?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** How many requests this rule has hit so far. */
  hits: number;
  /** True once a counted rule has been used up; it stays listed so tests can read its hits. */
  exhausted: boolean;
}

// Deliveries (GET /_emulator/deliveries)

export interface DeliveryAttemptView {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  batchSize: number;
  outcome: string;
  instanceId: string;
}

/** One notification in the log: what was sent, what it says decrypted, and each attempt. */
export interface DeliveryView {
  id: number;
  subscriptionId: string;
  kind: string;
  targetUrl: string;
  status: string;
  createdDateTime: string;
  dueDateTime: string;
  finishedDateTime: string | null;
  lastError: string | null;
  /** The changeNotification (or lifecycle notification) item as POSTed. */
  payload: Record<string, unknown>;
  /** encryptedContent's plaintext: the resource JSON; null for notifications without resource data. */
  decryptedResourceData: Record<string, unknown> | null;
  attempts: DeliveryAttemptView[];
}

// Clock (GET /_emulator/clock, GET /_emulator/clock/timers)

export interface ClockView {
  now: string;
  frozen: boolean;
  /** Milliseconds the virtual clock runs ahead of (positive) or behind wall time. */
  offsetMs: number;
}

export type ClockTimerKind = 'subscriptionExpiry' | 'reauthorizationRequired' | 'notificationDelivery' | 'notificationRetry' | 'artifactsAvailable' | 'callRecordRetention' | 'scheduled';

/** Something that falls due on the virtual clock. */
export interface ClockTimer {
  kind: ClockTimerKind;
  dueDateTime: string;
  /** What falls due, in words. */
  description: string;
  /** The subscription, delivery, meeting… it concerns; null when none. */
  subjectId: string | null;
}

export interface ClockTimers {
  now: string;
  value: ClockTimer[];
}

// Usage (GET /_emulator/usage)

export type MeteredApi = 'onlineMeetingRecording' | 'onlineMeetingTranscript' | 'adhocCallRecording' | 'adhocCallTranscript';

export interface UsageEntry {
  tenantId: string;
  clientId: string;
  api: MeteredApi;
  calls: number;
  /** Minutes of recording or transcript content downloaded (what Microsoft bills by). */
  contentMinutes: number;
  /** contentMinutes at Microsoft's list price per minute, before any evaluation quota. */
  estimatedCostUsd: number;
  firstCallDateTime: string;
  lastCallDateTime: string;
}

// Least privilege (GET /_emulator/apps/{clientId}/permissions-report)

export type PermissionKind = 'application' | 'delegated';

export interface PermissionUse {
  tenantId: string;
  clientId: string;
  kind: PermissionKind;
  /** `GET /v1.0/users/:userId/onlineMeetings/:meetingId/recordings`: the method and route that asked. */
  operation: string;
  outcome: 'authorized' | 'refused';
  /** The permission of the token that satisfied the rule (authorized only). */
  satisfiedBy: string | null;
  /** How: an app role, a delegated scope, or resource-specific consent in the meeting. */
  via: 'role' | 'scope' | 'rsc' | null;
  /** The permissions the operation accepts for this kind of token, least privileged first (the rule's list). */
  accepted: string[];
  /** RSC permissions that would also do (application tokens in a meeting). */
  acceptedRsc: string[];
  /** The role was held but the app had no application access policy for the user. */
  accessPolicyMissing: boolean;
  calls: number;
  lastCallDateTime: string;
}

export interface PermissionKindReport {
  granted: string[];
  /** Permissions that satisfied authorized calls. */
  used: string[];
  /** Granted and never needed. */
  unused: string[];
  /** Not granted, and needed by calls that were refused. */
  missing: string[];
  /** The set to request: covers every operation called, least privileged first. */
  minimal: string[];
}

export interface PermissionsReport {
  tenantId: string;
  clientId: string;
  displayName: string;
  application: PermissionKindReport;
  delegated: PermissionKindReport;
  /** Resource-specific consent permissions that authorized calls (held through a Teams app in a meeting). */
  resourceSpecific: string[];
  operations: PermissionUse[];
}

// Call views (GET /_emulator/tenants/{id}/callRecords, …/detail, …/callActivity)

export interface ControlPage<T> {
  value: T[];
  more: boolean;
}

export interface CallRecordRow {
  id: string;
  callId: string | null;
  meetingId: string | null;
  organizerId: string | null;
  version: number;
  type: string;
  modalities: string[];
  startDateTime: string;
  endDateTime: string;
  lastModifiedDateTime: string;
  participantCount: number;
  sessionCount: number;
}

export interface CallRecordDetail {
  record: CallRecordRow;
  organizer: Record<string, unknown> | null;
  participants: Array<Record<string, unknown>>;
  participantsMore: boolean;
  /** callRecords.session entities, each with its `segments` (and their `media` with `streams`). */
  sessions: Array<Record<string, unknown>>;
  sessionsMore: boolean;
}

export type RecordingStatus = 'notRecording' | 'recording' | 'failed';

/** One updateRecordingStatus operation (an updateRecordingStatusOperation), as kept in the history. */
export interface RecordingStatusUpdate {
  /** The operation id (Location: …/calls/{callId}/operations/{id}). */
  id: string;
  callId: string;
  clientId: string;
  status: RecordingStatus;
  clientContext: string | null;
  /** 'completed': accepted. */
  operationStatus: 'completed' | 'failed';
  createdDateTime: string;
}

export interface AppRecordingHistory {
  clientId: string;
  /** May the app persist media now (its latest accepted status is `recording`)? */
  recordingAllowed: boolean;
  updates: RecordingStatusUpdate[];
}

export interface CallActivity {
  id: string;
  meetingId: string | null;
  state: string;
  callChainId: string;
  startedDateTime: string;
  endedDateTime: string | null;
  /** The apps in the call (the one that placed it first), each with its updateRecordingStatus history. */
  apps: AppRecordingHistory[];
}
