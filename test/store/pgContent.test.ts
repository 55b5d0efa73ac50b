import { ResponseType } from '@microsoft/microsoft-graph-client';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator.js';
import { mp4Stream } from '../../src/simulation/content/mp4.js';
import { openStore } from '../../src/store/database.js';
import { CONTENT_CHUNK_SIZE, CONTENT_READ_BATCH, PgContentStore } from '../../src/store/pgContent.js';
import { graphClient } from '../support/clients.js';
import { STORE, tempPgSchema, tlsDir } from '../support/emulator.js';
import { sha256, sha256OfStream, simulate } from '../graph/support/artifacts.js';
import { expectGraphFailure, mintToken } from '../graph/support/http.js';

const url = process.env['TEST_DATABASE_URL'];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An emulator on this test's schema with no blob directory: content goes to PostgreSQL. */
async function instance(schema: string): Promise<Emulator> {
  const emu = await createEmulator({ port: 0, tlsDir: tlsDir(), databaseUrl: url!, databaseSchema: schema });
  cleanups.push(() => emu.close());
  return emu;
}

/** A schema of this test's own, dropped after it (after every instance on it has closed). */
function newSchema(): string {
  const { schema, drop } = tempPgSchema();
  cleanups.push(drop);
  return schema;
}

interface Got {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

async function get(emu: Emulator, path: string, token: string, range?: string, method = 'GET'): Promise<Got> {
  const res = await fetch(`${emu.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(range !== undefined ? { range } : {}) } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const same = (a: Got, b: Got): void => {
  expect(b.status).toBe(a.status);
  for (const name of ['content-type', 'content-length', 'content-range', 'accept-ranges']) expect(b.headers.get(name), name).toBe(a.headers.get(name));
  expect(b.bytes.equals(a.bytes)).toBe(true);
};

const storeOf = (emu: Emulator) => emu.internals.services.store;

/**
 * Issue 16 item 5: with PostgreSQL and no blob directory, recording and transcript bytes live in
 * the database (store/pgContent.ts), so any instance on it serves what another made, and a restart
 * loses nothing.
 */
describe.skipIf(STORE !== 'postgres' || url === undefined)('content shared across PostgreSQL instances', () => {
  it('made on A, downloaded on B byte for byte (official client and Range), kept across a restart', async () => {
    const schema = newSchema();
    const a = await instance(schema);
    const b = await instance(schema);
    const organizer = a.demo.organizerUserId;
    const meetingId = a.demo.meetingId;
    // Several chunks and more than one read batch, with a tail shorter than a chunk: the seams show.
    const size = (CONTENT_READ_BATCH + 1) * CONTENT_CHUNK_SIZE + 12_345;
    const sim = await simulate(a, meetingId, { recordingSizeBytes: size });
    const recording = `/v1.0/users/${organizer}/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`;
    const transcript = `/v1.0/users/${organizer}/onlineMeetings/${meetingId}/transcripts/${sim.transcriptId}/content`;
    const [tokenA, tokenB] = await Promise.all([mintToken(a), mintToken(b)]);

    const expected = await sha256OfStream(mp4Stream(size));
    const viaClient = (await graphClient(b).api(recording.replace('/v1.0', '')).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
    expect(viaClient.byteLength).toBe(size);
    expect(sha256(new Uint8Array(viaClient))).toBe(expected);
    const whole = await get(a, recording, tokenA);
    expect(sha256(whole.bytes)).toBe(expected);
    same(whole, await get(b, recording, tokenB));
    const vttA = await get(a, transcript, tokenA);
    expect(vttA.status).toBe(200);
    expect(vttA.bytes.toString('utf8')).toMatch(/^WEBVTT/);
    same(vttA, await get(b, transcript, tokenB));

    const c = CONTENT_CHUNK_SIZE;
    const ranges = [
      'bytes=0-99',
      `bytes=${c - 10}-${c + 9}`, // across the first chunk seam
      `bytes=${CONTENT_READ_BATCH * c - 3}-${CONTENT_READ_BATCH * c + 2}`, // across a read batch's seam
      `bytes=${c}-${2 * c - 1}`, // exactly one chunk
      'bytes=1000000-1000999',
      `bytes=${2 * c}-`,
      'bytes=-12346', // the short last chunk and one byte before it
    ];
    for (const range of ranges) {
      const onA = await get(a, recording, tokenA, range);
      expect(onA.status, range).toBe(206);
      const [, start, end] = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(onA.headers.get('content-range')!)!.map(Number);
      expect(onA.bytes.equals(whole.bytes.subarray(start, end! + 1)), range).toBe(true);
      same(onA, await get(b, recording, tokenB, range));
    }
    for (const range of [`bytes=${size}-`, 'bytes=-0']) {
      const res = await fetch(`${b.url}${recording}`, { headers: { authorization: `Bearer ${tokenB}`, range } });
      expect(res.headers.get('content-range')).toBe(`bytes */${size}`);
      expectGraphFailure({ status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }, 'v1.0', 416, 'invalidRange');
    }
    const head = await get(b, recording, tokenB, undefined, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(size));
    expect(head.bytes.length).toBe(0);

    // The same bytes made again, on B: stored once (B's copy dropped), nothing left half-written.
    const chunkRows = async (): Promise<number> =>
      Number(
        (
          await storeOf(a)
            .db.selectFrom('content_chunks')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await chunkRows();
    const again = await simulate(b, meetingId, { recordingSizeBytes: size, transcript: false });
    expect(await chunkRows()).toBe(before);
    const pending = await storeOf(a).db.selectFrom('content_blobs').select('id').where('key', 'is', null).execute();
    expect(pending).toEqual([]);
    same(whole, await get(a, `/v1.0/users/${organizer}/onlineMeetings/${meetingId}/recordings/${again.recordingId}/content`, tokenA));

    await a.close();
    await b.close();
    const later = await instance(schema);
    const token = await mintToken(later);
    same(whole, await get(later, recording, token));
    same(vttA, await get(later, transcript, token));
    same(await get(later, recording, token, 'bytes=-12346'), await get(later, recording, token, `bytes=${size - 12_346}-`));
  }, 120_000);

  it('answers 404 itemNotFound in Graph’s shape, not a 500, when a content’s chunk rows are missing', async () => {
    const schema = newSchema();
    const emu = await instance(schema);
    const organizer = emu.demo.organizerUserId;
    const meetingId = emu.demo.meetingId;
    const sim = await simulate(emu, meetingId, { recordingSizeBytes: 3 * CONTENT_CHUNK_SIZE, transcript: false });
    const path = `/v1.0/users/${organizer}/onlineMeetings/${meetingId}/recordings/${sim.recordingId}/content`;
    const token = await mintToken(emu);
    expect((await get(emu, path, token, 'bytes=0-9')).status).toBe(206);
    const db = storeOf(emu).db;
    const { content_blob: key } = await db.selectFrom('artifacts').select('content_blob').where('id', '=', sim.recordingId!).executeTakeFirstOrThrow();
    const { id } = await db.selectFrom('content_blobs').select('id').where('key', '=', key).executeTakeFirstOrThrow();
    // The middle chunk only: a Range of the first bytes would not need it, but the content is not whole.
    await db.deleteFrom('content_chunks').where('content_id', '=', id).where('seq', '=', 1).execute();
    for (const [range, method] of [
      [undefined, 'GET'],
      ['bytes=0-9', 'GET'],
    ] as const) {
      const res = await fetch(`${emu.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(range !== undefined ? { range } : {}) } });
      expectGraphFailure({ status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }, 'v1.0', 404, 'itemNotFound');
    }
    const head = await fetch(`${emu.url}${path}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    expect(head.status).toBe(404);
    // Making the same bytes again replaces the broken copy.
    await simulate(emu, meetingId, { recordingSizeBytes: 3 * CONTENT_CHUNK_SIZE, transcript: false });
    const res = await get(emu, path, token);
    expect(res.status).toBe(200);
    expect(sha256(res.bytes)).toBe(await sha256OfStream(mp4Stream(3 * CONTENT_CHUNK_SIZE)));
  }, 60_000);

  it('stores from a stream across chunk seams; a write that fails half-way leaves no rows', async () => {
    const schema = newSchema();
    const store = await openStore({ kind: 'postgres', url: url!, schema });
    cleanups.push(() => store.close());
    const content = new PgContentStore(store.db, store.pgPool!);
    // Pieces that straddle chunk boundaries, one larger than a chunk.
    const bytes = randomBytes(2 * CONTENT_CHUNK_SIZE + 777);
    const pieces = [bytes.subarray(0, 1000), bytes.subarray(1000, 1000 + CONTENT_CHUNK_SIZE + 5), bytes.subarray(1000 + CONTENT_CHUNK_SIZE + 5)];
    const ref = await content.putStream(Readable.from(pieces));
    expect(ref).toEqual({ key: sha256(bytes), size: bytes.length });
    expect(await content.has(ref.key)).toBe(true);
    // As a pipe sees them: 'data' events, one per chunk pushed (an async iterator would join what is buffered).
    const ranged: Buffer[] = [];
    await new Promise<void>((resolve, reject) =>
      content
        .read(ref.key, { start: 5, end: bytes.length - 6 })
        .on('data', (chunk: Buffer) => ranged.push(chunk))
        .on('end', resolve)
        .on('error', reject),
    );
    expect(Buffer.concat(ranged).equals(bytes.subarray(5, bytes.length - 5))).toBe(true);
    // One buffer per chunk row, however many pieces the COPY data came in: a socket write each, not one per piece.
    expect(ranged.map((b) => b.length)).toEqual([CONTENT_CHUNK_SIZE - 5, CONTENT_CHUNK_SIZE, 777 - 5]);
    expect(await content.putBuffer(bytes)).toEqual(ref);
    expect(await content.has('0'.repeat(64))).toBe(false);

    const rows = async (): Promise<number> =>
      Number(
        (
          await store.db
            .selectFrom('content_chunks')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await rows();
    async function* failing(): AsyncGenerator<Buffer> {
      yield randomBytes(3 * CONTENT_CHUNK_SIZE);
      throw new Error('the source broke');
    }
    await expect(content.putStream(Readable.from(failing()))).rejects.toThrow('the source broke');
    expect(await rows()).toBe(before);
    expect(await store.db.selectFrom('content_blobs').select('id').where('key', 'is', null).execute()).toEqual([]);
  });
});
