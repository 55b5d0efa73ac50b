import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryCopyMalformed, copyOutBinary, parseBinaryCopy } from '../../src/store/pgBinaryCopy.js';
import { STORE } from '../support/emulator.js';

const url = process.env['TEST_DATABASE_URL'];

/** A binary COPY by hand (https://www.postgresql.org/docs/current/sql-copy.html, binary format): header, tuples, trailer. */
function binaryCopy(rows: Array<Array<Buffer | null>>, extension = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.alloc(4)];
  parts[2]!.writeUInt32BE(extension.length);
  parts.push(extension);
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const field of row) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(field === null ? -1 : field.length);
      parts.push(length, ...(field === null ? [] : [field]));
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

/** A parsed row with each field's views joined. */
const joined = (row: Array<Buffer[] | null>): Array<Buffer | null> => row.map((field) => (field === null ? null : Buffer.concat(field)));

describe('parseBinaryCopy', () => {
  it('cuts tuples into their fields, NULL as null, past a header extension', () => {
    const bytes = randomBytes(1000);
    const data = binaryCopy(
      [
        [Buffer.from([0, 0, 0, 7]), bytes],
        [null, Buffer.alloc(0)],
      ],
      Buffer.from('ext'),
    );
    const rows = parseBinaryCopy(data).map(joined);
    expect(rows).toHaveLength(2);
    expect(rows[0]![0]!.readInt32BE(0)).toBe(7);
    expect(rows[0]![1]!.equals(bytes)).toBe(true);
    expect(rows[1]).toEqual([null, Buffer.alloc(0)]);
  });

  it('reads the same tuples from the data in pieces, whatever the seams, without joining a field', () => {
    const bytes = randomBytes(700);
    const data = binaryCopy([
      [Buffer.from([0, 0, 1, 0]), bytes],
      [Buffer.from([0, 0, 1, 1]), null],
    ]);
    for (const size of [1, 3, 7, 64, 333]) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < data.length; at += size) pieces.push(data.subarray(at, at + size));
      const rows = parseBinaryCopy(pieces);
      // The field as views of the pieces: as many as the pieces it spans, none empty.
      expect(
        rows[0]![1]!.every((view) => view.length > 0 && view.length <= size),
        `pieces of ${size}`,
      ).toBe(true);
      expect(rows.map(joined), `pieces of ${size}`).toEqual([
        [Buffer.from([0, 0, 1, 0]), bytes],
        [Buffer.from([0, 0, 1, 1]), null],
      ]);
    }
  });

  it('refuses data without the signature, and data cut short anywhere, with BinaryCopyMalformed', () => {
    const data = binaryCopy([[Buffer.from('abc'), Buffer.from('defgh')]]);
    expect(() => parseBinaryCopy(Buffer.from('seq\tbytes\n'))).toThrow(BinaryCopyMalformed);
    // Every cut: inside the header, a field count, a length, a field, before the trailer.
    for (let cut = 0; cut < data.length; cut++) expect(() => parseBinaryCopy(data.subarray(0, cut)), `cut at ${cut}`).toThrow(BinaryCopyMalformed);
    expect(parseBinaryCopy(data)).toHaveLength(1);
  });
});

describe.skipIf(STORE !== 'postgres' || url === undefined)('copyOutBinary against PostgreSQL', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: url!, max: 1 });
  });
  afterAll(() => pool.end());

  it('returns bytea as the bytes themselves (every byte value), beside an int4 and a NULL', async () => {
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(300_000)]);
    const data = await copyOutBinary(pool, `SELECT 42::int4, '\\x${bytes.toString('hex')}'::bytea, NULL::bytea`);
    const rows = parseBinaryCopy(data).map(joined);
    expect(rows).toHaveLength(1);
    expect(rows[0]![0]!.readInt32BE(0)).toBe(42);
    expect(rows[0]![1]!.equals(bytes)).toBe(true);
    expect(rows[0]![2]).toBeNull();
    expect(parseBinaryCopy(await copyOutBinary(pool, 'SELECT 1 WHERE false'))).toEqual([]);
  });

  it('rejects with the server’s error, and the pool’s only connection stays usable', async () => {
    await expect(copyOutBinary(pool, 'SELECT * FROM no_such_table_here')).rejects.toMatchObject({ code: '42P01' });
    // max: 1 — had the failed client gone back half-way through the protocol, these would hang or fail.
    expect((await pool.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    expect(joined(parseBinaryCopy(await copyOutBinary(pool, 'SELECT 5::int4'))[0]!)[0]!.readInt32BE(0)).toBe(5);
  });
});
