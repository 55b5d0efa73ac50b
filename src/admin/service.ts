import { excerpt } from '../runtime/excerpt.js';
import { createAccessPolicy, deleteAccessPolicy, listAccessPolicies, type AccessPolicy, type NewAccessPolicy } from '../domain/accessPolicies.js';
import { createApp, deleteApp, findApp, listApps, updateApp, type App, type AppChanges, type NewApp } from '../domain/apps.js';
import { DomainError } from '../runtime/errors.js';
import { installTeamsApp, listTeamsAppInstallations, uninstallTeamsApp, type NewTeamsAppInstallation, type TeamsAppInstallation } from '../domain/installations.js';
import { createMeeting, deleteMeeting, findMeeting, listMeetings, type Meeting, type MeetingAttendee, type MeetingKind } from '../domain/meetings.js';
import { createTenant, deleteTenant, findTenant, listTenants, type NewTenant, type Tenant } from '../domain/tenants.js';
import { createUser, deleteUser, findUser, listUsers, type NewUser, type User } from '../domain/users.js';
import { issueAppToken, issueUserToken, userTokenSubject, GRAPH_RESOURCE } from '../auth/tokens.js';
import { parseDurationMs, parseInstantMs } from '../runtime/duration.js';
import { demoMeetingId, demoTenantInfo, ensureDemoArtifacts, ensureDemoTenant, storedDemoMeetingId, type DemoTenant } from '../simulation/demoTenant.js';
import type { FaultRule, FaultRuleInput } from '../runtime/faults.js';
import { emptyStore } from '../store/reset.js';
import type { AdminServices } from './adminServices.js';
import type { Artifact } from '../domain/artifacts.js';
import { acceptBotRecording } from '../simulation/botRecordings.js';
import { simulateAdhocCall, simulateMeeting, type RecordingKind, type ScriptLine, type SimulateOptions, type SimulationResult } from '../simulation/meetingScenario.js';
import type { SpokenLanguage } from '../simulation/content/speech/dialogue.js';
import type { SimulatedPstnCalls } from '../simulation/pstnCalls.js';
import type { UsageEntry } from '../domain/usage.js';
import { permissionsReport, type PermissionsReport } from '../domain/permissionReport.js';
import type { DeliveryQuery, DeliveryView } from '../notifications/deliveryLog.js';
import type { FlushResult } from '../notifications/dispatcher.js';
import { CallsAdmin, type CallRecordView, type CallView, type NewCallRecordRequest, type NewLiveCall, type RecordingStatusView } from './calls.js';
import type { ClockTimers, ClockView } from '../runtime/wire.js';
import { listClockTimers } from './clockTimers.js';
export type { ClockTimers, ClockView };

export type { CallRecordView, CallView, NewCallRecordRequest, NewLiveCall, RecordingStatusView } from './calls.js';
export type { SimulationResult } from '../simulation/meetingScenario.js';
export type { SimulatedPstnCalls } from '../simulation/pstnCalls.js';
export type { UsageEntry } from '../domain/usage.js';
export type { DeliveryQuery, DeliveryView } from '../notifications/deliveryLog.js';
export type { FlushResult } from '../notifications/dispatcher.js';

/** How a simulated meeting or ad hoc call goes (POST /_emulator/meetings/{id}/simulate). */
export interface SimulateRequest {
  durationMinutes?: number;
  recording?: boolean;
  recordingSizeBytes?: number;
  transcript?: boolean;
  /** ISO 8601 duration (PT5M) or milliseconds on the virtual clock before the recording and transcript appear. */
  artifactDelay?: string | number;
  recordingKind?: RecordingKind;
  language?: SpokenLanguage;
  script?: ScriptLine[];
  seed?: number;
  /** Meetings only: messages posted in the meeting chat during the call. */
  chatMessages?: { from: string; text: string }[];
}

/** POST /_emulator/tenants/{id}/adhocCalls. */
export interface AdhocCallRequest extends SimulateRequest {
  organizerId: string;
  participantIds: string[];
}

/** POST /_emulator/calls/{id}/botRecordings. */
export interface BotRecordingRequest {
  clientId: string;
  recordingSizeBytes?: number;
}

/** What an accepted bot recording is (its content's size, not the content). */
export type BotRecordingView = Pick<Artifact, 'id' | 'callId' | 'meetingId' | 'adhocCallId' | 'organizerId' | 'contentCorrelationId' | 'createdDateTime' | 'endDateTime'> & { size: number };

