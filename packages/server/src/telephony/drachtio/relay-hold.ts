import type { InboundOffer } from '../backend.js';
import { RtpengineMedia } from './rtpengine-media.js';

/**
 * The caller's hold and resume on this backend: its re-INVITEs go to rtpengine (dialog-requests.ts), not
 * to telephony's offer/answer, so the hold state is the one rtpengine last answered (RtpengineMedia.hold).
 * With it the calls domain plays the other party of a bridge the account's hold music, as on embedded.
 */
export function withRelayHold(offer: InboundOffer): InboundOffer {
  if (!offer.ok) return offer;
  return {
    ok: true,
    async open() {
      const answering = await offer.open();
      if (answering.hold || !(answering.media instanceof RtpengineMedia)) return answering;
      const hold = answering.media.hold;
      return {
        media: answering.media,
        hold,
        progress: () => answering.progress(),
        answer: () => answering.answer(),
      };
    },
  };
}
