import type { StreamRef } from '../../domain/artifacts.js';
import type { BlobStore } from '../../store/blobs.js';
import { MIN_MP4_SIZE, mp4Stream, normalizeMp4Size } from './mp4.js';
import { SAMPLE_MP4 } from './sampleMp4.js';
import { metadataVtt, scriptedCues, transcriptVtt } from './webvtt.js';

/** Store a recording's MP4 (the sample, or the sample grown to `size` bytes, streamed). */
export async function storeRecordingContent(blobs: BlobStore, size?: number): Promise<StreamRef> {
  const wanted = normalizeMp4Size(size);
  const ref = wanted === MIN_MP4_SIZE ? await blobs.putBuffer(SAMPLE_MP4) : await blobs.putStream(mp4Stream(wanted));
  return { blobKey: ref.key, size: ref.size, contentType: 'video/mp4' };
}

/** Store a transcript's content and metadataContent for these speakers, the call having started at `startedAtMs`. */
export async function storeTranscriptContent(blobs: BlobStore, speakers: readonly string[], startedAtMs: number): Promise<{ content: StreamRef; metadata: StreamRef }> {
  const cues = scriptedCues(speakers);
  const content = await blobs.putBuffer(Buffer.from(transcriptVtt(cues)));
  const metadata = await blobs.putBuffer(Buffer.from(metadataVtt(cues, startedAtMs)));
  return {
    content: { blobKey: content.key, size: content.size, contentType: 'text/vtt' },
    metadata: { blobKey: metadata.key, size: metadata.size, contentType: 'text/vtt' },
  };
}
