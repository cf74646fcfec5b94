import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { TransactionBuilder } from 'kysely';
import { iso, type Clock } from '../clock.js';
import { ProblemError } from '../errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { type Db, isUniqueViolation, type Tx } from '../store/db.js';
import type { Database } from '../store/schema.js';

/** How long a key's answer is replayed; the purge job (idempotency-purge.ts) deletes older records. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long an unfinished claim is taken to belong to a request still running. Past it, the process
 * that claimed the key is presumed dead (a crash, SIGKILL), and a retry may take the key over. A
 * request that is in fact still running then fails at its commit (see `confirm`), so a claim taken
 * over too early costs that request a 409, never a second change made by a transaction.
 */
export const CLAIM_LEASE_MS = 10_000;

/**
 * A key claimed by the request running now. `token` is the row's created_at when claimed: a retry
 * taking over an abandoned claim gives the row a new one, which fences the first request out.
 */
interface Claim {
  apiKeyId: string;
  accountId: string;
  key: string;
  token: string;
  /** False once the answer is stored: work the request left running (a call's later events) is no longer its change. */
  open: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: Claim;
  }
}

function fingerprintOf(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
}

/** What a stored answer is sealed under: a sealed answer copied to another key's row does not open there. */
function sealContext(apiKeyId: string, key: string): string {
  return `idempotency:${apiKeyId}:${key}`;
}

/**
 * Idempotency-Key for POSTs, scoped per API key as Stripe scopes it: the same Idempotency-Key sent with
 * another API key (of the same account or not) is another request, run with that key's own rights, so a
 * key can never be handed the answer another key was given (a new API key's secret, say). A replay comes
 * after the route's authentication, scope and standing checks (onRequest), so the replaying key must
 * still hold the operation's scopes. The key is claimed with an insert before the handler runs, so two
 * concurrent requests with one key can never both execute; the finished response is stored and
 * replayed for 24 hours. 5xx answers are not kept, so a retry runs the request again.
 *
 * The stored answer is sealed with the server key (secrets/secret-box.ts), because answers carry
 * secrets shown once (API keys, webhook signing secrets); a replay opens it and answers byte for byte
 * what the first request got, as Stripe does, instead of an answer with the secrets taken out.
 *
 * A process can die between any two of those steps, and a claim's state says what a retry may do:
 * - `in_progress`: claimed, and no change committed. Every transaction the request runs through
 *   `db` (the handlers' database) moves the claim to `applied` in that same transaction, so a claim
 *   still `in_progress` after the lease is one whose change never committed: a retry takes it over
 *   and runs the request.
 * - `applied`: the change committed but the answer was not stored (the process died in between, or
 *   the answer was a 5xx). Running the request again would make the change twice, so a retry past
 *   the lease gets `idempotency_key_answer_lost` instead.
 * - `done`: the answer is stored and replayed.
 * Writes made outside a transaction cannot move the claim, so for them a crash in that window
 * means the retry runs them again.
 */
