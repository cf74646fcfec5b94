export { paginate, PagePromise, type AutoPaginateOptions, type ListPage } from './pagination.js';
export { Prolope } from './client.js';
export {
  AbortError,
  ApiError,
  type ApiErrorInit,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  type Problem,
  ProlopeError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnprocessableEntityError,
} from './errors.js';
export type { Middleware } from './middleware.js';
export type {
  LooseRequestParams,
  OperationArgs,
  OperationBody,
  OperationId,
  OperationMethod,
  OperationQuery,
  OperationResult,
  OperationReturn,
  RequestArgs,
  RequestParams,
  RequestReturn,
  Resources,
  StreamResources,
} from './operation-types.js';
export type { ProlopeOptions, RequestOptions } from './options.js';
export type { FetchLike } from './retry.js';
export type { Paths, Schema } from './schema-types.js';
export * from './rules.js';
export { LiveStream } from './streams/live-stream.js';
export type { EventStreamOptions, LogEntry, RequestLog, StreamEvent, StreamOptions, StreamStatus } from './streams/stream-types.js';
export type { WebSocketConstructor, WebSocketLike } from './streams/web-socket.js';
export type {
  ConferenceOptions,
  DialOptions,
  GatherOptions,
  PlayOptions,
  RecordOptions,
  RedirectOptions,
  SayOptions,
  VoiceResponseOptions,
} from './voice/voice-options.js';
export { GatherPrompt, VoiceResponse } from './voice/voice-response.js';
export type {
  AnswerVerb,
  ConferenceVerb,
  DialVerb,
  GatherVerb,
  HangupVerb,
  Instructions,
  InstructionsDocument,
  PauseVerb,
  PlayVerb,
  RecordVerb,
  RedirectVerb,
  VoicemailVerb,
  RejectVerb,
  SayVerb,
  Verb,
  VerbName,
  VoiceRequest,
} from './voice/voice-types.js';
