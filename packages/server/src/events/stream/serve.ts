import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Deps } from '../../deps.js';
import type { RequestLog } from '../../http/request-log.js';
import { eventBus } from '../bus.js';
import { EventFeed } from './event-feed.js';
import type { StreamRequest } from './upgrade.js';

export interface ServeOptions {
  /** How often the store is read besides the bus hints: events of other processes arrive this way. */
  pollMs: number;
  /** Ping interval; a client that has not answered the previous ping by the next one is dropped. */
  heartbeatMs: number;
  requestLog: RequestLog;
  log: FastifyBaseLogger;
}

// A client that reads slower than events arrive: stop reading the store for it until its socket
// drains. Its events stay in the store behind the cursor, so nothing is lost, only late.
const MAX_BUFFERED = 4 * 1024 * 1024;
// On PostgreSQL transactions can commit out of id order; see EventFeed.
const PG_LOOKBACK_MS = 2_000;
const HINT_FOLLOW_UP_MS = 25;

/**
 * Serves one open stream: the account's committed events after `after` (filtered by the request's
 * types), each as its stored payload in one text message, in id order; on the logs stream also one
 * `request_log` message per API request of the account. Reads on every bus hint and every `pollMs`.
 */
export function serveStream(ws: WebSocket, deps: Deps, req: StreamRequest, after: string, opts: ServeOptions): void {
  const accountId = req.auth.accountId;
  const feed = new EventFeed(deps.db, accountId, {
    after,
    filters: req.filters,
    lookbackMs: deps.storeKind === 'postgres' ? PG_LOOKBACK_MS : 0,
  });
  let closed = false;
  let running = false;
  let again = false;
  let failing = false;

  async function pump(): Promise<void> {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        let more = true;
        while (more && !closed && ws.bufferedAmount < MAX_BUFFERED) {
          const page = await feed.next();
          more = page.more;
          for (const event of page.events) ws.send(event.payload);
        }
      } while (again && !closed);
      failing = false;
    } catch (err) {
      // A store hiccup (a PostgreSQL failover): the cursor has not moved, the next poll tries again.
      if (!failing && !closed) opts.log.warn({ err, accountId }, 'live stream could not read events; retrying');
      failing = true;
    } finally {
      running = false;
    }
  }

  // The hint can come before the writer's commit (always on PostgreSQL, where the commit is a round
  // trip): read now, and once more a moment later rather than waiting for the next poll.
  let followUp: NodeJS.Timeout | undefined;
  const unsubscribeBus = eventBus.subscribe((account) => {
    if (account !== accountId) return;
    void pump();
    followUp ??= setTimeout(() => {
      followUp = undefined;
      void pump();
    }, HINT_FOLLOW_UP_MS);
  });
  const unsubscribeLog =
    req.kind === 'logs'
      ? opts.requestLog.subscribe((entry) => {
          if (entry.account_id === accountId && ws.bufferedAmount < MAX_BUFFERED) ws.send(JSON.stringify(entry));
        })
      : () => {};
  const poll = setInterval(() => void pump(), opts.pollMs);
  poll.unref();

  let alive = true;
  ws.on('pong', () => {
    alive = true;
  });
  const heartbeat = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, opts.heartbeatMs);
  heartbeat.unref();

  // Clients only listen; anything they send is ignored (ws answers pings itself).
  ws.on('error', () => {});
  ws.on('close', () => {
    closed = true;
    clearInterval(poll);
    clearInterval(heartbeat);
    clearTimeout(followUp);
    unsubscribeBus();
    unsubscribeLog();
  });
  void pump();
}
