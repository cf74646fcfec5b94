export {
  buildApp,
  allHandlers,
  missingHandlers,
  type AppOptions,
} from './app.js';
export {
  startServer,
  type RunningServer,
  type StartOptions,
} from './server.js';
export { loadConfig, type Config } from './config.js';
export { manualClock, systemClock, type Clock } from './clock.js';
export { openStore, type Store } from './store/db.js';
export { migrateToLatest } from './store/migrate.js';
export { errorCodes, ProblemError, type ErrorCode } from './errors.js';
export { openapiDocument } from './http/operations.js';
export {
  type IncomingCall,
  type PhoneCall,
  type PlaceCallOutcome,
  type RegisterOutcome,
  Softphone,
  type SoftphoneOptions,
} from './telephony/softphone/index.js';
export { readWavAs8kPcm, writeWav8k } from './telephony/media/wav.js';
export { defaultTtsEngine } from './telephony/tts/index.js';
export { formatEntry, parseDigits, placeTestCall, type TestCallOptions, type TestCallResult, type TimelineEntry } from './telephony/test-caller/index.js';
export {
  buildLabelledSet,
  type LabelledClip,
  MENU_PHRASES,
  type Recognition,
  recognizerFromEnv,
  type SpeechAudio,
  type SpeechRecognizer,
  soundswallowerRecognizer,
  transcriptionRecognizer,
} from './telephony/speech/index.js';
