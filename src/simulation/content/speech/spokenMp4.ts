import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { TranscriptCue } from '../webvtt.js';
import { createMp3FrameEncoder, samplesPerFrame } from './mp3Frames.js';
import { AVC_CODEC, AVC_DECODER_CONFIG, FRAME_HEIGHT, FRAME_WIDTH, speakerFrame } from './speakerFrame.js';
import type { Synthesizer, Voice } from './synthesizer.js';

/** One line of the meeting: who says it, in which voice. */
export interface SpokenLine {
  readonly speakerName: string;
  /** The speaker's place in the meeting (their colour in the video). */
  readonly speakerIndex: number;
  readonly voice: Voice;
  readonly text: string;
}

export interface SpokenTimeline {
  readonly cues: TranscriptCue[];
  /** The recording's length: the last cue's end and a short tail of silence. */
  readonly durationMs: number;
}

/** Where the muxer put its boxes in the written file (fastStart.ts moves the moov forward). */
export interface WrittenMp4 extends SpokenTimeline {
  readonly ftypSize: number;
  readonly moovAt: number;
  readonly moov: Uint8Array;
}

const KBPS = 32;
/** Silence before the first line and after the last. */
const LEAD_MS = 500;
const TAIL_MS = 300;
/** Amplitude under which eSpeak's leading and trailing samples count as silence (trimmed). */
const SILENCE_LEVEL = 200;
/**
 * LAME delays its output by one frame plus the MDCT overlap (576 + 529 samples, lame's ENCDELAY and
 * decoder delay): a decoder's sample n is encoder input n - 1105. Cue times add it, so that they
 * match what a decoder plays, not what went into the encoder.
 */
const ENCODER_DELAY = 1105;

/** The pause after line `i`: 600 to 1,200 ms, the same for the same seed. */
function pauseMs(seed: string, i: number): number {
  return 600 + (createHash('sha256').update(`${seed}\0${i}`).digest().readUInt16BE(0) % 601);
}

/** eSpeak's own leading and trailing silence removed, so a cue spans only its speech. */
function trimmed(samples: Int16Array): Int16Array {
  let first = 0;
  while (first < samples.length && Math.abs(samples[first]!) < SILENCE_LEVEL) first++;
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last]!) < SILENCE_LEVEL) last--;
  return samples.subarray(first, last + 1);
}

/** eSpeak reads `<` as markup in some modes, and a text may be empty once trimmed. */
const speakable = (text: string): string => text.replace(/[<>]/g, ' ').trim() || '...';

/**
 * The lines' timeline without making the recording: each line synthesized for its duration only
 * (a transcript without a recording still has cues that match the voices).
 */
export function spokenTimeline(synth: Synthesizer, lines: readonly SpokenLine[], seed: string): SpokenTimeline {
  const rate = synth.sampleRate;
  let cursor = Math.round((LEAD_MS * rate) / 1000);
  const cues: TranscriptCue[] = [];
  lines.forEach((line, i) => {
    const speech = trimmed(synth.speak(speakable(line.text), line.voice));
    cues.push(cueAt(line, cursor, speech.length, rate));
    cursor += speech.length + Math.round((pauseMs(seed, i) * rate) / 1000);
  });
  return { cues, durationMs: endMs(cues) };
}

function cueAt(line: SpokenLine, startSample: number, length: number, rate: number): TranscriptCue {
  const ms = (sample: number): number => Math.round(((sample + ENCODER_DELAY) * 1000) / rate);
  return { speakerName: line.speakerName, text: line.text, startMs: ms(startSample), endMs: ms(startSample + length) };
}

const endMs = (cues: readonly TranscriptCue[]): number => (cues.length === 0 ? LEAD_MS : cues[cues.length - 1]!.endMs) + TAIL_MS;

/**
 * Write the recording to `path`: an MP4 with an MP3 audio track speaking each line at its cue, and
 * an H.264 track showing who speaks. Generated line by line: only one line's audio is in memory at a
 * time, the muxer writes to the file as it goes (its moov, the sample tables, at the end: see
 * fastStart.ts for the bytes served).
 */
