import { describe, expect, it } from 'vitest';
import { cachedTts } from './cached-tts.js';
import { countingEngine } from './test-helpers.js';

describe('cachedTts', () => {
  it('answers a repeat from the cache with the same array', async () => {
    const engine = countingEngine();
    const cached = cachedTts(engine, 3);
    const a = await cached.synthesize('Press 1 for sales');
    const b = await cached.synthesize('Press 1 for sales');
    expect(b).toBe(a);
    expect(engine.calls).toHaveLength(1);
    expect(cached.stats()).toEqual({ hits: 1, misses: 1, size: 1 });
    expect(cached.name).toBe('cached(counting)');
  });

  it('keys by voice, language and rate too', async () => {
    const engine = countingEngine();
    const cached = cachedTts(engine, 10);
    await cached.synthesize('Hi');
    await cached.synthesize('Hi', { language: 'bg' });
    await cached.synthesize('Hi', { voice: 'en-us' });
    await cached.synthesize('Hi', { rate: 120 });
    await cached.synthesize('Hi', { signal: new AbortController().signal });
    expect(engine.calls).toHaveLength(4);
  });

  it('evicts the least recently used entry', async () => {
    const engine = countingEngine();
    const cached = cachedTts(engine, 2);
    await cached.synthesize('one');
    await cached.synthesize('two');
    await cached.synthesize('one'); // now "two" is the oldest
    await cached.synthesize('three');
    expect(cached.stats().size).toBe(2);
    await cached.synthesize('one');
    expect(engine.calls.map((c) => c.text)).toEqual(['one', 'two', 'three']);
    await cached.synthesize('two');
    expect(engine.calls.map((c) => c.text)).toEqual(['one', 'two', 'three', 'two']);
  });

  it('shares one synthesis between concurrent callers', async () => {
    const engine = countingEngine();
    const cached = cachedTts(engine, 2);
    const [a, b] = await Promise.all([cached.synthesize('same'), cached.synthesize('same')]);
    expect(a).toBe(b);
    expect(engine.calls).toHaveLength(1);
  });

  it('does not cache failures', async () => {
    const engine = countingEngine();
    const cached = cachedTts(engine, 2);
    await expect(cached.synthesize('FAIL')).rejects.toThrow('synthesis failed');
    await expect(cached.synthesize('FAIL')).rejects.toThrow('synthesis failed');
    expect(engine.calls).toHaveLength(2);
    expect(cached.stats().size).toBe(0);
  });

  it("lets a caller's abort end only its own wait", async () => {
    const engine = countingEngine();
    const cached = cachedTts(engine, 2);
    const controller = new AbortController();
    const aborted = cached.synthesize('prompt', { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toThrow(/abort/i);
    expect(engine.calls[0]?.opts?.signal).toBeUndefined();
    expect((await cached.synthesize('prompt')).length).toBe(6);
    expect(engine.calls).toHaveLength(1);
  });

  it('refuses a cache size below one', () => {
    expect(() => cachedTts(countingEngine(), 0)).toThrow(RangeError);
  });
});
