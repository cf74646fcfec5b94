import type { Handlers } from '../deps.js';
import { defineHandlers } from '../http/typed-handlers.js';
import { type TtsVoiceCatalog, ttsVoiceCatalog } from '../telephony/tts/index.js';

/**
 * `GET /v1/tts/voices`: what `say` can speak with on this server. The catalog applies the same rule as
 * the voice side's `defaultTtsEngine` (espeak-ng when on PATH, else mespeak), so `active` names the engine
 * calls really use. Not tenant data: every valid key sees the same list.
 */
export function ttsRoutes(catalog: TtsVoiceCatalog = ttsVoiceCatalog()): Handlers {
  return defineHandlers({
    'ttsVoices.list': async (req) => {
      const { language, engine } = req.query;
      const primary = language?.split('-')[0]?.toLowerCase();
      const data = (await catalog.list()).filter((v) => (!primary || v.language === primary) && (!engine || v.engine === engine));
      return { object: 'list' as const, data: data.map((v) => ({ object: 'tts_voice' as const, ...v })), has_more: false as const, next_cursor: null };
    },
  });
}
