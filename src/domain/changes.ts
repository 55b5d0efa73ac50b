import type { Kysely, Transaction } from 'kysely';
import type { StoreDialect } from '../store/dialectCapabilities.js';
import type { Database } from '../store/schema.js';

/**
 * One change pipeline: a domain operation that creates or changes an artifact, a call
 * record or a subscription calls `emitChange` inside the transaction that writes the row. The change
 * is appended to the change feed (its sequence number is what delta tokens point at), then every
 * registered sink runs in the same transaction — the notifications outbox is one — so a change is
 * never stored without its deliveries, nor the reverse.
 */
export type ChangeType = 'created' | 'updated' | 'deleted';

export interface ArtifactChange {
  readonly resource: 'recording' | 'transcript';
  readonly changeType: ChangeType;
  readonly tenantId: string;
  /** The artifact id (callRecording.id / callTranscript.id). */
  readonly resourceId: string;
  readonly organizerId: string;
  /** The onlineMeeting id; null for ad hoc calls. */
  readonly meetingId: string | null;
  readonly callId: string;
}

export interface CallRecordChange {
  readonly resource: 'callRecord';
  readonly changeType: ChangeType;
  readonly tenantId: string;
  /** The callRecord id. */
  readonly resourceId: string;
  readonly organizerId: string | null;
  readonly meetingId: string | null;
  readonly callId: string | null;
}

/**
 * A meeting's call started or ended (https://learn.microsoft.com/graph/changenotifications-for-onlinemeeting):
 * raised for `communications/onlineMeetings(joinWebUrl='…')/meetingCallEvents` subscriptions. Its
 * data is the decrypted payload of a rich notification (a callEvent).
 */
export interface MeetingCallEventChange {
  readonly resource: 'meetingCallEvent';
  readonly changeType: 'updated';
  readonly tenantId: string;
  /** The event's (notification's) id. */
  readonly resourceId: string;
  readonly organizerId: string;
  readonly meetingId: string;
  readonly callId: string;
}

export type Change = ArtifactChange | CallRecordChange | MeetingCallEventChange;

/**
 * A change as stored, with its place in the feed and its data: for artifacts and call records, the
 * Graph resource as v1.0 serves it (what a rich notification's resource data carries).
 */
export type FeedChange = Change & { readonly seq: number; readonly createdAt: string; readonly data: Readonly<Record<string, unknown>> };

/**
 * Runs inside the change's transaction; throwing rolls the change back. `concerns` (optional) tells a
 * batch of changes apart that the sink would do nothing for (no subscription could match): a bulk
 * load then asks once per batch instead of once per change.
 */
export interface ChangeSink {
  (trx: Transaction<Database>, change: FeedChange): Promise<void>;
  concerns?: (trx: Transaction<Database>, changes: readonly Change[]) => Promise<boolean>;
}

/** One change of a batch, with its instant and data (see emit). */
export interface ChangeToEmit {
  change: Change;
  createdAt: string;
  /**
   * The change's data, or how to make it: made only when the feed keeps it (`storeData`) or a sink
   * runs for the change. A bulk load that no subscription concerns never builds its resources.
   */
  data: Record<string, unknown> | (() => Record<string, unknown>);
  /**
   * Whether the feed row keeps `data` as JSON and the ids of the change. Artifacts' data is their
   * resource, which their own row (artifacts.feed_seq = this change's seq) derives with every id, so
   * their feed rows keep no copy of either (resource_id '', organizer and meeting null).
   */
  storeData: boolean;
}

/**
 * A change's feed row. Without `storeData` the row derives its data from the resource's own row
 * (artifacts): the feed keeps its kind, call and instant only.
 */
function feedRow(change: Change, createdAt: string, data: Record<string, unknown>, storeData: boolean) {
  return {
    tenant_id: change.tenantId,
    resource: change.resource,
    change_type: change.changeType,
    resource_id: storeData ? change.resourceId : '',
    organizer_id: storeData ? change.organizerId : null,
    meeting_id: storeData ? change.meetingId : null,
    call_id: change.callId,
    data: storeData ? JSON.stringify(data) : '',
    created_at: createdAt,
  };
}

const dataOf = (data: ChangeToEmit['data']): Record<string, unknown> => (typeof data === 'function' ? data() : data);

/** A FeedChange whose `data`, when given as a function, is made on first read and kept. */
function feedChange(change: Change, seq: number, createdAt: string, data: ChangeToEmit['data']): FeedChange {
  if (typeof data !== 'function') return { ...change, seq, createdAt, data };
  let made: Record<string, unknown> | undefined;
  return Object.defineProperty({ ...change, seq, createdAt }, 'data', { enumerable: true, get: () => (made ??= data()) }) as FeedChange;
}

/** The sinks of one emulator instance; the notifications module registers its outbox writer here. */
export class ChangePipeline {
  private readonly sinks: ChangeSink[] = [];

  register(sink: ChangeSink): void {
    this.sinks.push(sink);
  }

  /** Append `change` to the feed and run every sink, in `trx`. `data` (the resource) is kept as JSON beside it. */
  async emit(trx: Transaction<Database>, change: Change, createdAt: string, data: Record<string, unknown> = {}): Promise<FeedChange> {
    const { seq } = await trx
      .insertInto('change_feed')
      .values(feedRow(change, createdAt, data, true))
      .returning('seq')
      .executeTakeFirstOrThrow();
    const fed: FeedChange = { ...change, seq: Number(seq), createdAt, data };
    for (const sink of this.sinks) await sink(trx, fed);
    return fed;
  }

  /**
   * Append a batch of changes to the feed, in input order (the caller holds the feed lock, so their seqs
   * follow each other in that order), then run every sink on each, in `trx`: what a user can observe is
   * what `emit` one by one gives, with one insert per chunk and one relevance check per sink.
   */
  async emitMany(trx: Transaction<Database>, dialect: StoreDialect, items: readonly ChangeToEmit[]): Promise<number[]> {
    const seqs: number[] = [];
    const returned = await dialect.insertMany(
      trx,
      'change_feed',
      items.map(({ change, createdAt, data, storeData }) => feedRow(change, createdAt, storeData ? dataOf(data) : {}, storeData)),
      'seq',
    );
    // RETURNING's row order is not promised: each statement's seqs, ascending, go to its changes in order.
    for (const chunk of returned) for (const seq of chunk.map(Number).sort((a, b) => a - b)) seqs.push(seq);
    // What the sinks see, made for the first sink the batch concerns, each change's data made once,
    // when first read (see ChangeToEmit.data).
    let fed: FeedChange[] | undefined;
    for (const sink of this.sinks) {
      if (
        sink.concerns !== undefined &&
        !(await sink.concerns(
          trx,
          items.map((item) => item.change),
        ))
      )
        continue;
      fed ??= items.map(({ change, createdAt, data }, i): FeedChange => feedChange(change, seqs[i] ?? 0, createdAt, data));
      for (const change of fed) await sink(trx, change);
    }
    return seqs;
  }
}

/** The highest sequence number in the feed (0 when empty): where a new delta round starts. */
export async function latestSeq(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('change_feed')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
}
