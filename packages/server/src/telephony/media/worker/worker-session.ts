/**
 * The main thread's side of a session whose RTP runs in a media worker: the same MediaSession the
 * in-process RtpSession is, so verbs and calls do not know where their media runs. Counters are read
 * from memory the worker writes (SHARED_STATS), so stats() stays synchronous.
 */
import type { MediaSession, RecordingHandle, RecordingOptions } from '../../backend.js';
import { MessageChannel } from 'node:worker_threads';
import type { MediaStart } from '../bound-port.js';
import { digitToEvent } from '../dtmf-event.js';
import { relayFrames } from '../frame-relay.js';
import { claimBridge } from '../media-use.js';
import { endpointOf } from '../media-endpoint.js';
import { SHARED_STATS } from '../rtp-session.js';
import type { RtpAddress } from '../sdp-types.js';
import type { MediaWorker, WorkerSessionEvents } from './worker-link.js';

export class WorkerMediaSession implements MediaSession, WorkerSessionEvents {
  readonly local: { address: string; port: number };

  readonly #worker: MediaWorker;
  readonly #id: number;
  readonly #stats = new Int32Array(new SharedArrayBuffer(SHARED_STATS.length * Int32Array.BYTES_PER_ELEMENT));
  readonly #release: () => void;
  readonly #dtmfListeners: Array<(digit: string) => void> = [];
  readonly #timeoutListeners: Array<() => void> = [];
  readonly #audioListeners = new Set<(pcm: Int16Array) => void>();
  #dtmfPayloadType: number | undefined;
  #recordings = 0;
  #closed: Promise<void> | undefined;

