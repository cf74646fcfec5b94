export {
  WebhookBodyTooLargeError,
  type WebhookErrorCode,
  WebhookHeaderError,
  type WebhookHeaderName,
  WebhookPayloadError,
  WebhookRawBodyError,
  WebhookSecretError,
  WebhookSignatureError,
  WebhookTimestampError,
  WebhookVerificationError,
} from './errors.js';
export {
  type RawJsonParserHost,
  type RegisterRawJsonOptions,
  registerRawJson,
} from './fastify.js';
export {
  type components,
  type EventMap,
  type EventType,
  eventTypes,
  type WebhookEvent,
} from '@prolope/contract/events';
export type { WebhookHeaders, WebhookHeadersInput } from './headers.js';
export { type ReadRawBodyOptions, readRawBody } from './raw-body.js';
export { generateSecret } from './secret.js';
export {
  type SignHeadersInput,
  type SignInput,
  sign,
  signHeaders,
} from './sign.js';
export { type RawBody, type VerifyOptions, verify } from './verify.js';
export { type VerifiableRequest, verifyRequest } from './verify-request.js';
export {
  type VerifiableVoiceRequest,
  type VerifyVoiceOptions,
  type VoiceRequest,
  verifyVoice,
  verifyVoiceRequest,
} from './verify-voice.js';
