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
 * Run `COPY (<select>) TO STDOUT (FORMAT binary)` on a client of the pool and gather its data. The
 * client goes back to the pool as soon as the data has arrived (a download that waits on a slow
 * socket holds no connection); on an error it is destroyed, not reused mid-protocol.
 */
export async function copyOutBinary(pool: Pool, select: string): Promise<Buffer> {
  const { to } = (await import('pg-copy-streams')).default;
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    const stream = client.query(to(`COPY (${select}) TO STDOUT (FORMAT binary)`));
    const pieces: Buffer[] = [];
    for await (const piece of stream as AsyncIterable<Buffer>) pieces.push(piece);
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  } catch (err) {
    failed = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(failed);
  }
}

/**
 * The tuples of a whole binary COPY, each an array of its fields (null for SQL NULL). The fields are
 * views into `data`.
 */
export function parseBinaryCopy(data: Buffer): Array<Array<Buffer | null>> {
  if (data.length < HEADER_BYTES || !data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new BinaryCopyMalformed('no signature');
  const need = (offset: number, n: number): void => {
    if (offset + n > data.length) throw new BinaryCopyMalformed(`cut short at byte ${offset}`);
  };
  let offset = SIGNATURE.length + 4;
  const extension = data.readUInt32BE(offset);
  offset += 4 + extension;
  const rows: Array<Array<Buffer | null>> = [];
  for (;;) {
    need(offset, 2);
    const fields = data.readInt16BE(offset);
    offset += 2;
    if (fields === -1) break; // the trailer
    const row: Array<Buffer | null> = [];
    for (let i = 0; i < fields; i++) {
      need(offset, 4);
      const length = data.readInt32BE(offset);
      offset += 4;
      if (length === -1) {
        row.push(null);
        continue;
      }
      need(offset, length);
      row.push(data.subarray(offset, offset + length));
      offset += length;
    }
    rows.push(row);
  }
  return rows;
}
