import type { webhooks } from '@prolope/contract/schema';

type WebhookBody<T extends keyof webhooks> = webhooks[T]['post'] extends { requestBody: { content: { 'application/json': infer Body } } } ? Body : never;

/**
 * Any event Prolope sends (the union of the spec's `webhooks`); narrow it with `event.type`.
 *
 * @example
 * ```ts
 * function onEvent(event: StreamEvent) {
 *   if (event.type === 'call.completed') console.log(event.data.object.duration_seconds);
 * }
 * ```
 */
export type StreamEvent = { [T in keyof webhooks]: WebhookBody<T> }[keyof webhooks];

/**
 * One API request made with one of the account's keys, as the logs stream sends it.
 *
 * @example
 * ```ts
 * const line: RequestLog = { object: 'request_log', id: 'req_1', method: 'GET', path: '/v1/accounts/me', status: 200, duration_ms: 3.1, created_at: '2026-01-01T10:00:00.000Z', account_id: 'acct_1' };
 * ```
 */
export interface RequestLog {
  object: 'request_log';
  /** The request id, as in the `Prolope-Request-Id` header. */
  id: string;
  method: string;
  /** Path and query; values of credential-like query parameters are shown as `***`. */
  path: string;
  status: number;
  duration_ms: number;
  created_at: string;
  account_id: string;
}

/**
 * What the logs stream sends: request lines and events, told apart by `object`.
 *
 * @example
 * ```ts
 * const text = (entry: LogEntry) => (entry.object === 'request_log' ? `${entry.status} ${entry.path}` : entry.type);
 * ```
 */
export type LogEntry = RequestLog | StreamEvent;

/**
 * A change in a stream's connection, for `onStatus`: the socket opened (first or again), or it
 * dropped and the stream reconnects after `delayMs`.
 *
 * @example
 * ```ts
 * const onStatus = (s: StreamStatus) => {
 *   if (s.state === 'reconnecting') console.error(`connection lost (${s.reason}); retrying in ${s.delayMs} ms`);
 * };
 * ```
 */
export type StreamStatus = { state: 'open'; reconnected: boolean } | { state: 'reconnecting'; attempt: number; delayMs: number; reason: string };

/**
 * Options every live stream takes.
 *
 * @example
 * ```ts
 * const options: StreamOptions = { signal: AbortSignal.timeout(60_000), reconnect: true };
 * ```
 */
export interface StreamOptions {
  /** Ends the stream (the `for await` loop finishes) when aborted. */
  signal?: AbortSignal | undefined;
  /** Reconnect after the connection drops, resuming after the last event received (default true). */
  reconnect?: boolean | undefined;
  /** Told when the socket opens and when it drops. */
  onStatus?: ((status: StreamStatus) => void) | undefined;
}

/**
 * Options of `prolope.events.stream()`.
 *
 * @example
 * ```ts
 * const options: EventStreamOptions = { types: ['call.*', 'number.purchased'] };
 * ```
 */
export interface EventStreamOptions extends StreamOptions {
  /** Event types or prefix wildcards (`call.*`); default: every type. */
  types?: string | readonly string[] | undefined;
  /** Replay the events after this id first; default: only events from the moment the stream starts. */
  startingAfter?: string | undefined;
}
