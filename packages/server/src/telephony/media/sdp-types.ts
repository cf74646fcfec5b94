/**
 * Shared shapes of the SDP offer/answer step. Kept apart from the code so the SIP side can import the
 * types without pulling sdp-transform in.
 */

/** A UDP transport address (IPv4 dotted quad and port). */
export interface RtpAddress {
  address: string;
  port: number;
}

/** The direction attribute we answer with (RFC 3264 §6.1: the mirror of the offer's). */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** An m-line of the offer we did not take; RFC 3264 §6 wants it echoed back with port 0. */
export interface RejectedMediaLine {
  type: string;
  protocol: string;
  /** The format list exactly as offered (e.g. `"31 34"`). */
  formats: string;
}

/** A successful negotiation: where to send RTP and which payload types to use. */
export interface NegotiatedMedia {
  ok: true;
  /** Where the offer asked us to send RTP (symmetric RTP may later override it, see RtpSession). */
  remote: RtpAddress;
  /** Always 8: we only take PCMA under its static payload type (see negotiate()). */
  pcmaPayloadType: 8;
  /** The offered telephone-event/8000 payload type, if the offer had one. */
  dtmfPayloadType?: number;
  /** Our direction in the answer (sendrecv unless the offer said otherwise). */
  direction: MediaDirection;
  /** Index of the audio m-line we took among the offer's m-lines. */
  mediaIndex: number;
  /** The offer's other m-lines, in order, so the answer can refuse them with port 0. */
  otherMedia: Array<RejectedMediaLine & { index: number }>;
}

/** A failed negotiation: the SIP side answers 488 Not Acceptable Here with the reason. */
export interface NegotiationFailure {
  ok: false;
  status: 488;
  reason: string;
  /** When the refusal is the codec: what the SDP had instead of PCMA, e.g. `['PCMU/8000']`. */
  codecs?: string[];
}

/** The result of {@link negotiate}. */
export type NegotiationResult = NegotiatedMedia | NegotiationFailure;
