import { type CallContext, callOperation, findOperation } from '../call-operation.js';
import { errorFromResponse } from '../error-from-response.js';
import { ProlopeError } from '../errors.js';
import { LiveStream, type StreamSetup } from './live-stream.js';
import type { EventStreamOptions, LogEntry, StreamEvent, StreamOptions } from './stream-types.js';
import { loadWebSocket, streamUrl } from './web-socket.js';

// "After the beginning": every event. A stream that found no events at all starts here, so a
// reconnect still sends the first events written while it was away.
const BEGINNING = `evt_${'0'.repeat(26)}`;

function common(ctx: CallContext, operationId: 'events.stream' | 'logs.stream', opts: StreamOptions): Omit<StreamSetup, 'url' | 'start'> {
  const { apiKey, baseUrl } = ctx.options;
  const { path, scopes } = findOperation(operationId);
  const headers: Record<string, string> = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
  return {
    headers,
    webSocket: () => loadWebSocket(ctx.options.webSocket),
    // WebSocket clients do not show why an upgrade was refused; the same request over plain HTTP
    // gets the API's problem (401, 403, 400) or 426 when only the upgrade itself failed.
    async diagnose() {
      let response: Response;
      try {
        response = await ctx.options.fetch(new Request(baseUrl + path, { headers: { ...headers, Accept: 'application/json' } }));
      } catch {
        return undefined;
      }
      const text = await response.text().catch(() => '');
      if (response.status === 426 || response.status === 429 || response.status >= 500) return undefined;
      if (response.status < 400) {
        return new ProlopeError(`GET ${path} answered ${response.status} instead of a WebSocket upgrade: is baseUrl (${baseUrl}) a Prolope API?`);
      }
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: errorFromResponse shows the text.
      }
      return errorFromResponse(response.status, body, response.headers, { apiKey, baseUrl, operationId, scopes });
    },
    backoff: ctx.options.backoff,
    reconnect: opts.reconnect ?? true,
    onStatus: opts.onStatus,
    signal: opts.signal,
  };
}

/**
 * `prolope.events.stream()`: the account's events as they happen.
 *
 * @example
 * ```ts
 * const stream = prolope.events.stream({ types: ['call.*'] });
 * for await (const event of stream) {
 *   if (event.type === 'call.completed') console.log(event.data.object.id);
 * }
 * ```
 */
export function eventStream(ctx: CallContext, opts: EventStreamOptions = {}): LiveStream<StreamEvent> {
  const types = typeof opts.types === 'string' ? opts.types : opts.types?.join(',');
  return new LiveStream<StreamEvent>({
    ...common(ctx, 'events.stream', opts),
    url: (cursor) => streamUrl(ctx.options.baseUrl, findOperation('events.stream').path, { types, starting_after: cursor }),
    // The newest event id now, read over HTTP: the stream resumes from a known id even when the
    // first connection drops before any event arrived. It also surfaces a bad key as a normal API error.
    async start() {
      if (opts.startingAfter) return opts.startingAfter;
      const page = (await callOperation(ctx, 'events.list', { query: { limit: 1 } }, { signal: opts.signal })) as { data: Array<{ id: string }> };
      return page.data[0]?.id ?? BEGINNING;
    },
  });
}

/**
 * `prolope.logs.stream()`: the account's API requests (`request_log`) and events as they happen.
 *
 * @example
 * ```ts
 * for await (const entry of prolope.logs.stream()) {
 *   if (entry.object === 'request_log') console.log(entry.status, entry.method, entry.path);
 * }
 * ```
 */
export function logStream(ctx: CallContext, opts: StreamOptions = {}): LiveStream<LogEntry> {
  return new LiveStream<LogEntry>({
    ...common(ctx, 'logs.stream', opts),
    url: (cursor) => streamUrl(ctx.options.baseUrl, findOperation('logs.stream').path, { starting_after: cursor }),
    // A tail starts now; after a drop it resumes after the last event (request lines are not kept).
    start: async () => undefined,
  });
}
