import type { Kysely, Transaction } from 'kysely';
import type { ArtifactTable, Database } from '../store/schema.js';
import { artifactPageValueJson, GRAPH_V1_ROOT, meetingOrganizerJson, notificationResourceData, type ArtifactKind, type ArtifactView } from './artifactResource.js';
import { artifactRowJsonText } from './artifactPageBytes.js';
import { sql } from '../store/kysely.js';
import { ARTIFACT_JSON_ESCAPES_KEY } from '../store/migrations/017_artifact_json_escapes.js';
import type { DomainContext } from './context.js';
import { newRecordingId, newTranscriptId } from './ids.js';

export type { ArtifactKind } from './artifactResource.js';

/** A stored stream: blob key, length and media type. */
export interface StreamRef {
  blobKey: string;
  size: number;
  contentType: string;
}

/** A recording or a transcript of a meeting (meetingId) or of an ad hoc call (adhocCallId). */
export interface Artifact extends ArtifactView {
  /** Its change_feed seq: delta pages walk artifacts in this order. */
  feedSeq: number;
  content: StreamRef;
  /** Transcripts: metadataContent (WebVTT with JSON cues). */
  metadata: StreamRef | null;
  /** Recordings: speech of the transcript, or the sample clip (also for those made before migration 013); null for transcripts. */
  recordingKind: RecordingContentKind | null;
}

export type RecordingContentKind = 'spoken' | 'sample';

export interface NewArtifact extends Omit<ArtifactView, 'id'> {
  id?: string;
  content: StreamRef;
  metadata?: StreamRef | null;
  /** Recordings: what the content holds (default: the sample clip). */
  recordingKind?: RecordingContentKind;
}

export function toArtifact(r: ArtifactTable): Artifact {
  return {
    id: r.id,
    kind: r.kind === 'transcript' ? 'transcript' : 'recording',
    tenantId: r.tenant_id,
    organizerId: r.organizer_id,
    meetingId: r.meeting_id,
    adhocCallId: r.adhoc_call_id,
    callId: r.call_id,
    contentCorrelationId: r.content_correlation_id,
    createdDateTime: r.created_at,
    endDateTime: r.end_at,
    feedSeq: Number(r.feed_seq),
    content: { blobKey: r.content_blob, size: Number(r.content_size), contentType: r.content_type },
    metadata: r.metadata_blob === null ? null : { blobKey: r.metadata_blob, size: Number(r.metadata_size ?? 0), contentType: 'text/vtt' },
    recordingKind: r.kind === 'transcript' ? null : r.recording_kind === 'spoken' ? 'spoken' : 'sample',
  };
}

const INSERT_CHUNK = 500;

/**
 * Create artifacts in one transaction; each one's 'created' change goes through the change pipeline
 * in that transaction, its data what a rich notification carries (the resource as v1.0 serves it).
 * The resource is not stored: its row derives it (artifactResource), here and in the change feed.
 */
export async function createArtifacts(ctx: DomainContext, inputs: readonly NewArtifact[]): Promise<Artifact[]> {
  if (inputs.length === 0) return [];
  return ctx.db.transaction().execute((trx) => writeArtifacts(ctx, trx, inputs));
}

/** createArtifacts within the caller's transaction. */
export async function writeArtifacts(ctx: DomainContext, trx: Transaction<Database>, inputs: readonly NewArtifact[]): Promise<Artifact[]> {
  return (await writeArtifactRows(ctx, trx, inputs)).map(toArtifact);
}

