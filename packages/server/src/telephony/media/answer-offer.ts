import type { InboundOffer, MediaSession, SipInboundCall, TelephonyBackend } from '../backend.js';
import { buildAnswer } from './sdp-answer.js';
import { negotiate } from './sdp-negotiate.js';
import { buildOffer, OFFER_DTMF_PAYLOAD_TYPE, readAnswer } from './sdp-offer.js';
import { followReoffers, newOrigin } from './reoffer.js';

/**
 * SDP offer/answer for an inbound call, the same for both backends: negotiate the INVITE's offer,
 * open media toward it with the backend, and answer with our address. Each backend hands the result
 * to its INVITE handler beside the call, so SDP stays inside telephony.
 */
/** Media opened before any SDP of the caller's: our offer for the 200, and what takes the ACK's answer. */
export interface DelayedMedia {
  media: MediaSession;
  /** The SDP offer the 200 carries. */
  offer: string;
  /** Sends toward where the answer (already checked: PCMA at 20 ms) says. */
  complete(answerSdp: string): Promise<void>;
}

/**
 * @param openDelayed how the backend opens media for an INVITE without SDP; by default the media opened
 *   by `openMedia` offers its own address and is pointed at the answer (the embedded backend).
 */
export function answerOffer(call: SipInboundCall, openMedia: TelephonyBackend['openMedia'], openDelayed?: () => Promise<DelayedMedia>): InboundOffer {
  if (call.sdp === undefined && call.answerWithOffer) return delayedOffer(call, openDelayed ?? (() => ownDelayedMedia(openMedia)));
  const negotiation = negotiate(call.sdp ?? '');
  if (!negotiation.ok) return { ok: false, status: negotiation.status, reason: negotiation.reason };
  return {
    ok: true,
    async open() {
      const media: MediaSession = await openMedia({ ...negotiation.remote, dtmfPayloadType: negotiation.dtmfPayloadType });
      // Built once, on first use: 183 and 200 must carry the same answer (same session id); re-answers
      // to re-INVITEs keep the id and raise the version.
      const origin = newOrigin();
      let answerSdp: string | undefined;
      const sdp = () => (answerSdp ??= buildAnswer(media.local, negotiation, origin.sessionId, origin.version));
      const hold = followReoffers(call, media, origin);
      return {
        media,
        async progress() {
          await call.progress(sdp());
          return true;
        },
        answer: () => call.answer(sdp()),
        ...(hold ? { hold } : {}),
      };
    },
  };
}

/**
 * An INVITE without SDP (delayed offer, RFC 3261 §13.2.1): our offer goes in the 200 and the caller's
 * answer comes in the ACK. Until then nobody says where to send, so nothing is sent: the calls domain
 * plays nothing before the answer, and the 183 (unreliable, so it may not carry an offer) is left out.
 */
function delayedOffer(call: SipInboundCall, openDelayed: () => Promise<DelayedMedia>): InboundOffer {
  const answerWithOffer = call.answerWithOffer?.bind(call);
  if (!answerWithOffer) return { ok: false, status: 488, reason: 'the INVITE has no SDP offer' };
  return {
    ok: true,
    async open() {
      const opened = await openDelayed();
      // Re-INVITEs after the ACK are offers like any other; their answers keep our offer's o= session id.
      const o = /^o=\S+ (\d+) (\d+) /m.exec(opened.offer);
      const hold = followReoffers(call, opened.media, o ? { sessionId: Number(o[1]), version: Number(o[2]) } : newOrigin());
      return {
        ...(hold ? { hold } : {}),
        media: opened.media,
        progress: async () => false,
        answer: async () => {
          const theirs = await answerWithOffer(opened.offer);
          const answer = readAnswer(theirs ?? '');
          if (!theirs || !answer.ok) {
            // The call is confirmed by the ACK, so it ends with our BYE; the calls domain records the error.
            await call.hangup();
            throw new Error(`the ACK's SDP answer was refused: ${theirs && !answer.ok ? answer.reason : 'the ACK has no SDP'}`);
          }
          await opened.complete(theirs);
        },
      };
    },
  };
}

/** Media in this process: it offers its own address, and the answer points it at the caller. */
async function ownDelayedMedia(openMedia: TelephonyBackend['openMedia']): Promise<DelayedMedia> {
  // Discard port on loopback: a placeholder the ACK's answer replaces before any audio is sent.
  const media: MediaSession = await openMedia({ address: '127.0.0.1', port: 9, dtmfPayloadType: OFFER_DTMF_PAYLOAD_TYPE });
  const setRemote = media.setRemote?.bind(media);
  if (!setRemote) {
    await media.close();
    throw new Error('this media cannot be pointed at a delayed answer');
  }
  return {
    media,
    offer: buildOffer(media.local),
    async complete(answerSdp) {
      const answer = readAnswer(answerSdp);
      if (answer.ok) setRemote(answer.remote, answer.dtmfPayloadType);
    },
  };
}
