import { describe, expect, it } from 'vitest';
import { PromptPlaybacks } from './prompt-playbacks.js';

describe('PromptPlaybacks', () => {
  it('stops every playback of one prompt at once and no other', () => {
    const playbacks = new PromptPlaybacks();
    const a1 = playbacks.start('aud_a');
    const a2 = playbacks.start('aud_a');
    const b = playbacks.start('aud_b');
    expect(playbacks.count('aud_a')).toBe(2);
    expect(playbacks.stop('aud_a', 'taken down')).toBe(2);
    expect([a1.signal.aborted, a2.signal.aborted, b.signal.aborted]).toEqual([true, true, false]);
    expect((a1.signal.reason as Error).message).toBe('taken down');
    expect(playbacks.count('aud_a')).toBe(0);
    expect(playbacks.stop('aud_a')).toBe(0);
    // A playback registered after the stop is a new one: the caller checks the status it reads after registering.
    const a3 = playbacks.start('aud_a');
    expect(a3.signal.aborted).toBe(false);
    a3.release();
    b.release();
    expect([playbacks.count('aud_a'), playbacks.count('aud_b')]).toEqual([0, 0]);
  });

  it('forgets a released playback, so a later stop does not reach it', () => {
    const playbacks = new PromptPlaybacks();
    const done = playbacks.start('aud_a');
    const playing = playbacks.start('aud_a');
    done.release();
    done.release();
    expect(playbacks.stop('aud_a')).toBe(1);
    expect([done.signal.aborted, playing.signal.aborted]).toEqual([false, true]);
  });
});
