import { afterEach, describe, expect, it } from 'vitest';
import type { RtpSession } from '../media/rtp-session.js';
import { openPair } from '../media/test-helpers.js';
import { tone } from '../media/wav.js';
import type { VerbHost, SavedRecording } from './verb-host.js';
import { DigitQueue } from './digit-queue.js';
import { WavCache } from './wav-cache.js';
import { recordCaller } from './record.js';
import { rms, SILENCE_RMS } from './silence.js';

/**
 * `record` with `timeout_seconds`, on real RTP: one session speaks (a tone) and then goes quiet,
 * the other records it; the recording must end on the silence, long before max_seconds, without it.
 */
describe('record timeout_seconds (silence)', () => {
  let pair: [RtpSession, RtpSession] | undefined;
  afterEach(async () => {
    await Promise.all(pair?.map((s) => s.close()) ?? []);
  });

  function hostOf(media: RtpSession, saved: Int16Array[]): VerbHost {
    return {
      media,
      digits: new DigitQueue(),
      wavs: new WavCache(),
      speak: async () => new Int16Array(0),
      context: () => ({ call_id: 'call_1', account_id: 'acct_1', from: '+1', to: '+2', direction: 'inbound', status: 'in_progress' }),
      secret: undefined,
      signal: new AbortController().signal,
      gatherCompleted: async () => {},
      async saveRecording(pcm): Promise<SavedRecording> {
        saved.push(pcm);
        return { id: 'rec_1', media_url: 'http://x/v1/recordings/rec_1/media', duration_seconds: 1 };
      },
      log: { info: () => {}, warn: () => {} },
    };
  }

  it('ends after the silence and leaves the silence out', async () => {
    pair = await openPair();
    const [caller, prolope] = pair;
    const saved: Int16Array[] = [];
    const recorded = recordCaller({ verb: 'record', max_seconds: 20, timeout_seconds: 1, play_beep: false, finish_on_key: '' }, hostOf(prolope, saved));
    // The caller speaks one second, then sends silence (A-law silence, as a phone without DTX does).
    await caller.play(tone(440, 1000, 0.3));
    const quiet = caller.play(new Int16Array(8000 * 5));
    const started = Date.now();
    await recorded;
    const waited = Date.now() - started;
    expect(waited).toBeLessThan(5000);
    expect(saved).toHaveLength(1);
    const pcm = saved[0]!;
    // About the second of speech: the trailing second of silence is cut.
    expect(pcm.length).toBeGreaterThan(8000 * 0.7);
    expect(pcm.length).toBeLessThan(8000 * 1.6);
    expect(rms(pcm)).toBeGreaterThan(SILENCE_RMS * 10);
    await caller.close();
    await quiet;
  });

  it('counts time without any RTP as silence too', async () => {
    pair = await openPair();
    const [, prolope] = pair;
    const saved: Int16Array[] = [];
    const started = Date.now();
    await recordCaller({ verb: 'record', max_seconds: 20, timeout_seconds: 0.5, play_beep: false, finish_on_key: '' }, hostOf(prolope, saved));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(saved[0]?.length ?? 0).toBe(0);
  });
});
