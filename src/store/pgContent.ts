import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { Store } from './database.js';
import { BlobStore, type BlobRef, type ContentStore } from './blobs.js';
import { copyOutBinary, parseBinaryCopy } from './pgBinaryCopy.js';
import type { Database } from './schema.js';

/** Bytes per chunk row: large enough that a 1 GiB recording is 4,096 rows, small enough to stay out of memory. */
export const CONTENT_CHUNK_SIZE = 256 * 1024;
/**
 * Chunks fetched per COPY while streaming out (2 MiB): one round trip per batch, a pool connection held
 * only while it arrives, little in memory at once.
 */
export const CONTENT_READ_BATCH = 8;
const KEY = /^[0-9a-f]{64}$/;
/** A content row's id as write() makes it: checked before it is written into a COPY's text (COPY takes no parameters). */
const CONTENT_ID = /^[0-9a-f]{1,64}$/;
/** Thrown to roll a write back when its bytes are stored already. */
const STORED_ALREADY = Symbol('stored already');

interface StoredContent {
  id: string;
  size: number;
  chunkSize: number;
}

/** A content row whose chunks are not all there (deleted by hand, a restore that missed the table). */
export class ContentChunksMissing extends Error {
  constructor(key: string, seq: number) {
    super(`content ${key} is missing its chunk ${seq}`);
    this.name = 'ContentChunksMissing';
  }
}

/**
 * Recording and transcript bytes in PostgreSQL (migration 012), for instances on one database that
 * share no directory (issue 16 item 5): every instance reads what any other wrote, and a restart
 * loses nothing. Content-addressed as the file store is: the same bytes are stored once. Written
 * and read chunk by chunk (256 KiB rows), so neither direction holds a whole recording in memory,
 * and a Range reads only the rows it covers.
 *
 * A write is one transaction: rows under a fresh id, named by their key once every chunk is in. A
 * reader never sees part of a content, an instance that dies mid-write leaves nothing, and the
 * commit is the only wait for the disk (one fsync per content, not per chunk).
 */
export class PgContentStore implements ContentStore {
  readonly tightened = undefined;

  /** `pool` is the one under `db` (Store.pgPool): reads go through it as binary COPY. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly pool: Pool,
  ) {}

  private async find(db: Kysely<Database>, key: string): Promise<StoredContent | undefined> {
    if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    const row = await db.selectFrom('content_blobs').select(['id', 'size', 'chunk_size']).where('key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : { id: row.id, size: Number(row.size), chunkSize: row.chunk_size };
  }

  /** Whether every chunk the content's size calls for is there (counted over the primary key's index). */
  private async complete(db: Kysely<Database>, content: StoredContent): Promise<boolean> {
    const row = await db
      .selectFrom('content_chunks')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('content_id', '=', content.id)
      .executeTakeFirst();
    return Number(row?.n ?? 0) === Math.ceil(content.size / content.chunkSize);
  }

  async has(key: string): Promise<boolean> {
    const content = await this.find(this.db, key);
    return content !== undefined && (await this.complete(this.db, content));
  }

  async putBuffer(bytes: Buffer): Promise<BlobRef> {
    const key = createHash('sha256').update(bytes).digest('hex');
    if (await this.has(key)) return { key, size: bytes.length };
    return this.write([bytes]);
  }

  putStream(source: Readable): Promise<BlobRef> {
    return this.write(source);
  }