/**
 * The simulation's options from a request. Its recording kind: the request's; spoken for a script;
 * the sample when it asks for a size (only the sample grows); else the emulator's default
 * (--recording-kind, spoken unless set).
 */
function simulateOptions(b: SimulateRequest, defaultKind: RecordingKind): SimulateOptions {
  const options: SimulateOptions = {};
  options.recordingKind = b.recordingKind ?? (b.script !== undefined ? 'spoken' : b.recordingSizeBytes !== undefined ? 'sample' : defaultKind);
  if (b.durationMinutes !== undefined) options.durationMinutes = b.durationMinutes;
  if (b.recording !== undefined) options.recording = b.recording;
  if (b.recordingSizeBytes !== undefined) options.recordingSizeBytes = b.recordingSizeBytes;
  if (b.transcript !== undefined) options.transcript = b.transcript;
  if (b.language !== undefined) options.language = b.language;
  if (b.script !== undefined) options.script = b.script;
  if (b.seed !== undefined) options.seed = b.seed;
  if (b.chatMessages !== undefined) options.chatMessages = b.chatMessages;
  if (b.artifactDelay !== undefined) {
    const ms = typeof b.artifactDelay === 'number' ? b.artifactDelay : parseDurationMs(b.artifactDelay);
    if (ms === undefined || ms < 0) throw new DomainError('invalid', `artifactDelay '${excerpt(String(b.artifactDelay))}' is not an ISO 8601 duration (PT5M) or a number of milliseconds.`);
    options.artifactDelayMs = ms;
  }
  return options;
}

/**
 * Move the virtual clock. `set` (ISO 8601 instant) or `advance` (ISO 8601 duration such as PT30M or
 * P30D, or milliseconds) move it, firing what falls due; `freeze: true` stops it first, so it stands
 * exactly at the target; `freeze: false` (or `unfreeze: true`) lets it follow wall time again after.
 */
export interface ClockCommand {
  freeze?: boolean;
  unfreeze?: boolean;
  set?: string;
  advance?: string | number;
}

/** What POST /_emulator/tenants/{id}/meetings takes: attendees by user id or UPN. */
export interface AdminNewMeeting {
  tenantId: string;
  organizerId: string;
  subject?: string;
  startDateTime?: string;
  endDateTime?: string;
  externalId?: string;
  kind?: MeetingKind;
  hasCalendarEvent?: boolean;
  attendeeIds?: string[];
}

/** Date's range: ±8.64e15 ms from the epoch. */
const MAX_INSTANT_MS = 8.64e15;

export interface MintTokenRequest {
  clientId: string;
  /** A user of the app's tenant: a delegated token; otherwise app-only. */
  userId?: string;
  /** Override the app's consented roles (app-only) or scopes (delegated). */
  roles?: string[];
  scopes?: string[];
  /** Seconds; negative makes an already expired token. Default 3599. */
  lifetimeSeconds?: number;
  /** Seconds from now before which the token is not valid. */
  notBeforeSeconds?: number;
  audience?: string;
}

/**
 * The control API's operations, shared by the HTTP routes under /_emulator and the library's
 * `emulator.admin`, so both behave the same.
 */
export class AdminService {
  private readonly calls: CallsAdmin;

  constructor(private readonly services: AdminServices) {
    this.calls = new CallsAdmin(services.ctx);
  }

  private get ctx() {
    return this.services.ctx;
  }

  /** The demo meeting's id in this store (see refreshDemo). */
  private demoMeeting = demoMeetingId();

  demo(): DemoTenant {
    return demoTenantInfo(this.services.caCertificatePem, this.demoMeeting);
  }

  /** Look up which demo meeting the store holds: one seeded by an earlier version keeps its (legacy) id. */
  async refreshDemo(): Promise<void> {
    this.demoMeeting = await storedDemoMeetingId(this.ctx);
  }

