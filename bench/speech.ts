import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALOGUE, voiceFor } from '../src/simulation/content/speech/dialogue.js';
import { fastStartStream } from '../src/simulation/content/speech/fastStart.js';
import { writeSpokenMp4, type SpokenLine } from '../src/simulation/content/speech/spokenMp4.js';
import { loadSynthesizer } from '../src/simulation/content/speech/synthesizer.js';
import { MB } from './memory.js';

/**
 * Spoken recordings: how fast the generator speaks (seconds of recording made per second of CPU,
 * against real time: the goal is 20x) and how large a 30-minute recording is. The built-in
 * dialogue is spoken over and over by three voices until the meeting lasts `minutes`.
 */
export interface SpeechOptions {
  minutes: number;
}

export interface SpeechResult {
  available: boolean;
  audioSeconds: number;
  cpuSeconds: number;
  wallSeconds: number;
  bytes: number;
  cues: number;
  /** The synthesizer's start (module and voice data), not counted in cpuSeconds. */
  startCpuSeconds: number;
  peakRss: number;
}

/** The dialogue's ten lines take about 34 s; enough passes for `minutes`. */
function linesFor(minutes: number): SpokenLine[] {
  const names = ['Adele Vance', 'Alex Wilber', 'Megan Bowen'];
  const passes = Math.max(1, Math.round((minutes * 60) / 34));
  const lines: SpokenLine[] = [];
  for (let p = 0; p < passes; p++) {
    DIALOGUE['en-us'].forEach((text, i) => lines.push({ speakerName: names[i % 3]!, speakerIndex: i % 3, voice: voiceFor('en-us', i % 3), text }));
  }
  return lines;
}

const cpuSeconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;

export async function measureSpeech(options: SpeechOptions, log: (line: string) => void): Promise<SpeechResult> {
  const factory = await loadSynthesizer();
  if (factory === undefined) return { available: false, audioSeconds: 0, cpuSeconds: 0, wallSeconds: 0, bytes: 0, cues: 0, startCpuSeconds: 0, peakRss: 0 };
  const dir = await mkdtemp(join(tmpdir(), 'gce-bench-speech-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const lines = linesFor(options.minutes);
    log(`bench: speech (${lines.length} lines, about ${options.minutes} min)`);
    const startCpu = process.cpuUsage();
    const synth = await factory.create();
    const startCpuSeconds = cpuSeconds(process.cpuUsage(startCpu));
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const path = join(dir, 'recording.mp4');
    const timeline = await writeSpokenMp4(synth, lines, 'bench', path);
    // What the emulator does next: stream it, moov first, through a SHA-256 (the blob store's key).
    const hash = createHash('sha256');
    for await (const chunk of fastStartStream(path, timeline.ftypSize, timeline.moovAt, timeline.moov)) hash.update(chunk as Buffer);
    hash.digest();
    const used = cpuSeconds(process.cpuUsage(cpu));
    return {
      available: true,
      audioSeconds: timeline.durationMs / 1000,
      cpuSeconds: used,
      wallSeconds: (performance.now() - wall) / 1000,
      bytes: (await stat(path)).size,
      cues: timeline.cues.length,
      startCpuSeconds,
      peakRss,
    };
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}

export function renderSpeech(r: SpeechResult): string {
  if (!r.available) return '### Spoken recordings\n\nThe optional synthesizer (@echogarden/espeak-ng-emscripten) is not installed: nothing measured.';
  const minutes = `${Math.floor(r.audioSeconds / 60)} min ${Math.round(r.audioSeconds % 60)} s`;
  return [
    `### Spoken recordings: one of ${minutes} (${r.cues} cues, three voices), eSpeak NG + MP3 32 kbit/s + H.264 stills in MP4, streamed moov-first through SHA-256`,
    '',
    '| | value |',
    '| --- | ---: |',
    `| recording seconds per CPU second (real time = 1×; goal ≥ 20×) | ${(r.audioSeconds / r.cpuSeconds).toFixed(1)}× |`,
    `| CPU seconds / wall seconds | ${r.cpuSeconds.toFixed(1)} / ${r.wallSeconds.toFixed(1)} |`,
    `| synthesizer start (once per recording), CPU seconds | ${r.startCpuSeconds.toFixed(2)} |`,
    `| MP4 size | ${(r.bytes / MB).toFixed(1)} MB (${((r.bytes / MB / r.audioSeconds) * 60).toFixed(2)} MB per minute) |`,
    `| peak RSS of the bench process while generating | ${(r.peakRss / MB).toFixed(0)} MB |`,
  ].join('\n');
}
