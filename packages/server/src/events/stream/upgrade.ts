import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../errors.js';
import { hashSecret } from '../../http/api-key-secret.js';
import { type AuthContext, bearerSecret } from '../../http/auth.js';

/** The two live streams and the scope both need (the spec's `events.stream` and `logs.stream`). */
export const streamPaths = { '/v1/events/stream': 'events', '/v1/logs/stream': 'logs' } as const;
export type StreamKind = (typeof streamPaths)[keyof typeof streamPaths];
const SCOPE = 'events:read';

const FILTER = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;
const EVENT_ID = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;

export interface StreamRequest {
  kind: StreamKind;
  auth: AuthContext;
  /** Event type filters from `types` (comma-separated); empty means every type. */
  filters: string[];
  /** `starting_after`: send the events after this id first (a client resuming after a drop). */
  startingAfter: string | undefined;
  /** The SHA-256 of the key's secret (never the secret), to check the key again while the stream is open. */
  secretHash: string;
}

/** The path of an upgrade request without its query, or undefined when it is not a stream. */
export function streamKindOf(url: string | undefined): { path: string; kind: StreamKind | undefined } {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return { path, kind: (streamPaths as Record<string, StreamKind>)[path] };
}

function parseQuery(kind: StreamKind, url: string | undefined): Pick<StreamRequest, 'filters' | 'startingAfter'> {
  const query = new URL(url ?? '/', 'http://upgrade.invalid').searchParams;
  const types = query.get('types') ?? '';
  if (types.length > 2000) throw new ProblemError('validation_failed', 'types is longer than 2000 characters.', { param: '/query/types' });
  const filters = types
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const bad = filters.find((f) => !FILTER.test(f));
  if (bad) {
    throw new ProblemError('validation_failed', `types: "${bad}" is not an event type, a prefix wildcard such as call.* or *.`, { param: '/query/types' });
  }
  if (kind === 'logs' && filters.length > 0) {
    throw new ProblemError('validation_failed', 'The logs stream takes no types: it sends every request and event.', { param: '/query/types' });
  }
  const startingAfter = query.get('starting_after') ?? undefined;
  if (startingAfter !== undefined && !EVENT_ID.test(startingAfter)) {
    throw new ProblemError('validation_failed', `starting_after must be an event id (evt_...), got "${startingAfter.slice(0, 40)}".`, {
      param: '/query/starting_after',
    });
  }
  return { filters, startingAfter };
}

/**
 * Authenticates an upgrade request with the same authenticator (and key cache) as every route. The
 * upgrade never reaches Fastify's routing, so the route hook runs on a stand-in request that
 * carries only the headers it reads and the `auth` it sets.
 */
async function authenticate(deps: Deps, req: IncomingMessage): Promise<AuthContext> {
  const standIn = { headers: req.headers, auth: null as AuthContext | null };
  await deps.auth.authenticate(standIn, [SCOPE]);
  if (!standIn.auth) throw new Error('the authenticator accepted a request without setting its auth');
  return standIn.auth;
}

/** Checks the key, its scope and the query of an upgrade request; throws a ProblemError to refuse it. */
export async function acceptStream(deps: Deps, req: IncomingMessage, kind: StreamKind): Promise<StreamRequest> {
  const auth = await authenticate(deps, req);
  const secretHash = hashSecret(bearerSecret(req.headers.authorization) ?? '');
  return { kind, auth, secretHash, ...parseQuery(kind, req.url) };
}

/**
 * Refuses an upgrade with a plain HTTP problem response, as the API would answer, and closes the
 * socket: WebSocket clients show the status (ws: `Unexpected server response: 401`), and the SDK
 * repeats the request over HTTP to read the problem.
 */
export function refuse(socket: Duplex, problem: ProblemError, requestId: string, path: string): void {
  const body = JSON.stringify({
    type: `https://docs.prolope.dev/errors#${problem.code}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.message,
    instance: path,
    request_id: requestId,
    ...(problem.param ? { param: problem.param } : {}),
  });
  const headers = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Prolope-Request-Id: ${requestId}`,
    ...Object.entries(problem.headers).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  if (socket.writable) socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
  else socket.destroy();
}
