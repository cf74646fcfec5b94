import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConnectionError, ProlopeError } from '../errors.js';
import { type LogEntry, Prolope, type StreamEvent, type WebSocketConstructor } from '../index.js';
import { json, problem, startServer } from '../test-server.js';
import type { LiveStream } from './live-stream.js';
import { loadWebSocket, streamUrl, type WebSocketLike } from './web-socket.js';

/**
 * The parts of the live streams that need no Prolope server: URLs, picking a WebSocket class, and
 * what a stream does with a socket that says something odd. The streams against a real server are
 * tested in packages/server/src/events/stream/sdk-stream.test.ts.
 */

type Listener = (event: never) => void;

/** A socket that opens, sends the given frames, then closes with 1006, as a dropped connection does. */
function scriptedSocket(frames: string[]): WebSocketConstructor {
  return class implements WebSocketLike {
    readyState = 0;
    readonly #listeners = new Map<string, Listener[]>();
    constructor(
      readonly url: string,
      readonly init: { headers: Record<string, string> },
    ) {
      setImmediate(() => {
        this.#emit('open', {});
        for (const data of frames) this.#emit('message', { data });
        this.#emit('close', { code: 1006, reason: '' });
      });
    }
    addEventListener(type: string, listener: Listener): void {
      this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
    }
    close(): void {}
    #emit(type: string, event: object): void {
      for (const l of this.#listeners.get(type) ?? []) l(event as never);
    }
  } as unknown as WebSocketConstructor;
}

describe('live streams without a server', () => {
  it('builds ws:// and wss:// URLs with the query', () => {
    expect(streamUrl('http://127.0.0.1:3000', '/v1/events/stream', { types: 'call.*,number.purchased', starting_after: undefined })).toBe(
      'ws://127.0.0.1:3000/v1/events/stream?types=call.*%2Cnumber.purchased',
    );
    expect(streamUrl('https://api.prolope.dev', '/v1/logs/stream', { starting_after: 'evt_1' })).toBe(
      'wss://api.prolope.dev/v1/logs/stream?starting_after=evt_1',
    );
  });

  it('uses the WebSocket it is given, else the global one', async () => {
    const given = scriptedSocket([]);
    expect(await loadWebSocket(given)).toBe(given);
    const had = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
    Object.defineProperty(globalThis, 'WebSocket', { value: given, configurable: true, writable: true });
    try {
      expect(await loadWebSocket(undefined)).toBe(given);
    } finally {
      if (had) Object.defineProperty(globalThis, 'WebSocket', had);
      else delete (globalThis as { WebSocket?: unknown }).WebSocket;
    }
  });

  it('yields the messages, keeps their exact text, and without reconnect ends with a ConnectionError when the socket drops', async () => {
    const text = '{"object":"event","id":"evt_2","type":"call.answered" , "data":{"object":{"id":"call_1"}}}';
    const prolope = new Prolope({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', WebSocket: scriptedSocket([text]) });
    const stream = prolope.events.stream({ startingAfter: 'evt_1', reconnect: false });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ id: 'evt_2', type: 'call.answered' });
    expect(stream.raw(first.value as StreamEvent)).toBe(text);
    expect(stream.lastEventId).toBe('evt_2');
    await expect(iterator.next()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('ends with an error when the server sends something that is not JSON', async () => {
    const prolope = new Prolope({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', WebSocket: scriptedSocket(['<html>']) });
    const stream = prolope.logs.stream({ reconnect: false });
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow(ProlopeError);
  });

  it('reads the newest event id first, so a stream "from now" has a cursor to resume from', async () => {
    const api = await startServer([
      json(200, { object: 'list', data: [{ id: 'evt_newest' }], has_more: true, next_cursor: 'evt_newest' }),
      // What the stream's path answers over plain HTTP: the key is fine, only the socket failed.
      problem(426, 'websocket_required', 'Connect with an upgrade request.'),
    ]);
    let url = '';
    const Capture = class {
      constructor(u: string) {
        url = u;
        throw new Error('no network in this test');
      }
    } as unknown as WebSocketConstructor;
    const stream = new Prolope({ apiKey: 'k', baseUrl: api.url, WebSocket: Capture }).events.stream({ types: ['call.*'], reconnect: false });
    await expect(stream.ready).rejects.toBeInstanceOf(ConnectionError);
    expect(api.requests.map((r) => r.url)).toEqual(['/v1/events?limit=1', '/v1/events/stream']);
    expect(url).toBe(`${api.url.replace('http', 'ws')}/v1/events/stream?types=call.*&starting_after=evt_newest`);
    await api.close();
  });

  it('is typed: events narrow by type, the logs stream yields request lines and events', () => {
    const prolope = new Prolope({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    expectTypeOf(prolope.events.stream).returns.toEqualTypeOf<LiveStream<StreamEvent>>();
    expectTypeOf(prolope.logs.stream).returns.toEqualTypeOf<LiveStream<LogEntry>>();
    expectTypeOf<Extract<StreamEvent, { type: 'call.completed' }>['data']['object']['object']>().toEqualTypeOf<'call'>();
    expectTypeOf<keyof typeof prolope.logs>().toEqualTypeOf<'stream'>();
  });
});
