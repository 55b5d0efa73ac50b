import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { DomainError } from '../runtime/errors.js';
import { newGuid } from './ids.js';
import type { CallRecordingStatusTable, CallTable } from '../store/schema.js';
import type { RecordingStatus, RecordingStatusUpdate } from '../runtime/wire.js';

export type CallState = 'establishing' | 'established' | 'terminated';

export interface Call {
  id: string;
  tenantId: string;
  meetingId: string | null;
  clientId: string | null;
  state: CallState;
  /** For a finished call, also the id of its call record (Graph: callRecord.id = call.callChainId). */
  callChainId: string;
  startedDateTime: string;
  endedDateTime: string | null;
}

const toCall = (r: CallTable): Call => ({
  id: r.id,
  tenantId: r.tenant_id,
  meetingId: r.meeting_id,
  clientId: r.client_id,
  state: r.state === 'terminated' ? 'terminated' : r.state === 'establishing' ? 'establishing' : 'established',
  callChainId: r.call_chain_id,
  startedDateTime: r.started_at,
  endedDateTime: r.ended_at,
});

export interface NewCall {
  id?: string;
  callChainId?: string;
  tenantId: string;
  meetingId?: string | null;
  clientId?: string | null;
  state?: CallState;
  startedDateTime?: string;
  endedDateTime?: string | null;
}

export async function createCall(ctx: DomainContext, input: NewCall): Promise<Call> {
  const row = newCallRow(ctx, input);
  await ctx.db.insertInto('calls').values(row).execute();
  return toCall(row);
}

/** The row createCall inserts (bulk seeding inserts a batch's calls together). */
export function newCallRow(ctx: DomainContext, input: NewCall): CallTable {
  return {
    id: input.id ?? newGuid(),
    tenant_id: input.tenantId,
    meeting_id: input.meetingId ?? null,
    client_id: input.clientId?.toLowerCase() ?? null,
    state: input.state ?? 'established',
    call_chain_id: input.callChainId ?? newGuid(),
    started_at: input.startedDateTime ?? nowIso(ctx),
    ended_at: input.endedDateTime ?? null,
  };
}

export async function findCall(ctx: DomainContext, id: string): Promise<Call | undefined> {
  const row = await ctx.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toCall(row);
}

/**
 * Apps in calls. An app "in" a call is the one that made it (`clientId`) or one that joined it (a
 * compliance-recording bot, joined through the control API). Only those apps see the call through
 * Graph (GET /communications/calls/{id}) and may update its recording status; to any other app the
 * call does not exist, as each app sees only its own calls in Graph.
 */