  constructor(worker: MediaWorker, id: number, local: { address: string; port: number }, start: MediaStart, release: () => void) {
    this.#worker = worker;
    this.#id = id;
    this.local = local;
    this.#release = release;
    this.#dtmfPayloadType = start.dtmfPayloadType;
    const options = {
      remote: { ...start.remote },
      ...(start.dtmfPayloadType !== undefined ? { dtmfPayloadType: start.dtmfPayloadType } : {}),
      ...(start.rtpTimeoutMs !== undefined ? { rtpTimeoutMs: start.rtpTimeoutMs } : {}),
    };
    worker.post({ op: 'start', id, options, stats: this.#stats.buffer as SharedArrayBuffer });
  }

  play(samples: Int16Array, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const signal = opts.signal;
    if (this.#closed || signal?.aborted || samples.length === 0) return Promise.resolve();
    // Posted without a transfer list: the caller may play the same buffer again (a cached prompt), so
    // it is copied once, or shared as it is when it lives in a SharedArrayBuffer.
    const { req, reply } = this.#worker.request((r) => ({ op: 'play', req: r, id: this.#id, samples }));
    const stop = () => this.#worker.post({ op: 'stop-play', id: this.#id, play: req });
    signal?.addEventListener('abort', stop, { once: true });
    return reply
      .then(
        (answer) => {
          if (answer.error) throw new Error(answer.error);
        },
        () => undefined, // the worker is gone: nothing more will be played
      )
      .finally(() => signal?.removeEventListener('abort', stop));
  }

  sendDtmf(digit: string, durationMs?: number): Promise<void> {
    // Checked here too, so callers get the same errors as from an in-process session.
    if (digitToEvent(digit) === undefined) return Promise.reject(new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`));
    if (this.#dtmfPayloadType === undefined) return Promise.reject(new Error('telephone-event was not negotiated for this session'));
    if (this.#closed) return Promise.resolve();
    return this.#worker
      .request((req) => ({ op: 'dtmf', req, id: this.#id, digit, durationMs }))
      .reply.then((answer) => {
        if (answer.error) throw new Error(answer.error);
      });
  }

  onDtmf(listener: (digit: string) => void): void {
    this.#dtmfListeners.push(listener);
  }

  onTimeout(listener: () => void): void {
    this.#timeoutListeners.push(listener);
  }

  startRecording(opts: RecordingOptions = {}): RecordingHandle {
    const rec = ++this.#recordings;
    this.#worker.post({ op: 'record', id: this.#id, rec, channels: opts.channels ?? 1 });
    let stopped: Promise<Int16Array> | undefined;
    return {
      stop: () => {
        stopped ??= this.#worker
          .request((req) => ({ op: 'record-stop', req, id: this.#id, rec }))
          .reply.then(
            (answer) => answer.pcm ?? new Int16Array(0),
            () => new Int16Array(0),
          );
        return stopped;
      },
      pause: () => this.#worker.post({ op: 'record-pause', id: this.#id, rec }),
      resume: () => this.#worker.post({ op: 'record-resume', id: this.#id, rec }),
    };
  }

  onAudio(listener: (pcm: Int16Array) => void): () => void {
    // The worker posts received frames only while someone here listens.
    if (this.#audioListeners.size === 0 && !this.#closed) this.#worker.post({ op: 'audio', id: this.#id, on: true });
    this.#audioListeners.add(listener);
    return () => {
      if (this.#audioListeners.delete(listener) && this.#audioListeners.size === 0 && !this.#closed) {
        this.#worker.post({ op: 'audio', id: this.#id, on: false });
      }
    };
  }

  sendAudioFrame(pcm: Int16Array): void {
    if (this.#closed || pcm.length === 0) return;
    this.#worker.post({ op: 'frame', id: this.#id, pcm });
  }

  /**
   * Bridges in the media plane: two sessions of one worker relay packets to each other there; sessions
   * of two workers get the two ends of a MessageChannel, transferred, so their packets go from worker to
   * worker and the main thread only says when the bridge starts and ends. Any other session (or one
   * already closed) is bridged frame by frame through this thread (frame-relay.ts). A session relayed by
   * rtpengine (drachtio) is bridged through ours behind it (media-endpoint.ts).
   */
  bridge(peer: MediaSession): () => void {
    const other = endpointOf(peer);
    const release = claimBridge(this, other);
    if (!(other instanceof WorkerMediaSession) || other === this || this.#closed || other.#closed) {
      const unrelay = relayFrames(this, other);
      return () => {
        unrelay();
        release();
      };
    }
    const ends: Array<[MediaWorker, number]> = [
      [this.#worker, this.#id],
      [other.#worker, other.#id],
    ];
    if (this.#worker === other.#worker) {
      this.#worker.post({ op: 'bridge', id: this.#id, peer: other.#id });
    } else {
      const { port1, port2 } = new MessageChannel();
      this.#worker.post({ op: 'bridge-port', id: this.#id, port: port1 }, [port1]);
      other.#worker.post({ op: 'bridge-port', id: other.#id, port: port2 }, [port2]);
    }
    let bridged = true;
    return () => {
      if (!bridged) return;
      bridged = false;
      for (const [worker, id] of ends) worker.post({ op: 'unbridge', id });
      release();
    };
  }

  /** Where the session lives, for a conference to place its mixer and address the session (worker-conference.ts). */
  get place(): { worker: MediaWorker; id: number; closed: boolean } {
    return { worker: this.#worker, id: this.#id, closed: this.#closed !== undefined };
  }

  setMuted(muted: boolean): void {
    this.#worker.post({ op: 'mute', id: this.#id, muted });
  }

  /** A re-INVITE's SDP: see RtpSession.setRemote. */
  setRemote(remote: RtpAddress, dtmfPayloadType?: number): void {
    if (dtmfPayloadType !== undefined) this.#dtmfPayloadType = dtmfPayloadType;
    this.#worker.post({ op: 'remote', id: this.#id, remote: { ...remote }, dtmfPayloadType });
  }

  stats(): { packetsSent: number; packetsReceived: number; dtmfReceived: number } {
    return {
      packetsSent: Atomics.load(this.#stats, SHARED_STATS.packetsSent),
      packetsReceived: Atomics.load(this.#stats, SHARED_STATS.packetsReceived),
      dtmfReceived: Atomics.load(this.#stats, SHARED_STATS.dtmfReceived),
    };
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#audioListeners.clear();
      this.#closed = this.#worker
        .request((req) => ({ op: 'close', req, id: this.#id }))
        .reply.then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          this.#worker.sessions.delete(this.#id);
          this.#release();
        });
    }
    return this.#closed;
  }

  // --- events from the worker (media-pool.ts) ----------------------------------------------------

  deliverDtmf(digit: string): void {
    for (const listener of this.#dtmfListeners) safely(() => listener(digit));
  }

  deliverTimeout(): void {
    if (this.#closed) return;
    for (const listener of this.#timeoutListeners) safely(listener);
  }

  deliverAudio(pcm: Int16Array): void {
    for (const listener of this.#audioListeners) safely(() => listener(pcm));
  }

  /** The worker died: the call cannot have media any more, so it hears a timeout (and ends). */
  workerLost(fireTimeout: boolean): void {
    if (fireTimeout) this.deliverTimeout();
    this.#closed ??= Promise.resolve().then(() => this.#release());
  }
}

/** A throwing listener must not break the message loop of the pool. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // The listener's own failure; the others still run.
  }
}