  /**
   * Cut the bytes into chunk rows as they arrive, each insert awaited before more is read (the
   * source's backpressure); a piece already a whole chunk long is inserted as it is, without a copy.
   * The same bytes already stored whole: the transaction is rolled back (stored once). Stored but
   * with chunks missing: that copy goes and this one takes the key. Another instance naming the same
   * bytes at the same moment makes the key's unique index refuse one of the two (23505): that one
   * rolls back, the other's are the same bytes.
   */
  private async write(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<BlobRef> {
    let ref: BlobRef | undefined;
    try {
      await this.db.transaction().execute(async (trx) => {
        const id = randomBytes(12).toString('hex');
        await trx.insertInto('content_blobs').values({ id, key: null, size: 0, chunk_size: CONTENT_CHUNK_SIZE, started_at: Date.now() }).execute();
        const hash = createHash('sha256');
        let size = 0;
        let seq = 0;
        const pending = Buffer.allocUnsafe(CONTENT_CHUNK_SIZE);
        let filled = 0;
        const insert = async (bytes: Uint8Array): Promise<void> => {
          await trx.insertInto('content_chunks').values({ content_id: id, seq, bytes }).execute();
          seq++;
        };
        for await (const piece of source) {
          const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
          hash.update(buf);
          size += buf.length;
          let offset = 0;
          while (offset < buf.length) {
            if (filled === 0 && buf.length - offset >= CONTENT_CHUNK_SIZE) {
              await insert(buf.subarray(offset, offset + CONTENT_CHUNK_SIZE));
              offset += CONTENT_CHUNK_SIZE;
              continue;
            }
            const n = Math.min(CONTENT_CHUNK_SIZE - filled, buf.length - offset);
            buf.copy(pending, filled, offset, offset + n);
            filled += n;
            offset += n;
            if (filled === CONTENT_CHUNK_SIZE) {
              // The insert has sent the bytes by the time it resolves: `pending` can be refilled.
              await insert(pending);
              filled = 0;
            }
          }
        }
        if (filled > 0) await insert(pending.subarray(0, filled));
        const key = hash.digest('hex');
        ref = { key, size };
        const existing = await this.find(trx, key);
        if (existing !== undefined) {
          if (await this.complete(trx, existing)) throw STORED_ALREADY;
          await trx.deleteFrom('content_chunks').where('content_id', '=', existing.id).execute();
          await trx.deleteFrom('content_blobs').where('id', '=', existing.id).execute();
        }
        await trx.updateTable('content_blobs').set({ key, size }).where('id', '=', id).execute();
      });
    } catch (err) {
      if (ref === undefined || (err !== STORED_ALREADY && (err as { code?: unknown }).code !== '23505')) throw err;
    }
    if (ref === undefined) throw new Error('content write ended without its key');
    return ref;
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    // Not object mode: the high-water mark counts bytes, so one batch is read ahead while the socket drains.
    return Readable.from(this.chunks(key, range), { objectMode: false, highWaterMark: CONTENT_READ_BATCH * CONTENT_CHUNK_SIZE });
  }

  /**
   * The rows a range covers, a batch per COPY, trimmed to the range at both ends: one buffer per row.
   * A row's bytes arrive as several socket pieces; yielding each piece made a socket (TLS) write per
   * piece, and joining them (one copy) cost less: emulator CPU per GiB, 5 alternated runs each of
   * `--only content --content-mib 256`, median 5,360 -> 3,000 ms at load 3-6.
   */
  private async *chunks(key: string, range: { start: number; end: number } | undefined): AsyncGenerator<Buffer> {
    const content = await this.find(this.db, key);
    if (content === undefined) throw new ContentChunksMissing(key, 0);
    const { id, size, chunkSize } = content;
    if (!CONTENT_ID.test(id)) throw new Error(`not a content id: ${id}`);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    if (size === 0 || end < start) return;
    const last = Math.floor(end / chunkSize);
    for (let first = Math.floor(start / chunkSize); first <= last; first += CONTENT_READ_BATCH) {
      const upto = Math.min(last, first + CONTENT_READ_BATCH - 1);
      // Binary COPY, not a select: a select returns bytea as hex text (store/pgBinaryCopy.ts).
      const rows = parseBinaryCopy(await copyOutBinary(this.pool, `SELECT seq, bytes FROM content_chunks WHERE content_id = '${id}' AND seq BETWEEN ${first} AND ${upto} ORDER BY seq`));
      for (let seq = first; seq <= upto; seq++) {
        const [seqField, bytes] = rows[seq - first] ?? [];
        const offset = seq * chunkSize;
        const expected = Math.min(chunkSize, size - offset);
        // seq is an int4: four bytes, big-endian.
        const seqBytes = seqField === null || seqField === undefined ? undefined : Buffer.concat(seqField);
        if (seqBytes?.length !== 4 || seqBytes.readInt32BE(0) !== seq || bytes === null || bytes === undefined || byteLength(bytes) !== expected) {
          throw new ContentChunksMissing(key, seq);
        }
        // The chunk's views, trimmed to the range: [from, to) in the chunk's own offsets.
        const from = Math.max(0, start - offset);
        const to = Math.min(expected, end - offset + 1);
        const views: Buffer[] = [];
        let at = 0;
        for (const view of bytes) {
          const a = Math.max(from - at, 0);
          const b = Math.min(to - at, view.length);
          if (a < b) views.push(view.subarray(a, b));
          at += view.length;
        }
        yield views.length === 1 ? views[0]! : Buffer.concat(views);
      }
    }
  }

  /** The database is the store's: nothing of ours to close. */
  close(): void {}
}

function byteLength(views: readonly Buffer[]): number {
  let n = 0;
  for (const view of views) n += view.length;
  return n;
}

/**
 * Where this instance keeps content: a configured directory (--blob-dir, --data-dir: it may be shared);
 * else, on PostgreSQL, the database every instance on it reads; else (SQLite in memory) a temporary directory.
 */
export function openContentStore(blobDir: string | undefined, store: Pick<Store, 'kind' | 'db' | 'pgPool'>): ContentStore {
  if (blobDir === undefined && store.pgPool !== undefined) return new PgContentStore(store.db, store.pgPool);
  return BlobStore.open(blobDir);
}
