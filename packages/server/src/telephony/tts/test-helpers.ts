/** Helpers shared by the TTS tests (not exported from the package). */
import type { TtsEngine, TtsOptions } from './tts-engine.js';

/** Root mean square of the samples: a silence detector that needs no timing. */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** A logger that keeps what it is told. */
export function memoryLogger(): { warn(message: string): void; messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (message) => messages.push(message) };
}

/** A fake engine: one sample per character, recording its calls; text containing FAIL rejects. */
export function countingEngine(): TtsEngine & { calls: Array<{ text: string; opts: TtsOptions | undefined }> } {
  const calls: Array<{ text: string; opts: TtsOptions | undefined }> = [];
  return {
    name: 'counting',
    calls,
    async synthesize(text, opts) {
      calls.push({ text, opts });
      if (text.includes('FAIL')) throw new Error('synthesis failed');
      return new Int16Array(text.length).fill(1000);
    },
  };
}
