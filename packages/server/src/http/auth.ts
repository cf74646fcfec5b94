import type { FastifyReply, FastifyRequest } from 'fastify';
import { iso, type Clock } from '../clock.js';
import { ProblemError } from '../errors.js';
import { hashSecret } from '../api-keys/secret.js';
import type { Db } from '../store/db.js';

export interface AuthContext {
  accountId: string;
  keyId: string;
  scopes: ReadonlySet<string>;
  isOperator: boolean;
  parentAccountId: string | null;
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

// last_used_at is informative; writing it on every request would turn each read into a write.
const TOUCH_EVERY_MS = 60_000;

/** Builds the onRequest hook that authenticates a bearer key and checks the operation's scopes. */
export function authenticate(db: Db, clock: Clock, requiredScopes: readonly string[]) {
  const touched = new Map<string, number>();
  return async function authHook(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = req.headers.authorization;
    if (!header) {
      throw new ProblemError('missing_api_key', 'No API key. Send it as `Authorization: Bearer pk_live_...`.');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new ProblemError('invalid_api_key', 'The Authorization header must be `Bearer <api key>`, with the key after one space.');
    }
    const row = await db
      .selectFrom('api_keys')
      .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
      .select([
        'api_keys.id as key_id',
        'api_keys.account_id',
        'api_keys.scopes',
        'api_keys.expires_at',
        'api_keys.revoked_at',
        'accounts.is_operator',
        'accounts.parent_account_id',
      ])
      .where('api_keys.secret_hash', '=', hashSecret(match[1]))
      .executeTakeFirst();
    const now = clock.now();
    if (!row) throw new ProblemError('invalid_api_key', 'This API key is not known. Check for a copy-paste error, or create a new key.');
    if (row.revoked_at) throw new ProblemError('invalid_api_key', `This API key was revoked at ${row.revoked_at}.`);
    if (row.expires_at && row.expires_at <= iso(now)) throw new ProblemError('invalid_api_key', `This API key expired at ${row.expires_at}.`);

    const scopes = new Set<string>(JSON.parse(row.scopes) as string[]);
    for (const needed of requiredScopes) {
      if (!hasScope(scopes, needed)) {
        throw new ProblemError('missing_scope', `This operation needs the \`${needed}\` scope; the key has ${[...scopes].join(', ') || 'none'}.`);
      }
    }
    req.auth = {
      accountId: row.account_id,
      keyId: row.key_id,
      scopes,
      isOperator: row.is_operator === 1,
      parentAccountId: row.parent_account_id,
    };
    const last = touched.get(row.key_id) ?? 0;
    if (now.getTime() - last > TOUCH_EVERY_MS) {
      touched.set(row.key_id, now.getTime());
      await db
        .updateTable('api_keys')
        .set({ last_used_at: iso(now) })
        .where('id', '=', row.key_id)
        .execute();
    }
  };
}

/** The authenticated context; handlers behind a secured operation always have one. */
export function authOf(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new Error('authOf() called on an operation without security');
  return req.auth;
}