  // Directory ------------------------------------------------------------------------------------
  listTenants(): Promise<Tenant[]> {
    return listTenants(this.ctx);
  }
  createTenant(input: NewTenant): Promise<Tenant> {
    return createTenant(this.ctx, input);
  }
  async getTenant(id: string): Promise<Tenant> {
    const tenant = await findTenant(this.ctx, id);
    if (tenant === undefined) throw new DomainError('notFound', `Tenant '${id}' was not found.`);
    return tenant;
  }
  async deleteTenant(id: string): Promise<void> {
    await deleteTenant(this.ctx, id);
    this.services.verifier.clear();
  }
  async listUsers(tenantId: string): Promise<User[]> {
    return listUsers(this.ctx, await this.requireTenant(tenantId));
  }
  async createUser(input: NewUser): Promise<User> {
    // Look-ups lower-case ids, as Entra treats GUIDs; an id stored in upper case could never be found.
    const id = input.id?.toLowerCase();
    return createUser(this.ctx, { ...input, ...(id !== undefined ? { id } : {}), tenantId: await this.requireTenant(input.tenantId) });
  }
  async deleteUser(tenantId: string, userId: string): Promise<void> {
    const tenant = await this.requireTenant(tenantId);
    const user = await findUser(this.ctx, tenant, userId);
    if (user === undefined) throw new DomainError('notFound', `User '${userId}' was not found in tenant '${tenant}'.`);
    await deleteUser(this.ctx, tenant, user.id);
  }
  async listApps(tenantId: string): Promise<App[]> {
    return listApps(this.ctx, await this.requireTenant(tenantId));
  }
  async createApp(input: NewApp): Promise<App> {
    return createApp(this.ctx, { ...input, tenantId: await this.requireTenant(input.tenantId) });
  }
  async updateApp(tenantId: string, clientId: string, changes: AppChanges): Promise<App> {
    const app = await this.requireApp(tenantId, clientId);
    return updateApp(this.ctx, app.clientId, changes);
  }
  async deleteApp(tenantId: string, clientId: string): Promise<void> {
    const app = await this.requireApp(tenantId, clientId);
    await deleteApp(this.ctx, app.clientId);
    // Its tokens stop working at once, as after a tenant's deletion.
    this.services.verifier.clear();
  }
  async listAccessPolicies(tenantId: string): Promise<AccessPolicy[]> {
    return listAccessPolicies(this.ctx, await this.requireTenant(tenantId));
  }
  async createAccessPolicy(input: NewAccessPolicy): Promise<AccessPolicy> {
    const tenantId = await this.requireTenant(input.tenantId);
    const userIds: string[] = [];
    for (const id of input.userIds ?? []) userIds.push((await this.requireUser(tenantId, id)).id);
    return createAccessPolicy(this.ctx, { ...input, tenantId, userIds });
  }
  async deleteAccessPolicy(tenantId: string, id: string): Promise<void> {
    await deleteAccessPolicy(this.ctx, await this.requireTenant(tenantId), id);
  }
  async listTeamsAppInstallations(tenantId: string): Promise<TeamsAppInstallation[]> {
    return listTeamsAppInstallations(this.ctx, await this.requireTenant(tenantId));
  }
  async installTeamsApp(tenantId: string, input: NewTeamsAppInstallation): Promise<TeamsAppInstallation> {
    const tenant = await this.requireTenant(tenantId);
    const meeting = await findMeeting(this.ctx, input.meetingId);
    if (meeting === undefined || meeting.tenantId !== tenant) throw new DomainError('notFound', `Meeting '${input.meetingId}' was not found in tenant '${tenant}'.`);
    await this.requireApp(tenant, input.clientId);
    return installTeamsApp(this.ctx, input);
  }
  async uninstallTeamsApp(tenantId: string, id: string): Promise<void> {
    await uninstallTeamsApp(this.ctx, await this.requireTenant(tenantId), id);
  }
  async listMeetings(tenantId: string, organizerId?: string): Promise<Meeting[]> {
    const tenant = await this.requireTenant(tenantId);
    const organizer = organizerId === undefined ? undefined : (await this.requireUser(tenant, organizerId)).id;
    return listMeetings(this.ctx, tenant, organizer);
  }
  /** Meetings made here have a calendar event by default, unlike those made through Graph's create API. */
  async createMeeting(input: AdminNewMeeting): Promise<Meeting> {
    const tenantId = await this.requireTenant(input.tenantId);
    const organizer = await this.requireUser(tenantId, input.organizerId);
    if (input.externalId !== undefined) {
      const clash = (await listMeetings(this.ctx, tenantId, organizer.id)).find((m) => m.externalId === input.externalId);
      if (clash !== undefined) throw new DomainError('conflict', `Organizer '${organizer.id}' already has a meeting with externalId '${input.externalId}' (${clash.id}).`);
    }
    const attendees: MeetingAttendee[] = [];
    for (const id of input.attendeeIds ?? []) {
      const user = await this.requireUser(tenantId, id);
      attendees.push({ userId: user.id, upn: user.userPrincipalName, displayName: user.displayName, role: 'attendee' });
    }
    const { attendeeIds: _ignored, ...rest } = input;
    return createMeeting(this.ctx, { ...rest, tenantId, organizerId: organizer.id, settings: { attendees } });
  }
  async deleteMeeting(tenantId: string, meetingId: string): Promise<void> {
    await deleteMeeting(this.ctx, await this.requireTenant(tenantId), meetingId);
  }

