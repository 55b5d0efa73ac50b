import { excerpt } from '../runtime/excerpt.js';
import type { Kysely, Transaction } from 'kysely';
import { sql } from '../store/kysely.js';
import type { DomainContext } from './context.js';
import { nowIso } from './context.js';
import { DomainError } from '../runtime/errors.js';
import { parseObject } from './json.js';
import type { CallRecordTable, Database } from '../store/schema.js';

/**
 * Call records (microsoft.graph.callRecords, https://learn.microsoft.com/graph/api/resources/callrecords-api-overview). A record appears after a call
 * ends and is kept 30 days after its end (https://learn.microsoft.com/graph/api/callrecords-callrecord-get): past `expiresAt` on the virtual clock every read treats
 * it as gone, whether or not the retention sweep has deleted its rows yet, so a restart changes nothing.
 * Late telemetry adds sessions or participants and bumps `version` (changenotifications-for-callrecords.md).
 * Every create and update is emitted on the change pipeline in the transaction that writes it.
 */

export const RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * A meeting's call records also make its attendance reports (attendance.ts), which Teams keeps a
 * year from the meeting ("the same rules and retention periods, including a one-year retention policy
 * from the meeting date, apply", https://learn.microsoft.com/graph/api/resources/meetingattendancereport):
 * their rows stay that long after the call ended, hidden from the callRecords API after 30 days.
 */
export const ATTENDANCE_RETENTION_MS = 365 * 24 * 3_600_000;

/** The end time before which a meeting's records have left their attendance reports' year too. */
export const attendanceCutoff = (ctx: DomainContext): string => new Date(ctx.clock.nowMs() - ATTENDANCE_RETENTION_MS).toISOString();

export type JsonObject = Record<string, unknown>;

export type CallType = 'groupCall' | 'peerToPeer' | 'unknown';

/** The record's own properties; participants and sessions are Graph JSON objects, stored in order. */
export interface CallRecord {
  id: string;
  tenantId: string;
  callId: string | null;
  meetingId: string | null;
  organizerId: string | null;
  version: number;
  type: CallType;
  modalities: string[];
  joinWebUrl: string | null;
  startDateTime: string;
  endDateTime: string;
  lastModifiedDateTime: string;
  expiresAt: string;
  /** The callRecords.organizer entity (id + communicationsIdentitySet), or null (e.g. PSTN-only calls). */
  organizerV2: JsonObject | null;
  participantCount: number;
  sessionCount: number;
}

export interface NewCallRecord {
  id: string;
  tenantId: string;
  callId?: string | null;
  meetingId?: string | null;
  organizerId?: string | null;
  type: CallType;
  modalities: string[];
  joinWebUrl?: string | null;
  startDateTime: string;
  endDateTime: string;
  organizerV2: JsonObject | null;
  /** callRecords.participant entities; each needs an `id`. */
  participants: JsonObject[];
  /** callRecords.session entities with their `segments`; each needs an `id`. */
  sessions: JsonObject[];
}

/** Late telemetry: more sessions or participants arrive after the record was first written. */
export interface CallRecordUpdate {
  sessions?: JsonObject[];
  participants?: JsonObject[];
  modalities?: string[];
}

interface RecordBody {
  type?: string;
  modalities?: string[];
  joinWebUrl?: string | null;
  organizer_v2?: JsonObject | null;
}

const CALL_TYPES: readonly CallType[] = ['groupCall', 'peerToPeer', 'unknown'];

function toCallRecord(r: CallRecordTable): CallRecord {
  const body = parseObject(r.body) as RecordBody;
  return {
    id: r.id,
    tenantId: r.tenant_id,
    callId: r.call_id,
    meetingId: r.meeting_id,
    organizerId: r.organizer_id,
    version: Number(r.version),
    type: CALL_TYPES.find((t) => t === body.type) ?? 'unknown',
    modalities: Array.isArray(body.modalities) ? body.modalities.filter((m): m is string => typeof m === 'string') : [],
    joinWebUrl: typeof body.joinWebUrl === 'string' ? body.joinWebUrl : null,
    startDateTime: r.start_date_time,
    endDateTime: r.end_date_time,
    lastModifiedDateTime: r.last_modified_date_time,
    expiresAt: r.expires_at,
    organizerV2: body.organizer_v2 ?? null,
    participantCount: Number(r.participant_count),
    sessionCount: Number(r.session_count),
  };
}

/**
 * The v1.0 callRecord as served without `$expand` (and as a change's resource data): the documented
 * example shows `organizer_v2` inline even then (https://learn.microsoft.com/graph/api/callrecords-callrecord-get).
 */
export function callRecordResource(record: CallRecord): JsonObject {
  return {
    id: record.id,
    version: record.version,
    type: record.type,
    modalities: record.modalities,
    lastModifiedDateTime: record.lastModifiedDateTime,
    startDateTime: record.startDateTime,
    endDateTime: record.endDateTime,
    joinWebUrl: record.joinWebUrl,
    organizer_v2: record.organizerV2,
  };
}

const iso = (value: string, name: string): string => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new DomainError('invalid', `'${excerpt(value)}' is not a valid ${name}.`);
  return new Date(ms).toISOString();
};

