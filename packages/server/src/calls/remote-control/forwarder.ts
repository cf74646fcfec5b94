import type { FastifyReply } from 'fastify';
import type { ReqWithId } from '../../http/typed-handlers.js';
import type { CallDeps } from '../call-deps.js';
import { authOf } from '../../http/auth.js';
import { findCall } from '../store.js';
import { FINAL_STATUSES } from './final-statuses.js';

const FINAL = new Set(FINAL_STATUSES);

/**
 * Live actions act on media, which lives in the one process holding the call. With several server
 * processes sharing PostgreSQL the request may land anywhere: a process that does not hold the call
 * sends it to the holder named on the call row (`node_id`) and answers with the holder's answer. The
 * caller's key authenticates it there again; the Idempotency-Key stays here, where the replay is stored.
 * Without remote control (SQLite: one process) the handler runs as it always did.
 */
/** A live action's handler as Fastify runs it: every one has the call's `{id}` in its path. */
export type LiveActionHandler = (req: ReqWithId, reply: FastifyReply) => Promise<unknown>;

export function forwardingToHolder(deps: CallDeps, handler: LiveActionHandler): LiveActionHandler {
  return async (req, reply) => {
    const remote = deps.remoteControl;
    if (!remote || remote.isForwarded(req)) return handler(req, reply);
    const { id } = req.params;
    if (deps.activeCalls.get(id)) return handler(req, reply);
    const row = await findCall(deps.db, authOf(req).accountId, id);
    // Unknown (404), ended (409) or held here: the local handler says so.
    if (!row?.node_id || row.node_id === remote.nodeId || FINAL.has(row.status)) return handler(req, reply);
    const answer = await remote.forward(row.node_id, id, {
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization ?? '',
      ...(req.body !== undefined ? { body: req.body } : {}),
    });
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  };
}
