import type { FastifyReply, FastifyRequest } from 'fastify';
import { isExpired } from './api-key-expiry.js';
import { hashSecret } from './api-key-secret.js';
import { type Clock, iso } from '../clock.js';
import { ProblemError } from '../errors.js';
import type { Db } from '../store/db.js';
import type { AccountsTable } from '../store/schema.js';

export interface AuthContext {
  accountId: string;
  keyId: string;
  /** A personal key's contact: the person acting (issue 13); null for an account key. */
  contactId: string | null;
  scopes: ReadonlySet<string>;
  isOperator: boolean;
  parentAccountId: string | null;
  /** The key's account as read with the key (at most CACHE_MS old); `accounts.me` answers from it. */
  account: AccountsTable;
  /** What the key may do by standing: the worse of its account's and its parent's (terms 7.2 and 13.3 apply down the tree). */
  standing: Standing;
}

/** The standing that governs a key, and which account it comes from (the key's own or its parent). */
export interface Standing {
  status: string;
  accountId: string;
  terminatedOn: string | null;
}

const SEVERITY: Record<string, number> = { active: 0, past_due: 1, suspended: 2, terminated: 3 };

/** The worse of two standings; the account's own wins a tie, so a message names the parent only when the parent is the cause. */
export function worseStanding(own: Standing, parent: Standing | undefined): Standing {
  if (!parent) return own;
  return (SEVERITY[parent.status] ?? 0) > (SEVERITY[own.status] ?? 0) ? parent : own;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** Whether a key's scopes cover a required scope: `admin` covers every customer scope, `operator` all. */
export function hasScope(scopes: ReadonlySet<string>, needed: string): boolean {
  if (scopes.has(needed) || scopes.has('operator')) return true;
  return needed !== 'operator' && scopes.has('admin');
}

interface KeyRecord {
  ctx: AuthContext;
  expiresAt: string | null;
  revokedAt: string | null;
  cachedUntil: number;
}

// A key lookup is a join on every request; caching it (with its account row) briefly keeps
// authenticated reads close to a bare route (bench/api: without it, 0.3 of a bare route's rate).
// A revocation or account change in this process drops the entries at once; another process sharing
// PostgreSQL sees it within CACHE_MS at most.
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
// last_used_at is informative; writing it on every request would turn each read into a write.
const TOUCH_EVERY_MS = 60_000;

/** Why a key that worked stopped working. */
export type KeyLapse = 'revoked' | 'expired' | 'unknown';

export interface Authenticator {
  /**
   * The onRequest hook for an operation needing these scopes. Callback style: a key read in the last
   * CACHE_MS is checked without a promise or a turn of the event loop (the common case).
   */
  hook(requiredScopes: readonly string[]): (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;
  /** The same check as `hook`, as a promise: for callers outside Fastify's hook chain (live-stream upgrades). */
  authenticate(req: Pick<FastifyRequest, 'headers' | 'auth'>, requiredScopes: readonly string[]): Promise<void>;
  /**
   * The id of the key an Authorization header carries, when this process has already read that key
   * and it was neither revoked nor expired then (the entry may be older than CACHE_MS); otherwise
   * undefined. No store access: the rate limiter asks before authentication, to charge a request to its
   * key or, for a key it must look up (unknown, mistyped, revoked, not seen lately), to its client IP.
   */
  knownKeyId(header: string | undefined): string | undefined;
  /**
   * Checks again a key a long-lived connection (a live stream) was opened with, by the hash of its
   * secret: why it no longer works (`revoked`, `expired`, `unknown` once deleted), or undefined. Reads
   * the store at most every CACHE_MS, so another process's revocation shows within that time.
   */
  recheck(secretHash: string): Promise<KeyLapse | undefined>;
  /** Calls `listener` when a key or an account's keys are forgotten here (revocation, standing change); returns the unsubscribe. */
  onInvalidate(listener: (change: { keyId?: string; accountId?: string }) => void): () => void;
  /** Forget a key at once (after revocation). */
  invalidate(keyId: string): void;
  /** Forget every key of an account and of its subaccounts (after the account changed). */
  invalidateAccount(accountId: string): void;
}

export function createAuthenticator(db: Db, clock: Clock): Authenticator {
  const cache = new Map<string, KeyRecord>();
  const touched = new Map<string, number>();

  function cached(hash: string, nowMs: number): KeyRecord | undefined {
    const hit = cache.get(hash);
    return hit && hit.cachedUntil > nowMs ? hit : undefined;
  }

  async function lookup(hash: string, nowMs: number): Promise<KeyRecord | undefined> {
    const hit = cached(hash, nowMs);
    if (hit) return hit;
    const row = await db
      .selectFrom('api_keys')
      .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
      // Accounts are at most two levels deep (accounts/service refuses a subaccount of a subaccount), so
      // one join reaches every account above the key's.
      .leftJoin('accounts as parent', 'parent.id', 'accounts.parent_account_id')
      .selectAll('accounts')
      .select(['parent.status as parent_status', 'parent.terminated_on as parent_terminated_on'])
      .select(['api_keys.id as key_id', 'api_keys.account_id', 'api_keys.contact_id', 'api_keys.scopes', 'api_keys.expires_at', 'api_keys.revoked_at'])
      .where('api_keys.secret_hash', '=', hash)
      .executeTakeFirst();
    if (!row) {
      cache.delete(hash);
      return undefined;
    }
    const record: KeyRecord = {
      ctx: {
        accountId: row.account_id,
        keyId: row.key_id,
        contactId: row.contact_id,
        scopes: new Set<string>(JSON.parse(row.scopes) as string[]),
        isOperator: row.is_operator === 1,
        parentAccountId: row.parent_account_id,
        account: {
          id: row.id,
          name: row.name,
          legal_entity: row.legal_entity,
          signatory: row.signatory,
          parent_account_id: row.parent_account_id,
          status: row.status,
          is_operator: row.is_operator,
          metadata: row.metadata,
          created_at: row.created_at,
          updated_at: row.updated_at,
          test_clock_id: row.test_clock_id,
          hold_suspension: row.hold_suspension,
          hold_termination: row.hold_termination,
          terminated_on: row.terminated_on,
          billed_through: row.billed_through,
          data_deleted_at: row.data_deleted_at,
        },
        standing: worseStanding(
          { status: row.status, accountId: row.id, terminatedOn: row.terminated_on },
          row.parent_account_id && row.parent_status
            ? { status: row.parent_status, accountId: row.parent_account_id, terminatedOn: row.parent_terminated_on }
            : undefined,
        ),
      },
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
      cachedUntil: nowMs + CACHE_MS,
    };
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(hash, record);
    return record;
  }

  function knownKeyId(header: string | undefined): string | undefined {
    const secret = bearerSecret(header);
    const record = secret ? cache.get(hashSecret(secret)) : undefined;
    if (!record || record.revokedAt || isExpired(record.expiresAt, clock.now())) return undefined;
    return record.ctx.keyId;
  }

  /** Accepts the request (sets `req.auth`) or throws the refusal, for a key record already read. */
  function admit(req: Pick<FastifyRequest, 'auth'>, record: KeyRecord | undefined, now: Date, requiredScopes: readonly string[]): asserts record is KeyRecord {
    if (!record) throw new ProblemError('invalid_api_key', 'This API key is not known. Check for a copy-paste error, or create a new key.');
    if (record.revokedAt) throw new ProblemError('invalid_api_key', `This API key was revoked at ${record.revokedAt}.`);
    if (isExpired(record.expiresAt, now)) throw new ProblemError('invalid_api_key', `This API key expired at ${record.expiresAt}.`);
    const { ctx } = record;
    for (const needed of requiredScopes) {
      if (!hasScope(ctx.scopes, needed)) {
        throw new ProblemError('missing_scope', `This operation needs the \`${needed}\` scope; the key has ${[...ctx.scopes].join(', ') || 'none'}.`);
      }
    }
    req.auth = ctx;
  }

  /** The secret's hash, or throws why the header carries no key. */
  function secretHashOf(header: string | undefined): string {
    if (!header) throw new ProblemError('missing_api_key', 'No API key. Send it as `Authorization: Bearer pk_live_...`.');
    const secret = bearerSecret(header);
    if (!secret) {
      throw new ProblemError('invalid_api_key', 'The Authorization header must be `Bearer <api key>`, with the key after one space.');
    }
    return hashSecret(secret);
  }

  /** last_used_at, written at most every TOUCH_EVERY_MS per key; undefined when not due. */
  function touch(keyId: string, now: Date): Promise<unknown> | undefined {
    const last = touched.get(keyId) ?? 0;
    if (now.getTime() - last <= TOUCH_EVERY_MS) return undefined;
    touched.set(keyId, now.getTime());
    return db
      .updateTable('api_keys')
      .set({ last_used_at: iso(now) })
      .where('id', '=', keyId)
      .execute();
  }

  /** Checks the request's key; returns a promise only when the store must be read or written. */
  function check(req: Pick<FastifyRequest, 'headers' | 'auth'>, requiredScopes: readonly string[]): Promise<void> | undefined {
    const hash = secretHashOf(req.headers.authorization);
    const now = clock.now();
    const hit = cached(hash, now.getTime());
    if (hit) {
      admit(req, hit, now, requiredScopes);
      return touch(hit.ctx.keyId, now)?.then(() => undefined);
    }
    return lookup(hash, now.getTime()).then((record) => {
      admit(req, record, now, requiredScopes);
      return touch(record.ctx.keyId, now)?.then(() => undefined);
    });
  }

  function hook(requiredScopes: readonly string[]) {
    return function authHook(req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
      let pending: Promise<void> | undefined;
      try {
        pending = check(req, requiredScopes);
      } catch (err) {
        done(err as Error);
        return;
      }
      if (pending) pending.then(() => done(), done);
      else done();
    };
  }

  async function authenticate(req: Pick<FastifyRequest, 'headers' | 'auth'>, requiredScopes: readonly string[]): Promise<void> {
    await check(req, requiredScopes);
  }

  async function recheck(secretHash: string): Promise<KeyLapse | undefined> {
    const now = clock.now();
    const record = await lookup(secretHash, now.getTime());
    if (!record) return 'unknown';
    if (record.revokedAt) return 'revoked';
    if (isExpired(record.expiresAt, now)) return 'expired';
    return undefined;
  }

  const listeners = new Set<(change: { keyId?: string; accountId?: string }) => void>();
  function onInvalidate(listener: (change: { keyId?: string; accountId?: string }) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function invalidate(keyId: string): void {
    for (const [hash, record] of cache) if (record.ctx.keyId === keyId) cache.delete(hash);
    for (const listener of listeners) listener({ keyId });
  }

  function invalidateAccount(accountId: string): void {
    // A parent's standing is its subaccounts' too: their keys go with it.
    for (const [hash, record] of cache) if (record.ctx.accountId === accountId || record.ctx.parentAccountId === accountId) cache.delete(hash);
    for (const listener of listeners) listener({ accountId });
  }

  return { hook, authenticate, knownKeyId, recheck, onInvalidate, invalidate, invalidateAccount };
}

/** The key in `Authorization: Bearer <key>` (any case of "Bearer", any spaces around the key), or undefined. */
export function bearerSecret(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/** The authenticated context; handlers behind a secured operation always have one. */
export function authOf(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new Error('authOf() called on an operation without security');
  return req.auth;
}
