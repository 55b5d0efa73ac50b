import { findCallRecord, recordChildrenJson, type CallRecord, type JsonObject } from '../domain/callRecords.js';
import { appsInCall, botRecordingAllowed, findCall, recordingStatusHistory, type Call } from '../domain/calls.js';
import { nowIso, type DomainContext } from '../domain/context.js';
import { parseObject } from '../domain/json.js';
import type { PstnKind } from '../domain/pstnCalls.js';
import { findTenant } from '../domain/tenants.js';
import { DomainError } from '../runtime/errors.js';
import type { CallActivity, CallRecordDetail, CallRecordRow, ControlPage as Page } from '../runtime/wire.js';

/**
 * What the dashboard's Call records and Live calls pages read (routes in callViewRoutes.ts): call
 * records newest first with their sessions, segments and media streams as stored (the Graph JSON of
 * https://learn.microsoft.com/graph/api/resources/callrecords-session), PSTN and Direct Routing log
 * rows newest first, and the calls apps are in with each app's recording-status history.
 */

export type { AppRecordingHistory, CallActivity, CallRecordDetail, CallRecordRow, ControlPage as Page } from '../runtime/wire.js';

const row = (r: CallRecord): CallRecordRow => ({
  id: r.id,
  callId: r.callId,
  meetingId: r.meetingId,
  organizerId: r.organizerId,
  version: r.version,
  type: r.type,
  modalities: r.modalities,
  startDateTime: r.startDateTime,
  endDateTime: r.endDateTime,
  lastModifiedDateTime: r.lastModifiedDateTime,
  participantCount: r.participantCount,
  sessionCount: r.sessionCount,
});

async function tenantOf(ctx: DomainContext, tenantId: string): Promise<string> {
  const tenant = await findTenant(ctx, tenantId);
  if (tenant === undefined) throw new DomainError('notFound', `Tenant '${tenantId}' was not found.`);
  return tenant.id;
}

/** The tenant's call records within their 30 days, newest start first. */
export async function pageCallRecords(ctx: DomainContext, tenantId: string, skip: number, top: number): Promise<Page<CallRecordRow>> {
  const tenant = await tenantOf(ctx, tenantId);
  const rows = await ctx.db
    .selectFrom('call_records')
    .select('id')
    .where('tenant_id', '=', tenant)
    .where('expires_at', '>', nowIso(ctx))
    .orderBy('start_date_time', 'desc')
    .orderBy('id', 'desc')
    .offset(skip)
    .limit(top + 1)
    .execute();
  const records = await Promise.all(rows.slice(0, top).map((r) => findCallRecord(ctx, tenant, r.id)));
  return { value: records.filter((r): r is CallRecord => r !== undefined).map(row), more: rows.length > top };
}

/** A record with its participants (the first `participantTop`) and a page of its sessions with segments. */
export async function callRecordDetail(ctx: DomainContext, tenantId: string, recordId: string, sessionSkip: number, sessionTop: number, participantTop: number): Promise<CallRecordDetail> {
  const tenant = await tenantOf(ctx, tenantId);
  const record = await findCallRecord(ctx, tenant, recordId);
  if (record === undefined) throw new DomainError('notFound', `Call record '${recordId}' was not found (or is older than 30 days).`);
  const participants = await recordChildrenJson(ctx, record.id, 'participants', 0, participantTop);
  const sessions = await recordChildrenJson(ctx, record.id, 'sessions', sessionSkip, sessionTop, true);
  return {
    record: row(record),
    organizer: record.organizerV2,
    participants: participants.items.map(parseObject),
    participantsMore: participants.more,
    sessions: sessions.items.map(parseObject),
    sessionsMore: sessions.more,
  };
}

/** Getpstncalls / getDirectRoutingCalls rows of the tenant, newest start first. */
export async function pagePstnCalls(ctx: DomainContext, tenantId: string, kind: PstnKind, skip: number, top: number): Promise<Page<JsonObject>> {
  const tenant = await tenantOf(ctx, tenantId);
  const rows = await ctx.db
    .selectFrom('pstn_calls')
    .select('body')
    .where('tenant_id', '=', tenant)
    .where('kind', '=', kind)
    .orderBy('start_date_time', 'desc')
    .orderBy('id', 'desc')
    .offset(skip)
    .limit(top + 1)
    .execute();
  return { value: rows.slice(0, top).map((r) => parseObject(r.body)), more: rows.length > top };
}

async function activity(ctx: DomainContext, call: Call): Promise<CallActivity> {
  const history = await recordingStatusHistory(ctx, call.id);
  const ids = await appsInCall(ctx, call);
  // An app that left no longer counts as in the call, but what it reported stays in its history.
  for (const update of history) if (!ids.includes(update.clientId)) ids.push(update.clientId);
  const apps = await Promise.all(
    ids.map(async (clientId) => ({ clientId, recordingAllowed: await botRecordingAllowed(ctx, call.id, clientId), updates: history.filter((u) => u.clientId === clientId) })),
  );
  const { id, meetingId, state, callChainId, startedDateTime, endedDateTime } = call;
  return { id, meetingId, state, callChainId, startedDateTime, endedDateTime, apps };
}

/** The tenant's calls (live and ended), newest first, with their apps and recording-status histories. */
export async function pageCallActivity(ctx: DomainContext, tenantId: string, skip: number, top: number, withApps = false): Promise<Page<CallActivity>> {
  const tenant = await tenantOf(ctx, tenantId);
  let q = ctx.db.selectFrom('calls').select('id').where('tenant_id', '=', tenant);
  // An app placed it, joined it, or reported a recording status on it.
  if (withApps)
    q = q.where((eb) =>
      eb.or([
        eb('calls.client_id', 'is not', null),
        eb.exists(eb.selectFrom('call_app_joins').select('call_app_joins.call_id').whereRef('call_app_joins.call_id', '=', 'calls.id')),
        eb.exists(eb.selectFrom('call_recording_statuses').select('call_recording_statuses.call_id').whereRef('call_recording_statuses.call_id', '=', 'calls.id')),
      ]),
    );
  const rows = await q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .offset(skip)
    .limit(top + 1)
    .execute();
  const calls = await Promise.all(rows.slice(0, top).map((r) => findCall(ctx, r.id)));
  return { value: await Promise.all(calls.filter((c): c is Call => c !== undefined).map((c) => activity(ctx, c))), more: rows.length > top };
}

/**
 * What the dashboard's `changed` event watches in calls (dashboardRoutes.ts): a call starting or
 * ending, an app joining, a recording status, a record written or updated, PSTN rows.
 */
export async function callsSignature(ctx: DomainContext): Promise<unknown[]> {
  return Promise.all([
    ctx.db
      .selectFrom('calls')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('ended_at').as('ended')])
      .executeTakeFirst(),
    ctx.db
      .selectFrom('call_app_joins')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
    ctx.db
      .selectFrom('call_recording_statuses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
    ctx.db
      .selectFrom('call_records')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('last_modified_date_time').as('max')])
      .executeTakeFirst(),
    ctx.db
      .selectFrom('pstn_calls')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
  ]);
}
