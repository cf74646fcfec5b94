/**
 * What a session's media is doing for others: bridged to another call (a `dial`) or mixed in a
 * conference. Both would write into the same outgoing stream (the bridge relays the other leg's packets,
 * the mixer sends its mix), and the far end would hear the two interleaved, so a session is one or the
 * other: the second use is refused with MediaBusyError. Counted, since a session may be bridged again
 * before the first bridge's end is called (call control replaces a dial).
 */
import type { MediaSession } from '../backend.js';

export type MediaUse = 'bridge' | 'conference';

/** The error for a session already bridged when it is mixed, or already mixed when it is bridged. */
export class MediaBusyError extends Error {
  constructor(
    readonly busyWith: MediaUse,
    readonly wanted: MediaUse,
  ) {
    super(
      busyWith === 'bridge'
        ? 'this call is bridged to another (a dial is running): end the bridge before putting it in a conference'
        : 'this call is in a conference: leave the conference before bridging it to another call',
    );
    this.name = 'MediaBusyError';
  }
}

const uses = new WeakMap<MediaSession, { use: MediaUse; count: number }>();

/** Marks `session` as used for `use` until the returned function is called; throws MediaBusyError when it is used otherwise. */
export function claimMedia(session: MediaSession, use: MediaUse): () => void {
  const current = uses.get(session);
  if (current && current.use !== use) throw new MediaBusyError(current.use, use);
  if (current) current.count++;
  else uses.set(session, { use, count: 1 });
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    const now = uses.get(session);
    if (now && --now.count <= 0) uses.delete(session);
  };
}

/** Claims both ends of a bridge, or neither. */
export function claimBridge(a: MediaSession, b: MediaSession): () => void {
  const releaseA = claimMedia(a, 'bridge');
  if (a === b) return releaseA;
  try {
    const releaseB = claimMedia(b, 'bridge');
    return () => {
      releaseA();
      releaseB();
    };
  } catch (err) {
    releaseA();
    throw err;
  }
}
