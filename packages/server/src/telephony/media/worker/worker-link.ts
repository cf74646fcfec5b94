/** The main thread's handle on one media worker: its pending requests and the sessions it carries. */
import type { Transferable, Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol.js';

/** The few calls a worker's sessions need from the main thread's side of their session. */
export interface WorkerSessionEvents {
  deliverDtmf(digit: string): void;
  deliverTimeout(): void;
  deliverAudio(pcm: Int16Array): void;
  workerLost(fireTimeout: boolean): void;
}

interface Pending {
  resolve(reply: Extract<FromWorker, { ev: 'reply' }>): void;
  /** The worker died before answering. */
  lost(): void;
}

/** One worker and what waits on it. */
export class MediaWorker {
  readonly pending = new Map<number, Pending>();
  readonly sessions = new Map<number, WorkerSessionEvents>();
  /** Bound ports not yet started, counted for the load balance. */
  reserved = 0;
  dead = false;
  /** Called once when the worker dies (a conference hosted here ends: worker-conference.ts). */
  readonly lostListeners = new Set<() => void>();
  /** Settles when the worker listens (or fails to start). */
  readonly ready: Promise<void>;

  constructor(
    readonly worker: Worker,
    /** Numbers unique in this pool: requests, and conferences (worker-conference.ts). */
    readonly nextReq: () => number,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`media worker exited (${code}) before it was ready`));
      const onMessage = (m: FromWorker) => {
        if (m.ev !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        worker.off('exit', onExit);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', onExit);
    });
    // A worker that dies later is handled by the pool; this only reports the start.
    this.ready.catch(() => undefined);
  }

  post(message: ToWorker, transfer?: readonly Transferable[]): void {
    if (!this.dead) this.worker.postMessage(message, transfer);
  }

  /** Posts a request and waits for its reply; `lost` settles it when the worker dies first. */
  request(build: (req: number) => ToWorker, lost: () => void = () => undefined): { req: number; reply: Promise<Extract<FromWorker, { ev: 'reply' }>> } {
    const req = this.nextReq();
    const reply = new Promise<Extract<FromWorker, { ev: 'reply' }>>((resolve, reject) => {
      if (this.dead) {
        lost();
        reject(new Error('media worker is gone'));
        return;
      }
      this.pending.set(req, {
        resolve,
        lost: () => {
          lost();
          reject(new Error('media worker is gone'));
        },
      });
      this.worker.postMessage(build(req));
    });
    return { req, reply };
  }

  get load(): number {
    return this.sessions.size + this.reserved;
  }
}
