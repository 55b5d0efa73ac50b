import type { Mp3Encoder } from '@breezystack/lamejs';

/**
 * MP3 encoding (lamejs, LAME ported to JavaScript) cut into whole frames, the MP4 track's samples.
 * MP3 rather than AAC: no well-kept AAC encoder runs in JavaScript or WebAssembly from npm, and MP3
 * in MP4 (object type 0x6B) plays in browsers and ffmpeg and is read by speech-to-text pipelines.
 */

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Readonly<Record<number, readonly number[]>> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** A Layer III frame's length in bytes from its 4-byte header (ISO/IEC 11172-3, 13818-3), or 0 if not a header. */
export function mp3FrameLength(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return 0;
  const version = (bytes[at + 1]! >> 3) & 3;
  const layer = (bytes[at + 1]! >> 1) & 3;
  const bitrateIndex = bytes[at + 2]! >> 4;
  const rateIndex = (bytes[at + 2]! >> 2) & 3;
  const padding = (bytes[at + 2]! >> 1) & 1;
  const rates = RATES[version];
  if (layer !== 1 || rates === undefined || rateIndex === 3 || bitrateIndex === 0 || bitrateIndex === 15) return 0;
  const kbps = (version === 3 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]!;
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rates[rateIndex]!) + padding;
}

/** Samples per Layer III frame: 1152 for MPEG-1, 576 for MPEG-2 and 2.5 (the rates under 32 kHz). */
export const samplesPerFrame = (sampleRate: number): number => (sampleRate >= 32000 ? 1152 : 576);

/** An encoder for mono audio; lamejs is imported only when a spoken recording is made, not at start-up. */
export async function createMp3FrameEncoder(sampleRate: number, kbps: number): Promise<Mp3FrameEncoder> {
  const { Mp3Encoder: Encoder } = await import('@breezystack/lamejs');
  return new Mp3FrameEncoder(new Encoder(1, sampleRate, kbps));
}

export class Mp3FrameEncoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly encoder: Mp3Encoder) {}

  /** Encode mono samples; the frames completed so far. */
  encode(samples: Int16Array): Buffer[] {
    return this.split(this.encoder.encodeBuffer(samples));
  }

  /** The last frames, the encoder's buffered samples padded to a frame. */
  flush(): Buffer[] {
    return this.split(this.encoder.flush());
  }

  private split(output: Uint8Array): Buffer[] {
    if (output.length > 0) this.pending = this.pending.length === 0 ? Buffer.from(output) : Buffer.concat([this.pending, output]);
    const frames: Buffer[] = [];
    let at = 0;
    for (;;) {
      const length = mp3FrameLength(this.pending, at);
      if (length === 0 || at + length > this.pending.length) break;
      frames.push(Buffer.from(this.pending.subarray(at, at + length)));
      at += length;
    }
    this.pending = this.pending.subarray(at);
    return frames;
  }
}
