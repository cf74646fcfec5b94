import { parse } from 'sdp-transform';

/**
 * Where an SDP says its first audio stream listens: the media-level `c=` (else the session-level one)
 * and the `m=audio` port. Used on rtpengine's rewritten SDPs (to learn its anchor ports); never to find
 * the call an offer belongs to (PBXs behind one NAT offer the same address): that is its Call-ID.
 */
export function sdpAudioAddress(sdp: string): { address: string; port: number } | undefined {
  let session: ReturnType<typeof parse>;
  try {
    session = parse(sdp);
  } catch {
    return undefined;
  }
  const audio = session.media.find((m) => m.type === 'audio' && m.port > 0);
  const address = audio?.connection?.ip ?? session.connection?.ip;
  if (!audio || !address) return undefined;
  return { address, port: audio.port };
}

