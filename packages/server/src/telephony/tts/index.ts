/** Text to speech for `say`: the engine interface, the engines, caching and the long-text policy. */
export { type CachedTtsEngine, cachedTts } from './cached-tts.js';
export { type DefaultTtsEngineOptions, defaultTtsEngine, type PickedTtsEngine, pickTtsEngine, type TtsEngineChoice } from './default-engine.js';
export { type EspeakNgEngine, type EspeakNgEngineOptions, type EspeakNgVoice, espeakNgEngine } from './espeak-ng-engine.js';
export { findOnPath } from './find-on-path.js';
export { type MespeakEngine, type MespeakEngineOptions, mespeakEngine } from './mespeak-engine.js';
export { resample } from './resample.js';
export { MAX_SENTENCE_LENGTH, splitSentences } from './split-sentences.js';
export { type SpokenSentence, synthesizeSentences } from './synthesize-sentences.js';
export { assertTextLength, MAX_TTS_TEXT_LENGTH, TtsTextTooLongError } from './text-limits.js';
export { DEFAULT_TTS_RATE, TTS_SAMPLE_RATE, type TtsEngine, type TtsLogger, type TtsOptions } from './tts-engine.js';
export { wavToPcm8k } from './wav-to-pcm8k.js';
export { type TtsEngineName, type TtsVoiceCatalog, type TtsVoiceCatalogOptions, type TtsVoiceInfo, ttsVoiceCatalog } from './voice-catalog.js';
