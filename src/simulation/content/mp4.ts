import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { SAMPLE_MP4 } from './sampleMp4.js';

/**
 * Recording content: the shipped sample MP4, optionally grown to a requested size with a trailing
 * ISO-BMFF `free` box (players skip it; the moov before mdat keeps every sample offset valid). The
 * padding is a fixed pseudo-random block repeated, generated as a stream: a 1 GiB recording never
 * sits in memory, and the same size always yields the same bytes (tests check them byte for byte).
 */
export const MIN_MP4_SIZE = SAMPLE_MP4.length;
/** 64 GiB: far beyond any test, small enough to count in a JS number exactly. */
export const MAX_MP4_SIZE = 64 * 1024 ** 3;

// The padding block (1 MiB of a hash chain, 32,768 SHA-256 rounds): made on first use, not at start-up,
// where it was a tenth of the time before the ready line.
let paddingBlock: Buffer | undefined;
function padding(): Buffer {
  if (paddingBlock !== undefined) return paddingBlock;
  const block = Buffer.alloc(1024 * 1024);
  let seed = createHash('sha256').update('graph-comms-emulator padding').digest();
  for (let at = 0; at < block.length; at += seed.length) {
    seed.copy(block, at);
    seed = createHash('sha256').update(seed).digest();
  }
  paddingBlock = block;
  return block;
}

/** A size the generator can produce: the sample alone, or the sample and a box of at least 8 bytes. */
export function normalizeMp4Size(requested: number | undefined): number {
  if (requested === undefined || requested <= MIN_MP4_SIZE) return MIN_MP4_SIZE;
  const size = Math.min(Math.floor(requested), MAX_MP4_SIZE);
  return size - MIN_MP4_SIZE < 8 ? MIN_MP4_SIZE + 8 : size;
}

function freeBoxHeader(boxSize: number): Buffer {
  if (boxSize <= 0xffffffff) {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(boxSize, 0);
    header.write('free', 4, 'latin1');
    return header;
  }
  // size = 1 means a 64-bit largesize follows the type (ISO/IEC 14496-12, section 4.2).
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('free', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(boxSize), 8);
  return header;
}

/** The recording's bytes, as a stream of `size` bytes (see normalizeMp4Size). */
export function mp4Stream(requested?: number): Readable {
  const size = normalizeMp4Size(requested);
  if (size === MIN_MP4_SIZE) return Readable.from([SAMPLE_MP4], { objectMode: false });
  const boxSize = size - MIN_MP4_SIZE;
  // A box under 16 bytes cannot take the 64-bit header; only sizes above 4 GiB use it.
  const header = freeBoxHeader(boxSize);
  let remaining = boxSize - header.length;
  let first = true;
  const block = padding();
  return new Readable({
    highWaterMark: block.length,
    read() {
      if (first) {
        first = false;
        this.push(Buffer.concat([SAMPLE_MP4, header]));
        return;
      }
      if (remaining <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(remaining, block.length);
      remaining -= n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
}
