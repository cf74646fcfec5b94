import { Worker } from 'node:worker_threads';
import { abortError } from './abort.js';
import { type MespeakFiles, mespeakFiles } from './mespeak-files.js';
import { MESPEAK_WORKER_SOURCE } from './mespeak-worker-source.js';
import { onceWarner, pickVoice } from './pick-voice.js';
import { assertTextLength } from './text-limits.js';
import { type TtsEngine, type TtsLogger, type TtsOptions, ttsRate } from './tts-engine.js';
import { wavToPcm8k } from './wav-to-pcm8k.js';

/** The mespeak engine; `close()` stops its worker thread. */
export interface MespeakEngine extends TtsEngine {
  readonly name: 'mespeak';
  /** Voice names mespeak bundles (`en`, `en-us`, `de`, `fr`, ...). No Bulgarian: `bg` falls back to `en`. */
  voices(): string[];
  /** Starts the worker and loads the English voice now, so the first `say` does not pay ~0.3 s for it. */
  warmUp(): Promise<void>;
  /** Terminates the worker; a later `synthesize` starts a new one. Pending syntheses reject. */
  close(): Promise<void>;
}

/** Options for {@link mespeakEngine}. */
export interface MespeakEngineOptions {
  /** Told once per language that mespeak lacks (e.g. `bg`); defaults to `console`. */
  logger?: TtsLogger;
}

interface Pending {
  resolve(wav: ArrayBuffer): void;
  reject(err: unknown): void;
}

type WorkerReply = { id: number; ok: true; wav: ArrayBuffer } | { id: number; ok: false; message: string };

/**
 * Text to speech with mespeak: eSpeak compiled to JavaScript with its voices in the npm package, so it
 * works on a fresh machine with no system package. Synthesis runs in one lazily started worker thread
 * (see mespeak-worker-source.ts for the measurements); its 22,050 Hz WAV is resampled to 8 kHz here
 * (~4 ms per 5 s of audio). End to end, measured: `warmUp()` ~160 ms (worker start, engine and English
 * voice load), then a 4.7 s sentence ~90 ms the first time and ~45 ms after; the main thread is only
 * busy for the resampling. Languages are those mespeak bundles; anything else, notably Bulgarian,
 * is spoken with the English voice and logged once.
 */
export function mespeakEngine(options: MespeakEngineOptions = {}): MespeakEngine {
  const logger = options.logger ?? console;
  const warnOnce = onceWarner(logger);
  let files: MespeakFiles | undefined;
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const getFiles = () => {
    files ??= mespeakFiles();
    return files;
  };

  const failAll = (err: unknown) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const startWorker = (): Worker => {
    if (worker) return worker;
    const { entry, config } = getFiles();
    // Capture the worker's output: mespeak warns "Not in browser" on every start, which is noise;
    // anything else it says goes to the logger.
    const w = new Worker(MESPEAK_WORKER_SOURCE, { eval: true, workerData: { entry, config }, stdout: true, stderr: true });
    w.stdout.resume();
    w.stderr.setEncoding('utf8');
    w.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line.trim() && !line.includes('Not in browser')) logger.warn(`mespeak: ${line.trim()}`);
      }
    });
    w.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.id);
      if (!p) return; // aborted meanwhile
      pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.wav);
      else p.reject(new Error(`mespeak failed: ${reply.message}`));
      // An idle worker must not keep the process alive.
      if (pending.size === 0) w.unref();
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`mespeak worker exited (code ${code})`));
    });
    w.unref();
    worker = w;
    return w;
  };

  const speak = (text: string, voicePath: string, speed: number, signal: AbortSignal | undefined): Promise<ArrayBuffer> => {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const w = startWorker();
    const id = nextId++;
    return new Promise<ArrayBuffer>((resolve, reject) => {
      // eSpeak cannot be interrupted mid-sentence; aborting drops the result and frees the caller.
      const onAbort = () => {
        pending.delete(id);
        if (pending.size === 0) w.unref();
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.set(id, {
        resolve: (wav) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(wav);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      });
      w.ref();
      w.postMessage({ id, text, voicePath, speed });
    });
  };

  const voicePathFor = (opts: TtsOptions): string => {
    const { voices } = getFiles();
    const choice = pickVoice(new Set(voices.keys()), opts);
    if (choice.fallback) {
      warnOnce(
        choice.requested ?? '',
        `mespeak has no voice for "${choice.requested}"; speaking it with "${choice.voice}" (install espeak-ng for more languages, Bulgarian included)`,
      );
    }
    // mespeak has no "+variant" voices; the base name is the file.
    return voices.get(choice.voice.split('+')[0]!)!;
  };

  return {
    name: 'mespeak',
    voices: () => [...getFiles().voices.keys()].sort(),
    async synthesize(text: string, opts: TtsOptions = {}): Promise<Int16Array> {
      assertTextLength(text);
      if (opts.signal?.aborted) throw abortError(opts.signal);
      if (text.trim() === '') return new Int16Array(0);
      const wav = await speak(text, voicePathFor(opts), ttsRate(opts.rate), opts.signal);
      return wavToPcm8k(new Uint8Array(wav));
    },
    async warmUp(): Promise<void> {
      await speak('.', voicePathFor({}), ttsRate(undefined), undefined);
    },
    async close(): Promise<void> {
      const w = worker;
      worker = undefined;
      if (!w) return;
      failAll(new Error('mespeak engine closed'));
      await w.terminate();
    },
  };
}