export function idempotencyHooks(db: Db, clock: Clock, secrets: SecretBox) {
  const running = new AsyncLocalStorage<Claim>();
  const keyRow = (apiKeyId: string, key: string) =>
    db.selectFrom('idempotency_keys').selectAll().where('api_key_id', '=', apiKeyId).where('key', '=', key).executeTakeFirst();

  function storedAnswer(apiKeyId: string, key: string, sealed: string | null, createdAt: string): string {
    if (sealed === null) return '';
    try {
      return secrets.open(sealed, sealContext(apiKeyId, key));
    } catch (err) {
      // Sealed under another PROLOPE_SECRET_KEY (or damaged): the change was made, its answer cannot be shown.
      throw new ProblemError(
        'idempotency_key_answer_lost',
        `The request with Idempotency-Key "${key}" made its change at ${createdAt}, but its stored answer cannot be opened (${(err as Error).message}). Do not retry: look the object up (GET) instead.`,
      );
    }
  }

  async function claimKey(req: FastifyRequest, reply: FastifyReply): Promise<Claim | undefined> {
    const raw = req.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || !req.auth) return undefined;
    const { accountId, keyId: apiKeyId } = req.auth;
    const fingerprint = fingerprintOf(req);
    const now = clock.now();
    const token = iso(now);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await db
          .insertInto('idempotency_keys')
          .values({
            api_key_id: apiKeyId,
            key,
            account_id: accountId,
            fingerprint,
            state: 'in_progress',
            response_status: null,
            response_sealed: null,
            created_at: token,
          })
          .execute();
        return { apiKeyId, accountId, key, token, open: true };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const row = await keyRow(apiKeyId, key);
      if (!row) continue; // deleted between our insert and select (a 5xx): claim again
      const age = now.getTime() - new Date(row.created_at).getTime();
      if (age > IDEMPOTENCY_TTL_MS) {
        await db.deleteFrom('idempotency_keys').where('api_key_id', '=', apiKeyId).where('key', '=', key).where('created_at', '=', row.created_at).execute();
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new ProblemError(
          'idempotency_key_reused',
          `Idempotency-Key "${key}" was first used with a different request (method, path or body). Use a new key for a new request.`,
        );
      }
      if (row.state === 'done' && row.response_status !== null) {
        const answer = storedAnswer(apiKeyId, key, row.response_sealed, row.created_at);
        reply
          .code(row.response_status)
          .header('Idempotent-Replayed', 'true')
          .type(row.response_status >= 400 ? 'application/problem+json' : 'application/json')
          .send(answer);
        return undefined;
      }
      if (age < CLAIM_LEASE_MS) {
        throw new ProblemError('idempotency_key_in_use', `A request with Idempotency-Key "${key}" is still running; retry shortly.`);
      }
      if (row.state === 'applied') {
        throw new ProblemError(
          'idempotency_key_answer_lost',
          `The request with Idempotency-Key "${key}" made its change at ${row.created_at}, but the server stopped before it could answer, so the answer is lost. Do not retry: look the object up (GET) instead.`,
        );
      }
      // Still in_progress past the lease: its process died before the change committed. Take it over;
      // the condition on created_at lets only one of several retries doing this at once win.
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ created_at: token })
        .where('api_key_id', '=', apiKeyId)
        .where('key', '=', key)
        .where('state', '=', 'in_progress')
        .where('created_at', '=', row.created_at)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return { apiKeyId, accountId, key, token, open: true };
    }
    throw new ProblemError('idempotency_key_in_use', `Idempotency-Key "${key}" is contended; retry shortly.`);
  }

  /**
   * preHandler, in callback style on purpose: the rest of the request (the handler included) runs
   * inside `done`, so the claim is in the async context of every transaction the handler starts.
   */
  function claim(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    claimKey(req, reply).then(
      (c) => {
        if (reply.sent) return; // replayed
        if (!c) return done();
        req.idempotencyClaim = c;
        running.run(c, () => done());
      },
      (err: Error) => done(err),
    );
  }

  /** In the change's transaction: the claim is still this request's, and now its change is committed with it. */
  async function confirm(tx: Tx, c: Claim): Promise<void> {
    const res = await tx
      .updateTable('idempotency_keys')
      .set({ state: 'applied' })
      .where('api_key_id', '=', c.apiKeyId)
      .where('key', '=', c.key)
      .where('created_at', '=', c.token)
      .where('state', 'in', ['in_progress', 'applied'])
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      throw new ProblemError(
        'idempotency_key_in_use',
        `This request with Idempotency-Key "${c.key}" ran past ${CLAIM_LEASE_MS / 1000} s and a retry took the key over; nothing was changed. Retry to get that request's answer.`,
      );
    }
  }

  function fenced(builder: TransactionBuilder<Database>): TransactionBuilder<Database> {
    return new Proxy(builder, {
      get(target, prop) {
        if (prop === 'execute') {
          return <T>(fn: (tx: Tx) => Promise<T>) =>
            target.execute(async (tx) => {
              const out = await fn(tx);
              const c = running.getStore();
              if (c?.open) await confirm(tx, c);
              return out;
            });
        }
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        // setIsolationLevel() and the like answer a new builder, which must stay fenced.
        return (...args: unknown[]) => {
          const out = value.apply(target, args);
          return out instanceof Object && 'execute' in out && 'setIsolationLevel' in out ? fenced(out as TransactionBuilder<Database>) : out;
        };
      },
    });
  }

  /** The handlers' database: the same, except that a transaction run for a claimed request also confirms the claim. */
  const handlersDb: Db = new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') return () => fenced(target.transaction());
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  async function store(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const c = req.idempotencyClaim;
    if (!c) return payload;
    req.idempotencyClaim = undefined;
    c.open = false;
    // Only while the claim is still this request's: a retry may have taken it over.
    const mine = { api_key_id: c.apiKeyId, key: c.key, created_at: c.token };
    if (reply.statusCode >= 500) {
      // Not kept, so a retry runs again; unless the change committed (applied), which must not be made twice.
      await db
        .deleteFrom('idempotency_keys')
        .where('api_key_id', '=', mine.api_key_id)
        .where('key', '=', mine.key)
        .where('created_at', '=', mine.created_at)
        .where('state', '=', 'in_progress')
        .execute();
    } else {
      await db
        .updateTable('idempotency_keys')
        .set({
          state: 'done',
          response_status: reply.statusCode,
          response_sealed: secrets.seal(typeof payload === 'string' ? payload : String(payload ?? ''), sealContext(c.apiKeyId, c.key)),
        })
        .where('api_key_id', '=', mine.api_key_id)
        .where('key', '=', mine.key)
        .where('created_at', '=', mine.created_at)
        .execute();
    }
    return payload;
  }

  return { claim, store, db: handlersDb };
}

/** What idempotencyHooks returns: the request hooks and the database handlers write through. */
export type IdempotencyHooks = ReturnType<typeof idempotencyHooks>;
