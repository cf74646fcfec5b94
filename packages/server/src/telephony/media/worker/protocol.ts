/**
 * The messages between the main thread and a media worker (see media-pool.ts). One worker hosts many
 * sessions, each named by an id the pool gives. Requests that answer carry `req`; the worker answers
 * each with one `reply`. Audio the worker produces (a recording, a received frame) is transferred, not
 * copied; audio sent to the worker is shared without a copy when it lives in a SharedArrayBuffer (the
 * WAV cache's prompts), else copied once, since the caller may play the same buffer again.
 */
import type { MessagePort } from 'node:worker_threads';
import type { RtpAddress } from '../sdp-types.js';

/** Settings of a session that the worker's RtpSession takes as they are. */
export interface WorkerSessionOptions {
  remote: RtpAddress;
  dtmfPayloadType?: number;
  rtpTimeoutMs?: number;
  symmetricRtp?: boolean;
  advertisedAddress?: string;
}

export type ToWorker =
  /** Binds a UDP socket on exactly this port (the main thread's RtpPorts chose it); reply `bound: false` when taken. */
  | { op: 'bind'; req: number; id: number; address: string; port: number }
  /** Starts RTP on a bound socket; `stats` is the session's shared counters (SHARED_STATS). */
  | { op: 'start'; id: number; options: WorkerSessionOptions; stats: SharedArrayBuffer }
  | { op: 'play'; req: number; id: number; samples: Int16Array }
  /** Stops one play (its signal aborted); the play's own reply still comes. */
  | { op: 'stop-play'; id: number; play: number }
  | { op: 'dtmf'; req: number; id: number; digit: string; durationMs: number | undefined }
  | { op: 'record'; id: number; rec: number; channels: 1 | 2 }
  | { op: 'record-pause' | 'record-resume'; id: number; rec: number }
  /** Ends a recording; the reply carries the audio, transferred. */
  | { op: 'record-stop'; req: number; id: number; rec: number }
  /** Whether the main thread wants each received frame (it has onAudio listeners). */
  | { op: 'audio'; id: number; on: boolean }
  | { op: 'frame'; id: number; pcm: Int16Array }
  | { op: 'mute'; id: number; muted: boolean }
  /** Bridges two sessions of this worker: packets relayed between them here (RtpSession.bridge). */
  | { op: 'bridge'; id: number; peer: number }
  /**
   * Bridges a session to one in another worker: `port` (transferred) carries RelayedPackets (rtp-relay.ts) each way
   * between the two workers directly, never through the main thread.
   */
  | { op: 'bridge-port'; id: number; port: MessagePort }
  /** Ends the session's bridge (a port is closed; a same-worker peer stops relaying too). */
  | { op: 'unbridge'; id: number }
  | { op: 'remote'; id: number; remote: RtpAddress; dtmfPayloadType: number | undefined }
  /** Starts a mixer (audio-mixer.ts) named `conf` in this worker, the conference's host (worker-conference.ts). */
  | { op: 'mix-open'; conf: number }
  /** Adds a session of this worker to this worker's mixer `conf`, under `key`. */
  | { op: 'mix-join'; conf: number; key: number; id: number }
  /** Adds a participant of another worker to the mixer `conf`: `port` (transferred) brings its frames and takes its mix. */
  | { op: 'mix-port'; conf: number; key: number; port: MessagePort }
  /** The participant's end of a mix-port: its decoded frames go out through `port`, the mix coming back is sent. */
  | { op: 'mix-remote'; id: number; port: MessagePort }
  /** Ends the session's part in its conference (a port closes, which the host sees). */
  | { op: 'unmix'; id: number }
  | { op: 'mix-close'; conf: number }
  /** Closes the session, or a socket bound but never started (a dial that failed). */
  | { op: 'close'; req: number; id: number };

export type FromWorker =
  /** Sent once, when the worker listens: the server takes no call before its media workers are up. */
  | { ev: 'ready' }
  | { ev: 'reply'; req: number; error?: string; bound?: boolean; pcm?: Int16Array }
  | { ev: 'dtmf'; id: number; digit: string }
  | { ev: 'timeout'; id: number }
  | { ev: 'audio'; id: number; pcm: Int16Array }
  | { ev: 'warn'; msg: string; err: string; port?: number };
