import type { Pool } from 'pg';

/**
 * Rows out of PostgreSQL in binary form, for bytea read at the wire's speed (store/pgContent.ts).
 *
 * An ordinary query returns bytea as hex text (twice the bytes, encoded by the server and decoded by
 * us), and pg 8 has no binary path for it: its protocol parser turns every field into a UTF-8 string,
 * so `binary: true` corrupts bytes. COPY ... TO STDOUT (FORMAT binary) hands the raw CopyData to
 * pg-copy-streams instead, and the fields are cut out of it here as views, no copies.
 * https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4 (binary format)
 */

/** "PGCOPY\n\377\r\n\0": the binary format's signature. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags (int32), header extension length (int32). */
const HEADER_BYTES = SIGNATURE.length + 8;

/** The bytes of a binary COPY that do not parse as one (a server speaking another version of it). */
export class BinaryCopyMalformed extends Error {
  constructor(why: string) {
    super(`binary COPY data: ${why}`);
    this.name = 'BinaryCopyMalformed';
  }
}

/**
 * Run `COPY (<select>) TO STDOUT (FORMAT binary)` on a client of the pool and gather its data, as the
 * pieces it arrived in (not joined: a copy of every byte less). The client goes back to the pool as
 * soon as the data has arrived (a download that waits on a slow socket holds no connection); on an
 * error it is destroyed, not reused mid-protocol.
 */
export async function copyOutBinary(pool: Pool, select: string): Promise<Buffer[]> {
  const { to } = (await import('pg-copy-streams')).default;
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    const stream = client.query(to(`COPY (${select}) TO STDOUT (FORMAT binary)`));
    const pieces: Buffer[] = [];
    for await (const piece of stream as AsyncIterable<Buffer>) pieces.push(piece);
    return pieces;
  } catch (err) {
    failed = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(failed);
  }
}

/** A field's bytes: views into the pieces it spans, in order (one view unless it straddles pieces). */
export type BinaryField = Buffer[];

/** Reads across a list of pieces without joining them. */
class PieceReader {
  private index = 0;
  private offset = 0;
  private consumed = 0;

  constructor(private readonly pieces: readonly Buffer[]) {}

  /** The next `n` bytes as views; BinaryCopyMalformed when fewer are left. */
  take(n: number): Buffer[] {
    const views: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const piece = this.pieces[this.index];
      if (piece === undefined) throw new BinaryCopyMalformed(`cut short at byte ${this.consumed}`);
      const m = Math.min(left, piece.length - this.offset);
      if (m > 0) views.push(piece.subarray(this.offset, this.offset + m));
      this.offset += m;
      this.consumed += m;
      left -= m;
      if (this.offset === piece.length) {
        this.index++;
        this.offset = 0;
      }
    }
    return views;
  }

  /** The next `n` (at most a few) bytes as one buffer: a view, or a small copy when they straddle pieces. */
  small(n: number): Buffer {
    const views = this.take(n);
    return views.length === 1 ? views[0]! : Buffer.concat(views, n);
  }
}

/**
 * The tuples of a whole binary COPY (the pieces copyOutBinary returned, or one buffer), each an array
 * of its fields (null for SQL NULL), every field as views into the data.
 */
export function parseBinaryCopy(data: Buffer | readonly Buffer[]): Array<Array<BinaryField | null>> {
  const reader = new PieceReader(Buffer.isBuffer(data) ? [data] : data);
  let header: Buffer;
  try {
    header = reader.small(HEADER_BYTES);
  } catch {
    throw new BinaryCopyMalformed('no signature');
  }
  if (!header.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new BinaryCopyMalformed('no signature');
  reader.take(header.readUInt32BE(SIGNATURE.length + 4)); // the header extension, unused
  const rows: Array<Array<BinaryField | null>> = [];
  for (;;) {
    const fields = reader.small(2).readInt16BE(0);
    if (fields === -1) break; // the trailer
    const row: Array<BinaryField | null> = [];
    for (let i = 0; i < fields; i++) {
      const length = reader.small(4).readInt32BE(0);
      row.push(length === -1 ? null : reader.take(length));
    }
    rows.push(row);
  }
  return rows;
}
