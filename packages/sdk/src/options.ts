import type { Middleware } from 'openapi-fetch';
import { type BackoffConfig, DEFAULT_BACKOFF } from './backoff.js';
import type { FetchLike } from './retry.js';
import type { WebSocketConstructor } from './streams/web-socket.js';

/**
 * How to reach the API; every field is optional.
 *
 * @example
 * ```ts
 * const options: ProlopeOptions = { apiKey: 'pk_live_…', baseUrl: 'https://api.prolope.dev', maxRetries: 3, timeout: 10_000 };
 * const prolope = new Prolope(options);
 * ```
 */
export interface ProlopeOptions {
  /** Sent as `Authorization: Bearer <apiKey>`. Defaults to `PROLOPE_API_KEY` where `process.env` exists. */
  apiKey?: string | undefined;
  /** Defaults to `http://localhost:3000` (the local development server). */
  baseUrl?: string | undefined;
  /** Retries after the first attempt for network errors, 409, 429 and 5xx. Default 2. */
  maxRetries?: number | undefined;
  /** Per attempt, in milliseconds. Default 30 000. */
  timeout?: number | undefined;
  /** A fetch to use instead of `globalThis.fetch` (it receives a `Request`). */
  fetch?: FetchLike | undefined;
  /** openapi-fetch middleware, run after the SDK's own (auth, idempotency) on every logical call. */
  middleware?: Middleware[] | undefined;
  /** Appended to the SDK's User-Agent, e.g. `my-app/1.2`. */
  userAgent?: string | undefined;
  /**
   * The WebSocket class for live streams (`events.stream()`); default: the runtime's global
   * `WebSocket` (Node.js 22+, Bun, Deno), else the `ws` package loaded on demand (Node.js 20).
   */
  WebSocket?: WebSocketConstructor | undefined;
  /**
   * @internal Backoff timing, for tests that cannot wait half a second per retry. Not part of
   * the supported API.
   */
  _backoff?: Partial<BackoffConfig> | undefined;
}

/**
 * Per-call options, always the last argument of a resource method.
 *
 * @example
 * ```ts
 * await prolope.apiKeys.create(
 *   { name: 'ci', scopes: ['contacts:read'] },
 *   { idempotencyKey: 'create-ci-key-2026-01', timeout: 5_000, maxRetries: 5 },
 * );
 * ```
 */
export interface RequestOptions {
  /** For POSTs: replaces the key the SDK would generate, so retries across processes dedupe too. */
  idempotencyKey?: string | undefined;
  /** Aborts the call, including its retries and the waits between them. */
  signal?: AbortSignal | undefined;
  /** Per attempt, in milliseconds; overrides the client's. */
  timeout?: number | undefined;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number | undefined;
  /** Extra request headers. */
  headers?: Record<string, string> | undefined;
}

/** ProlopeOptions with defaults applied and checked. */
export interface ResolvedOptions {
  apiKey: string | undefined;
  baseUrl: string;
  maxRetries: number;
  timeout: number;
  fetch: FetchLike;
  middleware: Middleware[];
  userAgent: string | undefined;
  backoff: BackoffConfig;
  webSocket: WebSocketConstructor | undefined;
}

/** Reads an environment variable where there is a `process` (Node, Bun, Deno); never imports node. */
function env(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.[name];
  return value === '' ? undefined : value;
}

export function checkRetries(value: number, where: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`${where}: maxRetries must be a whole number ≥ 0, got ${String(value)}`);
  }
  return value;
}

export function checkTimeout(value: number, where: string): number {
  if (!(typeof value === 'number' && value > 0)) {
    throw new TypeError(`${where}: timeout is in milliseconds and must be > 0, got ${String(value)}`);
  }
  return value;
}

export function resolveOptions(options: ProlopeOptions): ResolvedOptions {
  const baseUrl = (options.baseUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  // `localhost:3000` parses as a URL with scheme `localhost:`, so check the scheme, not just parsing.
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new TypeError(`new Prolope(): baseUrl must be an absolute URL such as https://api.prolope.dev, got ${baseUrl}`);
  }
  const custom = options.fetch;
  return {
    apiKey: options.apiKey ?? env('PROLOPE_API_KEY'),
    baseUrl,
    maxRetries: checkRetries(options.maxRetries ?? 2, 'new Prolope()'),
    timeout: checkTimeout(options.timeout ?? 30_000, 'new Prolope()'),
    // Looked up per call so polyfills or test doubles installed after construction still apply.
    fetch: custom ?? ((request) => globalThis.fetch(request)),
    middleware: options.middleware ?? [],
    userAgent: options.userAgent,
    backoff: { ...DEFAULT_BACKOFF, ...options._backoff },
    webSocket: options.WebSocket,
  };
}
