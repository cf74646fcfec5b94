/**
 * A conference of media sessions: each participant hears the others mixed (audio-mixer.ts), not itself.
 * DTMF is not mixed: each session keeps reporting its own digits as before.
 */
import type { MediaSession } from '../backend.js';
import { AudioMixer } from './audio-mixer.js';
import { claimMedia } from './media-use.js';
import { endpointOf } from './media-endpoint.js';
import { RtpSession } from './rtp-session.js';

export interface Conference {
  /** Adds a session (a no-op for one already in). */
  join(session: MediaSession): void;
  /** Removes a session; it stops hearing and being heard (a no-op for one not in). */
  leave(session: MediaSession): void;
  /** Ends the conference; every session leaves. */
  close(): void;
  /**
   * Called once when the mixer itself is gone (its media worker died): the participants left hear nothing
   * more from it, so the caller must end the conference for them. Never called after close().
   */
  onLost(listener: () => void): void;
}

/** The error for sessions that cannot be mixed together (a media worker's with one of this thread's). */
export class MixNotSupportedError extends Error {
  constructor() {
    super('mixing needs sessions of one kind of our media plane: all in media workers, or all on the main thread (PROLOPE_MEDIA_WORKERS=0)');
    this.name = 'MixNotSupportedError';
  }
}

/** A conference of sessions in this thread (PROLOPE_MEDIA_WORKERS=0), mixed on this thread's pacer. */
export class InProcessConference implements Conference {
  readonly #mixer = new AudioMixer();
  readonly #members = new Map<RtpSession, { key: number; off: () => void; release: () => void }>();
  #nextKey = 0;

  join(member: MediaSession): void {
    const session = endpointOf(member);
    if (!(session instanceof RtpSession)) throw new MixNotSupportedError();
    if (this.#members.has(session)) return;
    const release = claimMedia(session, 'conference');
    const key = ++this.#nextKey;
    this.#mixer.join(key, (pcm) => session.sendAudioFrame(pcm));
    // A copy: other listeners (a recording, the main thread's onAudio) may hold or transfer the same frame.
    const off = session.onAudio((pcm) => this.#mixer.push(key, pcm.slice()));
    this.#members.set(session, { key, off, release });
  }

  leave(left: MediaSession): void {
    const session = endpointOf(left);
    const member = this.#members.get(session as RtpSession);
    if (!member) return;
    this.#members.delete(session as RtpSession);
    member.off();
    this.#mixer.leave(member.key);
    member.release();
  }

  close(): void {
    for (const session of [...this.#members.keys()]) this.leave(session);
    this.#mixer.close();
  }

  onLost(): void {
    // Mixed on this thread: the mixer lives as long as the process.
  }
}