const idOf = (item: JsonObject, what: string): string => {
  const id = item['id'];
  if (typeof id !== 'string' || id === '') throw new DomainError('invalid', `Every ${what} needs an id.`);
  return id;
};

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 200;

async function insertRows(trx: Transaction<Database>, table: 'call_record_participants' | 'call_record_sessions', recordId: string, start: number, items: JsonObject[]): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    if (table === 'call_record_participants') {
      await trx
        .insertInto('call_record_participants')
        .values(chunk.map((p, j) => ({ record_id: recordId, position: start + i + j, participant_id: idOf(p, 'participant').toLowerCase(), body: JSON.stringify(p) })))
        .execute();
    } else {
      await trx
        .insertInto('call_record_sessions')
        .values(
          chunk.map((session, j) => {
            const { segments, ...rest } = session;
            return {
              record_id: recordId,
              position: start + i + j,
              session_id: idOf(session, 'session'),
              body: JSON.stringify(rest),
              segments: JSON.stringify(Array.isArray(segments) ? segments : []),
            };
          }),
        )
        .execute();
    }
  }
}

export async function createCallRecord(ctx: DomainContext, input: NewCallRecord): Promise<CallRecord> {
  const start = iso(input.startDateTime, 'startDateTime');
  const end = iso(input.endDateTime, 'endDateTime');
  if (Date.parse(end) < Date.parse(start)) throw new DomainError('invalid', 'endDateTime must not be before startDateTime.');
  const now = nowIso(ctx);
  const body: RecordBody = { type: input.type, modalities: input.modalities, joinWebUrl: input.joinWebUrl ?? null, organizer_v2: input.organizerV2 };
  const row: CallRecordTable = {
    id: input.id.toLowerCase(),
    tenant_id: input.tenantId,
    call_id: input.callId ?? null,
    meeting_id: input.meetingId ?? null,
    organizer_id: input.organizerId ?? null,
    start_date_time: start,
    end_date_time: end,
    last_modified_date_time: now,
    version: 1,
    expires_at: new Date(Date.parse(end) + RETENTION_MS).toISOString(),
    body: JSON.stringify(body),
    participant_count: input.participants.length,
    session_count: input.sessions.length,
  };
  const record = toCallRecord(row);
  await ctx.db.transaction().execute(async (trx) => {
    const clash = await trx.selectFrom('call_records').select('id').where('id', '=', row.id).executeTakeFirst();
    if (clash !== undefined) throw new DomainError('conflict', `A call record with id '${row.id}' already exists.`);
    await trx.insertInto('call_records').values(row).execute();
    await insertRows(trx, 'call_record_participants', row.id, 0, input.participants);
    await insertRows(trx, 'call_record_sessions', row.id, 0, input.sessions);
    await emitRecordChange(ctx, trx, record, 'created', now);
  });
  return record;
}

/** Append late telemetry: version + 1, lastModifiedDateTime = now, one `updated` change. */
export async function updateCallRecord(ctx: DomainContext, tenantId: string, id: string, update: CallRecordUpdate): Promise<CallRecord> {
  const now = nowIso(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await liveRecordRow(trx, tenantId, id, now);
    if (row === undefined) throw new DomainError('notFound', `Call record '${id}' was not found.`);
    const current = toCallRecord(row);
    const sessions = update.sessions ?? [];
    const participants = update.participants ?? [];
    await insertRows(trx, 'call_record_participants', row.id, current.participantCount, participants);
    await insertRows(trx, 'call_record_sessions', row.id, current.sessionCount, sessions);
    const modalities = [...new Set([...current.modalities, ...(update.modalities ?? [])])];
    const body: RecordBody = { type: current.type, modalities, joinWebUrl: current.joinWebUrl, organizer_v2: current.organizerV2 };
    const version = current.version + 1;
    await trx
      .updateTable('call_records')
      .set({
        version,
        last_modified_date_time: now,
        body: JSON.stringify(body),
        participant_count: current.participantCount + participants.length,
        session_count: current.sessionCount + sessions.length,
      })
      .where('id', '=', row.id)
      .execute();
    const updated: CallRecord = {
      ...current,
      version,
      modalities,
      lastModifiedDateTime: now,
      participantCount: current.participantCount + participants.length,
      sessionCount: current.sessionCount + sessions.length,
    };
    await emitRecordChange(ctx, trx, updated, 'updated', now);
    return updated;
  });
}

