import { describe, expect, it } from 'vitest';
import { AudioMixer } from './audio-mixer.js';
import { FRAME_SAMPLES } from './g711.js';
import { waitForCount } from './test-helpers.js';

/** The mix itself, without sockets: sums of the others, clipped; nothing sent when only oneself spoke. */
describe('AudioMixer', () => {
  it('sends each member the others summed and clipped to 16 bits, without its own frame', async () => {
    const mixer = new AudioMixer();
    const got = new Map<number, Int16Array[]>([
      [1, []],
      [2, []],
      [3, []],
    ]);
    for (const key of got.keys()) mixer.join(key, (pcm) => got.get(key)!.push(pcm));
    try {
      mixer.push(1, new Int16Array(FRAME_SAMPLES).fill(30000));
      mixer.push(2, new Int16Array(FRAME_SAMPLES).fill(20000));
      mixer.push(3, new Int16Array(FRAME_SAMPLES).fill(-1000));
      await waitForCount(() => Math.min(...[...got.values()].map((frames) => frames.length)), 1);
      expect([...got.values()].map((frames) => frames[0]![0])).toEqual([19000, 29000, 32767]);
      expect([...got.values()].every((frames) => frames[0]!.length === FRAME_SAMPLES)).toBe(true);

      // Only member 1 speaks: 2 and 3 hear it, 1 is sent nothing.
      const before = got.get(1)!.length;
      mixer.push(1, new Int16Array(FRAME_SAMPLES).fill(-30000));
      await waitForCount(() => got.get(2)!.length, 2);
      await waitForCount(() => got.get(3)!.length, 2);
      expect(got.get(2)![1]![0]).toBe(-30000);
      expect(got.get(1)!.length).toBe(before);
    } finally {
      mixer.close();
    }
  });
});
