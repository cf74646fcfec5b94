/**
 * The bridge of last resort: each side's decoded 20 ms frames are re-encoded toward the other, and each
 * digit is sent again as RFC 4733. It is how two sessions that cannot relay packets to each other are
 * bridged: the drachtio backend (its leg toward rtpengine is an RtpSession on the main thread, and
 * rtpengine does the transcoding), or two sessions of different kinds.
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
