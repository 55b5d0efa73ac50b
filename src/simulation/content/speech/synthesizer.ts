/**
 * Speech from eSpeak NG compiled to WebAssembly (the npm package @echogarden/espeak-ng-emscripten:
 * no network, no native build, no install script). It is GPL-3.0 licensed, so it is an optional
 * dependency, loaded here at run time with a dynamic import and never bundled: without it, recordings
 * keep the sample clip (artifactContent.ts).
 */

/** A voice: an eSpeak NG voice name (language, optionally `+variant`) and its pitch and rate. */
export interface Voice {
  /** e.g. `en-us+f3`. */
  readonly name: string;
  /** 0..100, eSpeak's default 50. */
  readonly pitch: number;
  /** Words per minute, eSpeak's default 175. */
  readonly rate: number;
}

export interface Synthesizer {
  readonly sampleRate: number;
  /** The text spoken in this voice: 16-bit mono samples at sampleRate. */
  speak(text: string, voice: Voice): Int16Array;
}

/** The parts of the Emscripten module used here (its own typings are absent). */
interface EspeakWorker {
  get_samplerate(): number;
  set_voice(name: string): number;
  set_pitch(pitch: number): number;
  set_rate(rate: number): number;
  synth_(text: string, callback: number): void;
}
interface EspeakModule {
  HEAP16: Int16Array;
  eSpeakNGWorker: new () => EspeakWorker;
  addFunction(fn: (audio: number, length: number, events: number) => number, signature: string): number;
}

export const SYNTHESIZER_PACKAGE = '@echogarden/espeak-ng-emscripten';

class EspeakSynthesizer implements Synthesizer {
  readonly sampleRate: number;
  private chunks: Int16Array[] = [];
  private readonly callback: number;

  constructor(
    private readonly module: EspeakModule,
    private readonly worker: EspeakWorker,
  ) {
    this.sampleRate = worker.get_samplerate();
    this.callback = module.addFunction((audio, length) => {
      // HEAP16 is re-read each time: the WebAssembly memory may have grown (a new buffer).
      if (length > 0) this.chunks.push(this.module.HEAP16.slice(audio / 2, audio / 2 + length));
      return 0;
    }, 'iiii');
  }

  speak(text: string, voice: Voice): Int16Array {
    this.worker.set_voice(voice.name);
    this.worker.set_pitch(voice.pitch);
    this.worker.set_rate(voice.rate);
    this.chunks = [];
    this.worker.synth_(text, this.callback);
    const out = new Int16Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = [];
    return out;
  }
}

/** Makes synthesizers: one per recording (see loadSynthesizer). */
export interface SynthesizerFactory {
  create(): Promise<Synthesizer>;
}

const loaded = new Map<string, Promise<SynthesizerFactory | undefined>>();

/**
 * The synthesizer's factory, or undefined when its package is not installed (or fails to start).
 * Imported once per process. Each recording gets a new instance: eSpeak's noise generator (for
 * fricatives) keeps its state from one utterance to the next, so only a fresh instance speaks the
 * same lines as the same samples (the same meeting gives the same bytes).
 */
export function loadSynthesizer(specifier: string = SYNTHESIZER_PACKAGE): Promise<SynthesizerFactory | undefined> {
  let pending = loaded.get(specifier);
  if (pending === undefined) {
    pending = (async () => {
      try {
        const imported = (await import(specifier)) as { default: () => Promise<EspeakModule> };
        const create = async (): Promise<Synthesizer> => {
          const module = await imported.default();
          return new EspeakSynthesizer(module, new module.eSpeakNGWorker());
        };
        // Started once here, so that a package that imports but cannot run counts as absent.
        await create();
        return { create };
      } catch {
        return undefined;
      }
    })();
    loaded.set(specifier, pending);
  }
  return pending;
}
