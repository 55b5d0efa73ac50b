import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobReadStream } from './blobReadStream.js';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, type Tightened } from './privateFiles.js';

/** A stored blob: its key (sha-256 hex of the bytes) and length. */
export interface BlobRef {
  readonly key: string;
  readonly size: number;
}

/**
 * Where recording and transcript bytes live: files (BlobStore, below) or PostgreSQL rows
 * (store/pgContent.ts). Content-addressed either way: a key is the sha-256 hex of the bytes, so the
 * same bytes are kept once; both stream in and out, never holding a whole content in memory.
 */
export interface ContentStore {
  /** Whether the content is there whole (every byte readable). */
  has(key: string): Promise<boolean>;
  putBuffer(bytes: Buffer): Promise<BlobRef>;
  putStream(source: Readable): Promise<BlobRef>;
  /** The bytes `start..end` (inclusive), or all of them. */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** The configured directory, if its modes were looser than 0700 and had to be tightened. */
  readonly tightened?: Tightened | undefined;
  close(): void;
}

const KEY = /^[0-9a-f]{64}$/;

/**
 * Bytes read from disk per chunk when streaming a blob out. 1 MiB rather than 256 KiB: a quarter of the
 * reads, writes and drain waits per byte. The same fs-stream HTTPS server at both sizes, interleaved in
 * one run, used 15-25% less CPU per GiB and streamed faster at 1 MiB; at most a chunk or two is in
 * memory per download (RSS flat).
 */
const READ_CHUNK_BYTES = 1024 * 1024;

/** What a temporary blob directory's name starts with, in os.tmpdir(). */
export const TEMP_BLOB_DIR_PREFIX = 'gce-blobs-';
/** The file in a temporary blob directory naming the process that owns it. */
const OWNER_FILE = 'owner.pid';

/**
 * Recording and transcript bytes, on the filesystem, content-addressed: the same bytes are stored
 * once however many artifacts share them (a seeded store of 100,000 recordings holds one MP4), and
 * several emulator instances can share a directory without coordination (a write is a rename of a
 * complete temporary file). Content is streamed in and out, never held whole in memory.
 */
export class BlobStore implements ContentStore {
  private constructor(
    readonly dir: string,
    private readonly temporary: boolean,
    /** The configured directory, if its modes were looser than 0700 and had to be tightened. */
    readonly tightened: Tightened | undefined,
  ) {}

  /**
   * Blobs under `dir` (created if absent, made 0700); or, without one, a temporary directory removed by
   * close(). A temporary directory holds its owner's pid, so that the next start removes those whose
   * process died without close() (a crash, SIGKILL) and never a live instance's.
   */
  static open(dir: string | undefined, tempRoot: string = tmpdir()): BlobStore {
    if (dir !== undefined) {
      const tightened = ensurePrivateDir(dir);
      ensurePrivateDir(join(dir, 'tmp'));
      return new BlobStore(dir, false, tightened);
    }
    removeDeadTempDirs(tempRoot);
    const made = mkdtempSync(join(tempRoot, TEMP_BLOB_DIR_PREFIX));
    writeFileSync(join(made, OWNER_FILE), String(process.pid), { mode: PRIVATE_FILE_MODE });
    mkdirSync(join(made, 'tmp'), { mode: PRIVATE_DIR_MODE });
    return new BlobStore(made, true, undefined);
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
      try {
        await writeFile(temp, bytes, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
        await this.commit(temp, key);
      } catch (err) {
        // A full disk (ENOSPC) must not leave a partial file behind.
        await rm(temp, { force: true });
        throw err;
      }
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
    let key: string;
    try {
      await pipeline(source, createWriteStream(temp, { mode: PRIVATE_FILE_MODE, flags: 'wx' }));
      key = hash.digest('hex');
      if (await this.has(key)) await rm(temp, { force: true });
      else await this.commit(temp, key);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { key, size };
  }

  private async commit(temp: string, key: string): Promise<void> {
    const path = this.pathOf(key);
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true, mode: PRIVATE_DIR_MODE });
    await rename(temp, path);
  }

  /** The blob's bytes `start..end` (inclusive), streamed from disk (into reused buffers when piped). */
  read(key: string, range?: { start: number; end: number }): Readable {
    return new BlobReadStream(this.pathOf(key), READ_CHUNK_BYTES, range);
  }

  /** Remove a temporary store's directory; a configured directory is kept. */
  close(): void {
    if (this.temporary) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Remove temporary blob directories (ours: the prefix, this user's) whose owning process is gone: a
 * crashed or killed emulator never ran close(), and each such directory may hold a large recording.
 * Only a directory whose owner file names a pid that no longer exists (ESRCH) goes; one without the
 * file (being created right now, or made by an older version) or with a live pid is kept. A pid the
 * system has since reused keeps its directory, the safe way round.
 */
export function removeDeadTempDirs(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const name of names) {
    if (!name.startsWith(TEMP_BLOB_DIR_PREFIX)) continue;
    const dir = join(root, name);
    try {
      const info = statSync(dir);
      if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
      const pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Vanished meanwhile, no owner file, or not ours to read: leave it.
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