/** writeArtifacts, giving the rows written: bulk seeding writes a batch's meetings in the same transaction and needs no Artifact objects. */
export async function writeArtifactRows(ctx: DomainContext, trx: Transaction<Database>, inputs: readonly NewArtifact[]): Promise<ArtifactTable[]> {
  {
    // Delta pages hand out "everything up to feed seq N": an artifact must never become visible with
    // a seq below one a reader has already seen, so artifact writers take seqs in commit order.
    await ctx.dialect.lockFeedForWrite(trx);
    const views = inputs.map((input): ArtifactView => ({
      id: input.id ?? (input.kind === 'recording' ? newRecordingId(input.organizerId, input.tenantId) : newTranscriptId()),
      kind: input.kind,
      tenantId: input.tenantId,
      organizerId: input.organizerId,
      meetingId: input.meetingId,
      adhocCallId: input.adhocCallId,
      callId: input.callId,
      contentCorrelationId: input.contentCorrelationId,
      createdDateTime: input.createdDateTime,
      endDateTime: input.endDateTime,
    }));
    const seqs = await ctx.changes.emitMany(
      trx,
      ctx.dialect,
      views.map((view) => ({
        change: {
          resource: view.kind,
          changeType: 'created',
          tenantId: view.tenantId,
          resourceId: view.id,
          organizerId: view.organizerId,
          meetingId: view.meetingId,
          callId: view.callId,
        },
        createdAt: view.createdDateTime,
        data: () => notificationResourceData(view, GRAPH_V1_ROOT),
        storeData: false,
      })),
    );
    const rows = views.map((view, i): ArtifactTable => {
      const input = inputs[i]!;
      const recordingKind = view.kind === 'recording' ? (input.recordingKind ?? 'sample') : null;
      return toArtifactRow({ ...view, feedSeq: seqs[i]!, content: input.content, metadata: input.metadata ?? null, recordingKind });
    });
    // Multi-row inserts: bulk seeding makes thousands per transaction.
    await ctx.dialect.insertMany(trx, 'artifacts', rows);
    return rows;
  }
}

/** The artifacts row of `a` (toArtifact's inverse). */
export function toArtifactRow(a: Artifact): ArtifactTable {
  return {
    id: a.id,
    kind: a.kind,
    tenant_id: a.tenantId,
    organizer_id: a.organizerId,
    meeting_id: a.meetingId,
    adhoc_call_id: a.adhocCallId,
    call_id: a.callId,
    content_correlation_id: a.contentCorrelationId,
    created_at: a.createdDateTime,
    end_at: a.endDateTime,
    feed_seq: a.feedSeq,
    content_blob: a.content.blobKey,
    content_type: a.content.contentType,
    content_size: a.content.size,
    metadata_blob: a.metadata?.blobKey ?? null,
    metadata_size: a.metadata?.size ?? null,
    // Derived from the row when read (migration 010 emptied the copies older versions kept).
    resource_json: '',
    recording_kind: a.recordingKind,
  };
}

export async function findArtifact(ctx: DomainContext, kind: ArtifactKind, id: string): Promise<Artifact | undefined> {
  const row = await ctx.db.selectFrom('artifacts').selectAll().where('id', '=', id).where('kind', '=', kind).executeTakeFirst();
  return row === undefined ? undefined : toArtifact(row);
}

/** Which artifacts a page walks: an organizer's meeting (or ad hoc call) artifacts (getAll*), one meeting's, or one ad hoc call's. */
export type ArtifactScope =
  | {
      by: 'organizer';
      kind: ArtifactKind;
      tenantId: string;
      organizerId: string;
      start: string | null;
      end: string | null;
      /** The ad hoc calls the organizer initiated, not their meetings. */ adhoc?: boolean;
      /**
       * Pages leave out the artifacts of meetings that ended before this instant (expired meetings,
       * whose artifacts Graph no longer serves; see meetings.ts MEETING_EXPIRY_MS). Positions ignore it.
       */
      meetingsEndedSince?: string;
    }
  | { by: 'meeting'; kind: ArtifactKind; meetingId: string; contentCorrelationId?: string }
  | { by: 'adhocCall'; kind: ArtifactKind; adhocCallId: string; contentCorrelationId?: string };

