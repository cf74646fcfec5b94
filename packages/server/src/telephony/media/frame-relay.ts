/**
 * The bridge of last resort: each side's decoded 20 ms frames are re-encoded toward the other, and each
 * digit is sent again as RFC 4733. It is how two sessions that cannot relay packets to each other are
 * bridged: two sessions of different kinds (a media worker's and one of this thread's). A drachtio call
 * is bridged through our session behind rtpengine (media-endpoint.ts), so it relays packets too.
 */
import type { MediaSession } from '../backend.js';

/** Relays audio and DTMF both ways between `a` and `b` until the returned function is called. */
export function relayFrames(a: MediaSession, b: MediaSession): () => void {
  let bridged = true;
  const offAudio = [a.onAudio((pcm) => b.sendAudioFrame(pcm)), b.onAudio((pcm) => a.sendAudioFrame(pcm))];
  // onDtmf has no unsubscribe: the flag makes the listeners inert once unbridged.
  const relayDtmf = (to: MediaSession) => (digit: string) => {
    if (bridged) void to.sendDtmf(digit).catch(() => {});
  };
  a.onDtmf(relayDtmf(b));
  b.onDtmf(relayDtmf(a));
  return () => {
    if (!bridged) return;
    bridged = false;
    for (const off of offAudio) off();
  };
}
