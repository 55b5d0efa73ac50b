import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamRef } from '../../domain/artifacts.js';
import type { ContentStore } from '../../store/blobs.js';
import { MIN_MP4_SIZE, mp4Stream, normalizeMp4Size } from './mp4.js';
import { SAMPLE_MP4 } from './sampleMp4.js';
import type { SpokenLanguage } from './speech/dialogue.js';
import { fastStartStream } from './speech/fastStart.js';
import { spokenTimeline, writeSpokenMp4, type SpokenLine } from './speech/spokenMp4.js';
import type { SynthesizerFactory } from './speech/synthesizer.js';
import { metadataVtt, scriptedCues, transcriptVtt, type TranscriptCue } from './webvtt.js';

/** Store a recording's MP4 (the sample, or the sample grown to `size` bytes, streamed). */
export async function storeRecordingContent(blobs: ContentStore, size?: number): Promise<StreamRef> {
  const wanted = normalizeMp4Size(size);
  const ref = wanted === MIN_MP4_SIZE ? await blobs.putBuffer(SAMPLE_MP4) : await blobs.putStream(mp4Stream(wanted));
  return { blobKey: ref.key, size: ref.size, contentType: 'video/mp4' };
}

export interface TranscriptRefs {
  content: StreamRef;
  metadata: StreamRef;
}

async function storeCues(blobs: ContentStore, cues: readonly TranscriptCue[], startedAtMs: number, language: string): Promise<TranscriptRefs> {
  const content = await blobs.putBuffer(Buffer.from(transcriptVtt(cues)));
  const metadata = await blobs.putBuffer(Buffer.from(metadataVtt(cues, startedAtMs, language)));
  return {
    content: { blobKey: content.key, size: content.size, contentType: 'text/vtt' },
    metadata: { blobKey: metadata.key, size: metadata.size, contentType: 'text/vtt' },
  };
}

/** Store a transcript's content and metadataContent for these speakers, the call having started at `startedAtMs`. */
export function storeTranscriptContent(blobs: ContentStore, speakers: readonly string[], startedAtMs: number): Promise<TranscriptRefs> {
  return storeCues(blobs, scriptedCues(speakers), startedAtMs, 'en-us');
}

/** A transcript of these lines, timed as the sample's transcript is (no speech to follow). */
export function storeLinesTranscript(blobs: ContentStore, lines: readonly SpokenLine[], startedAtMs: number, language: SpokenLanguage): Promise<TranscriptRefs> {
  return storeCues(
    blobs,
    scriptedCues(
      lines.map((l) => l.speakerName),
      lines.map((l) => l.text),
    ),
    startedAtMs,
    language,
  );
}

export interface SpokenContent {
  recording?: StreamRef;
  transcript?: TranscriptRefs;
}

/**
 * A spoken recording and the transcript it speaks: cue times follow the synthesized speech. The MP4
 * is written to a temporary file as it is generated (its sample tables go at the end, so it is not
 * produced in order), then streamed into the blob store with the sample tables moved to the front
 * (fastStart.ts), keyed by its bytes.
 */
export async function storeSpokenContent(
  blobs: ContentStore,
  synthesizers: SynthesizerFactory,
  input: { lines: readonly SpokenLine[]; seed: string; language: SpokenLanguage; startedAtMs: number; recording: boolean; transcript: boolean },
): Promise<SpokenContent> {
  const synth = await synthesizers.create();
  const stored: SpokenContent = {};
  let cues: TranscriptCue[];
  if (input.recording) {
    const dir = await mkdtemp(join(tmpdir(), 'gce-speech-'));
    try {
      const path = join(dir, 'recording.mp4');
      const written = await writeSpokenMp4(synth, input.lines, input.seed, path);
      cues = written.cues;
      const ref = await blobs.putStream(fastStartStream(path, written.ftypSize, written.moovAt, written.moov));
      stored.recording = { blobKey: ref.key, size: ref.size, contentType: 'video/mp4' };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    cues = spokenTimeline(synth, input.lines, input.seed).cues;
  }
  if (input.transcript) stored.transcript = await storeCues(blobs, cues, input.startedAtMs, input.language);
  return stored;
}
