import { afterAll, describe, expect, it } from 'vitest';
import { cachedTts } from './cached-tts.js';
import { mespeakEngine } from './mespeak-engine.js';
import { memoryLogger, rms } from './test-helpers.js';
import { MAX_TTS_TEXT_LENGTH, TtsTextTooLongError } from './text-limits.js';
import { TTS_SAMPLE_RATE } from './tts-engine.js';

describe('mespeak engine (bundled, no system package)', () => {
  const logger = memoryLogger();
  const engine = mespeakEngine({ logger });
  afterAll(() => engine.close());

  it('speaks "Hello from Prolope" as audible 8 kHz audio of plausible length', async () => {
    const samples = await engine.synthesize('Hello from Prolope');
    expect(samples).toBeInstanceOf(Int16Array);
    const seconds = samples.length / TTS_SAMPLE_RATE;
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(4);
    expect(rms(samples)).toBeGreaterThan(500);
  });

  it('bundles English and other languages but not Bulgarian', () => {
    const voices = engine.voices();
    expect(voices).toEqual(expect.arrayContaining(['en', 'en-us', 'de', 'fr']));
    expect(voices).not.toContain('bg');
  });

  it('speaks an unknown language (Bulgarian) with English and logs that once', async () => {
    const first = await engine.synthesize('Hello', { language: 'bg' });
    await engine.synthesize('Hello again', { language: 'bg-BG' });
    expect(rms(first)).toBeGreaterThan(500);
    expect(logger.messages.filter((m) => m.includes('"bg'))).toHaveLength(1);
    expect(logger.messages.join('\n')).not.toContain('Not in browser');
  });

  it('uses a regional voice and a slower rate', async () => {
    const normal = await engine.synthesize('Good morning', { language: 'en-US' });
    const slow = await engine.synthesize('Good morning', { language: 'en-US', rate: 100 });
    expect(slow.length).toBeGreaterThan(normal.length);
  });

  it('gives an empty array for blank text', async () => {
    expect((await engine.synthesize('  ')).length).toBe(0);
  });

  it('refuses text over the length cap', async () => {
    await expect(engine.synthesize('a'.repeat(MAX_TTS_TEXT_LENGTH + 1))).rejects.toBeInstanceOf(TtsTextTooLongError);
  });

  it('rejects when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(engine.synthesize('Hello', { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('serves a repeated prompt from the cache', async () => {
    const cached = cachedTts(engine, 10);
    const first = await cached.synthesize('Hello from Prolope');
    const second = await cached.synthesize('Hello from Prolope');
    expect(second).toBe(first);
    expect(cached.stats()).toEqual({ hits: 1, misses: 1, size: 1 });
  });

  it('starts a new worker after close', async () => {
    await engine.close();
    expect(rms(await engine.synthesize('Still here'))).toBeGreaterThan(500);
  });
});
