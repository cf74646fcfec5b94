import type { FastifyInstance } from 'fastify';
import { type Clock, iso } from '../clock.js';
import type { Schema } from './contract.js';

/** One authenticated API request, as `GET /v1/logs/stream` (`prolope logs tail`) sends it. */
export type RequestLogEntry = Schema<'RequestLog'>;

export type RequestLogListener = (entry: RequestLogEntry) => void;

/** This process's feed of finished requests; only live listeners see an entry, nothing is stored. */
export interface RequestLog {
  subscribe(listener: RequestLogListener): () => void;
}

// A log line ends up on screens and in support tickets, so a secret passed in a query must not.
const SECRET_NAME = /key|secret|token|password|signature|auth/i;

/**
 * The path to show for a request URL: the query is kept (it explains the request) but the values of
 * parameters whose names suggest a credential are replaced with `***`.
 */
export function loggedPath(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of new Set(params.keys())) {
    if (SECRET_NAME.test(name)) params.set(name, '***');
  }
  const query = params.toString().replaceAll('%2A%2A%2A', '***');
  return query ? `${url.slice(0, q)}?${query}` : url.slice(0, q);
}

/**
 * Adds an onResponse hook that tells listeners about every request an API key made (requests the
 * key could not authenticate belong to no account, so they are not shown). Install it before the
 * routes are registered, so every route's hook list includes it.
 */
export function installRequestLog(app: FastifyInstance, clock: Clock): RequestLog {
  const listeners = new Set<RequestLogListener>();
  // Callback style: it never waits, and it runs after every request.
  app.addHook('onResponse', (req, reply, done) => {
    done();
    if (listeners.size === 0 || !req.auth) return;
    const duration = reply.elapsedTime;
    const entry: RequestLogEntry = {
      object: 'request_log',
      id: String(req.id),
      method: req.method,
      path: loggedPath(req.url),
      status: reply.statusCode,
      duration_ms: Math.round(duration * 10) / 10,
      created_at: iso(new Date(clock.now().getTime() - duration)),
      account_id: req.auth.accountId,
    };
    for (const listener of listeners) {
      try {
        listener(entry);
      } catch {
        // A listener's failure (a socket gone) is its own; the request is done either way.
      }
    }
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
