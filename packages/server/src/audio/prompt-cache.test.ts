import { describe, expect, it } from 'vitest';
import { PromptAudioCache } from './prompt-cache.js';

describe('PromptAudioCache', () => {
  it('loads a prompt once for every call that plays it, in shared memory; a missing one is not kept', async () => {
    const cache = new PromptAudioCache();
    let loads = 0;
    const load = async () => {
      loads++;
      return new Int16Array([1, 2, 3]);
    };
    const first = await cache.get('aud_a', load);
    const second = await cache.get('aud_a', load);
    expect(loads).toBe(1);
    expect(second).toBe(first);
    expect(first?.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(first ?? [])).toEqual([1, 2, 3]);
    expect(await cache.get('aud_gone', async () => undefined)).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
