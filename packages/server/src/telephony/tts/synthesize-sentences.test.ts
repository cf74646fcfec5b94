import { describe, expect, it } from 'vitest';
import { synthesizeSentences } from './synthesize-sentences.js';
import { countingEngine } from './test-helpers.js';
import { MAX_TTS_TEXT_LENGTH, TtsTextTooLongError } from './text-limits.js';

describe('synthesizeSentences', () => {
  it('yields one sentence at a time, in order', async () => {
    const engine = countingEngine();
    const got: string[] = [];
    for await (const s of synthesizeSentences(engine, 'One. Two two? Three!', { language: 'en' })) {
      got.push(s.text);
      expect(s.samples.length).toBe(s.text.length);
      expect(s.index).toBe(got.length - 1);
    }
    expect(got).toEqual(['One.', 'Two two?', 'Three!']);
    expect(engine.calls.every((c) => c.opts?.language === 'en')).toBe(true);
  });

  it('works one sentence ahead, no more, so stopping early wastes little', async () => {
    const engine = countingEngine();
    const generator = synthesizeSentences(engine, 'A. B. C. D. E.');
    const first = await generator.next();
    expect(first.value).toMatchObject({ text: 'A.' });
    expect(engine.calls.map((c) => c.text)).toEqual(['A.', 'B.']);
    await generator.return(undefined);
    expect(engine.calls).toHaveLength(2);
  });

  it('refuses text over the cap with a clear error before synthesising anything', async () => {
    const engine = countingEngine();
    const generator = synthesizeSentences(engine, 'Hello. '.repeat(1000));
    const error = await generator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TtsTextTooLongError);
    expect((error as TtsTextTooLongError).code).toBe('tts_text_too_long');
    expect((error as Error).message).toContain(`the limit is ${MAX_TTS_TEXT_LENGTH}`);
    expect(engine.calls).toHaveLength(0);
  });

  it('passes a failure of a sentence to the caller', async () => {
    const engine = countingEngine();
    const texts: string[] = [];
    await expect(
      (async () => {
        for await (const s of synthesizeSentences(engine, 'Fine. FAIL here. Never.')) texts.push(s.text);
      })(),
    ).rejects.toThrow('synthesis failed');
    expect(texts).toEqual(['Fine.']);
  });

  it('yields nothing for blank text', async () => {
    const engine = countingEngine();
    for await (const _ of synthesizeSentences(engine, '   ')) throw new Error('should not yield');
    expect(engine.calls).toHaveLength(0);
  });
});
