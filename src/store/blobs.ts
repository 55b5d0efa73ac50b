import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A stored blob: its key (sha-256 hex of the bytes) and length. */
export interface BlobRef {
  readonly key: string;
  readonly size: number;
}

const KEY = /^[0-9a-f]{64}$/;

/**
 * Recording and transcript bytes, on the filesystem, content-addressed: the same bytes are stored
 * once however many artifacts share them (a seeded store of 100,000 recordings holds one MP4), and
 * several emulator instances can share a directory without coordination (a write is a rename of a
 * complete temporary file). Content is streamed in and out, never held whole in memory.
 */
export class BlobStore {
  private constructor(
    readonly dir: string,
    private readonly temporary: boolean,
  ) {}

  /** Blobs under `dir` (created if absent); or, without one, a temporary directory removed by close(). */
  static open(dir: string | undefined): BlobStore {
    if (dir !== undefined) {
      mkdirSync(join(dir, 'tmp'), { recursive: true });
      return new BlobStore(dir, false);
    }
    const made = mkdtempSync(join(tmpdir(), 'gce-blobs-'));
    mkdirSync(join(made, 'tmp'), { recursive: true });
    return new BlobStore(made, true);
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.dir, key.slice(0, 2), key);
  }

  private tempPath(): string {
    return join(this.dir, 'tmp', `${randomBytes(8).toString('hex')}.part`);
  }

  async has(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async putBuffer(bytes: Buffer): Promise<BlobRef> {
    const key = createHash('sha256').update(bytes).digest('hex');
    if (!(await this.has(key))) {
      const temp = this.tempPath();
      await writeFile(temp, bytes);
      await this.commit(temp, key);
    }
    return { key, size: bytes.length };
  }

  /** Store a stream (e.g. a 1 GiB synthetic recording) chunk by chunk, hashing as it goes. */
  async putStream(source: Readable): Promise<BlobRef> {
    const temp = this.tempPath();
    const hash = createHash('sha256');
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    try {
      await pipeline(source, createWriteStream(temp));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    const key = hash.digest('hex');
    if (await this.has(key)) await rm(temp, { force: true });
    else await this.commit(temp, key);
    return { key, size };
  }

  private async commit(temp: string, key: string): Promise<void> {
    const path = this.pathOf(key);
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
    await rename(temp, path);
  }

  /** The blob's bytes `start..end` (inclusive), streamed from disk. */
  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(key), range === undefined ? { highWaterMark: 256 * 1024 } : { ...range, highWaterMark: 256 * 1024 });
  }

  /** Remove a temporary store's directory; a configured directory is kept. */
  close(): void {
    if (this.temporary) rmSync(this.dir, { recursive: true, force: true });
  }
}
