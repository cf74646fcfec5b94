import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import { openRequest, sealAnswer } from './envelope.js';

/**
 * Only live actions travel between nodes, and a prompt's takedown (which each node applies to the
 * playbacks it holds, audio/stop-elsewhere.ts); anything else sealed with the key is refused all the same.
 */
const ACTION_URL = /^\/v1\/calls\/[A-Za-z0-9_]+\/actions\/[a-z_/]+$|^\/v1\/audio\/aud_[0-9A-Za-z]+\/take-down$/;

export interface HolderDeps {
  app: FastifyInstance;
  secrets: SecretBox;
  clock: Clock;
  log?: { warn(obj: object, msg: string): void } | undefined;
}

/**
 * The holder's side: opens a forwarded action and runs it through this process's own API (auth with
 * the caller's key, scopes, validation, the action's handler, which finds the call in this process's
 * registry), then seals the HTTP answer for the node that asked. `mark` tells the route it must not be
 * forwarded again. A request that does not open (another key, stale, not an action) gets no answer:
 * the sender times out into 409, and the reason is logged here.
 */
export function holderExecutor(deps: HolderDeps, self: string, mark: Record<string, string>): (payload: string) => Promise<string> {
  return async (payload) => {
    const req = openRequest(deps.secrets, self, payload, deps.clock.now().getTime());
    if (req.method !== 'POST' || !ACTION_URL.test(req.url)) throw new Error(`node ${req.from} forwarded ${req.method} ${req.url}, which is not a live action`);
    const res = await deps.app.inject({
      method: 'POST',
      url: req.url,
      headers: {
        authorization: req.authorization,
        accept: 'application/json',
        ...mark,
        ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(req.body !== undefined ? { payload: JSON.stringify(req.body) } : {}),
    });
    const contentType = res.headers['content-type'];
    return sealAnswer(deps.secrets, req.rid, {
      status: res.statusCode,
      contentType: typeof contentType === 'string' ? contentType : 'application/json',
      body: res.body,
    });
  };
}
