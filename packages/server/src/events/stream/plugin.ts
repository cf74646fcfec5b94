import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../errors.js';
import { newRequestId } from '../../http/request-id.js';
import type { Limiter } from '../../http/rate-limit.js';
import { installRequestLog } from '../../http/request-log.js';
import { newestEventId } from './event-feed.js';
import { serveStream } from './serve.js';
import { acceptStream, refuse, streamKindOf } from './upgrade.js';

export interface LiveStreamsOptions {
  deps: Deps;
  /** Charges a handshake whose authentication fails to its client IP, as on every route. */
  limiter?: Limiter;
  /** Default 500 ms. */
  pollMs?: number;
  /** Default 20 s. */
  heartbeatMs?: number;
  /** How often an open stream's key is checked again; default 1 s (a key cache hit, a store read at most every 5 s). */
  keyCheckMs?: number;
}

/** What the app knows about its open streams (`app.liveStreams`), for tests and diagnostics. */
export interface LiveStreams {
  /** Open streams, of one account or of all. */
  count(accountId?: string): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    liveStreams: LiveStreams;
  }
}

// Each stream reads the store on every poll, so one key cannot open streams without bound.
const MAX_PER_ACCOUNT = 25;
// How long a client gets to answer our close frame when the server stops, before its socket is cut.
const CLOSE_GRACE_MS = 1_000;

/**
 * The live streams `GET /v1/events/stream` and `GET /v1/logs/stream` over WebSocket (`ws` on the
 * server's 'upgrade' event; the routes themselves answer 426 to plain HTTP), and the request log
 * the logs stream reads. Register it before the routes: the request-log hook must be in place when
 * they are added.
 */
async function liveStreams(app: FastifyInstance, opts: LiveStreamsOptions): Promise<void> {
  const { deps } = opts;
  const requestLog = installRequestLog(app, deps.clock);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, clientTracking: false });
  const open = new Map<WebSocket, string>();
  let closing = false;

  const count = (accountId?: string) => (accountId ? [...open.values()].filter((a) => a === accountId).length : open.size);
  app.decorate('liveStreams', { count });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that goes away mid-handshake raises ECONNRESET here; it is nobody's error.
    socket.on('error', () => {});
    const requestId = newRequestId();
    const { path, kind } = streamKindOf(req.url);
    if (!kind) {
      // Another 'upgrade' listener may own this path; answer only when there is none.
      if (app.server.listenerCount('upgrade') === 1) refuse(socket, new ProblemError('route_not_found', `No WebSocket at ${path}.`), requestId, path);
      return;
    }
    try {
      if (closing) throw new ProblemError('store_unavailable', 'The server is shutting down; connect again in a moment.');
      const stream = await acceptStream(deps, req, kind).catch(async (err: unknown) => {
        // The socket's peer: a handshake has no Fastify request to apply PROLOPE_TRUST_PROXY to.
        if (err instanceof ProblemError && err.status === 401) await opts.limiter?.chargeIp({ ip: req.socket.remoteAddress ?? '', headers: req.headers });
        throw err;
      });
      if (count(stream.auth.accountId) >= MAX_PER_ACCOUNT) {
        throw new ProblemError('rate_limited', `This account has ${MAX_PER_ACCOUNT} live streams open already; close one first.`);
      }
      // The cursor is fixed before the handshake completes, so every event committed after the
      // client sees the socket open is sent to it.
      const after = stream.startingAfter ?? (await newestEventId(deps.db, stream.auth.accountId));
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closing) {
          ws.close(1001, 'server shutting down');
          return;
        }
        open.set(ws, stream.auth.accountId);
        ws.on('close', () => open.delete(ws));
        serveStream(ws, deps, stream, after, {
          pollMs: opts.pollMs ?? 500,
          heartbeatMs: opts.heartbeatMs ?? 20_000,
          keyCheckMs: opts.keyCheckMs ?? 1_000,
          requestLog,
          log: app.log,
        });
      });
    } catch (err) {
      if (!(err instanceof ProblemError)) app.log.error({ err, requestId }, 'live stream upgrade failed');
      const problem =
        err instanceof ProblemError ? err : new ProblemError('internal_error', `Something went wrong on our side. Quote request id ${requestId}.`);
      refuse(socket, problem, requestId, path);
    }
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void upgrade(req, socket, head);
  app.server.on('upgrade', onUpgrade);

  // preClose runs before the HTTP server closes, which would otherwise wait for these sockets.
  app.addHook('preClose', async () => {
    closing = true;
    app.server.off('upgrade', onUpgrade);
    const sockets = [...open.keys()];
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            const cut = setTimeout(() => {
              ws.terminate();
              resolve();
            }, CLOSE_GRACE_MS);
            ws.once('close', () => {
              clearTimeout(cut);
              resolve();
            });
            ws.close(1001, 'server shutting down');
          }),
      ),
    );
    wss.close();
  });
}

/**
 * Registers the live streams on the app (fastify-plugin: its hook and decorator apply app-wide).
 *
 * @example
 * ```ts
 * await app.register(liveStreamsPlugin, { deps });
 * ```
 */
export const liveStreamsPlugin = fp(liveStreams, { name: 'prolope-live-streams', fastify: '5.x' });
