import { describe, expect, it } from 'vitest';
import { findOnPath } from './find-on-path.js';
import { ttsVoiceCatalog } from './voice-catalog.js';

const espeakNg = findOnPath('espeak-ng');

describe('TTS voice catalog', () => {
  it('without espeak-ng lists only the bundled mespeak, active, with English and no Bulgarian', async () => {
    const voices = await ttsVoiceCatalog({ pathEnv: '' }).list();
    expect(voices.length).toBeGreaterThan(20);
    expect(voices.every((v) => v.engine === 'mespeak' && v.active)).toBe(true);
    expect(voices).toContainEqual({ name: 'en-us', language: 'en', engine: 'mespeak', description: 'english-us', active: true });
    expect(voices.some((v) => v.language === 'bg')).toBe(false);
  });

  it.skipIf(!espeakNg)('with espeak-ng lists both engines, espeak-ng active and first, Bulgarian from espeak-ng', async () => {
    const voices = await ttsVoiceCatalog({ pathEnv: process.env.PATH ?? '' }).list();
    expect(voices[0]?.engine).toBe('espeak-ng');
    expect(voices).toContainEqual({ name: 'bg', language: 'bg', engine: 'espeak-ng', description: 'Bulgarian', active: true });
    expect(voices).toContainEqual(expect.objectContaining({ name: 'en-us', engine: 'mespeak', active: false }));
    expect(voices.filter((v) => v.language === 'bg').map((v) => v.engine)).toEqual(['espeak-ng']);
  });

  it('agrees with defaultTtsEngine when mespeak is forced', async () => {
    const voices = await ttsVoiceCatalog({ engine: 'mespeak' }).list();
    expect(new Set(voices.map((v) => `${v.engine}:${v.active}`))).toEqual(new Set(['mespeak:true']));
  });
});
