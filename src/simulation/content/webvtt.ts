import { DIALOGUE } from './speech/dialogue.js';

/**
 * Transcript content in WebVTT, as Teams writes it: `<v Speaker>` voice spans for content
 * (calltranscript-get.md ex.2) and, for metadataContent, one JSON object per cue with
 * startDateTime, endDateTime, speakerName, spokenText and spokenLanguage (ex.4). Cue timings use
 * WebVTT's `hh:mm:ss.ttt` so standard parsers read them.
 */
export interface TranscriptCue {
  speakerName: string;
  text: string;
  /** Offset from the start of the transcript, in milliseconds. */
  startMs: number;
  endMs: number;
}

const LINES = DIALOGUE['en-us'];

/**
 * A short scripted conversation among the speakers, about five seconds a line: the built-in lines
 * in turn, or `texts` (then speaker i says texts[i]).
 */
export function scriptedCues(speakers: readonly string[], texts: readonly string[] = LINES): TranscriptCue[] {
  const names = speakers.length > 0 ? speakers : ['Unknown speaker'];
  const cues: TranscriptCue[] = [];
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    // A long line pushes the next one back rather than overlapping it.
    const previous = cues[i - 1];
    const startMs = previous === undefined ? 0 : Math.max(i * 5_000, previous.endMs + 500);
    cues.push({ speakerName: names[i % names.length]!, text, startMs, endMs: startMs + 1_000 + text.length * 60 });
  }
  return cues;
}

function timestamp(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** `<` `>` `&` would open a tag or an escape inside a cue. */
const escapeCue = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function transcriptVtt(cues: readonly TranscriptCue[]): string {
  const blocks = cues.map((c) => `${timestamp(c.startMs)} --> ${timestamp(c.endMs)}\n<v ${escapeCue(c.speakerName)}>${escapeCue(c.text)}</v>`);
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}

/**
 * A DateTimeOffset as Teams writes it in metadataContent: seven fractional digits and `+00:00`
 * (`2023-03-08T08:22:30.0461639+00:00`, https://learn.microsoft.com/graph/api/calltranscript-get ex.4).
 */
export function teamsDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000+00:00`;
}

/** metadataContent: the same cues, each payload one compact JSON object (on one line) with absolute times. */
export function metadataVtt(cues: readonly TranscriptCue[], startedAtMs: number, language = 'en-us'): string {
  const blocks = cues.map((c) => {
    const payload = {
      startDateTime: teamsDateTime(startedAtMs + c.startMs),
      endDateTime: teamsDateTime(startedAtMs + c.endMs),
      speakerName: c.speakerName,
      spokenText: c.text,
      spokenLanguage: language,
    };
    return `${timestamp(c.startMs)} --> ${timestamp(c.endMs)}\n${JSON.stringify(payload)}`;
  });
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}
