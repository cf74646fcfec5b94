/** Speech recognition for menus: the recognizer interface, the built-in and external engines, and the labelled test set. */
export { buildLabelledSet, type LabelledClip, type LabelledSetOptions, MENU_PHRASES, SET_RATES, SET_SNRS, SET_VOICES } from './labelled-set.js';
export { phoneBand, phoneChannel, type PhoneChannelOptions, phoneChannelPcm } from './phone-channel.js';
export { matchTranscript, menuGrammar, normalizePhrase } from './phrases.js';
export { NOTHING_HEARD, type Recognition, type RecognizeOptions, type SpeechAudio, type SpeechRecognizer, speechPcm } from './recognizer.js';
export {
  type SoundswallowerRecognizer,
  type SoundswallowerRecognizerOptions,
  soundswallowerRecognizer,
  UnknownSpeechWordError,
} from './soundswallower-recognizer.js';
export { hasSpeech } from './speech-gate.js';
export { recognizerFromEnv } from './recognizer-from-env.js';
export { TranscriptionServerError, type TranscriptionRecognizerOptions, transcriptionRecognizer } from './transcription-recognizer.js';