async function emitRecordChange(ctx: DomainContext, trx: Transaction<Database>, record: CallRecord, changeType: 'created' | 'updated', at: string): Promise<void> {
  await ctx.changes.emit(
    trx,
    {
      resource: 'callRecord',
      changeType,
      tenantId: record.tenantId,
      resourceId: record.id,
      organizerId: record.organizerId,
      meetingId: record.meetingId,
      callId: record.callId,
    },
    at,
    callRecordResource(record),
  );
}

function liveRecordRow(db: Kysely<Database>, tenantId: string, id: string, now: string): Promise<CallRecordTable | undefined> {
  return db.selectFrom('call_records').selectAll().where('id', '=', id.toLowerCase()).where('tenant_id', '=', tenantId).where('expires_at', '>', now).executeTakeFirst();
}

/** A record of the tenant that has not passed its 30 days; undefined otherwise. */
export async function findCallRecord(ctx: DomainContext, tenantId: string, id: string): Promise<CallRecord | undefined> {
  const row = await liveRecordRow(ctx.db, tenantId, id, nowIso(ctx));
  return row === undefined ? undefined : toCallRecord(row);
}

export type StartBound = { op: 'lt' | 'le' | 'gt' | 'ge'; value: string };

export interface CallRecordQuery {
  start: StartBound[];
  /** Only records with this participant (participants_v2/any(p:p/id eq '…')). */
  participantId?: string;
}

/** A page of the tenant's live records, oldest start first; one extra row tells whether more follow. */
export async function listCallRecords(ctx: DomainContext, tenantId: string, query: CallRecordQuery, offset: number, limit: number): Promise<{ items: CallRecord[]; more: boolean }> {
  let q = ctx.db.selectFrom('call_records').selectAll().where('tenant_id', '=', tenantId).where('expires_at', '>', nowIso(ctx));
  const ops = { lt: '<', le: '<=', gt: '>', ge: '>=' } as const;
  for (const bound of query.start) q = q.where('start_date_time', ops[bound.op], bound.value);
  const participant = query.participantId?.toLowerCase();
  if (participant !== undefined) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('call_record_participants')
          .select('call_record_participants.record_id')
          .whereRef('call_record_participants.record_id', '=', 'call_records.id')
          .where('call_record_participants.participant_id', '=', participant),
      ),
    );
  }
  const rows = await q
    .orderBy('start_date_time')
    .orderBy('id')
    .offset(offset)
    .limit(limit + 1)
    .execute();
  return { items: rows.slice(0, limit).map(toCallRecord), more: rows.length > limit };
}

/**
 * Positions [offset, offset + limit) of a record's participants or sessions as stored JSON text (so a
 * page can be spliced into a response without parsing), with whether more follow. Sessions carry
 * their `segments` only when asked.
 */
export async function recordChildrenJson(
  ctx: DomainContext,
  recordId: string,
  kind: 'sessions' | 'participants',
  offset: number,
  limit: number,
  withSegments = false,
): Promise<{ items: string[]; more: boolean }> {
  if (kind === 'participants') {
    const rows = await ctx.db
      .selectFrom('call_record_participants')
      .select('body')
      .where('record_id', '=', recordId)
      .where('position', '>=', offset)
      .orderBy('position')
      .limit(limit + 1)
      .execute();
    return { items: rows.slice(0, limit).map((r) => r.body), more: rows.length > limit };
  }
  const rows = await ctx.db
    .selectFrom('call_record_sessions')
    .select(withSegments ? ['body', 'segments'] : ['body'])
    .where('record_id', '=', recordId)
    .where('position', '>=', offset)
    .orderBy('position')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((r) => (withSegments ? withSegmentsJson(r.body, (r as { segments: string }).segments) : r.body));
  return { items, more: rows.length > limit };
}

