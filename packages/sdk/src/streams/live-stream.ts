import { backoffDelay, type BackoffConfig, sleep } from '../backoff.js';
import { ConnectionError, ProlopeError } from '../errors.js';
import { AsyncQueue } from './async-queue.js';
import type { StreamStatus } from './stream-types.js';
import type { WebSocketConstructor, WebSocketLike } from './web-socket.js';

/** What a {@link LiveStream} needs to connect; built by the stream methods. */
export interface StreamSetup {
  /** The ws(s):// URL for a cursor (`starting_after`), or for "from now" when undefined. */
  url(cursor: string | undefined): string;
  headers: Record<string, string>;
  /** The cursor to start from; may call the API (and so throw its errors). */
  start(): Promise<string | undefined>;
  webSocket(): Promise<WebSocketConstructor>;
  /** Why a connection was refused: an error to end the stream with, or undefined to try again. */
  diagnose(): Promise<Error | undefined>;
  backoff: BackoffConfig;
  reconnect: boolean;
  onStatus: ((status: StreamStatus) => void) | undefined;
  signal: AbortSignal | undefined;
}

type Outcome = { opened: boolean; reason: string };

/**
 * A live stream of JSON messages over a WebSocket, read with `for await`. It reconnects after a
 * drop (unless told not to) and resumes after the last event it received, so a short outage loses
 * nothing. Iterate it once; `close()` or the signal ends the loop.
 *
 * @example
 * ```ts
 * const stream = prolope.events.stream({ types: ['call.*'] });
 * await stream.ready;
 * for await (const event of stream) console.log(event.type, event.id);
 * ```
 */
export class LiveStream<T> implements AsyncIterable<T> {
  /** Resolves when the socket is first open; rejects when the stream cannot start (bad key, missing scope). */
  readonly ready: Promise<void>;
  readonly #setup: StreamSetup;
  readonly #queue = new AsyncQueue<T>();
  #stopped = false;
  #socket: WebSocketLike | undefined;
  #cursor: string | undefined;
  #opened!: () => void;
  #wake: AbortController = new AbortController();
  readonly #raw = new WeakMap<object, string>();

  constructor(setup: StreamSetup) {
    this.#setup = setup;
    let fail!: (err: unknown) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#opened = resolve;
      fail = reject;
    });
    // Whoever iterates gets the error too; an unawaited `ready` must not be an unhandled rejection.
    this.ready.catch(() => {});
    if (setup.signal?.aborted) this.close();
    else setup.signal?.addEventListener('abort', () => this.close(), { once: true });
    void this.#run().catch((err: unknown) => {
      if (this.#stopped) return; // closed by the caller meanwhile: nobody is waiting for this error
      fail(err);
      this.#fail(err);
    });
  }

  /** The id of the last event received: where the stream resumes after a reconnect. */
  get lastEventId(): string | undefined {
    return this.#cursor;
  }

  /**
   * The exact text the server sent for a message this stream yielded: forward or verify that, not
   * a re-serialization (`prolope listen` signs and forwards it byte for byte).
   *
   * @example
   * ```ts
   * for await (const event of stream) await forward(stream.raw(event));
   * ```
   */
  raw(message: T): string {
    const text = this.#raw.get(message as object);
    if (text === undefined) throw new TypeError('raw(): pass a message this stream yielded');
    return text;
  }

  /** Closes the socket and ends the iteration; events not yet read are dropped. */
  close(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#socket?.close(1000, 'closed by the client');
    this.#wake.abort();
    this.#opened();
    this.#queue.end(undefined, true);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.#queue.next(),
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }

  #fail(error: unknown): void {
    this.#stopped = true;
    this.#queue.end({ error });
  }

  #deliver(data: unknown): void {
    const text = String(data);
    let message: T & { object?: unknown; id?: unknown };
    try {
      message = JSON.parse(text);
    } catch (err) {
      throw new ProlopeError(`The stream sent a message that is not JSON: ${text.slice(0, 100)}`, { cause: err });
    }
    if (typeof message !== 'object' || message === null) throw new ProlopeError(`The stream sent a message that is not a JSON object: ${text.slice(0, 100)}`);
    this.#raw.set(message, text);
    if (message.object === 'event' && typeof message.id === 'string') this.#cursor = message.id;
    this.#queue.push(message);
  }

  async #run(): Promise<void> {
    this.#cursor = await this.#setup.start();
    const Impl = await this.#setup.webSocket();
    let attempt = 0;
    let everOpened = false;
    while (!this.#stopped) {
      const outcome = await this.#connect(Impl, everOpened);
      if (this.#stopped) return;
      if (outcome.opened) {
        everOpened = true;
        attempt = 0;
      } else {
        const refusal = await this.#setup.diagnose();
        if (refusal) throw refusal;
      }
      if (!this.#setup.reconnect) throw new ConnectionError(`The live stream ${outcome.opened ? 'dropped' : 'could not connect'}: ${outcome.reason}`);
      const delayMs = Math.round(backoffDelay(attempt++, this.#setup.backoff));
      this.#setup.onStatus?.({ state: 'reconnecting', attempt, delayMs, reason: outcome.reason });
      await sleep(delayMs, this.#wake.signal).catch(() => {});
    }
  }

  #connect(Impl: WebSocketConstructor, reconnected: boolean): Promise<Outcome> {
    return new Promise((resolve) => {
      let opened = false;
      let reason = '';
      let socket: WebSocketLike;
      try {
        socket = new Impl(this.#setup.url(this.#cursor), { headers: this.#setup.headers });
      } catch (err) {
        resolve({ opened, reason: err instanceof Error ? err.message : String(err) });
        return;
      }
      this.#socket = socket;
      socket.addEventListener('open', () => {
        opened = true;
        this.#setup.onStatus?.({ state: 'open', reconnected });
        this.#opened();
      });
      socket.addEventListener('message', (event) => {
        try {
          this.#deliver(event.data);
        } catch (err) {
          this.#fail(err);
          socket.close(1003, 'not JSON');
        }
      });
      socket.addEventListener('error', (event) => {
        reason ||= event.message || (event.error instanceof Error ? event.error.message : '') || 'connection failed';
      });
      socket.addEventListener('close', (event) => {
        this.#socket = undefined;
        resolve({ opened, reason: reason || `closed with code ${event.code}${event.reason ? ` (${event.reason})` : ''}` });
      });
    });
  }
}
