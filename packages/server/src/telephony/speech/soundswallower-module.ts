/**
 * Loads soundswallower (PocketSphinx compiled to WebAssembly) once per process. Its own type file
 * needs @types/emscripten, so the little of its API we use is typed here instead.
 */
import { fileURLToPath } from 'node:url';

/** One word or phone of a soundswallower alignment. */
export interface SsSegment {
  /** The word (`(NULL)`, `<sil>` and `[NOISE]`-like fillers included). */
  t: string;
  /** Start and duration in seconds. */
  b: number;
  d: number;
  /** Posterior probability, 0..1. */
  p: number;
  w?: SsSegment[];
}

/** The decoder methods we call (soundswallower 0.6). */
export interface SsDecoder {
  initialize(): Promise<void>;
  start(): void;
  stop(): void;
  /** Float samples in [-1, 1]. */
  process_audio(pcm: Float32Array, noSearch?: boolean, fullUtt?: boolean): number;
  get_text(): string;
  get_alignment(options?: { start?: number; align_level?: number }): SsSegment;
  lookup_word(word: string): string | null;
  set_grammar(jsgf: string, toprule?: string | null): void;
  delete(): void;
}

export interface SsModule {
  Decoder: new (config?: Record<string, string | number | boolean>) => SsDecoder;
}

type CreateModule = (overrides?: Record<string, unknown>) => Promise<SsModule>;

let loading: Promise<SsModule> | undefined;

/**
 * The soundswallower module, loaded on first use (about 0.3 s and 10 MB: a server that never runs a
 * speech menu pays nothing). The model directory is the package's own, found from its entry point
 * rather than the working directory, which is soundswallower's default.
 */
export function soundswallowerModule(): Promise<SsModule> {
  loading ??= (async () => {
    const entry = import.meta.resolve('soundswallower');
    const modelBase = fileURLToPath(new URL('./model/', entry));
    const { default: createModule } = (await import('soundswallower')) as unknown as { default: CreateModule };
    // Emscripten's Node glue adds a process 'uncaughtException' listener that rethrows, which would
    // take the process down before the server's own handler (or a test runner's) could act. It
    // guards nothing we use (no exit() from C), so it is removed again.
    const before = new Set(process.listeners('uncaughtException'));
    try {
      return await createModule({ modelBase, defaultModel: 'en-us' });
    } finally {
      for (const listener of process.listeners('uncaughtException')) if (!before.has(listener)) process.off('uncaughtException', listener);
    }
  })().catch((err: unknown) => {
    loading = undefined; // let a later call try again
    throw err;
  });
  return loading;
}
