/**
 * The media workers of one server (PROLOPE_MEDIA_WORKERS, default one per core): each call's RTP
 * socket and pacing live in one of them, chosen as the one with the fewest sessions. The main thread
 * keeps SIP, the API and the store, and drives media through the messages of protocol.ts.
 */
import type { BoundPort, MediaStart } from '../bound-port.js';
import type { RtpLogger } from '../rtp-session.js';
import type { RtpPorts } from '../udp-port.js';
import type { FromWorker } from './protocol.js';
import { MediaWorker } from './worker-link.js';
import { startMediaWorker } from './worker-entry.js';
import { WorkerMediaSession } from './worker-session.js';

export interface MediaPoolOptions {
  /** Number of worker threads (at least 1). */
  size: number;
  logger?: RtpLogger;
}

export class MediaWorkerPool {
  readonly #workers: MediaWorker[] = [];
  readonly #logger: RtpLogger | undefined;
  #req = 0;
  #id = 0;
  #terminating = false;

  constructor(options: MediaPoolOptions) {
    this.#logger = options.logger;
    for (let i = 0; i < Math.max(1, options.size); i++) this.#workers.push(this.#spawn());
  }

  /**
   * Resolves when every worker listens; rejects when one fails to start. Requests posted earlier
   * wait in the worker's queue, so this is only for a server that wants its media up before calls.
   */
  ready(): Promise<void> {
    return Promise.all(this.#workers.map((w) => w.ready)).then(() => undefined);
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Sessions per worker (tests and health). */
  loads(): number[] {
    return this.#workers.map((w) => w.sessions.size);
  }

  /**
   * Takes an even port of `range` through `ports` and binds it in the least loaded worker. Each port
   * tried costs one message round trip; the main thread's RtpPorts skips the ports its calls hold.
   */
  async bind(ports: RtpPorts, address: string, range: readonly [number, number], advertisedAddress?: string): Promise<BoundPort> {
    const worker = this.#pick();
    const id = ++this.#id;
    worker.reserved++;
    let port: number;
    try {
      port = await ports.claim(address, range, async (candidate) => {
        const { reply } = worker.request((req) => ({ op: 'bind', req, id, address, port: candidate }));
        const answer = await reply;
        if (answer.error) throw new Error(answer.error);
        return answer.bound ? candidate : undefined;
      });
    } catch (err) {
      worker.reserved--;
      throw err;
    }
    let used = false;
    const release = () => ports.release(address, port);
    return {
      port,
      start: (o: MediaStart) => {
        if (used) throw new Error('media already started on this port');
        used = true;
        worker.reserved--;
        const session = new WorkerMediaSession(worker, id, { address: advertisedAddress ?? address, port }, o, release);
        worker.sessions.set(id, session);
        return session;
      },
      close: async () => {
        if (used) return;
        used = true;
        worker.reserved--;
        await worker.request((req) => ({ op: 'close', req, id })).reply.catch(() => undefined);
        release();
      },
    };
  }

  /** Ends the workers; sessions still open are closed as if their worker had died. */
  async terminate(): Promise<void> {
    this.#terminating = true;
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
    for (const w of this.#workers) this.#lost(w);
  }

  #pick(): MediaWorker {
    let best: MediaWorker | undefined;
    for (const w of this.#workers) if (!w.dead && (!best || w.load < best.load)) best = w;
    if (!best) throw new Error('no media worker is running');
    return best;
  }

  #spawn(): MediaWorker {
    const worker = startMediaWorker();
    // Workers must not keep the process alive on their own: the server's stop() ends them.
    worker.unref();
    const w = new MediaWorker(worker, () => ++this.#req);
    worker.on('message', (m: FromWorker) => this.#receive(w, m));
    worker.on('error', (err) => this.#logger?.warn({ err }, 'media worker failed'));
    worker.on('exit', (code) => {
      if (!this.#terminating) this.#logger?.warn({ code }, 'media worker exited; its calls lose their media');
      this.#lost(w);
    });
    return w;
  }

  #receive(w: MediaWorker, m: FromWorker): void {
    switch (m.ev) {
      case 'reply': {
        const pending = w.pending.get(m.req);
        w.pending.delete(m.req);
        pending?.resolve(m);
        return;
      }
      case 'dtmf':
        w.sessions.get(m.id)?.deliverDtmf(m.digit);
        return;
      case 'timeout':
        w.sessions.get(m.id)?.deliverTimeout();
        return;
      case 'audio':
        w.sessions.get(m.id)?.deliverAudio(m.pcm);
        return;
      case 'ready':
        return;
      case 'warn':
        this.#logger?.warn({ err: m.err, ...(m.port !== undefined ? { port: m.port } : {}) }, m.msg);
        return;
    }
  }

  /** A worker is gone: what waited on it settles, and its calls hear an RTP timeout so they end. */
  #lost(w: MediaWorker): void {
    if (w.dead) return;
    w.dead = true;
    const pending = [...w.pending.values()];
    w.pending.clear();
    for (const p of pending) p.lost();
    const sessions = [...w.sessions.values()];
    w.sessions.clear();
    for (const s of sessions) s.workerLost(!this.#terminating);
    const lost = [...w.lostListeners];
    w.lostListeners.clear();
    for (const listener of lost) listener();
  }
}