/** `visible`: a page's rows (expired meetings' artifacts left out), not the scope's positions. */
function scoped(db: Kysely<Database>, scope: ArtifactScope, visible = false) {
  let q = db.selectFrom('artifacts').where('kind', '=', scope.kind);
  if (scope.by === 'organizer') {
    q = q
      .where('tenant_id', '=', scope.tenantId)
      .where('organizer_id', '=', scope.organizerId)
      .where('meeting_id', scope.adhoc === true ? 'is' : 'is not', null);
    if (scope.start !== null) q = q.where('created_at', '>=', scope.start);
    if (scope.end !== null) q = q.where('created_at', '<=', scope.end);
    const cutoff = scope.meetingsEndedSince;
    if (visible && cutoff !== undefined && scope.adhoc !== true) {
      // The row's meeting is probed only if some meeting has expired: the first test does not depend
      // on the row, so the database runs it once per query (an index seek, meetings_end), and while no
      // meeting has expired (the usual case) the per-row probe, a sixth of a page's SQL, is skipped.
      q = q.where(({ or, not, exists, selectFrom }) =>
        or([
          not(exists(selectFrom('meetings').select('meetings.id').where('meetings.end_date_time', '<', cutoff))),
          not(exists(selectFrom('meetings').select('meetings.id').whereRef('meetings.id', '=', 'artifacts.meeting_id').where('meetings.end_date_time', '<', cutoff))),
        ]),
      );
    }
  } else if (scope.by === 'meeting') {
    q = q.where('meeting_id', '=', scope.meetingId);
  } else {
    q = q.where('adhoc_call_id', '=', scope.adhocCallId);
  }
  if (scope.by !== 'organizer' && scope.contentCorrelationId !== undefined) q = q.where('content_correlation_id', '=', scope.contentCorrelationId);
  return q;
}

/** Up to `limit` artifacts of the scope after feed position `afterSeq`, in feed order; `more` when others follow. */
export async function pageArtifacts(ctx: DomainContext, scope: ArtifactScope, afterSeq: number, limit: number): Promise<{ items: Artifact[]; more: boolean }> {
  const rows = await scoped(ctx.db, scope, true)
    .selectAll()
    .where('feed_seq', '>', afterSeq)
    .orderBy('feed_seq')
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  return { items: (more ? rows.slice(0, limit) : rows).map(toArtifact), more };
}

/** The columns a resource is derived from (artifactResource) that an organizer's page does not know already. */
const PAGE_COLUMNS = ['id', 'meeting_id', 'adhoc_call_id', 'call_id', 'content_correlation_id', 'created_at', 'end_at', 'feed_seq'] as const;

/**
 * Like pageArtifacts for an organizer's artifacts (getAll*), but the page's `value` array as text
 * (artifactPageValueJson: each resource under `serviceRoot`, its @odata.type first), with how many it
 * holds and the last one's position: no Artifact objects, and only the columns that differ from one
 * artifact to the next (kind, tenant and organizer are the scope's).
 */
export async function pageArtifactJson(
  ctx: DomainContext,
  scope: Extract<ArtifactScope, { by: 'organizer' }>,
  afterSeq: number,
  limit: number,
  serviceRoot: string,
): Promise<{ valueJson: string; count: number; lastSeq: number | undefined; more: boolean }> {
  const rows = await scoped(ctx.db, scope, true)
    .select(PAGE_COLUMNS)
    .where('feed_seq', '>', afterSeq)
    .orderBy('feed_seq')
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const views = page.map((r): ArtifactView => ({
    id: r.id,
    kind: scope.kind,
    tenantId: scope.tenantId,
    organizerId: scope.organizerId,
    meetingId: r.meeting_id,
    adhocCallId: r.adhoc_call_id,
    callId: r.call_id,
    contentCorrelationId: r.content_correlation_id,
    createdDateTime: r.created_at,
    endDateTime: r.end_at,
  }));
  const last = page.at(-1);
  return {
    valueJson: artifactPageValueJson(views, scope.kind, serviceRoot, meetingOrganizerJson(scope.organizerId, scope.tenantId)),
    count: page.length,
    lastSeq: last === undefined ? undefined : Number(last.feed_seq),
    more,
  };
}

/** Feed positions joined by commas (the aggregate's own list) in ascending order? */
function ascending(seqs: string): boolean {
  let previous = -1;
  for (const part of seqs.split(',')) {
    const seq = Number(part);
    if (!(seq > previous)) return false;
    previous = seq;
  }
  return true;
}

/** A feed position after every real one (feed positions count rows): the room after a page's rows sorts last (roomAsRows). */
const PAST_EVERY_SEQ = Number.MAX_SAFE_INTEGER;

/** Room a page's items come with, before and after them (PageItemBytes). */
export const PAGE_ROOM_BEFORE = 4_096;
export const PAGE_ROOM_AFTER = 2;