/**
 * recordChildrenJson as UTF-8 bytes, one Uint8Array per row, written by the database: a page is sent
 * as the bytes it was stored as (no string decoded from the row, built and encoded again for the
 * socket; for a page of 60 sessions with segments, about 1 MB, those were most of the request's CPU).
 * A session with segments is `body` with `,"segments":[…]` spliced before its closing brace, as
 * withSegmentsJson does (SQLite's and PostgreSQL's length and substr count characters, not bytes).
 */
export async function recordChildrenBytes(
  ctx: DomainContext,
  recordId: string,
  kind: 'sessions' | 'participants',
  offset: number,
  limit: number,
  withSegments = false,
): Promise<{ items: Uint8Array[]; more: boolean }> {
  const { utf8 } = ctx.dialect.jsonText;
  if (kind === 'participants') {
    const rows = await ctx.db
      .selectFrom('call_record_participants')
      .select(utf8(sql.ref<string>('body')).as('json'))
      .where('record_id', '=', recordId)
      .where('position', '>=', offset)
      .orderBy('position')
      .limit(limit + 1)
      .execute();
    return { items: rows.slice(0, limit).map((r) => r.json), more: rows.length > limit };
  }
  const json = withSegments ? sql<string>`concat(substr(body, 1, length(body) - 1), CASE WHEN length(body) > 2 THEN ',' ELSE '' END, '"segments":', segments, '}')` : sql.ref<string>('body');
  const rows = await ctx.db
    .selectFrom('call_record_sessions')
    .select(utf8(json).as('json'))
    .where('record_id', '=', recordId)
    .where('position', '>=', offset)
    .orderBy('position')
    .limit(limit + 1)
    .execute();
  return { items: rows.slice(0, limit).map((r) => r.json), more: rows.length > limit };
}

/** `{"id":…}` + `[…]` → `{"id":…,"segments":[…]}` (a stored session body is always a JSON object). */
const withSegmentsJson = (body: string, segments: string): string => `${body.slice(0, -1)}${body.length > 2 ? ',' : ''}"segments":${segments}}`;

/** One session of a record by id, as stored JSON text. */
export async function findSessionJson(ctx: DomainContext, recordId: string, sessionId: string, withSegments: boolean): Promise<string | undefined> {
  const row = await ctx.db.selectFrom('call_record_sessions').select(['body', 'segments']).where('record_id', '=', recordId).where('session_id', '=', sessionId).executeTakeFirst();
  if (row === undefined) return undefined;
  return withSegments ? withSegmentsJson(row.body, row.segments) : row.body;
}

/**
 * Delete every record past its retention (a meeting's: past its attendance reports' year too);
 * returns how many went. Reads never depend on this having run.
 */
export async function purgeExpiredCallRecords(ctx: DomainContext): Promise<number> {
  const now = nowIso(ctx);
  const cutoff = attendanceCutoff(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const expired = await trx
      .selectFrom('call_records')
      .select('id')
      .where('expires_at', '<=', now)
      .where((eb) => eb.or([eb('meeting_id', 'is', null), eb('end_date_time', '<=', cutoff)]))
      .execute();
    if (expired.length === 0) return 0;
    const ids = expired.map((r) => r.id);
    await trx.deleteFrom('call_record_participants').where('record_id', 'in', ids).execute();
    await trx.deleteFrom('call_record_sessions').where('record_id', 'in', ids).execute();
    await trx.deleteFrom('call_records').where('id', 'in', ids).execute();
    return ids.length;
  });
}

/** When the next stored record may be deleted (when the sweep should next run), if any. */
export async function nextCallRecordExpiry(ctx: DomainContext): Promise<string | undefined> {
  const plain = await ctx.db
    .selectFrom('call_records')
    .select((eb) => eb.fn.min('expires_at').as('next'))
    .where('meeting_id', 'is', null)
    .executeTakeFirst();
  const meetings = await ctx.db
    .selectFrom('call_records')
    .select((eb) => eb.fn.min('end_date_time').as('end'))
    .where('meeting_id', 'is not', null)
    .executeTakeFirst();
  const meetingNext = meetings?.end == null ? undefined : new Date(Date.parse(meetings.end) + ATTENDANCE_RETENTION_MS).toISOString();
  const candidates = [plain?.next ?? undefined, meetingNext].filter((t): t is string => t !== undefined);
  return candidates.length === 0 ? undefined : candidates.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}
