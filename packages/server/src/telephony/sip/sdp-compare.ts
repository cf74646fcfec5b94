import { parse } from 'sdp-transform';

/**
 * True when two SDP offers point audio at the same place (connection address and audio port).
 * Used to tell a session-refresh re-INVITE (same target, answer with our unchanged SDP) from a real
 * renegotiation we cannot follow. Unparseable SDP counts as different.
 */
export function sameMediaTarget(a: string, b: string): boolean {
  const ta = audioTarget(a);
  const tb = audioTarget(b);
  return ta !== undefined && tb !== undefined && ta === tb;
}

function audioTarget(sdp: string): string | undefined {
  try {
    const s = parse(sdp);
    const audio = s.media.find((m) => m.type === 'audio');
    if (!audio) return undefined;
    const ip = audio.connection?.ip ?? s.connection?.ip;
    if (!ip) return undefined;
    // a=sendonly / inactive is a hold: a change, not a refresh.
    const dir = audio.direction ?? s.direction ?? 'sendrecv';
    return `${ip}|${audio.port}|${dir}`;
  } catch {
    return undefined;
  }
}