/**
 * A page's `value` array text (its items joined with commas) as UTF-8, in `bytes` from `start` to
 * `end`, with at least PAGE_ROOM_BEFORE bytes before and PAGE_ROOM_AFTER after that the holder may
 * write into: a response writes its envelope there and sends the one Buffer (graph/artifacts/pageBody.ts)
 * instead of copying a page (1.5 MB at 1,000 items) into a new one.
 */
export interface PageItemBytes {
  bytes: Buffer;
  start: number;
  end: number;
}

/** The text's UTF-8 bytes with the room around them. */
export function withRoom(text: string): PageItemBytes {
  const length = Buffer.byteLength(text);
  const bytes = Buffer.allocUnsafe(PAGE_ROOM_BEFORE + length + PAGE_ROOM_AFTER);
  bytes.write(text, PAGE_ROOM_BEFORE);
  return { bytes, start: PAGE_ROOM_BEFORE, end: PAGE_ROOM_BEFORE + length };
}

/**
 * pageArtifactJson as UTF-8 bytes, written by the database: each row's JSON (artifactRowJsonText)
 * joined with commas by an aggregate over the page's rows, read as one Buffer (on SQLite with the
 * room around it already, see PageItemBytes). One value per page rather than one per row: a Buffer
 * per row (and its concatenation) was a fifth of a page's CPU time. A store with a row that needs
 * escapes or has another form of instant (none the emulator writes itself; migration 017 notes one,
 * and the same statement reads the note), or a page whose rows the aggregate did not join in feed
 * order (checked where the database does not promise it), is built by pageArtifactJson instead: the
 * same text either way; `writer` says which wrote it.
 */
export async function pageArtifactBytes(
  ctx: DomainContext,
  scope: Extract<ArtifactScope, { by: 'organizer' }>,
  afterSeq: number,
  limit: number,
  serviceRoot: string,
): Promise<{ items: PageItemBytes; count: number; lastSeq: number | undefined; more: boolean; writer: 'database' | 'js' }> {
  const text = ctx.dialect.jsonText;
  const organizerJson = meetingOrganizerJson(scope.organizerId, scope.tenantId);
  const rows = scoped(ctx.db, scope, true)
    .select(['feed_seq', artifactRowJsonText(scope.kind, serviceRoot, scope.organizerId, organizerJson, scope.adhoc === true).as('json')])
    .where('feed_seq', '>', afterSeq)
    .orderBy('feed_seq')
    .limit(limit);
  // Where the page is read as bytes, its room comes as a row before the page's (at the token's
  // position, which the rows follow) and one after (past any position), joined with the rest: see roomAsRows.
  // The order check covers them (a bound number may join as `5.0`: Number reads it the same).
  const room = (seq: number, spaces: number) => ctx.db.selectNoFrom([sql<number | string>`${seq}`.as('feed_seq'), sql<string>`${' '.repeat(spaces)}`.as('json')]);
  const joinedRows = text.roomAsRows
    ? room(afterSeq, PAGE_ROOM_BEFORE)
        .unionAll(ctx.db.selectFrom(rows.as('rows')).select(['rows.feed_seq', 'rows.json']))
        .unionAll(room(PAST_EVERY_SEQ, PAGE_ROOM_AFTER))
    : rows;
  const rooms = text.roomAsRows ? 2 : 0;
  const seq = sql.ref<number>('page.feed_seq');
  const json = sql.ref<string>('page.json');
  const page = await ctx.db
    .selectFrom(joinedRows.as('page'))
    .select((eb) => [
      sql<number | string>`count(*)`.as('count'),
      sql<number | string | null>`max(CASE WHEN ${seq} < ${PAST_EVERY_SEQ} THEN ${seq} END)`.as('last'),
      eb
        .selectFrom('settings')
        .select(sql<number | string>`count(*)`.as('n'))
        .where('key', '=', ARTIFACT_JSON_ESCAPES_KEY)
        .as('escapes'),
      // The feed positions in join order (the rooms' too), to check it, only where the database does not promise it.
      (text.joinSortedPromisesOrder ? sql<string | null>`NULL` : text.joinSorted(sql.ref<string>('page.feed_seq'), seq)).as('seqs'),
      text.utf8OrText(text.joinSorted(json, seq)).as('value'),
    ])
    .executeTakeFirstOrThrow();
  const count = Number(page.count) - rooms;
  if (count === 0) return { items: withRoom(''), count: 0, lastSeq: undefined, more: false, writer: 'database' };
  const lastSeq = Number(page.last);
  const inOrder = text.joinSortedPromisesOrder || (page.seqs !== null && ascending(page.seqs));
  if (page.value === null || Number(page.escapes) !== 0 || !inOrder) {
    const built = await pageArtifactJson(ctx, scope, afterSeq, limit, serviceRoot);
    return { items: withRoom(built.valueJson), count: built.count, lastSeq: built.lastSeq, more: built.more, writer: 'js' };
  }
  // A full page: does another row follow? (One probe of the index, rather than a row more in the aggregate.)
  const more = count === limit && (await scoped(ctx.db, scope, true).select('feed_seq').where('feed_seq', '>', lastSeq).limit(1).executeTakeFirst()) !== undefined;
  // Bytes: the rooms and the commas that join them to the items are the room around the items.
  const items =
    typeof page.value === 'string'
      ? withRoom(page.value)
      : { bytes: Buffer.from(page.value.buffer, page.value.byteOffset, page.value.byteLength), start: PAGE_ROOM_BEFORE + 1, end: page.value.byteLength - PAGE_ROOM_AFTER - 1 };
  return { items, count, lastSeq, more, writer: 'database' };
}

