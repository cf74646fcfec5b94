/**
 * A conference of sessions in media workers. Its mixer lives in one worker, the host: the worker of the
 * first session to join, so at least one participant's frames never leave their thread. A participant
 * of the host is mixed there directly; one of another worker gets a MessageChannel to the host, over
 * which its decoded frames go in and its mix comes back, buffers transferred, never through the main
 * thread. Sessions are not moved between workers: a session's socket and its running plays,
 * recordings and bridge stay where they are, and a frame of 320 bytes each way is cheap to post.
 */
import { MessageChannel } from 'node:worker_threads';
import type { MediaSession } from '../../backend.js';
import { type Conference, InProcessConference, MixNotSupportedError } from '../conference.js';
import { claimMedia } from '../media-use.js';
import { endpointOf } from '../media-endpoint.js';
import { RtpSession } from '../rtp-session.js';
import type { MediaWorker } from './worker-link.js';
import { WorkerMediaSession } from './worker-session.js';

export class WorkerConference implements Conference {
  #host: { worker: MediaWorker; conf: number } | undefined;
  readonly #members = new Map<WorkerMediaSession, { worker: MediaWorker; id: number; release: () => void }>();
  readonly #lostListeners: Array<() => void> = [];
  #closed = false;
  /** The host worker died: its mixer is gone, and with it every participant's mix. */
  readonly #hostLost = () => {
    if (this.#closed) return;
    this.close();
    for (const listener of this.#lostListeners.splice(0)) listener();
  };

  join(member: MediaSession): void {
    const session = endpointOf(member);
    if (!(session instanceof WorkerMediaSession)) throw new MixNotSupportedError();
    const place = session.place;
    if (this.#closed || place.closed || this.#members.has(session)) return;
    const release = claimMedia(session, 'conference');
    if (!this.#host) {
      this.#host = { worker: place.worker, conf: place.worker.nextReq() };
      place.worker.post({ op: 'mix-open', conf: this.#host.conf });
      place.worker.lostListeners.add(this.#hostLost);
    }
    const { worker: host, conf } = this.#host;
    const key = host.nextReq();
    if (place.worker === host) {
      host.post({ op: 'mix-join', conf, key, id: place.id });
    } else {
      const { port1, port2 } = new MessageChannel();
      host.post({ op: 'mix-port', conf, key, port: port1 }, [port1]);
      place.worker.post({ op: 'mix-remote', id: place.id, port: port2 }, [port2]);
    }
    this.#members.set(session, { worker: place.worker, id: place.id, release });
  }

  leave(left: MediaSession): void {
    const session = endpointOf(left);
    const member = this.#members.get(session as WorkerMediaSession);
    if (!member) return;
    this.#members.delete(session as WorkerMediaSession);
    member.worker.post({ op: 'unmix', id: member.id });
    member.release();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#members.keys()]) this.leave(session);
    if (!this.#host) return;
    this.#host.worker.lostListeners.delete(this.#hostLost);
    this.#host.worker.post({ op: 'mix-close', conf: this.#host.conf });
  }

  onLost(listener: () => void): void {
    if (!this.#closed) this.#lostListeners.push(listener);
  }
}

/**
 * Mixes `sessions` (three or more, though any number works): each hears the others, not itself. Sessions
 * of media workers are mixed in a worker, sessions of this thread (PROLOPE_MEDIA_WORKERS=0) here. A
 * drachtio call's session is mixed through our media plane's session behind rtpengine (media-endpoint.ts);
 * sessions of the two kinds together throw MixNotSupportedError.
 */
export function mix(sessions: readonly MediaSession[]): Conference {
  const first = sessions[0] && endpointOf(sessions[0]);
  const conference = first instanceof RtpSession ? new InProcessConference() : new WorkerConference();
  try {
    for (const session of sessions) conference.join(session);
  } catch (err) {
    conference.close();
    throw err;
  }
  return conference;
}
