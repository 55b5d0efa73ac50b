import { findCallRecord, updateCallRecord, type CallRecord, type CallType } from '../domain/callRecords.js';
import { appsInCall, botRecordingAllowed, createCall, endCall, findCall, joinCall, listCalls, recordingStatusHistory, type Call, type RecordingStatusUpdate } from '../domain/calls.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../runtime/errors.js';
import { emitMeetingCallEvent } from '../domain/meetingCallEvents.js';
import { findMeeting, type Meeting } from '../domain/meetings.js';
import { findTenant } from '../domain/tenants.js';
import { findUser } from '../domain/users.js';
import { generateLateSessions, MAX_PARTICIPANTS, MAX_SESSIONS } from '../simulation/callRecordGenerator.js';
import { createCallRecordForCall } from '../simulation/callRecords.js';
import { simulatePstnCalls, type SimulatedPstnCalls } from '../simulation/pstnCalls.js';

/** A call as the control API shows it: state, and the apps in it. */
export interface CallView {
  id: string;
  tenantId: string;
  meetingId: string | null;
  state: string;
  callChainId: string;
  startedDateTime: string;
  endedDateTime: string | null;
  apps: string[];
}

export interface CallRecordView {
  id: string;
  tenantId: string;
  callId: string | null;
  meetingId: string | null;
  version: number;
  type: string;
  startDateTime: string;
  endDateTime: string;
  lastModifiedDateTime: string;
  expiresDateTime: string;
  participantCount: number;
  sessionCount: number;
}

export interface NewLiveCall {
  meetingId?: string;
  /** The app that places the call (it is in the call); others join with POST /calls/{id}/apps. */
  clientId?: string;
}

export interface NewCallRecordRequest {
  participants?: string[];
  participantCount?: number;
  sessionCount?: number;
  modalities?: string[];
  type?: CallType;
}

export interface RecordingStatusView {
  callId: string;
  /** Per app in the call: may it persist media now (domain/calls.ts botRecordingAllowed)? */
  recordingAllowed: Record<string, boolean>;
  value: RecordingStatusUpdate[];
}

const recordView = (r: CallRecord): CallRecordView => ({
  id: r.id,
  tenantId: r.tenantId,
  callId: r.callId,
  meetingId: r.meetingId,
  version: r.version,
  type: r.type,
  startDateTime: r.startDateTime,
  endDateTime: r.endDateTime,
  lastModifiedDateTime: r.lastModifiedDateTime,
  expiresDateTime: r.expiresAt,
  participantCount: r.participantCount,
  sessionCount: r.sessionCount,
});

/** The control API's calls, call records and PSTN simulation (routes in callRoutes.ts). */
export class CallsAdmin {
  constructor(private readonly ctx: DomainContext) {}

  private async view(call: Call): Promise<CallView> {
    // Field for field what the HTTP route serializes: the same view in process and over HTTP.
    const { id, tenantId, meetingId, state, callChainId, startedDateTime, endedDateTime } = call;
    return { id, tenantId, meetingId, state, callChainId, startedDateTime, endedDateTime, apps: await appsInCall(this.ctx, call) };
  }

  private async tenant(tenantId: string): Promise<string> {
    const tenant = await findTenant(this.ctx, tenantId);
    if (tenant === undefined) throw new DomainError('notFound', `Tenant '${tenantId}' was not found.`);
    return tenant.id;
  }

  private async call(callId: string): Promise<Call> {
    const call = await findCall(this.ctx, callId.toLowerCase());
    if (call === undefined) throw new DomainError('notFound', `Call '${callId}' was not found.`);
    return call;
  }

  async listCalls(tenantId: string): Promise<CallView[]> {
    const calls = await listCalls(this.ctx, await this.tenant(tenantId));
    return Promise.all(calls.map((c) => this.view(c)));
  }