  // Clock ------------------------------------------------------------------------------------------
  clock(): ClockView {
    const { clock } = this.ctx;
    const state = clock.state();
    return { now: clock.now().toISOString(), frozen: clock.frozen, offsetMs: state.frozenAtMs === null ? state.offsetMs : state.frozenAtMs - Date.now() };
  }

  /** What falls due next on the virtual clock, soonest first (at most `top`). */
  clockTimers(query: { top?: number } = {}): Promise<ClockTimers> {
    return listClockTimers(this.ctx, query.top);
  }

  async moveClock(command: ClockCommand): Promise<ClockView> {
    const { clock } = this.ctx;
    const target = this.clockTarget(command);
    const freeze = command.freeze === true;
    const unfreeze = command.freeze === false || command.unfreeze === true;
    if (freeze && unfreeze) throw new DomainError('invalid', 'A clock command cannot both freeze and unfreeze the clock.');
    if (!freeze && !unfreeze && target === undefined) throw new DomainError('invalid', 'A clock command needs freeze, unfreeze, set or advance.');
    if (freeze) clock.freeze();
    if (target !== undefined) {
      const targetMs = target.kind === 'set' ? target.ms : clock.nowMs() + target.ms;
      if (Math.abs(targetMs) > MAX_INSTANT_MS) throw new DomainError('invalid', 'That would move the clock beyond the year 275760.');
      await (target.kind === 'set' ? clock.set(new Date(targetMs)) : clock.advance(target.ms));
    }
    if (unfreeze) clock.unfreeze();
    await this.services.clockSaved();
    return this.clock();
  }

