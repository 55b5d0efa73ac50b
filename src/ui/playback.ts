import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { text } from './api.js';

/**
 * A call's recording in a <video> and its transcript's cues, each seeking the video: what the
 * Meetings page shows for a meeting's calls and for an ad hoc call (GET /_emulator/meetings/{id}/artifacts,
 * GET /_emulator/tenants/{id}/adhocCalls; contentUrl under /_emulator, so no token is needed).
 */

export interface Artifact {
  id: string;
  kind: 'recording' | 'transcript';
  callId: string;
  contentCorrelationId: string;
  createdDateTime: string;
  size: number;
  /** Recordings: whether the audio speaks the transcript or is the sample clip. */
  recordingKind: 'spoken' | 'sample' | null;
  contentUrl: string;
}
interface Cue {
  start: number;
  end: number;
  speaker: string;
  text: string;
}

const seconds = (stamp: string): number => {
  const parts = stamp.split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
};

/** The cues of a Teams WebVTT transcript: `start --> end` then `<v Speaker>text</v>`. */
export function parseVtt(vtt: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of vtt.replace(/\r/g, '').split('\n\n')) {
    const lines = block.split('\n');
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing < 0) continue;
    const [from, to] = (lines[timing] ?? '').split('-->').map((s) => s.trim().split(' ')[0] ?? '');
    const body = lines
      .slice(timing + 1)
      .join(' ')
      .trim();
    const voice = /^<v ([^>]*)>(.*?)(<\/v>)?$/.exec(body);
    cues.push({ start: seconds(from ?? '0'), end: seconds(to ?? '0'), speaker: voice?.[1] ?? '', text: (voice?.[2] ?? body).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') });
  }
  return cues;
}

const clock = (s: number): string => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export function Transcript({ transcript, video }: { transcript: Artifact; video: { current: HTMLVideoElement | null } }): VNode {
  const [cues, setCues] = useState<Cue[] | undefined>(undefined);
  useEffect(() => {
    void text(transcript.contentUrl).then((vtt) => setCues(parseVtt(vtt)));
  }, [transcript.id]);
  if (cues === undefined) return html`<p class="muted">Loading transcript…</p>`;
  return html`<ol class="cues" aria-label="Transcript cues" data-testid="cues">
    ${cues.map(
      (cue) =>
        html`<li>
          <button
            type="button"
            data-start=${cue.start}
            onClick=${() => {
              // Seek there; a playing video plays on from the cue, a paused one waits at it.
              const player = video.current;
              if (player !== null) player.currentTime = cue.start;
            }}
          >
            <span class="time">${clock(cue.start)}</span><span class="speaker">${cue.speaker}</span>${cue.text}
          </button>
        </li>`,
    )}
  </ol>`;
}

/** The recording (the one `recordingId` names, else the newest) and the transcript of its call. */
export function Playback({ recordings, transcripts, recordingId }: { recordings: Artifact[]; transcripts: Artifact[]; recordingId?: string | undefined }): VNode {
  const video = useRef<HTMLVideoElement>(null);
  const recording = recordings.find((r) => r.id === recordingId) ?? recordings[recordings.length - 1];
  const transcript = transcripts.find((t) => t.callId === recording?.callId) ?? transcripts[transcripts.length - 1];
  if (recording === undefined) return html`<p class="muted">No recording yet.</p>`;
  return html`<div class="grid2">
    <div>
      <video ref=${video} controls preload="auto" src=${recording.contentUrl} data-testid="recording-video" aria-label="Recording"></video>
    </div>
    <div>
      ${
        transcript !== undefined
          ? html`<h4>Transcript</h4>
              <${Transcript} transcript=${transcript} video=${video} />`
          : html`<p class="muted">No transcript.</p>`
      }
    </div>
  </div>`;
}