  /** A live call now, of a meeting of the tenant (or ad hoc), placed by an app if given. */
  async startCall(tenantId: string, input: NewLiveCall): Promise<CallView> {
    const tenant = await this.tenant(tenantId);
    let meeting: Meeting | undefined;
    if (input.meetingId !== undefined) {
      meeting = await findMeeting(this.ctx, input.meetingId);
      if (meeting === undefined || meeting.tenantId !== tenant) throw new DomainError('notFound', `Meeting '${input.meetingId}' was not found in tenant '${tenant}'.`);
    }
    const call = await createCall(this.ctx, { tenantId: tenant, meetingId: input.meetingId ?? null, state: 'established' });
    if (meeting !== undefined) await emitMeetingCallEvent(this.ctx, meeting, call.id, 'callStarted', call.startedDateTime);
    if (input.clientId !== undefined) await joinCall(this.ctx, call.id, input.clientId);
    return this.view(call);
  }

  async joinCall(callId: string, clientId: string): Promise<CallView> {
    const call = await joinCall(this.ctx, (await this.call(callId)).id, clientId);
    return this.view(call);
  }

  async endCall(callId: string): Promise<CallView> {
    return this.view(await this.end(await this.call(callId)));
  }

  /** End a live call; a meeting's call that was live raises callEnded for meetingCallEvents subscribers. */
  private async end(call: Call): Promise<Call> {
    const ended = await endCall(this.ctx, call.id);
    if (call.state !== 'terminated' && call.meetingId !== null) {
      const meeting = await findMeeting(this.ctx, call.meetingId);
      if (meeting !== undefined) await emitMeetingCallEvent(this.ctx, meeting, call.id, 'callEnded', ended.endedDateTime ?? ended.startedDateTime);
    }
    return ended;
  }

  async recordingStatus(callId: string): Promise<RecordingStatusView> {
    const call = await this.call(callId);
    const recordingAllowed: Record<string, boolean> = {};
    for (const app of await appsInCall(this.ctx, call)) recordingAllowed[app] = await botRecordingAllowed(this.ctx, call.id, app);
    return { callId: call.id, recordingAllowed, value: await recordingStatusHistory(this.ctx, call.id) };
  }

  /** The call ends (if live) and its record appears, sized as asked. */
  async createCallRecord(callId: string, input: NewCallRecordRequest): Promise<CallRecordView> {
    checkSize(input.participantCount, MAX_PARTICIPANTS, 'participantCount');
    checkSize(input.sessionCount, MAX_SESSIONS, 'sessionCount');
    const call = await this.end(await this.call(callId));
    const record = await createCallRecordForCall(this.ctx, { call, ...input });
    return recordView(record);
  }

  async getCallRecord(tenantId: string, id: string): Promise<CallRecordView> {
    const record = await findCallRecord(this.ctx, await this.tenant(tenantId), id);
    if (record === undefined) throw new DomainError('notFound', `Call record '${id}' was not found (or is older than 30 days).`);
    return recordView(record);
  }

  /** Late telemetry: more sessions arrive, `version` goes up by one. */
  async addLateTelemetry(tenantId: string, id: string, sessions: number): Promise<CallRecordView> {
    checkSize(sessions, 500, 'sessions');
    const tenant = await this.tenant(tenantId);
    const record = await findCallRecord(this.ctx, tenant, id);
    if (record === undefined) throw new DomainError('notFound', `Call record '${id}' was not found (or is older than 30 days).`);
    const organizer = record.organizerId === null ? undefined : await findUser(this.ctx, tenant, record.organizerId);
    const extra = generateLateSessions(
      {
        id: record.id,
        tenantId: tenant,
        organizer: null,
        people: organizer === undefined ? [] : [{ id: organizer.id, displayName: organizer.displayName, userPrincipalName: organizer.userPrincipalName }],
        type: record.type,
        modalities: record.modalities,
        startDateTime: record.startDateTime,
        endDateTime: record.endDateTime,
      },
      sessions,
    );
    return recordView(await updateCallRecord(this.ctx, tenant, record.id, { sessions: extra }));
  }

  async simulatePstnCalls(tenantId: string, input: SimulatedPstnCalls): Promise<{ ids: string[] }> {
    return { ids: await simulatePstnCalls(this.ctx, await this.tenant(tenantId), input) };
  }
}

function checkSize(value: number | undefined, max: number, name: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > max)) throw new DomainError('invalid', `${name} must be an integer from 1 to ${max}.`);
}
