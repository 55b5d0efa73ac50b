import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** The inclusive byte range to read, as fs.createReadStream takes it. */
export interface ReadRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A blob file's bytes as a Readable, for a download.
 *
 * Why not fs.createReadStream: it allocates a fresh chunk-sized buffer per read. Chunks of 1 MiB are
 * above glibc's mmap threshold or land at the top of its heap, and are handed back to the kernel when
 * freed, so every chunk of a 1 GiB download page-faulted its memory in again: in the bench the
 * emulator spent about twice the CPU per GiB of the bare fs-stream server, mostly in the kernel.
 * Piped (what Fastify does with a stream payload), this stream reads into two buffers it reuses:
 * one is being written to the socket while the next chunk is read into the other, and a buffer is
 * read into again only once its write has completed (the write callback), which is also the
 * backpressure. Any other consumer (`for await`, `on('data')`) gets fresh buffers, as from fs.
 */
export class BlobReadStream extends Readable {
  readonly #path: string;
  readonly #chunkBytes: number;
  /** One past the last byte to send; Infinity for "to the end of the file". */
  readonly #limit: number;
  #position: number;
  #handle: Promise<FileHandle> | undefined;
  #piping = false;
  /** Wakes a pump waiting on a write when this stream is destroyed. */
  #onDestroy: (() => void) | undefined;

  constructor(path: string, chunkBytes: number, range?: ReadRange) {
    super({ highWaterMark: chunkBytes });
    this.#path = path;
    this.#chunkBytes = chunkBytes;
    this.#position = range?.start ?? 0;
    this.#limit = range === undefined ? Infinity : range.end + 1;
  }

  #open(): Promise<FileHandle> {
    this.#handle ??= open(this.#path, 'r');
    return this.#handle;
  }

  /** Read the next chunk into `buffer`; 0 at the end of the range or the file. */
  async #readInto(buffer: Buffer): Promise<number> {
    const want = Math.min(buffer.length, this.#limit - this.#position);
    if (want <= 0) return 0;
    const handle = await this.#open();
    const { bytesRead } = await handle.read(buffer, 0, want, this.#position);
    this.#position += bytesRead;
    return bytesRead;
  }

  override _read(): void {
    const size = Math.min(this.#chunkBytes, this.#limit - this.#position);
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(size, 2 ** 31 - 1)));
    this.#readInto(buffer).then(
      (bytesRead) => {
        if (this.destroyed) return;
        this.push(bytesRead === 0 ? null : buffer.subarray(0, bytesRead));
      },
      (err: unknown) => this.destroy(err as Error),
    );
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean | undefined }): T {
    // Already flowing or read from: the standard pipe keeps its order.
    if (this.#piping || this.readableFlowing !== null || this.readableLength > 0 || this.destroyed) return super.pipe(destination, options);
    this.#piping = true;
    this.#pump(destination).then(
      (finished) => {
        if (!finished) {
          this.destroy();
          return;
        }
        if (options?.end !== false) destination.end();
        // 'end' for whoever watches this stream (Fastify's end-of-stream), then auto-destroy closes the file.
        this.push(null);
        this.resume();
      },
      (err: unknown) => this.destroy(err as Error),
    );
    return destination;
  }

  /** Copy the range into `destination`, one write in flight; false if it or this stream went away first. */
  async #pump(destination: NodeJS.WritableStream): Promise<boolean> {
    const size = Math.min(this.#chunkBytes, this.#limit - this.#position);
    if (size <= 0) return true;
    let wake: (open: boolean) => void = () => undefined;
    const gone = new Promise<boolean>((resolve) => (wake = resolve));
    const stop = (): void => wake(false);
    this.#onDestroy = stop;
    destination.once('close', stop);
    destination.once('error', stop);
    try {
      const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)] as const;
      let writing: Promise<boolean> = Promise.resolve(true);
      for (let turn = 0; ; turn ^= 1) {
        const buffer = buffers[turn]!;
        // Read the next chunk while the previous one is being written.
        const bytesRead = await this.#readInto(buffer);
        if (!(await Promise.race([writing, gone])) || this.destroyed) return false;
        if (bytesRead === 0) return true;
        const chunk = buffer.subarray(0, bytesRead);
        writing = new Promise<boolean>((resolve) => destination.write(chunk, (err) => resolve(err == null)));
      }
    } finally {
      this.#onDestroy = undefined;
      destination.removeListener('close', stop);
      destination.removeListener('error', stop);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#onDestroy?.();
    const handle = this.#handle;
    if (handle === undefined) {
      callback(error);
      return;
    }
    // FileHandle.close waits for a read in flight, so the descriptor is never reused under it.
    handle
      .then((h) => h.close())
      .then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      );
  }
}
