import { spawn } from 'node:child_process';
import { abortError } from './abort.js';
import { onceWarner, pickVoice } from './pick-voice.js';
import { assertTextLength } from './text-limits.js';
import { type TtsEngine, type TtsLogger, type TtsOptions, ttsRate } from './tts-engine.js';
import { wavToPcm8k } from './wav-to-pcm8k.js';

/** Options for {@link espeakNgEngine}. */
export interface EspeakNgEngineOptions {
  /** The executable; default `espeak-ng` from PATH (see `findOnPath` to check first). */
  command?: string;
  /** Told once per language espeak-ng lacks; defaults to `console`. */
  logger?: TtsLogger;
}

/** The espeak-ng engine. */
export interface EspeakNgEngine extends TtsEngine {
  readonly name: 'espeak-ng';
  /** The languages espeak-ng reports (`espeak-ng --voices`), e.g. `bg`, `en-gb`, `en-us`. */
  voices(): Promise<string[]>;
  /** The same voices with espeak-ng's own name for each (`Bulgarian`), for `GET /v1/tts/voices`. */
  voiceTable(): Promise<EspeakNgVoice[]>;
}

/** One row of `espeak-ng --voices`. */
export interface EspeakNgVoice {
  /** The Language column, which `-v` takes: `bg`, `en-gb-x-rp`. */
  name: string;
  /** The VoiceName column: `Bulgarian`, `English_(Great_Britain)`. */
  description: string;
}

/** The most stderr kept for an error message: enough for espeak-ng's one-line complaints. */
const MAX_STDERR = 2048;

/** espeak-ng's `-v` takes names like `en-gb`, `zls/bg` or `en+f3`; refusing anything else keeps text out of argv. */
const VOICE_NAME = /^[a-z0-9][a-z0-9_+/-]*$/i;

/**
 * Text to speech with the system's espeak-ng (Debian `espeak-ng`): the native build is faster than
 * mespeak, runs in its own process (so never blocks ours) and has far more languages, Bulgarian
 * among them. Each synthesis spawns `espeak-ng --stdout -b 1 -v <voice> -s <rate>` and feeds the text
 * on stdin, not argv, so text starting with `-` cannot be read as an option and long text meets no
 * argv limit. The 22,050 Hz WAV it prints is resampled to 8 kHz.
 */
export function espeakNgEngine(options: EspeakNgEngineOptions = {}): EspeakNgEngine {
  const command = options.command ?? 'espeak-ng';
  const warnOnce = onceWarner(options.logger ?? console);
  let voiceRows: Promise<EspeakNgVoice[]> | undefined;

  const listRows = (): Promise<EspeakNgVoice[]> => {
    voiceRows ??= run(command, ['--voices'], '', undefined).then(
      (out) => parseVoiceTable(out.toString('utf8')),
      (err: unknown) => {
        voiceRows = undefined; // try again next time
        throw err;
      },
    );
    return voiceRows;
  };
  const listVoices = async (): Promise<Set<string>> => new Set((await listRows()).map((row) => row.name));

  const voiceFor = async (opts: TtsOptions): Promise<string> => {
    const choice = pickVoice(await listVoices(), opts);
    // An explicit voice file (`zls/bg`, `gmw/en-US`) is not in the Language column but espeak-ng takes
    // it; any other unknown name would make espeak-ng fail, so it falls back like an unknown language.
    if (choice.fallback && opts.voice?.includes('/') && VOICE_NAME.test(opts.voice)) return opts.voice;
    if (choice.fallback) warnOnce(choice.requested ?? '', `espeak-ng has no voice for "${choice.requested}"; speaking it with "${choice.voice}"`);
    if (!VOICE_NAME.test(choice.voice)) throw new Error(`Not a voice name: ${JSON.stringify(choice.voice)}`);
    return choice.voice;
  };

  return {
    name: 'espeak-ng',
    voices: async () => [...(await listVoices())].sort(),
    voiceTable: listRows,
    async synthesize(text: string, opts: TtsOptions = {}): Promise<Int16Array> {
      assertTextLength(text);
      if (opts.signal?.aborted) throw abortError(opts.signal);
      if (text.trim() === '') return new Int16Array(0);
      const voice = await voiceFor(opts);
      const wav = await run(command, ['--stdout', '-b', '1', '-v', voice, '-s', String(ttsRate(opts.rate))], text, opts.signal);
      return wavToPcm8k(wav);
    },
  };
}

/** Reads the Language column of `espeak-ng --voices` (`Pty Language Age/Gender VoiceName File ...`). */
export function parseVoiceList(output: string): Set<string> {
  return new Set(parseVoiceTable(output).map((row) => row.name));
}

/** Reads the Language and VoiceName columns of `espeak-ng --voices`, one entry per language. */
export function parseVoiceTable(output: string): EspeakNgVoice[] {
  const rows = new Map<string, EspeakNgVoice>();
  for (const line of output.split('\n').slice(1)) {
    const [, language, , voiceName] = line.trim().split(/\s+/);
    if (language && !rows.has(language.toLowerCase())) rows.set(language.toLowerCase(), { name: language.toLowerCase(), description: voiceName ?? language });
  }
  return [...rows.values()];
}

/** Runs espeak-ng with `input` on stdin; resolves with stdout, rejects on a non-zero exit or abort. */
function run(command: string, args: string[], input: string, signal: AbortSignal | undefined): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    // Aborting kills the process: a hung-up call should not keep a synthesis running.
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(() => reject(abortError(signal!)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < MAX_STDERR) err += chunk.toString('utf8');
    });
    child.on('error', (e) => finish(() => reject(e)));
    child.on('close', (code, sig) => {
      if (code === 0) finish(() => resolve(Buffer.concat(out)));
      else finish(() => reject(new Error(`${command} ${args.join(' ')} failed (${sig ?? `exit ${code}`}): ${err.trim().slice(0, MAX_STDERR)}`)));
    });
    // EPIPE if it dies before reading; the close handler reports that.
    child.stdin.on('error', () => {});
    child.stdin.end(input, 'utf8');
  });
}
