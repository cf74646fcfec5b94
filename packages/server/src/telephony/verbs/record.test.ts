import { describe, expect, it } from 'vitest';
import type { MediaSession } from '../backend.js';
import type { VerbHost, SavedRecording } from './verb-host.js';
import { DigitQueue } from './digit-queue.js';
import { WavCache } from './wav-cache.js';
import { runVerbs, VerbInterrupts } from './interpreter.js';
import { BEEP } from './record.js';
import type { Verb } from './verb-types.js';

/** A media session that plays instantly (or until aborted, for long audio) and records a fixed second. */
function fakeHost(signal: AbortSignal) {
  const played: number[] = [];
  const saved: Int16Array[] = [];
  let recordings = 0;
  const media = {
    local: { address: '127.0.0.1', port: 20000 },
    async play(samples: Int16Array, opts?: { signal?: AbortSignal }) {
      played.push(samples.length);
      // Long audio plays until aborted, like a real stream would for a while.
      if (samples.length > 8000) await new Promise<void>((r) => opts?.signal?.addEventListener('abort', () => r(), { once: true }));
    },
    startRecording() {
      recordings++;
      return { stop: () => new Int16Array(8000).fill(1000) };
    },
  } as unknown as MediaSession;
  const host: VerbHost = {
    media,
    digits: new DigitQueue(),
    wavs: new WavCache(),
    speak: async (text) => new Int16Array(text === 'long' ? 80_000 : 800),
    context: () => ({ call_id: 'call_1', account_id: 'acct_1', from: '+1', to: '+2', direction: 'inbound', status: 'in_progress' }),
    secret: undefined,
    signal,
    gatherCompleted: async () => {},
    async saveRecording(pcm): Promise<SavedRecording> {
      saved.push(pcm);
      return { id: `rec_${saved.length}`, media_url: `http://x/v1/recordings/rec_${saved.length}/media`, duration_seconds: 1 };
    },
    log: { info: () => {}, warn: () => {} },
  };
  return { host, played, saved, recordings: () => recordings };
}

describe('record verb', () => {
  it('beeps, records until the finish key and stores the audio; keys pressed before the beep do not end it', async () => {
    const { host, played, saved } = fakeHost(new AbortController().signal);
    host.digits.push('#'); // type-ahead
    setTimeout(() => host.digits.push('#'), 50);
    const started = Date.now();
    await runVerbs([{ verb: 'record', max_seconds: 5 }], host);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(played).toEqual([BEEP.length]);
    expect(saved).toHaveLength(1);
  });

  it('stops at max_seconds without a beep when play_beep is false', async () => {
    const { host, played, saved } = fakeHost(new AbortController().signal);
    const started = Date.now();
    await runVerbs([{ verb: 'record', max_seconds: 1, play_beep: false, finish_on_key: '' }], host);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(played).toEqual([]);
    expect(saved).toHaveLength(1);
  });

  it('still stores the recording when the call ends meanwhile, and rethrows the abort', async () => {
    const call = new AbortController();
    const { host, saved } = fakeHost(call.signal);
    setTimeout(() => call.abort(new Error('hung up')), 50);
    await expect(runVerbs([{ verb: 'record', max_seconds: 10 }], host)).rejects.toThrow('hung up');
    expect(saved).toHaveLength(1);
  });
});

describe('VerbInterrupts (live control)', () => {
  it('interrupts the current verb and runs the replacement instead of the rest of the list', async () => {
    const { host, played } = fakeHost(new AbortController().signal);
    const interrupts = new VerbInterrupts();
    const verbs: Verb[] = [
      { verb: 'pause', seconds: 30 },
      { verb: 'say', text: 'never' },
    ];
    setTimeout(() => interrupts.replace([{ verb: 'say', text: 'now' }]), 50);
    const started = Date.now();
    await runVerbs(verbs, host, interrupts);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(played).toEqual([800]);
  });

  it('interrupts audio that is playing, and a replacement during a record stores the recording first', async () => {
    const { host, played, saved } = fakeHost(new AbortController().signal);
    const interrupts = new VerbInterrupts();
    setTimeout(() => interrupts.replace([{ verb: 'record', max_seconds: 30, play_beep: false }]), 50);
    setTimeout(() => interrupts.replace([{ verb: 'say', text: 'short' }]), 150);
    await runVerbs([{ verb: 'say', text: 'long' }], host, interrupts);
    expect(played).toEqual([80_000, 800]);
    expect(saved).toHaveLength(1);
  });
});
