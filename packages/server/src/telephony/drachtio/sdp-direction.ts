import type { MediaDirection } from '../media/index.js';

/**
 * The direction an SDP offers for its audio: its a=sendonly/recvonly/inactive (the m-line's own, else
 * the session's), and `c=0.0.0.0` as the RFC 2543 hold that older PBXs still send, which means the
 * offerer will not receive, i.e. sendonly (RFC 3264 §8.4).
 */
export function offeredDirection(sdp: string): MediaDirection {
  const audioAt = sdp.search(/^m=audio /m);
  const session = audioAt === -1 ? sdp : sdp.slice(0, audioAt);
  const audio = audioAt === -1 ? '' : sdp.slice(audioAt).split(/\r?\n(?=m=)/)[0] ?? '';
  const attr = (text: string) => /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(text)?.[1] as MediaDirection | undefined;
  const direction = attr(audio) ?? attr(session);
  if (direction && direction !== 'sendrecv') return direction;
  if (/^c=IN IP4 0\.0\.0\.0\s*$/m.test(sdp)) return 'sendonly';
  return direction ?? 'sendrecv';
}

/** RFC 3264 §6.1: the answer mirrors the offered direction. */
export function mirrorDirection(offered: MediaDirection): MediaDirection {
  return offered === 'sendonly' ? 'recvonly' : offered === 'recvonly' ? 'sendonly' : offered;
}
