import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobReadStream, type ReadRange } from '../../src/store/blobReadStream.js';

// Small chunks so a 10 KB file spans many reads and the two reused buffers take turns.
const CHUNK = 1000;
const dir = mkdtempSync(join(tmpdir(), 'gce-blob-read-'));
const path = join(dir, 'blob');
const bytes = randomBytes(10_007);
writeFileSync(path, bytes);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** A writable that keeps each chunk it is given and copies its bytes only when the write completes. */
class SlowSink extends Writable {
  readonly received: Buffer[] = [];
  inFlight = 0;
  maxInFlight = 0;
  writes = 0;
  constructor(private readonly onWrite: (sink: SlowSink) => void = () => undefined) {
    super({ highWaterMark: 1 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.writes += 1;
    this.onWrite(this);
    // Copy late: had the stream read into this buffer again before the callback, the copy would differ.
    setTimeout(() => {
      this.received.push(Buffer.from(chunk));
      this.inFlight -= 1;
      callback();
    }, 2);
  }
}

describe('BlobReadStream', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // A bare HTTP server piping the stream, as Fastify does with a stream payload.
    server = createServer((req, res) => {
      const [start, end] = (req.url ?? '/').slice(1).split('-');
      const range: ReadRange | undefined = start === undefined || start === '' ? undefined : { start: Number(start), end: Number(end) };
      const stream = new BlobReadStream(path, CHUNK, range);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function download(rangePath: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: `/${rangePath}` }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      }).on('error', reject);
    });
  }

  it('pipes the whole file over a real socket, byte for byte', async () => {
    expect((await download('')).equals(bytes)).toBe(true);
  });

  it.each([
    [0, 0],
    [0, CHUNK - 1],
    [CHUNK - 1, CHUNK],
    [1234, 5678],
    [bytes.length - 1, bytes.length - 1],
    [3 * CHUNK, bytes.length - 1],
  ])('pipes the range %i-%i exactly', async (start, end) => {
    expect((await download(`${start}-${end}`)).equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it('reuses a buffer only after its write completed, with one write in flight', async () => {
    const sink = new SlowSink();
    const stream = new BlobReadStream(path, CHUNK);
    const ended = new Promise((resolve) => stream.on('end', resolve));
    const finished = new Promise((resolve) => sink.on('finish', resolve));
    stream.pipe(sink);
    await Promise.all([ended, finished]);
    expect(Buffer.concat(sink.received).equals(bytes)).toBe(true);
    expect(sink.writes).toBe(Math.ceil(bytes.length / CHUNK));
    expect(sink.maxInFlight).toBe(1);
  });

  it('emits end but leaves the destination open with { end: false }', async () => {
    const sink = new SlowSink();
    const stream = new BlobReadStream(path, CHUNK, { start: 0, end: 2 * CHUNK });
    await new Promise((resolve) => {
      stream.on('end', resolve);
      stream.pipe(sink, { end: false });
    });
    expect(sink.writableEnded).toBe(false);
    expect(Buffer.concat(sink.received).equals(bytes.subarray(0, 2 * CHUNK + 1))).toBe(true);
    sink.end();
  });

  it('gives other consumers fresh buffers, not the reused ones', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of new BlobReadStream(path, CHUNK, { start: 10, end: 4009 })) chunks.push(chunk as Buffer);
    expect(chunks.length).toBe(4);
    // All chunks are held until the end: had one buffer been read into again, an earlier chunk would differ.
    expect(Buffer.concat(chunks).equals(bytes.subarray(10, 4010))).toBe(true);
  });

  it('stops and closes the file when the destination goes away mid-stream', async () => {
    const before = openFds();
    const sink = new SlowSink((s) => {
      if (s.writes === 3) s.destroy();
    });
    const stream = new BlobReadStream(path, CHUNK);
    const closed = new Promise((resolve) => stream.on('close', resolve));
    stream.pipe(sink);
    await closed;
    expect(stream.destroyed).toBe(true);
    expect(sink.writes).toBe(3);
    expect(openFds()).toBe(before);
  });

  it('stops and closes the file when it is destroyed mid-stream (the response closed)', async () => {
    const before = openFds();
    let stream: BlobReadStream | undefined;
    const sink = new SlowSink((s) => {
      if (s.writes === 3) stream?.destroy();
    });
    stream = new BlobReadStream(path, CHUNK);
    const closed = new Promise((resolve) => stream.on('close', resolve));
    stream.pipe(sink);
    await closed;
    // The write in flight completes; no other starts, and the destination is not ended.
    for (let i = 0; i < 100 && sink.inFlight > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.inFlight).toBe(0);
    expect(sink.writes).toBe(3);
    expect(sink.writableEnded).toBe(false);
    expect(openFds()).toBe(before);
  });

  it('reports a missing file as an error, piped or read', async () => {
    const missing = join(dir, 'missing');
    const piped = new BlobReadStream(missing, CHUNK);
    const error = new Promise<NodeJS.ErrnoException>((resolve) => piped.on('error', resolve));
    piped.pipe(new SlowSink());
    expect((await error).code).toBe('ENOENT');
    await expect(
      (async () => {
        for await (const chunk of new BlobReadStream(missing, CHUNK)) void chunk;
      })(),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
