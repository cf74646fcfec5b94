import type { FastifyReply } from 'fastify';
import type { Deps } from '../deps.js';
import { ProblemError } from '../errors.js';
import { authOf } from '../http/auth.js';
import type { ReqWithId } from '../http/typed-handlers.js';
import { activeCalls } from './active-calls.js';
import { findCall } from './store.js';

/** Marks a request one process forwarded to another, so it is never forwarded again (no loops). */
export const FORWARDED_HEADER = 'prolope-forwarded';
const FORWARD_TIMEOUT_MS = 10_000;
const FINAL = new Set(['completed', 'busy', 'no_answer', 'failed', 'canceled']);

/**
 * Live actions act on media, which lives in the one process carrying the call. With several server
 * processes sharing PostgreSQL the request may land anywhere, so a process that does not hold the
 * call passes it to the call's owner (its API address is on the call row) and relays the answer.
 * The caller's own key authenticates it there again; the Idempotency-Key stays here, where the
 * replay is stored.
 */
/** A live action's handler as Fastify runs it: every one has the call's `{id}` in its path. */
export type LiveActionHandler = (req: ReqWithId, reply: FastifyReply) => Promise<unknown>;

export function forwardingToOwner(deps: Deps, handler: LiveActionHandler): LiveActionHandler {
  return async (req, reply) => {
    const owner = await remoteOwner(deps, req);
    if (!owner) return handler(req, reply);
    return forward(owner, req, reply);
  };
}

async function remoteOwner(deps: Deps, req: ReqWithId): Promise<string | undefined> {
  const self = deps.node?.url;
  if (!self || req.headers[FORWARDED_HEADER]) return undefined;
  const { id } = req.params;
  if (activeCalls.get(id)) return undefined;
  const row = await findCall(deps.db, authOf(req).accountId, id);
  if (!row?.owner_url || row.owner_url === self || FINAL.has(row.status)) return undefined;
  return row.owner_url;
}

async function forward(owner: string, req: ReqWithId, reply: FastifyReply): Promise<FastifyReply> {
  let res: Response;
  try {
    res = await fetch(owner + req.url, {
      method: req.method,
      headers: {
        authorization: req.headers.authorization ?? '',
        accept: 'application/json',
        [FORWARDED_HEADER]: '1',
        ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
  } catch (err) {
    const { id } = req.params;
    throw new ProblemError(
      'call_not_active',
      `Call ${id} is carried by the server process at ${owner}, which did not answer (${(err as Error).message}); the call cannot be controlled until it does.`,
    );
  }
  const body = await res.text();
  return reply
    .code(res.status)
    .type(res.headers.get('content-type') ?? 'application/json')
    .send(body);
}
