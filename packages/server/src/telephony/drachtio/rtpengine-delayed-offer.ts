import { randomBytes } from 'node:crypto';
import type { DelayedMedia } from '../media/answer-offer.js';
import type { MediaSession } from '../backend.js';
import { buildOffer, OFFER_DTMF_PAYLOAD_TYPE } from '../media/index.js';
import { openRtpengineLeg } from './rtpengine-leg.js';
import { RtpengineMedia, type RtpengineMediaOptions } from './rtpengine-media.js';
import { sdpAudioAddress } from './sdp-media-address.js';

const REPLACE = ['origin', 'session-connection'];

/**
 * Media for an INVITE without SDP (delayed offer) through rtpengine: the offer is ours, as on an
 * outbound call. Our leg offers PCMA/20 ms to rtpengine (our leg is the from-tag), the SDP rtpengine
 * returns is what the 200 carries; the caller's answer in the ACK goes through rtpengine `answer`
 * (the caller's From tag as to-tag), and the address rtpengine returns is where our leg sends.
 *
 *   our RTP leg ⇄ rtpengine(port toward us) ⇄ rtpengine(port in our 200 = `media.local`) ⇄ caller
 */
export async function openRtpengineDelayedOffer(opts: Omit<RtpengineMediaOptions, 'offerSdp' | 'dtmfPayloadType'>): Promise<DelayedMedia> {
  const { ng, callId, fromTag: callerTag } = opts;
  const ourTag = `prolope-${randomBytes(6).toString('hex')}`;
  const base = { 'call-id': callId, 'from-tag': ourTag };
  let rtp: MediaSession | undefined;
  try {
    // Discard port on loopback until rtpengine's answer says where its port toward us is.
    rtp = await openRtpengineLeg(opts.leg, { address: '127.0.0.1', port: 9 }, { dtmfPayloadType: OFFER_DTMF_PAYLOAD_TYPE, ...(opts.logger ? { logger: opts.logger } : {}) });
    const offer = await ng.command('offer', { ...base, sdp: buildOffer(rtp.local), replace: REPLACE, ICE: 'remove', ...opts.offerFlags });
    const towardCaller = offer.sdp ? sdpAudioAddress(offer.sdp) : undefined;
    if (!offer.sdp || !towardCaller) throw new Error('rtpengine offer returned no audio address');
    const leg = rtp;
    const setRemote = leg.setRemote?.bind(leg);
    if (!setRemote) throw new Error('our media session cannot be pointed at rtpengine after the answer');
    const media = new RtpengineMedia(
      {
        ng,
        callId,
        offerTag: ourTag,
        farTag: callerTag,
        ...(opts.recordingDir ? { recordingDir: opts.recordingDir } : {}),
        ...(opts.checkIntervalMs ? { checkIntervalMs: opts.checkIntervalMs } : {}),
        ...(opts.logger ? { logger: opts.logger } : {}),
      },
      leg,
      towardCaller,
    );
    return {
      media,
      offer: offer.sdp,
      async complete(answerSdp) {
        const answer = await ng.command('answer', { ...base, 'to-tag': callerTag, sdp: answerSdp, replace: REPLACE, ICE: 'remove' });
        const towardUs = answer.sdp ? sdpAudioAddress(answer.sdp) : undefined;
        if (!towardUs) throw new Error('rtpengine answer returned no audio address');
        setRemote(towardUs);
      },
    };
  } catch (err) {
    await rtp?.close();
    await ng.command('delete', base).catch(() => {});
    throw err;
  }
}
