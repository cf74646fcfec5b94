import { ProlopeError } from '../errors.js';

/**
 * The part of the WHATWG WebSocket the SDK uses; the global `WebSocket` of Node.js 22+, Bun and
 * Deno and the `ws` package's `WebSocket` all have it.
 *
 * @example
 * ```ts
 * const socket: WebSocketLike = new WebSocket('wss://api.prolope.dev/v1/events/stream');
 * ```
 */
export interface WebSocketLike {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string; error?: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

/**
 * A WebSocket class that takes request headers in its second argument, as `ws` and the WebSocket
 * of Node.js 22+ (undici) and Bun do. Pass one as `new Prolope({ WebSocket })` to choose it.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 * const prolope = new Prolope({ WebSocket: WebSocket as WebSocketConstructor });
 * ```
 */
export type WebSocketConstructor = new (url: string, init: { headers: Record<string, string> }) => WebSocketLike;

/**
 * The WebSocket class streams use: the one given, else the runtime's global `WebSocket`, else the
 * `ws` package loaded on demand (Node.js 20 has no global WebSocket). The specifier is a variable
 * so that bundlers for browsers and edge runtimes do not try to pull in a Node-only package.
 */
export async function loadWebSocket(given: WebSocketConstructor | undefined): Promise<WebSocketConstructor> {
  if (given) return given;
  const global = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof global === 'function') return global as WebSocketConstructor;
  const specifier = 'ws';
  try {
    const mod = (await import(/* @vite-ignore */ specifier)) as { WebSocket?: unknown; default?: unknown };
    const Impl = mod.WebSocket ?? mod.default;
    if (typeof Impl === 'function') return Impl as WebSocketConstructor;
    throw new TypeError('the ws module has no WebSocket export');
  } catch (err) {
    throw new ProlopeError(
      'Live streams need a WebSocket: this runtime has none built in (Node.js before 22) and the ws package could not be loaded. ' +
        'Install it (npm install ws), or pass one: new Prolope({ WebSocket }).',
      { cause: err },
    );
  }
}

/** The stream's ws:// or wss:// URL from the client's http(s) base URL. */
export function streamUrl(baseUrl: string, path: string, query: Record<string, string | undefined>): string {
  const url = new URL(baseUrl + path);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(name, value);
  return url.toString();
}
