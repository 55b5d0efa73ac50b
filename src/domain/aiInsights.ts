/**
 * Meeting AI insights (https://learn.microsoft.com/graph/api/resources/callaiinsight), made from a
 * transcript's WebVTT cues without a model, so that every note, action item and mention quotes a real
 * speaker and utterance of the meeting: meeting notes per speaker (their first utterance, then the
 * next ones as subpoints), action items from utterances that commit to something, and the mentions
 * of the viewing user by name.
 */
export interface Cue {
  startMs: number;
  speaker: string;
  text: string;
}

export interface Insights {
  meetingNotes: { title: string; text: string; subpoints: { title: string; text: string }[] }[];
  actionItems: { title: string; text: string; ownerDisplayName: string }[];
  mentions: { offsetMs: number; speaker: string; utterance: string }[];
}

const TIME = /(\d+):(\d\d):(\d\d)\.(\d{3})/;
const CUE = /(\d+:\d\d:\d\d\.\d{3}) --> \d+:\d\d:\d\d\.\d{3}[^\n]*\n<v ([^>]+)>([\s\S]*?)<\/v>/g;
/** Words of an utterance that takes on work. */
const COMMITMENT = /\b(i will|i'll|we will|we'll|action item|follow up|follow-up|let's|let us|send|share|schedule|prepare|by (monday|tuesday|wednesday|thursday|friday))\b/i;
const MAX_SUBPOINTS = 3;

const ms = (t: string): number => {
  const m = TIME.exec(t);
  return m === null ? 0 : ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
};

/** WebVTT escapes these three in cue text (simulation/content/webvtt.ts writes them so). */
const unescape = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function parseCues(vtt: string): Cue[] {
  const cues: Cue[] = [];
  for (const m of vtt.replace(/\r\n/g, '\n').matchAll(CUE)) cues.push({ startMs: ms(m[1]!), speaker: unescape(m[2]!.trim()), text: unescape(m[3]!.replace(/\s+/g, ' ').trim()) });
  return cues;
}

const headline = (text: string): string => {
  const words = text.split(' ');
  return words.length <= 8 ? text : `${words.slice(0, 8).join(' ')}…`;
};

/** The insights of these cues for a viewer known by these names (display name and given name). */
export function insightsFromCues(cues: readonly Cue[], viewerNames: readonly string[]): Insights {
  const bySpeaker = new Map<string, Cue[]>();
  for (const cue of cues) bySpeaker.set(cue.speaker, [...(bySpeaker.get(cue.speaker) ?? []), cue]);
  const meetingNotes = [...bySpeaker.entries()].map(([speaker, said]) => ({
    title: `${speaker}: ${headline(said[0]!.text)}`,
    text: `${speaker} said: ${said[0]!.text}`,
    subpoints: said.slice(1, 1 + MAX_SUBPOINTS).map((c) => ({ title: headline(c.text), text: c.text })),
  }));
  const actionItems = cues.filter((c) => COMMITMENT.test(c.text)).map((c) => ({ title: headline(c.text), text: c.text, ownerDisplayName: c.speaker }));
  const names = viewerNames.filter((n) => n.trim().length > 1).map((n) => n.toLowerCase());
  const mentions = cues
    .filter((c) => !names.includes(c.speaker.toLowerCase()) && names.some((n) => new RegExp(`\\b${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(c.text)))
    .map((c) => ({ offsetMs: c.startMs, speaker: c.speaker, utterance: c.text }));
  return { meetingNotes, actionItems, mentions };
}
