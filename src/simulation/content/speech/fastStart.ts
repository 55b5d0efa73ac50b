import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/**
 * The muxer writes its sample tables (moov) after the media (mdat), as it only knows them at the
 * end. A player reading the file over HTTP then has to fetch the end first; with the moov right
 * after ftyp it plays from the first bytes (ffmpeg's `-movflags +faststart` does the same). This
 * moves the moov forward while streaming the file out, shifting every chunk offset (stco / co64)
 * by the moov's size, and clears the wall-clock creation and modification times the muxer stamps
 * (mvhd, tkhd, mdhd), so the same meeting gives the same bytes.
 */

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);

/** The moov, patched for its new place `shift` bytes before the media. */
export function patchMoov(moov: Uint8Array, shift: number): Buffer {
  const view = Buffer.from(moov);
  const walk = (start: number, end: number): void => {
    let at = start;
    while (at + 8 <= end) {
      const size = view.readUInt32BE(at);
      const type = view.toString('latin1', at + 4, at + 8);
      if (size < 8 || at + size > end) throw new Error(`malformed ${type} box in the moov`);
      if (CONTAINERS.has(type)) walk(at + 8, at + size);
      else if (type === 'mvhd' || type === 'tkhd' || type === 'mdhd') view.fill(0, at + 12, at + 12 + (view[at + 8] === 1 ? 16 : 8));
      else if (type === 'stco') {
        const count = view.readUInt32BE(at + 12);
        for (let i = 0; i < count; i++) {
          const offset = view.readUInt32BE(at + 16 + i * 4) + shift;
          if (offset > 0xffffffff) throw new Error('a chunk offset no longer fits stco');
          view.writeUInt32BE(offset, at + 16 + i * 4);
        }
      } else if (type === 'co64') {
        const count = view.readUInt32BE(at + 12);
        for (let i = 0; i < count; i++) view.writeBigUInt64BE(view.readBigUInt64BE(at + 16 + i * 8) + BigInt(shift), at + 16 + i * 8);
      }
      at += size;
    }
  };
  walk(0, view.length);
  return view;
}

/**
 * The file at `path` (ftyp first, its moov of `moov.length` bytes at `moovAt`, nothing after it) as
 * ftyp, moov, then everything else, streamed from disk. `ftypSize` is the ftyp box's length.
 */
export function fastStartStream(path: string, ftypSize: number, moovAt: number, moov: Uint8Array): Readable {
  const patched = patchMoov(moov, moov.length);
  async function* parts(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path, { start: 0, end: ftypSize - 1 })) yield chunk as Buffer;
    yield patched;
    if (moovAt > ftypSize) for await (const chunk of createReadStream(path, { start: ftypSize, end: moovAt - 1, highWaterMark: 256 * 1024 })) yield chunk as Buffer;
  }
  return Readable.from(parts(), { objectMode: false });
}
