import { afterAll, describe, expect, it } from 'vitest';
import { encodePcma } from '../media/g711.js';
import { findOnPath } from '../tts/find-on-path.js';
import { buildLabelledSet, MENU_PHRASES } from './labelled-set.js';
import { phoneBand, seededRandom, whiteNoise } from './phone-channel.js';
import { soundswallowerRecognizer, UnknownSpeechWordError } from './soundswallower-recognizer.js';

const espeakNg = findOnPath('espeak-ng');
// The set is spoken by espeak-ng: under PROLOPE_TEST_STRICT=1 (CI) its absence fails the run instead
// of skipping the only test that hears real speech.
const strict = process.env.PROLOPE_TEST_STRICT === '1';
if (!espeakNg && !strict) console.info('espeak-ng is not on PATH: skipping the speech recognition tests on spoken phrases (apt-get install espeak-ng)');

describe.runIf(!espeakNg && strict)('soundswallower recognizer (PROLOPE_TEST_STRICT=1)', () => {
  it('needs espeak-ng on PATH', () => {
    throw new Error('espeak-ng is not on PATH but PROLOPE_TEST_STRICT=1: install it (apt-get install espeak-ng)');
  });
});

const recognizer = soundswallowerRecognizer();
afterAll(() => recognizer.close());

// First in the file, so it is the test that loads the module (unless another file in this worker did).
describe('loading soundswallower', () => {
  it("leaves no process-wide 'uncaughtException' listener behind (emscripten adds one)", async () => {
    const before = process.listenerCount('uncaughtException');
    expect(await recognizer.unknownWords(['billing'])).toEqual([]);
    expect(process.listenerCount('uncaughtException')).toBe(before);
  });
});

describe.runIf(espeakNg)('soundswallower recognizer on the phone-line set', () => {
  // A handful of the menu, one voice, at 20 dB SNR after the phone band and A-law; the bench measures the whole set.
  const heard = ['billing', 'sales', 'support', 'account balance', 'speak to an agent', 'yes', 'operator', 'three'];

  it('recognizes menu phrases at 20 dB SNR, from A-law as it comes off RTP', async () => {
    const clips = await buildLabelledSet({ phrases: heard, voices: ['en-us'], rates: [175], snrs: [20] });
    expect(clips).toHaveLength(heard.length);
    const results = [];
    for (const clip of clips) results.push({ said: clip.phrase, ...(await recognizer.recognize({ alaw: clip.alaw }, MENU_PHRASES)) });
    for (const r of results) {
      expect(r.phrase, `said "${r.said}", heard "${r.transcript}"`).toBe(r.said);
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('answers the same for the same audio, whatever it heard before', async () => {
    const [a, b] = await buildLabelledSet({ phrases: ['billing', 'nine'], voices: ['en-gb'], rates: [140], snrs: [10] });
    const first = await recognizer.recognize({ alaw: a!.alaw }, MENU_PHRASES);
    await recognizer.recognize({ alaw: b!.alaw }, MENU_PHRASES);
    expect(await recognizer.recognize({ alaw: a!.alaw }, MENU_PHRASES)).toEqual(first);
  });

  it("answers with the menu's own spelling of the phrase", async () => {
    const [clip] = await buildLabelledSet({ phrases: ['account balance'], voices: ['en-us'], rates: [175], snrs: [30] });
    const menu = ['Billing', 'Account Balance!', 'Sales'];
    const result = await recognizer.recognize({ alaw: clip!.alaw }, menu);
    expect(result.phrase).toBe('Account Balance!');
    expect(result.transcript).toBe('account balance');
  });
});

describe('soundswallower recognizer without speech', () => {
  it('hears no phrase in silence', async () => {
    const silence = encodePcma(new Int16Array(16_000));
    expect(await recognizer.recognize({ alaw: silence }, MENU_PHRASES)).toEqual({ phrase: null, confidence: null, transcript: '' });
  });

  it('hears no phrase in line noise', async () => {
    const noise = whiteNoise(24_000, seededRandom(3));
    const pcm = Int16Array.from(noise, (v) => Math.round(v * 0.02 * 32768));
    expect((await recognizer.recognize({ pcm }, MENU_PHRASES)).phrase).toBeNull();
    // The same noise through the phone line's band and A-law, as the bench's clips are.
    const band = phoneBand(Float32Array.from(noise, (v) => v * 0.02));
    const line = encodePcma(Int16Array.from(band, (v) => Math.round(v * 32768)));
    expect((await recognizer.recognize({ alaw: line }, MENU_PHRASES)).phrase).toBeNull();
  });

  it('refuses a menu phrase with a word its dictionary lacks, naming the word', async () => {
    const burst = Int16Array.from(whiteNoise(8000, seededRandom(5)), (v, i) => Math.round(v * (i > 2000 && i < 6000 ? 0.3 : 0.001) * 32768));
    await expect(recognizer.recognize({ pcm: burst }, ['billing', 'zorgblatt'])).rejects.toThrow(UnknownSpeechWordError);
    await expect(recognizer.recognize({ pcm: burst }, ['billing', 'zorgblatt'])).rejects.toThrow(/"zorgblatt"/);
    expect(await recognizer.unknownWords(['Billing', 'zorgblatt support', 'Press 2'])).toEqual(['zorgblatt']);
  });

  it('hears nothing when the menu has no phrase', async () => {
    expect((await recognizer.recognize({ pcm: new Int16Array(8000) }, [])).phrase).toBeNull();
  });

  it('stops at once when the call is already gone', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(recognizer.recognize({ pcm: new Int16Array(8000) }, MENU_PHRASES, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});