export async function writeSpokenMp4(synth: Synthesizer, lines: readonly SpokenLine[], seed: string, path: string): Promise<WrittenMp4> {
  // Imported here, not at start-up: the muxer is only needed when a spoken recording is made.
  const { EncodedAudioPacketSource, EncodedPacket, EncodedVideoPacketSource, FilePathTarget, Mp4OutputFormat, Output } = await import('mediabunny');
  const rate = synth.sampleRate;
  const frameSamples = samplesPerFrame(rate);
  let moovAt = -1;
  let moovBytes: Uint8Array | undefined;
  let ftypSize = 0;
  const output = new Output({
    format: new Mp4OutputFormat({
      fastStart: false,
      onFtyp: (data) => (ftypSize = data.length),
      onMoov: (data, position) => {
        moovAt = position;
        moovBytes = data;
      },
    }),
    target: new FilePathTarget(path),
  });
  const audio = new EncodedAudioPacketSource('mp3');
  const video = new EncodedVideoPacketSource('avc');
  output.addVideoTrack(video);
  output.addAudioTrack(audio);
  await output.start();

  const encoder = await createMp3FrameEncoder(rate, KBPS);
  let audioFrames = 0;
  const addAudio = async (frames: Buffer[]): Promise<void> => {
    for (const frame of frames) {
      const packet = new EncodedPacket(frame, 'key', (audioFrames * frameSamples) / rate, frameSamples / rate);
      await audio.add(packet, audioFrames === 0 ? { decoderConfig: { codec: 'mp3', numberOfChannels: 1, sampleRate: rate } } : undefined);
      audioFrames++;
    }
  };
  let videoFrames = 0;
  const addVideo = async (line: SpokenLine, fromMs: number, toMs: number): Promise<void> => {
    const frame = speakerFrame(line.speakerName, line.speakerIndex, (videoFrames % 2) as 0 | 1);
    const meta = videoFrames === 0 ? { decoderConfig: { codec: AVC_CODEC, codedWidth: FRAME_WIDTH, codedHeight: FRAME_HEIGHT, description: AVC_DECODER_CONFIG } } : undefined;
    await video.add(new EncodedPacket(frame, 'key', fromMs / 1000, (toMs - fromMs) / 1000), meta);
    videoFrames++;
  };
  const silence = async (samples: number): Promise<void> => {
    const block = new Int16Array(Math.min(samples, rate));
    for (let left = samples; left > 0; left -= block.length) await addAudio(encoder.encode(left >= block.length ? block : block.subarray(0, left)));
  };

  let cursor = 0;
  await silence(Math.round((LEAD_MS * rate) / 1000));
  cursor = Math.round((LEAD_MS * rate) / 1000);
  const cues: TranscriptCue[] = [];
  // Each line's picture shows from the end of the previous line (the first from 0) to its own end.
  let pictureFromMs = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const speech = trimmed(synth.speak(speakable(line.text), line.voice));
    const cue = cueAt(line, cursor, speech.length, rate);
    cues.push(cue);
    const pause = Math.round((pauseMs(seed, i) * rate) / 1000);
    const pictureToMs = i === lines.length - 1 ? cue.endMs + TAIL_MS : cue.endMs;
    await addVideo(line, pictureFromMs, pictureToMs);
    pictureFromMs = pictureToMs;
    await addAudio(encoder.encode(speech));
    cursor += speech.length;
    if (i < lines.length - 1) {
      await silence(pause);
      cursor += pause;
    }
    // Let the event loop serve requests between lines of a long meeting.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const durationMs = endMs(cues);
  // The tail, so the decoded audio (delayed by the encoder) reaches the last cue's end and beyond.
  await silence(Math.max(0, Math.round((durationMs * rate) / 1000 - cursor)));
  await addAudio(encoder.flush());
  await output.finalize();
  // fastStart.ts moves the moov from the end of the file to after the ftyp: check that is the layout.
  if (moovBytes === undefined || ftypSize === 0 || moovAt + moovBytes.length !== (await stat(path)).size) throw new Error('the muxer did not write ftyp, media, then moov');
  return { cues, durationMs, ftypSize, moovAt, moov: moovBytes };
}
