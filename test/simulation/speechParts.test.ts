import { describe, expect, it } from 'vitest';
import { patchMoov } from '../../src/simulation/content/speech/fastStart.js';
import { mp3FrameLength } from '../../src/simulation/content/speech/mp3Frames.js';
import { AVC_DECODER_CONFIG, speakerFrame } from '../../src/simulation/content/speech/speakerFrame.js';

/** The byte-level parts of a spoken recording that its end-to-end test (test/graph/spokenRecordings.test.ts) only sees whole. */

const box = (type: string, body: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
};
/** A full box (version 0): version/flags, then the body. */
const fullBox = (type: string, body: Buffer, version = 0): Buffer => box(type, Buffer.concat([Buffer.from([version, 0, 0, 0]), body]));
const u32s = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v, i * 4));
  return b;
};

describe('fast start (moving the moov before the media)', () => {
  const stco = fullBox('stco', u32s(2, 40, 5000));
  const co64Body = Buffer.alloc(4 + 8);
  co64Body.writeUInt32BE(1, 0);
  co64Body.writeBigUInt64BE(7000n, 4);
  const co64 = fullBox('co64', co64Body);
  const mvhd = fullBox('mvhd', u32s(0xdeadbeef, 0xcafef00d, 1000, 1));
  const moov = box('moov', Buffer.concat([mvhd, box('trak', box('mdia', box('minf', box('stbl', Buffer.concat([stco, co64])))))]));

  it('shifts every chunk offset by the moov size and clears the wall-clock times', () => {
    const patched = patchMoov(moov, 100);
    const at = (type: string): number => patched.indexOf(type, 0, 'latin1');
    expect(patched.readUInt32BE(at('stco') + 12)).toBe(140);
    expect(patched.readUInt32BE(at('stco') + 16)).toBe(5100);
    expect(patched.readBigUInt64BE(at('co64') + 12)).toBe(7100n);
    expect(patched.readUInt32BE(at('mvhd') + 8)).toBe(0);
    expect(patched.readUInt32BE(at('mvhd') + 12)).toBe(0);
    // The timescale after them is kept; the input is not modified.
    expect(patched.readUInt32BE(at('mvhd') + 16)).toBe(1000);
    expect(moov.readUInt32BE(moov.indexOf('mvhd', 0, 'latin1') + 8)).toBe(0xdeadbeef);
  });

  it('refuses a box that runs past its parent, and an offset that no longer fits 32 bits', () => {
    const broken = Buffer.from(moov);
    broken.writeUInt32BE(0xffff, broken.indexOf('trak', 0, 'latin1') - 4);
    expect(() => patchMoov(broken, 100)).toThrow(/malformed trak/);
    expect(() => patchMoov(moov, 0xffffffff)).toThrow(/no longer fits stco/);
  });
});

describe('MP3 frame lengths (ISO/IEC 11172-3 and 13818-3 Layer III headers)', () => {
  it('reads MPEG-1 and MPEG-2 headers, padding included, and rejects what is not a header', () => {
    // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 144 * 128000 / 44100 = 417 bytes, 418 padded.
    expect(mp3FrameLength(Uint8Array.from([0xff, 0xfb, 0x90, 0x00]), 0)).toBe(417);
    expect(mp3FrameLength(Uint8Array.from([0xff, 0xfb, 0x92, 0x00]), 0)).toBe(418);
    // MPEG-2 Layer III, 32 kbit/s, 22.05 kHz (what the recordings use): 72 * 32000 / 22050 = 104 bytes.
    expect(mp3FrameLength(Uint8Array.from([0xff, 0xf3, 0x40, 0x00]), 0)).toBe(104);
    expect(mp3FrameLength(Uint8Array.from([0x00, 0xfb, 0x90, 0x00]), 0)).toBe(0);
    expect(mp3FrameLength(Uint8Array.from([0xff, 0xfb, 0xf0, 0x00]), 0)).toBe(0); // bitrate index 15
    expect(mp3FrameLength(Uint8Array.from([0xff, 0xfb]), 0)).toBe(0); // truncated
  });
});

describe('speaker frames (H.264 I_PCM pictures)', () => {
  it('is the same for the same name, differs by name and colour, and has no start-code emulation', () => {
    const a = speakerFrame('Adele Vance', 0, 0);
    expect(speakerFrame('Adele Vance', 0, 0).equals(a)).toBe(true);
    expect(speakerFrame('Lee Gu', 0, 0).equals(a)).toBe(false);
    expect(speakerFrame('Adele Vance', 1, 0).equals(a)).toBe(false);
    // One length-prefixed IDR NAL unit (type 5).
    expect(a.readUInt32BE(0)).toBe(a.length - 4);
    expect(a[4]! & 0x1f).toBe(5);
    // Emulation prevention: no 00 00 0x (x <= 2) inside the NAL unit.
    const nal = a.subarray(4);
    for (let i = 0; i + 2 < nal.length; i++) expect(nal[i] === 0 && nal[i + 1] === 0 && nal[i + 2]! <= 2).toBe(false);
    // avcC: version 1, Constrained Baseline (66, constraint flags 0xC0), 4-byte lengths, one SPS.
    expect([...AVC_DECODER_CONFIG.subarray(0, 6)]).toEqual([1, 66, 0xc0, 30, 0xff, 0xe1]);
  });
});
