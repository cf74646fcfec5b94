import { describe, expect, it } from 'vitest';
import { espeakNgEngine, parseVoiceList } from './espeak-ng-engine.js';
import { findOnPath } from './find-on-path.js';
import { memoryLogger, rms } from './test-helpers.js';
import { MAX_TTS_TEXT_LENGTH, TtsTextTooLongError } from './text-limits.js';
import { TTS_SAMPLE_RATE } from './tts-engine.js';

const espeakNg = findOnPath('espeak-ng');
// CI tests both engines: under PROLOPE_TEST_STRICT=1 a missing espeak-ng fails the run (as sipp and
// rtpengine do) instead of skipping the engine that users with the system package get by default.
const strict = process.env.PROLOPE_TEST_STRICT === '1';
if (!espeakNg && !strict) console.info('espeak-ng is not on PATH: skipping the espeak-ng engine tests (apt-get install espeak-ng to run them)');

describe.runIf(!espeakNg && strict)('espeak-ng engine (PROLOPE_TEST_STRICT=1)', () => {
  it('needs espeak-ng on PATH', () => {
    throw new Error('espeak-ng is not on PATH but PROLOPE_TEST_STRICT=1: install it (apt-get install espeak-ng)');
  });
});

describe('parseVoiceList', () => {
  it('reads the Language column of espeak-ng --voices', () => {
    const out = [
      'Pty Language       Age/Gender VoiceName          File                 Other Languages',
      ' 5  bg              --/M      Bulgarian          zls/bg               ',
      ' 2  en-gb           --/M      English_(Great_Britain) gmw/en         (en 2)',
      '',
    ].join('\n');
    expect([...parseVoiceList(out)]).toEqual(['bg', 'en-gb']);
  });
});

describe.skipIf(!espeakNg)(`espeak-ng engine${espeakNg ? '' : ' (skipped: espeak-ng is not on PATH)'}`, () => {
  const logger = memoryLogger();
  const engine = espeakNgEngine({ command: espeakNg!, logger });

  it('speaks "Hello from Prolope" as audible 8 kHz audio of plausible length', async () => {
    const samples = await engine.synthesize('Hello from Prolope');
    const seconds = samples.length / TTS_SAMPLE_RATE;
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(4);
    expect(rms(samples)).toBeGreaterThan(500);
  });

  it('speaks Bulgarian with the Bulgarian voice', async () => {
    expect(await engine.voices()).toContain('bg');
    const samples = await engine.synthesize('Здравейте от Пролопе', { language: 'bg-BG' });
    expect(rms(samples)).toBeGreaterThan(500);
    expect(logger.messages).toEqual([]);
  });

  it('reads text from stdin, so a leading dash is spoken, not parsed as an option', async () => {
    expect(rms(await engine.synthesize('-v xx --help'))).toBeGreaterThan(500);
  });

  it('falls back to English for an unknown language and logs it once', async () => {
    await engine.synthesize('One', { language: 'xx' });
    await engine.synthesize('Two', { language: 'xx' });
    expect(logger.messages.filter((m) => m.includes('"xx"'))).toHaveLength(1);
  });

  it('speaks Bulgarian unlike English: the same text gives other audio, and an unknown language gives the English audio', async () => {
    const text = 'Добър ден';
    const bg = await engine.synthesize(text, { language: 'bg' });
    const en = await engine.synthesize(text, { language: 'en' });
    const unknown = await engine.synthesize(text, { language: 'xq' });
    expect(logger.messages.filter((m) => m.includes('no voice for "en"'))).toEqual([]);
    expect(rms(bg)).toBeGreaterThan(500);
    expect(Buffer.from(bg.buffer, bg.byteOffset, bg.byteLength).equals(Buffer.from(en.buffer, en.byteOffset, en.byteLength))).toBe(false);
    // espeak-ng is deterministic, so the fallback is exactly English: Bulgarian above was no fallback.
    expect(Buffer.from(unknown.buffer, unknown.byteOffset, unknown.byteLength).equals(Buffer.from(en.buffer, en.byteOffset, en.byteLength))).toBe(true);
  });

  it('takes a voice name from the list (`voice` wins over `language`) and a voice file by its path', async () => {
    const byVoice = await engine.synthesize('Hello', { voice: 'bg', language: 'en' });
    const byLanguage = await engine.synthesize('Hello', { language: 'bg' });
    const byFile = await engine.synthesize('Hello', { voice: 'zls/bg' });
    expect([...byVoice]).toEqual([...byLanguage]);
    expect([...byFile]).toEqual([...byLanguage]);
  });

  it('speaks an unknown voice name with the language (else English) and logs it once, instead of failing', async () => {
    const fallback = await engine.synthesize('Hello', { voice: 'qqq', language: 'bg' });
    expect([...fallback]).toEqual([...(await engine.synthesize('Hello', { language: 'bg' }))]);
    expect(rms(await engine.synthesize('Hello', { voice: 'qqq' }))).toBeGreaterThan(500);
    await engine.synthesize('Hello', { voice: 'qqq' });
    expect(logger.messages.filter((m) => m.includes('"qqq"'))).toHaveLength(1);
  });

  it('still reports a voice file espeak-ng refuses', async () => {
    await expect(engine.synthesize('Hello', { voice: 'zls/qqq' })).rejects.toThrow(/espeak-ng.*failed/);
  });

  it('lists its voices with their names', async () => {
    const table = await engine.voiceTable();
    expect(table).toContainEqual({ name: 'bg', description: 'Bulgarian' });
    expect(table.map((v) => v.name)).toEqual(expect.arrayContaining(['en-us', 'en-gb']));
  });

  it('refuses text over the cap and honours an abort', async () => {
    await expect(engine.synthesize('a'.repeat(MAX_TTS_TEXT_LENGTH + 1))).rejects.toBeInstanceOf(TtsTextTooLongError);
    const controller = new AbortController();
    const pending = engine.synthesize('This sentence will not be finished. '.repeat(20), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });
});