/** The resource data of artifacts' 'created' changes, by feed seq (the feed keeps no copy of it: see createArtifacts). */
export async function artifactChangeData(db: Kysely<Database>, seqs: readonly number[]): Promise<Map<number, Record<string, unknown>>> {
  const data = new Map<number, Record<string, unknown>>();
  for (let at = 0; at < seqs.length; at += INSERT_CHUNK) {
    const rows = await db
      .selectFrom('artifacts')
      .selectAll()
      .where('feed_seq', 'in', seqs.slice(at, at + INSERT_CHUNK))
      .execute();
    for (const row of rows) data.set(Number(row.feed_seq), notificationResourceData(toArtifact(row), GRAPH_V1_ROOT));
  }
  return data;
}

/** The last feed position in the scope (0 if empty): a token pointing beyond it predates a reset of the store. */
export async function lastArtifactSeq(ctx: DomainContext, scope: ArtifactScope): Promise<number> {
  const row = await scoped(ctx.db, scope)
    .select((eb) => eb.fn.max('feed_seq').as('seq'))
    .executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
}

/** The blob keys (content and metadata) of a meeting's artifacts, to check they are still in the blob store. */
export async function artifactBlobKeysOfMeeting(ctx: DomainContext, meetingId: string): Promise<string[]> {
  const rows = await ctx.db.selectFrom('artifacts').select(['content_blob', 'metadata_blob']).where('meeting_id', '=', meetingId).execute();
  return rows.flatMap((row) => [row.content_blob, row.metadata_blob].filter((key): key is string => key !== null));
}

/**
 * Point a meeting's recordings and transcripts at these streams: the demo meeting's content, remade
 * when its blobs are gone, has other keys if an earlier version wrote it in another layout.
 */
export async function repointMeetingArtifacts(ctx: DomainContext, meetingId: string, recording: StreamRef, transcript: { content: StreamRef; metadata: StreamRef }): Promise<void> {
  await ctx.db
    .updateTable('artifacts')
    .set({ content_blob: recording.blobKey, content_size: recording.size, content_type: recording.contentType })
    .where('meeting_id', '=', meetingId)
    .where('kind', '=', 'recording')
    .execute();
  await ctx.db
    .updateTable('artifacts')
    .set({
      content_blob: transcript.content.blobKey,
      content_size: transcript.content.size,
      content_type: transcript.content.contentType,
      metadata_blob: transcript.metadata.blobKey,
      metadata_size: transcript.metadata.size,
    })
    .where('meeting_id', '=', meetingId)
    .where('kind', '=', 'transcript')
    .execute();
}
