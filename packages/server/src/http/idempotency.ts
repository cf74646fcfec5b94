import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { iso, type Clock } from '../clock.js';
import { ProblemError } from '../errors.js';
import { type Db, isUniqueViolation } from '../store/db.js';

const TTL_MS = 24 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: { accountId: string; key: string };
  }
}

function fingerprintOf(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
}

/**
 * Idempotency-Key for POSTs, scoped per account. The key is claimed with an insert before the handler
 * runs, so two concurrent requests with one key can never both execute; the finished response is
 * stored and replayed for 24 hours. 5xx answers are not kept, so a retry runs the request again.
 */
export function idempotencyHooks(db: Db, clock: Clock) {
  async function claim(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const raw = req.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || !req.auth) return undefined;
    const accountId = req.auth.accountId;
    const fingerprint = fingerprintOf(req);
    const now = clock.now();
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await db
          .insertInto('idempotency_keys')
          .values({
            account_id: accountId,
            key,
            fingerprint,
            state: 'in_progress',
            response_status: null,
            response_body: null,
            created_at: iso(now),
          })
          .execute();
        req.idempotencyClaim = { accountId, key };
        return undefined;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const row = await db.selectFrom('idempotency_keys').selectAll().where('account_id', '=', accountId).where('key', '=', key).executeTakeFirst();
      if (!row) continue; // deleted between our insert and select (a 5xx): claim again
      if (new Date(row.created_at).getTime() + TTL_MS < now.getTime()) {
        await db.deleteFrom('idempotency_keys').where('account_id', '=', accountId).where('key', '=', key).execute();
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new ProblemError(
          'idempotency_key_reused',
          `Idempotency-Key "${key}" was first used with a different request (method, path or body). Use a new key for a new request.`,
        );
      }
      if (row.state !== 'done' || row.response_status === null) {
        throw new ProblemError('idempotency_key_in_use', `A request with Idempotency-Key "${key}" is still running; retry shortly.`);
      }
      return reply
        .code(row.response_status)
        .header('Idempotent-Replayed', 'true')
        .type(row.response_status >= 400 ? 'application/problem+json' : 'application/json')
        .send(row.response_body ?? '');
    }
    throw new ProblemError('idempotency_key_in_use', `Idempotency-Key "${key}" is contended; retry shortly.`);
  }

  async function store(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const c = req.idempotencyClaim;
    if (!c) return payload;
    req.idempotencyClaim = undefined;
    const where = db.updateTable('idempotency_keys').where('account_id', '=', c.accountId).where('key', '=', c.key);
    if (reply.statusCode >= 500) {
      await db.deleteFrom('idempotency_keys').where('account_id', '=', c.accountId).where('key', '=', c.key).execute();
    } else {
      await where
        .set({
          state: 'done',
          response_status: reply.statusCode,
          response_body: typeof payload === 'string' ? payload : String(payload ?? ''),
        })
        .execute();
    }
    return payload;
  }

  return { claim, store };
}
