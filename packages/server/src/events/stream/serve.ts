import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { Deps } from '../../deps.js';
import type { RequestLog } from '../../http/request-log.js';
import { EventFeed } from './event-feed.js';
import type { StreamRequest } from './upgrade.js';

export interface ServeOptions {
  /** How often the store is read besides the bus hints: events of other processes arrive this way. */
  pollMs: number;
  /** Ping interval; a client that has not answered the previous ping by the next one is dropped. */
  heartbeatMs: number;
  /** How often the stream's key is checked again (revoked or expired elsewhere); a revocation in this process closes at once. */
  keyCheckMs: number;
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
 * The close code of a stream whose API key stopped working (revoked, expired or deleted): 4401, the
 * 4000 range being the application's and 401 the HTTP status a request with that key now gets; the
 * reason says which (`api key revoked`). A client should not reconnect with the same key.
 */
export const KEY_LAPSED_CLOSE_CODE = 4401;

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
  // Set when this process forgot the key (revoked here?): sending waits for the key check's answer.
  let suspect = false;

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
        while (more && !closed && !suspect && ws.bufferedAmount < MAX_BUFFERED) {
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
  const unsubscribeBus = deps.events.subscribe((account) => {
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
          if (entry.account_id === accountId && !closed && !suspect && ws.bufferedAmount < MAX_BUFFERED) ws.send(JSON.stringify(entry));
        })
      : () => {};
  const poll = setInterval(() => void pump(), opts.pollMs);
  poll.unref();

  // A key revoked or expired after the handshake must not go on receiving (issue 13): check it on every
  // invalidation this process makes and every keyCheckMs for other processes' revocations and expiry.
  let checking = false;
  let checkAgain = false;
  async function checkKey(): Promise<void> {
    if (closed) return;
    if (checking) {
      // A check already under way may have read the key before it changed: check once more after it.
      checkAgain = true;
      return;
    }
    checking = true;
    try {
      do {
        checkAgain = false;
        const lapse = await deps.auth.recheck(req.secretHash);
        if (lapse && !closed) {
          closed = true;
          ws.close(KEY_LAPSED_CLOSE_CODE, `api key ${lapse}`);
          return;
        }
      } while (checkAgain && !closed);
      if (suspect) {
        suspect = false;
        void pump();
      }
    } catch (err) {
      // The store is unreachable: the event reads fail too, so nothing is sent meanwhile; try again.
      opts.log.warn({ err, accountId }, 'live stream could not check its API key; retrying');
    } finally {
      checking = false;
    }
  }
  const keyCheck = setInterval(() => void checkKey(), opts.keyCheckMs);
  keyCheck.unref();
  const unsubscribeAuth = deps.auth.onInvalidate((change) => {
    if (change.keyId === req.auth.keyId || change.accountId === accountId || change.accountId === req.auth.parentAccountId) {
      // Nothing more is sent until the check says the key still works.
      suspect = true;
      void checkKey();
    }
  });

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
    clearInterval(keyCheck);
    unsubscribeAuth();
    clearInterval(heartbeat);
    clearTimeout(followUp);
    unsubscribeBus();
    unsubscribeLog();
  });
  void pump();
}