export async function appIsInCall(ctx: DomainContext, call: Call, clientId: string): Promise<boolean> {
  const id = clientId.toLowerCase();
  if (call.clientId === id) return true;
  const row = await ctx.db.selectFrom('call_app_joins').select('client_id').where('call_id', '=', call.id).where('client_id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** Make an app join a live call (idempotent). A terminated call cannot be joined. */
export async function joinCall(ctx: DomainContext, callId: string, clientId: string): Promise<Call> {
  const call = await findCall(ctx, callId);
  if (call === undefined) throw new DomainError('notFound', `Call '${callId}' was not found.`);
  if (call.state === 'terminated') throw new DomainError('conflict', `Call '${callId}' has ended; an app can only join a live call.`);
  const app = await ctx.db.selectFrom('apps').select(['client_id', 'tenant_id']).where('client_id', '=', clientId.toLowerCase()).executeTakeFirst();
  if (app === undefined || app.tenant_id !== call.tenantId) throw new DomainError('notFound', `App '${clientId}' was not found in the call's tenant.`);
  if (!(await appIsInCall(ctx, call, app.client_id))) {
    await ctx.db
      .insertInto('call_app_joins')
      .values({ call_id: call.id, client_id: app.client_id, joined_at: nowIso(ctx) })
      .execute();
  }
  return call;
}

/** Apps in the call, the owner first. */
export async function appsInCall(ctx: DomainContext, call: Call): Promise<string[]> {
  const joined = await ctx.db.selectFrom('call_app_joins').select('client_id').where('call_id', '=', call.id).orderBy('joined_at').execute();
  return [...new Set([...(call.clientId !== null ? [call.clientId] : []), ...joined.map((r) => r.client_id)])];
}

/** End a live call now (idempotent). */
export async function endCall(ctx: DomainContext, callId: string): Promise<Call> {
  const call = await findCall(ctx, callId);
  if (call === undefined) throw new DomainError('notFound', `Call '${callId}' was not found.`);
  if (call.state === 'terminated') return call;
  const ended = nowIso(ctx);
  await ctx.db.updateTable('calls').set({ state: 'terminated', ended_at: ended }).where('id', '=', call.id).execute();
  return { ...call, state: 'terminated', endedDateTime: ended };
}

export async function listCalls(ctx: DomainContext, tenantId: string): Promise<Call[]> {
  const rows = await ctx.db.selectFrom('calls').selectAll().where('tenant_id', '=', tenantId).orderBy('started_at').execute();
  return rows.map(toCall);
}

// Recording status ----------------------------------------------------------------------------------

// The wire shapes of the control API's call views (src/runtime/wire.ts).
export type { RecordingStatus, RecordingStatusUpdate } from '../runtime/wire.js';

const RECORDING_STATUSES: readonly RecordingStatus[] = ['notRecording', 'recording', 'failed'];

const toStatusUpdate = (r: CallRecordingStatusTable): RecordingStatusUpdate => ({
  id: r.id,
  callId: r.call_id,
  clientId: r.client_id,
  status: RECORDING_STATUSES.find((s) => s === r.status) ?? 'notRecording',
  clientContext: r.client_context,
  operationStatus: r.operation_status === 'failed' ? 'failed' : 'completed',
  createdDateTime: r.created_at,
});

/**
 * Record an app's recording status on a live call it is in (the handler has checked both). The
 * operation completes at once, as the documented 200 reply shows (https://learn.microsoft.com/graph/api/call-updaterecordingstatus).
 */
export async function updateRecordingStatus(ctx: DomainContext, input: { callId: string; clientId: string; status: RecordingStatus; clientContext: string | null }): Promise<RecordingStatusUpdate> {
  const last = await ctx.db
    .selectFrom('call_recording_statuses')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('call_id', '=', input.callId)
    .executeTakeFirst();
  const row: CallRecordingStatusTable = {
    id: newGuid(),
    call_id: input.callId,
    position: Number(last?.position ?? 0) + 1,
    client_id: input.clientId.toLowerCase(),
    status: input.status,
    client_context: input.clientContext,
    operation_status: 'completed',
    created_at: nowIso(ctx),
  };
  await ctx.db.insertInto('call_recording_statuses').values(row).execute();
  return toStatusUpdate(row);
}

/** Every recording-status operation on the call, oldest first (all apps). */
export async function recordingStatusHistory(ctx: DomainContext, callId: string): Promise<RecordingStatusUpdate[]> {
  const rows = await ctx.db.selectFrom('call_recording_statuses').selectAll().where('call_id', '=', callId).orderBy('position').execute();
  return rows.map(toStatusUpdate);
}

export async function findRecordingStatusOperation(ctx: DomainContext, callId: string, operationId: string): Promise<RecordingStatusUpdate | undefined> {
  const row = await ctx.db.selectFrom('call_recording_statuses').selectAll().where('call_id', '=', callId).where('id', '=', operationId.toLowerCase()).executeTakeFirst();
  return row === undefined ? undefined : toStatusUpdate(row);
}

/**
 * The compliance rule of updateRecordingStatus (https://learn.microsoft.com/graph/api/call-updaterecordingstatus): an app may persist media of a call only after
 * it told Graph `recording` and got success, and until it reports the recording ended. So a
 * bot-recorded artifact of `callId` by `clientId` is accepted at instant `at` (default now) only if
 * that app's latest accepted status on the call at or before `at` is `recording`. `notRecording` or
 * `failed` afterwards closes the window; a new `recording` opens another.
 */
export async function botRecordingAllowed(ctx: DomainContext, callId: string, clientId: string, at: string = nowIso(ctx)): Promise<boolean> {
  const latest = await ctx.db
    .selectFrom('call_recording_statuses')
    .select(['status', 'created_at'])
    .where('call_id', '=', callId)
    .where('client_id', '=', clientId.toLowerCase())
    .where('operation_status', '=', 'completed')
    .where('created_at', '<=', at)
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
  return latest?.status === 'recording';
}
