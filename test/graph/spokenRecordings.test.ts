import { ResponseType } from '@microsoft/microsoft-graph-client';
import { createFile, MP4BoxBuffer, type Movie } from 'mp4box';
import { MPEGDecoder } from 'mpg123-decoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDING_KIND_ENV, resolveConfig } from '../../src/config.js';
import { loadSynthesizer } from '../../src/simulation/content/speech/synthesizer.js';
import { graphClient } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { newMeeting, sha256, simulate, type Simulation } from './support/artifacts.js';
import { control, mintToken } from './support/http.js';

/**
 * Spoken recordings, end to end: a simulated meeting's recording fetched through the official Graph
 * client, its MP4 parsed with mp4box, its MP3 audio decoded with mpg123 (WebAssembly), and the
 * speech compared with the transcript's metadataContent cues (issue 17, section 1).
 */

interface Cue {
  startMs: number;
  endMs: number;
  speakerName: string;
  spokenText: string;
  spokenLanguage: string;
}

const parseTime = (t: string): number => {
  const [h, m, s] = t.split(':') as [string, string, string];
  return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000);
};

function metadataCues(vtt: string): Cue[] {
  return vtt
    .split('\n\n')
    .slice(1)
    .filter((b) => b.includes('-->'))
    .map((block) => {
      const [timing, payload] = block.trim().split('\n') as [string, string];
      const [from, to] = timing.split(' --> ') as [string, string];
      const json = JSON.parse(payload) as Omit<Cue, 'startMs' | 'endMs'>;
      return { startMs: parseTime(from), endMs: parseTime(to), speakerName: json.speakerName, spokenText: json.spokenText, spokenLanguage: json.spokenLanguage };
    });
}

interface ParsedMp4 {
  info: Movie;
  /** Each track's samples, in decode order. */
  samples: Map<number, { data: Uint8Array; dts: number; duration: number; timescale: number }[]>;
}

function parseMp4(bytes: Buffer): ParsedMp4 {
  const file = createFile();
  let info: Movie | undefined;
  let error: string | undefined;
  const samples: ParsedMp4['samples'] = new Map();
  file.onError = (_module: string, message: string) => void (error = message);
  file.onReady = (movie: Movie) => {
    info = movie;
    for (const track of movie.tracks) {
      samples.set(track.id, []);
      file.setExtractionOptions(track.id, undefined, { nbSamples: 100_000 });
    }
    file.start();
  };
  file.onSamples = (id, _user, got) => {
    for (const s of got) samples.get(id)!.push({ data: s.data!, dts: s.dts, duration: s.duration, timescale: s.timescale });
  };
  const ab = new ArrayBuffer(bytes.length);
  new Uint8Array(ab).set(bytes);
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(ab, 0), true);
  file.flush();
  expect(error).toBeUndefined();
  expect(info).toBeDefined();
  return { info: info!, samples };
}

/** The MP3 track decoded to mono samples. */
async function decodeAudio(frames: Uint8Array[]): Promise<{ pcm: Float32Array; sampleRate: number }> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    const decoded = decoder.decodeFrames(frames);
    expect(decoded.errors).toEqual([]);
    return { pcm: decoded.channelData[0]!, sampleRate: decoded.sampleRate };
  } finally {
    decoder.free();
  }
}

/** 10 ms windows whose RMS says someone is speaking (eSpeak's speech is far above this; silence is digital zero). */
function activeWindows(pcm: Float32Array, sampleRate: number): boolean[] {
  const size = Math.round(sampleRate / 100);
  const out: boolean[] = [];
  for (let at = 0; at + size <= pcm.length; at += size) {
    let sum = 0;
    for (let i = at; i < at + size; i++) sum += pcm[i]! * pcm[i]!;
    out.push(Math.sqrt(sum / size) > 0.01);
  }
  return out;
}

const TOLERANCE_MS = 100;

