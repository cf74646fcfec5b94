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
export { formatEntry, parseDigits, placeTestCall, type TestCallOptions, type TestCallResult, type TimelineEntry } from './telephony/test-caller/index.js';
