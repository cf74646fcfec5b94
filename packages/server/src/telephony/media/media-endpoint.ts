/**
 * A media session may stand in front of another: on the drachtio backend a call's session is rtpengine
 * (the edge relay) plus our own media plane's session behind it, which plays, records, bridges and
 * mixes. Bridges and conferences work on that session, so both backends share one media implementation.
 */
import type { MediaSession } from '../backend.js';

/** A session relayed to the far end by something else (rtpengine), with our media plane's session behind it. */
export interface RelayedMediaSession extends MediaSession {
  /** Our media plane's session (a media worker's, or this thread's) that the relay forwards to and from. */
  readonly endpoint: MediaSession;
}

/**
 * The session that carries `session`'s RTP in our media plane: itself, or the one behind a relay.
 * @example endpointOf(call.media).bridge(endpointOf(other.media))
 */
export function endpointOf(session: MediaSession): MediaSession {
  return 'endpoint' in session && session.endpoint !== undefined ? endpointOf((session as RelayedMediaSession).endpoint) : session;
}
