import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../telephony/tts/index.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

const espeakNg = findOnPath('espeak-ng');
const strict = process.env.PROLOPE_TEST_STRICT === '1';

describe.runIf(!espeakNg && strict)('TTS voices (PROLOPE_TEST_STRICT=1)', () => {
  it('needs espeak-ng on PATH', () => {
    throw new Error('espeak-ng is not on PATH but PROLOPE_TEST_STRICT=1: install it (apt-get install espeak-ng)');
  });
});

// The list is not tenant data, but it sits behind the API key check like everything else: both stores.
describe.each(storeKinds)('GET /v1/tts/voices (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  it('lists voices with name, language and engine to any valid key, whatever its scopes', async () => {
    const c = await t.customer();
    const narrow = t.client((await c.api.post('/v1/api-keys', { name: 'numbers only', scopes: ['numbers:read'] })).body.secret);
    const res = await narrow.get('/v1/tts/voices');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    const voices: Array<Record<string, unknown>> = res.body.data;
    expect(voices).toContainEqual({ object: 'tts_voice', name: 'en-us', language: 'en', engine: 'mespeak', description: 'english-us', active: !espeakNg });
    if (espeakNg) {
      expect(voices).toContainEqual({ object: 'tts_voice', name: 'bg', language: 'bg', engine: 'espeak-ng', description: 'Bulgarian', active: true });
      expect(voices[0]?.engine).toBe('espeak-ng');
    }
    // Bulgarian only ever comes from espeak-ng: the bundled mespeak has no such voice.
    expect(voices.filter((v) => v.language === 'bg' && v.engine === 'mespeak')).toEqual([]);
    expect((await c.api.get('/v1/tts/voices')).body).toEqual(res.body);
  });

  it('filters by language (primary subtag) and engine', async () => {
    const c = await t.customer();
    const bg = await c.api.get('/v1/tts/voices?language=bg-BG');
    expect(bg.status).toBe(200);
    expect(bg.body.data.map((v: { name: string }) => v.name)).toEqual(espeakNg ? ['bg'] : []);
    const mespeakBg = await c.api.get('/v1/tts/voices?language=bg&engine=mespeak');
    expect(mespeakBg.body.data).toEqual([]);
    const english = await c.api.get('/v1/tts/voices?language=EN&engine=mespeak');
    expect(english.body.data.length).toBeGreaterThan(1);
    expect(english.body.data.every((v: { language: string; engine: string }) => v.language === 'en' && v.engine === 'mespeak')).toBe(true);
  });

  it('refuses bad filters with problem+json, and no key or a wrong key with 401', async () => {
    const c = await t.customer();
    for (const query of ['language=b%40d', 'language=', 'language=toolongprimary', 'engine=polly', `language=${'a'.repeat(40)}`, 'language=bg&language=en']) {
      const res = await c.api.get(`/v1/tts/voices?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type'), query).toMatch(/^application\/problem\+json/);
      expect(res.body.code, query).toBe('validation_failed');
    }
    expect((await t.client().get('/v1/tts/voices')).status).toBe(401);
    expect((await t.client('pk_live_not_a_key').get('/v1/tts/voices')).status).toBe(401);
  });
});