// Each spoken recording costs about a second of CPU; on a loaded machine a test making several needs more than the default 30 s.
describe('spoken recordings (issue 17: the recording speaks its transcript)', { timeout: 180_000 }, () => {
  let emu: TestEmulator;
  let adele: string;
  let alex: string;
  let megan: string;
  let hasSynthesizer: boolean;

  beforeAll(async () => {
    emu = await startTestEmulator();
    const byName = (n: string): string => emu.demo.users.find((u) => u.userPrincipalName.startsWith(n))!.id;
    [adele, alex, megan] = [byName('adele'), byName('alex'), byName('megan')];
    hasSynthesizer = (await loadSynthesizer()) !== undefined;
  });
  afterAll(async () => emu.stop());

  const recordingBytes = async (sim: Simulation): Promise<Buffer> => {
    const client = graphClient(emu);
    const body = (await client.api(`/users/${adele}/onlineMeetings/${sim.meetingId}/recordings/${sim.recordingId}/content`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
    return Buffer.from(body);
  };
  const metadata = async (sim: Simulation): Promise<Cue[]> => {
    const client = graphClient(emu);
    const text = (await client.api(`/users/${adele}/onlineMeetings/${sim.meetingId}/transcripts/${sim.transcriptId}/metadataContent`).responseType(ResponseType.TEXT).get()) as string;
    return metadataCues(text);
  };
  const meeting = async (subject: string): Promise<string> => (await newMeeting(emu, { organizerId: adele, subject, attendeeIds: [alex, megan] })).id;

  it('runs with the optional synthesizer installed (the dev install has it; without it see the fallback test)', () => {
    expect(hasSynthesizer).toBe(true);
  });

  it('speaks each cue in its window and is silent between cues, per speaker, within 100 ms; MP4 valid; duration = last cue end ± 0.5 s', async () => {
    const sim = await simulate(emu, await meeting('Spoken stand-up'), { recordingKind: 'spoken' });
    expect(sim.recordingKind).toBe('spoken');
    const cues = await metadata(sim);
    expect(cues.length).toBe(10);
    expect(new Set(cues.map((c) => c.speakerName)).size).toBe(3);
    expect(cues.every((c) => c.spokenLanguage === 'en-us')).toBe(true);

    const bytes = await recordingBytes(sim);
    // Fast start: ftyp, then the moov (sample tables), then the media, so a player starts from the first bytes.
    const ftypSize = bytes.readUInt32BE(0);
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp');
    expect(bytes.toString('latin1', ftypSize + 4, ftypSize + 8)).toBe('moov');
    const { info, samples } = parseMp4(bytes);
    expect(info.videoTracks.length).toBe(1);
    expect(info.audioTracks.length).toBe(1);
    expect(info.videoTracks[0]!.codec).toMatch(/^avc1\./);
    expect(info.audioTracks[0]!.codec).toMatch(/^mp4a\.6b/i);
    const lastEnd = cues[cues.length - 1]!.endMs;
    expect(Math.abs((info.duration / info.timescale) * 1000 - lastEnd)).toBeLessThanOrEqual(500);
    // One picture per cue (each names its speaker).
    expect(samples.get(info.videoTracks[0]!.id)!.length).toBe(cues.length);

    const { pcm, sampleRate } = await decodeAudio(samples.get(info.audioTracks[0]!.id)!.map((s) => s.data));
    const active = activeWindows(pcm, sampleRate);
    const inCue = (ms: number): Cue | undefined => cues.find((c) => ms >= c.startMs - TOLERANCE_MS && ms <= c.endMs + TOLERANCE_MS);
    // Speech only inside cue windows: every active 10 ms window belongs to a cue.
    const stray = active.flatMap((a, i) => (a && inCue(i * 10 + 5) === undefined ? [i * 10] : []));
    expect(stray).toEqual([]);
    // Each cue is spoken from its start to its end: speech begins and ends within 100 ms of them.
    for (const cue of cues) {
      const windows = active.map((a, i) => ({ a, ms: i * 10 })).filter((w) => w.a && w.ms >= cue.startMs - TOLERANCE_MS && w.ms <= cue.endMs + TOLERANCE_MS);
      expect(windows.length, `${cue.speakerName}: ${cue.spokenText}`).toBeGreaterThan(0);
      expect(Math.abs(windows[0]!.ms - cue.startMs), `start of "${cue.spokenText}"`).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(Math.abs(windows[windows.length - 1]!.ms + 10 - cue.endMs), `end of "${cue.spokenText}"`).toBeLessThanOrEqual(TOLERANCE_MS);
    }
    // Per speaker: the speech in each speaker's cues adds up to most of their cue time (no speaker left silent).
    for (const name of new Set(cues.map((c) => c.speakerName))) {
      const mine = cues.filter((c) => c.speakerName === name);
      const spoken = mine.reduce((n, c) => n + active.slice(Math.floor(c.startMs / 10), Math.ceil(c.endMs / 10)).filter(Boolean).length, 0);
      const total = mine.reduce((n, c) => n + (c.endMs - c.startMs) / 10, 0);
      expect(spoken / total, name).toBeGreaterThan(0.5);
    }
  });

  it('the same meeting seed gives the same bytes; another seed other pauses', async () => {
    const id = await meeting('Deterministic');
    const script = [
      { speaker: alex, text: 'Shall we start?' },
      { speaker: adele, text: 'Yes, the numbers first.' },
      { speaker: megan, text: 'They look good this week.' },
    ];
    const a = await simulate(emu, id, { script, seed: 7 });
    const b = await simulate(emu, id, { script, seed: 7 });
    const c = await simulate(emu, id, { script, seed: 8 });
    const [ba, bb, bc] = await Promise.all([recordingBytes(a), recordingBytes(b), recordingBytes(c)]);
    expect(sha256(ba)).toBe(sha256(bb));
    expect(sha256(ba)).not.toBe(sha256(bc));
    const [ca, cc] = await Promise.all([metadata(a), metadata(c)]);
    expect(ca.map((x) => x.spokenText)).toEqual(cc.map((x) => x.spokenText));
    expect(ca.map((x) => x.startMs)).not.toEqual(cc.map((x) => x.startMs));
  });

  it('speaks a script in the chosen language; the transcript says that language and follows the speech', async () => {
    const id = await meeting('Réunion');
    const script = [
      { speaker: megan, text: 'Bonjour à tous, on commence ?' },
      { speaker: adele, text: 'Oui, parlons du budget du trimestre.' },
      { speaker: megan, text: 'Très bien.' },
    ];
    const sim = await simulate(emu, id, { language: 'fr-fr', script });
    expect(sim.recordingKind).toBe('spoken');
    const cues = await metadata(sim);
    expect(cues.map((c) => c.spokenText)).toEqual(script.map((s) => s.text));
    expect(cues.map((c) => c.spokenLanguage)).toEqual(['fr-fr', 'fr-fr', 'fr-fr']);
    const names = new Map(emu.demo.users.map((u) => [u.id, u.displayName]));
    expect(cues.map((c) => c.speakerName)).toEqual(script.map((s) => names.get(s.speaker)));
    // Timings follow the speech: the short line is shorter than the long ones.
    const lengths = cues.map((c) => c.endMs - c.startMs);
    expect(lengths[2]!).toBeLessThan(lengths[1]!);
    const { info } = parseMp4(await recordingBytes(sim));
    expect(Math.abs((info.duration / info.timescale) * 1000 - cues[2]!.endMs)).toBeLessThanOrEqual(500);
  });

  it('serves the spoken recording in ranges, with its length known', async () => {
    const sim = await simulate(emu, await meeting('Ranges'), { recordingKind: 'spoken' });
    const whole = await recordingBytes(sim);
    const token = await mintToken(emu);
    const res = await fetch(`${emu.url}/v1.0/users/${adele}/onlineMeetings/${sim.meetingId}/recordings/${sim.recordingId}/content`, {
      headers: { authorization: `Bearer ${token}`, range: 'bytes=100-1099' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-1099/${whole.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(whole.subarray(100, 1100))).toBe(true);
  });

  it("keeps the sample under the suite's GRAPH_EMULATOR_RECORDING_KIND=sample and says so; a transcript-only spoken meeting still has speech-timed cues", async () => {
    expect(process.env[RECORDING_KIND_ENV]).toBe('sample');
    const id = await meeting('Default');
    const sample = await simulate(emu, id);
    expect(sample.recordingKind).toBe('sample');
    const none = await simulate(emu, id, { recording: false, recordingKind: 'spoken' });
    expect(none.recordingKind).toBeNull();
    const cues = await metadata(none);
    expect(cues.length).toBe(10);
    // eSpeak's timing, not the sample's five-second grid.
    expect(cues[1]!.startMs % 5000).not.toBe(0);
  });

  it('is spoken by default: without the option or the environment variable, and when the option says so', () => {
    const saved = process.env[RECORDING_KIND_ENV];
    try {
      delete process.env[RECORDING_KIND_ENV];
      expect(resolveConfig({}, { port: 0, inMemory: true }).recordingKind).toBe('spoken');
      process.env[RECORDING_KIND_ENV] = 'sample';
      expect(resolveConfig({}, { port: 0, inMemory: true }).recordingKind).toBe('sample');
      expect(resolveConfig({ recordingKind: 'spoken' }, { port: 0, inMemory: true }).recordingKind).toBe('spoken');
      process.env[RECORDING_KIND_ENV] = 'loud';
      expect(() => resolveConfig({}, { port: 0, inMemory: true })).toThrow(/GRAPH_EMULATOR_RECORDING_KIND must be 'spoken' or 'sample'/);
      // @ts-expect-error: a JavaScript caller's bad value
      expect(() => resolveConfig({ recordingKind: 'loud' }, { port: 0, inMemory: true })).toThrow(/recordingKind must be/);
    } finally {
      if (saved === undefined) delete process.env[RECORDING_KIND_ENV];
      else process.env[RECORDING_KIND_ENV] = saved;
    }
  });

  it("with the emulator default spoken: a plain simulate speaks, a size or recordingKind sample opts out, and the control API lists each recording's kind", async () => {
    const spokenEmu = await startTestEmulator({ recordingKind: 'spoken' });
    try {
      const organizer = spokenEmu.demo.users.find((u) => u.userPrincipalName.startsWith('adele'))!.id;
      const attendee = spokenEmu.demo.users.find((u) => u.userPrincipalName.startsWith('alex'))!.id;
      const id = (await newMeeting(spokenEmu, { organizerId: organizer, subject: 'Spoken by default', attendeeIds: [attendee] })).id;
      const plain = await simulate(spokenEmu, id);
      expect(plain.recordingKind).toBe('spoken');
      const optedOut = await simulate(spokenEmu, id, { recordingKind: 'sample' });
      expect(optedOut.recordingKind).toBe('sample');
      const sized = await simulate(spokenEmu, id, { recordingSizeBytes: 50_000 });
      expect(sized.recordingKind).toBe('sample');
      const listed = await control<{ recordings: { id: string; recordingKind: string | null }[]; transcripts: { recordingKind: string | null }[] }>(
        spokenEmu,
        'GET',
        `/meetings/${encodeURIComponent(id)}/artifacts`,
      );
      const kindOf = (recordingId: string | null): string | null | undefined => listed.recordings.find((r) => r.id === recordingId)?.recordingKind;
      expect([kindOf(plain.recordingId), kindOf(optedOut.recordingId), kindOf(sized.recordingId)]).toEqual(['spoken', 'sample', 'sample']);
      expect(listed.transcripts.map((t) => t.recordingKind)).toEqual([null, null, null]);
      // The spoken one is the speech: an MP3 audio track, not the sample's AAC.
      const client = graphClient(spokenEmu);
      const body = (await client.api(`/users/${organizer}/onlineMeetings/${id}/recordings/${plain.recordingId}/content`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
      const { info } = parseMp4(Buffer.from(body));
      expect(info.audioTracks[0]?.codec).toMatch(/^mp4a\.6b/i);
    } finally {
      await spokenEmu.stop();
    }
  });

  it('speaks an ad hoc call too', async () => {
    const sim = await control<Simulation>(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, {
      organizerId: adele,
      participantIds: [alex],
      script: [
        { speaker: alex, text: 'Got a minute?' },
        { speaker: adele, text: 'Sure, go ahead.' },
      ],
    });
    expect(sim.recordingKind).toBe('spoken');
    const body = (await graphClient(emu).api(`/users/${adele}/adhocCalls/${sim.adhocCallId}/recordings/${sim.recordingId}/content`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
    const { info } = parseMp4(Buffer.from(body));
    expect(info.audioTracks.length).toBe(1);
    expect(info.videoTracks.length).toBe(1);
  });

  it('refuses bad scripts and options with the control API’s errors', async () => {
    const id = await meeting('Bad');
    const outsider = emu.demo.users.find((u) => ![adele, alex, megan].includes(u.id))!.id;
    const bad = async (body: Record<string, unknown>): Promise<string> => {
      const res = await control<{ error: { code: string; message: string } }>(emu, 'POST', `/meetings/${id}/simulate`, body, 400);
      return res.error.message;
    };
    expect(await bad({ script: [{ speaker: outsider, text: 'Hello' }] })).toMatch(/not a participant/);
    expect(await bad({ script: [] })).toBeTruthy();
    expect(await bad({ script: [{ speaker: adele, text: '' }] })).toBeTruthy();
    expect(await bad({ script: [{ speaker: adele }] })).toBeTruthy();
    expect(await bad({ language: 'xx-yy' })).toBeTruthy();
    expect(await bad({ recordingKind: 'loud' })).toBeTruthy();
    expect(await bad({ recordingKind: 'spoken', recordingSizeBytes: 100_000 })).toMatch(/recordingSizeBytes/);
  });
});
