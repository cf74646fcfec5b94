import type { InboundOffer, MediaSession, SipInboundCall, TelephonyBackend } from '../backend.js';
import { buildAnswer } from './sdp-answer.js';
import { negotiate } from './sdp-negotiate.js';

/**
 * SDP offer/answer for an inbound call, the same for both backends: negotiate the INVITE's offer,
 * open media toward it with the backend, and answer with our address. Each backend hands the result
 * to its INVITE handler beside the call, so SDP stays inside telephony.
 */
export function answerOffer(call: SipInboundCall, openMedia: TelephonyBackend['openMedia']): InboundOffer {
  const negotiation = negotiate(call.sdp ?? '');
  if (!negotiation.ok) return { ok: false, status: negotiation.status, reason: negotiation.reason };
  return {
    ok: true,
    async open() {
      const media: MediaSession = await openMedia({ ...negotiation.remote, dtmfPayloadType: negotiation.dtmfPayloadType });
      // Built once, on first use: 183 and 200 must carry the same answer (same session id).
      let answerSdp: string | undefined;
      const sdp = () => (answerSdp ??= buildAnswer(media.local, negotiation));
      return { media, progress: () => call.progress(sdp()), answer: () => call.answer(sdp()) };
    },
  };
}