  private clockTarget(command: ClockCommand): { kind: 'set' | 'advance'; ms: number } | undefined {
    if (command.set !== undefined && command.advance !== undefined) throw new DomainError('invalid', 'A clock command takes set or advance, not both.');
    if (command.set !== undefined) {
      const ms = parseInstantMs(command.set);
      if (ms === undefined) throw new DomainError('invalid', `'${excerpt(command.set)}' is not an ISO 8601 date and time such as 2025-01-31T09:00:00Z.`);
      return { kind: 'set', ms };
    }
    if (command.advance !== undefined) {
      const ms = typeof command.advance === 'number' ? command.advance : parseDurationMs(command.advance);
      if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
        throw new DomainError('invalid', `'${excerpt(String(command.advance))}' is not a forward ISO 8601 duration such as PT30M or P30D (or a number of milliseconds).`);
      }
      return { kind: 'advance', ms };
    }
    return undefined;
  }

  // Faults -----------------------------------------------------------------------------------------
  listFaults(): FaultRule[] {
    return this.services.faults.list();
  }
  addFault(input: FaultRuleInput): FaultRule {
    if (input.status !== undefined && (input.status < 400 || input.status > 599)) throw new DomainError('invalid', 'A fault status must be 400–599.');
    if (input.status === undefined && (input.latencyMs ?? 0) <= 0) throw new DomainError('invalid', 'A fault needs a status, a latencyMs, or both.');
    if (input.probability !== undefined && (input.probability < 0 || input.probability > 1)) throw new DomainError('invalid', 'probability must be between 0 and 1.');
    return this.services.faults.add(input);
  }
  getFault(id: string): FaultRule {
    const rule = this.services.faults.get(id);
    if (rule === undefined) throw new DomainError('notFound', `Fault '${id}' was not found.`);
    return rule;
  }
  removeFault(id: string): void {
    if (!this.services.faults.remove(id)) throw new DomainError('notFound', `Fault '${id}' was not found.`);
  }
  clearFaults(): void {
    this.services.faults.clear();
  }

  // Tokens -----------------------------------------------------------------------------------------
  /** Mint a Graph token directly, e.g. an expired one or one lacking a role, to test a client's error handling. */
  async mintToken(input: MintTokenRequest): Promise<{ access_token: string; expires_on: number }> {
    const app = await findApp(this.ctx, input.clientId);
    if (app === undefined) throw new DomainError('notFound', `App '${input.clientId}' was not found.`);
    const issuedAt = Math.floor(Date.now() / 1000);
    const lifetimeSeconds = input.lifetimeSeconds ?? 3599;
    const times = {
      issuedAt: lifetimeSeconds < 0 ? issuedAt + lifetimeSeconds - 3600 : issuedAt,
      lifetimeSeconds: lifetimeSeconds < 0 ? 3600 : lifetimeSeconds,
      ...(input.notBeforeSeconds !== undefined ? { notBefore: issuedAt + input.notBeforeSeconds } : {}),
    };
    const audience = input.audience ?? GRAPH_RESOURCE;
    let token: string;
    if (input.userId !== undefined) {
      const user = await findUser(this.ctx, app.tenantId, input.userId);
      if (user === undefined) throw new DomainError('notFound', `User '${input.userId}' was not found in the app's tenant.`);
      token = await issueUserToken(this.services.keys, userTokenSubject(app, user, input.scopes ?? app.delegatedPermissions), times, audience);
    } else {
      token = await issueAppToken(
        this.services.keys,
        {
          tenantId: app.tenantId,
          clientId: app.clientId,
          servicePrincipalId: app.servicePrincipalId,
          appDisplayName: app.displayName,
          roles: input.roles ?? app.applicationPermissions,
        },
        times,
        audience,
      );
    }
    return { access_token: token, expires_on: times.issuedAt + times.lifetimeSeconds };
  }

  /** A recording larger than the emulator's cap (--max-recording-size-bytes) is refused before any byte is written. */
  private checkRecordingCap(size: number | undefined): void {
    const cap = this.services.config.maxRecordingSizeBytes;
    if (size !== undefined && size > cap) {
      throw new DomainError('invalid', `recordingSizeBytes ${size} is larger than this emulator's maximum of ${cap} bytes (set with --max-recording-size-bytes or maxRecordingSizeBytes).`);
    }
  }

  // Meetings and calls happening ----------------------------------------------------------------------
  /** A meeting happens now: an ended call, then a recording and a transcript (at once or after artifactDelay). */
  simulateMeeting(meetingId: string, input: SimulateRequest = {}): Promise<SimulationResult> {
    this.checkRecordingCap(input.recordingSizeBytes);
    return simulateMeeting(this.ctx, this.services.blobs, meetingId, simulateOptions(input, this.services.config.recordingKind));
  }
  /** An ad hoc call (1:1 or group, no meeting) happens now. */
  async simulateAdhocCall(tenantId: string, input: AdhocCallRequest): Promise<SimulationResult> {
    const { organizerId, participantIds, ...rest } = input;
    this.checkRecordingCap(input.recordingSizeBytes);
    if ((await findTenant(this.ctx, tenantId)) === undefined) throw new DomainError('notFound', `Tenant '${tenantId}' was not found.`);
    return simulateAdhocCall(this.ctx, this.services.blobs, { tenantId, organizerId, participantIds, ...simulateOptions(rest, this.services.config.recordingKind) });
  }
  listCalls(tenantId: string): Promise<CallView[]> {
    return this.calls.listCalls(tenantId);
  }
  /** Start a live call (of a meeting, or ad hoc). */
  startCall(tenantId: string, input: NewLiveCall = {}): Promise<CallView> {
    return this.calls.startCall(tenantId, input);
  }
  /** An app (e.g. a compliance-recording bot) joins a live call. */
  joinCall(callId: string, clientId: string): Promise<CallView> {
    return this.calls.joinCall(callId, clientId);
  }
  endCall(callId: string): Promise<CallView> {
    return this.calls.endCall(callId);
  }
  recordingStatus(callId: string): Promise<RecordingStatusView> {
    return this.calls.recordingStatus(callId);
  }
  /** A bot in the call hands in its recording: accepted only while its latest recording status is 'recording'. */
  async addBotRecording(callId: string, input: BotRecordingRequest): Promise<BotRecordingView> {
    this.checkRecordingCap(input.recordingSizeBytes);
    const artifact = await acceptBotRecording(this.ctx, this.services.blobs, { callId, ...input });
    const { id, meetingId, adhocCallId, organizerId, contentCorrelationId, createdDateTime, endDateTime } = artifact;
    return { id, callId: artifact.callId, meetingId, adhocCallId, organizerId, contentCorrelationId, createdDateTime, endDateTime, size: artifact.content.size };
  }
  /** End the call (if live) and make its call record (id = callChainId). */
  createCallRecord(callId: string, input: NewCallRecordRequest = {}): Promise<CallRecordView> {
    return this.calls.createCallRecord(callId, input);
  }
  getCallRecord(tenantId: string, recordId: string): Promise<CallRecordView> {
    return this.calls.getCallRecord(tenantId, recordId);
  }
  /** More sessions arrive; the record's version goes up by one. */
  addLateTelemetry(tenantId: string, recordId: string, input: { sessions?: number } = {}): Promise<CallRecordView> {
    return this.calls.addLateTelemetry(tenantId, recordId, input.sessions ?? 1);
  }
  /** Calling Plan (pstn) or Direct Routing calls of the tenant's users within the last hours. */
  simulatePstnCalls(tenantId: string, input: SimulatedPstnCalls): Promise<{ ids: string[] }> {
    return this.calls.simulatePstnCalls(tenantId, input);
  }

  // Usage and deliveries ---------------------------------------------------------------------------
  /** Calls to metered APIs per tenant, app and API since the emulator started. */
  usage(query: { tenantId?: string } = {}): { value: UsageEntry[] } {
    return { value: this.services.usage.list(query.tenantId) };
  }
  /** The app's granted permissions against those its calls needed, with the minimal set to request. */
  async permissionsReport(clientId: string): Promise<PermissionsReport> {
    const app = await findApp(this.ctx, clientId);
    if (app === undefined) throw new DomainError('notFound', `App '${clientId}' was not found.`);
    return permissionsReport(app, this.services.permissionLedger.of(app.tenantId, app.clientId));
  }
  /** The change-notification delivery log, newest first. */
  deliveries(query: DeliveryQuery = {}): Promise<DeliveryView[]> {
    return this.services.notifications.deliveries(query);
  }
  /** Deliver every notification due now; resolves once each was delivered or failed. */
  flushDeliveries(input: { timeoutMs?: number } = {}): Promise<FlushResult> {
    return this.services.notifications.flush(input.timeoutMs);
  }

  // Reset ------------------------------------------------------------------------------------------
  /** Empty the store back to the demo tenant; faults cleared, clock back on wall time. */
  async reset(): Promise<DemoTenant> {
    // What the clock already set off (a jump fires timers: sweeps, lifecycle events) finishes first,
    // so it does not write into, or lock against, the store being emptied.
    await this.ctx.clock.idle();
    await emptyStore(this.services.store);
    this.services.faults.clear();
    this.services.verifier.clear();
    this.ctx.clock.reset();
    this.services.usage.clear();
    this.services.permissionLedger.clear();
    this.services.deltaTokens.forget();
    await this.services.clockSaved();
    if (this.services.config.demo) {
      await ensureDemoTenant(this.ctx);
      await ensureDemoArtifacts(this.ctx, this.services.blobs);
      await this.refreshDemo();
    }
    return this.demo();
  }

  /** The tenant's id as stored (lower case), or 404. */
  private async requireTenant(tenantId: string): Promise<string> {
    return (await this.getTenant(tenantId)).id;
  }

  private async requireUser(tenantId: string, idOrUpn: string): Promise<User> {
    const user = await findUser(this.ctx, tenantId, idOrUpn);
    if (user === undefined) throw new DomainError('notFound', `User '${idOrUpn}' was not found in tenant '${tenantId}'.`);
    return user;
  }

  private async requireApp(tenantId: string, clientId: string): Promise<App> {
    const tenant = await this.requireTenant(tenantId);
    const app = await findApp(this.ctx, clientId);
    if (app === undefined || app.tenantId !== tenant) throw new DomainError('notFound', `App '${clientId}' was not found in tenant '${tenant}'.`);
    return app;
  }
}
