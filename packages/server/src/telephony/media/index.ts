/** The embedded RTP/media layer: SDP offer/answer, RTP sessions (PCMA 20 ms, RFC 4733 DTMF), WAV helpers. */
export { buildAnswer, type AnswerInput } from './sdp-answer.js';
export { negotiate, PTIME_MS } from './sdp-negotiate.js';
export { answerProblem, buildOffer, OFFER_DTMF_PAYLOAD_TYPE, readAnswer } from './sdp-offer.js';
export type { MediaDirection, NegotiatedMedia, NegotiationFailure, NegotiationResult, RejectedMediaLine, RtpAddress } from './sdp-types.js';
export { decodeRtp, encodeRtp, RTP_HEADER_SIZE, type RtpPacket } from './rtp-packet.js';
export { decodeDtmfPayload, digitToEvent, encodeDtmfPayload, eventToDigit, type DtmfEventPayload } from './dtmf-event.js';
export { ALAW_SILENCE, decodePcma, encodePcma, FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, toPcmaFrames } from './g711.js';
export { openRtpSession, RtpSession, type RtpLogger, type RtpSessionOptions, type RtpSessionStats } from './rtp-session.js';
export { relayFrames } from './frame-relay.js';
export { endpointOf, type RelayedMediaSession } from './media-endpoint.js';
export { type BoundPort, bindInProcess, type MediaStart } from './bound-port.js';
export { type Conference, MixNotSupportedError } from './conference.js';
export { mix } from './worker/worker-conference.js';
export { MediaBusyError } from './media-use.js';
export type { RelayedPacket } from './rtp-relay.js';
export { DEFAULT_PORT_RANGE, NoFreePortError, RtpPorts } from './udp-port.js';
export { sharedPcm } from './shared-pcm.js';
export { readWavAs8kPcm, resampleTo8k, mixToMono, tone, writeWav8k } from './wav.js';
