import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { hasScope } from '../http/auth.js';
import { newId } from '../ids.js';
import type { Tx } from '../store/db.js';
import { hashSecret, newSecret, SECRET_PREFIX } from './secret.js';
import { isExpired, normalizeExpiry } from './expiry.js';
import { type ApiKeyRow, findApiKey, insertApiKey, markRevoked } from './store.js';

export interface ApiKey {
  id: string;
  object: 'api_key';
  account_id: string;
  name: string;
  scopes: string[];
  prefix: string;
  last4: string;
  status: 'active' | 'revoked' | 'expired';
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export function toApiKey(row: ApiKeyRow, now: Date): ApiKey {
  const status = row.revoked_at ? 'revoked' : isExpired(row.expires_at, now) ? 'expired' : 'active';
  return {
    id: row.id,
    object: 'api_key',
    account_id: row.account_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    prefix: row.prefix,
    last4: row.last4,
    status,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
    created_at: row.created_at,
  };
}

export interface NewKey {
  accountId: string;
  name: string;
  scopes: string[];
  expiresAt?: string | undefined;
  /** A fixed secret (the operator key from the environment); otherwise one is made. */
  secret?: string;
}

/** Creates a key inside a transaction and records `api_key.created`; the secret is returned once. */
export async function createKeyInTx(tx: Tx, now: Date, input: NewKey): Promise<ApiKey & { secret: string }> {
  const secret = input.secret ?? newSecret();
  const row: ApiKeyRow = {
    id: newId('apiKey', now),
    account_id: input.accountId,
    name: input.name,
    scopes: JSON.stringify(input.scopes),
    secret_hash: hashSecret(secret),
    prefix: SECRET_PREFIX,
    last4: secret.slice(-4),
    expires_at: input.expiresAt ?? null,
    last_used_at: null,
    revoked_at: null,
    created_at: iso(now),
  };
  await insertApiKey(tx, row);
  const key = toApiKey(row, now);
  await recordEvent(tx, {
    accountId: input.accountId,
    type: 'api_key.created',
    object: { ...key },
    at: now,
  });
  return { ...key, secret };
}

/** A customer key cannot mint a key with more power than its own (no privilege escalation). */
export function checkGrantable(creatorScopes: ReadonlySet<string>, wanted: string[]): void {
  const missing = wanted.filter((s) => !hasScope(creatorScopes, s));
  if (missing.length > 0) {
    throw new ProblemError('scope_not_grantable', `This key cannot grant ${missing.map((s) => `\`${s}\``).join(', ')}: a key can only give scopes it has.`, {
      param: '/body/scopes',
    });
  }
}

export async function createKey(deps: Deps, creatorScopes: ReadonlySet<string>, input: NewKey): Promise<ApiKey & { secret: string }> {
  checkGrantable(creatorScopes, input.scopes);
  const now = deps.clock.now();
  const expiresAt = input.expiresAt === undefined ? undefined : normalizeExpiry(input.expiresAt, now);
  return deps.db.transaction().execute((tx) => createKeyInTx(tx, now, { ...input, expiresAt }));
}

export async function revokeKey(deps: Deps, accountId: string, id: string): Promise<ApiKey> {
  const now = deps.clock.now();
  const key = await deps.db.transaction().execute(async (tx) => {
    const row = await findApiKey(tx, accountId, id);
    if (!row) throw notFound('API key', id);
    if (row.revoked_at) return toApiKey(row, now);
    await markRevoked(tx, id, iso(now));
    const key = toApiKey({ ...row, revoked_at: iso(now) }, now);
    await recordEvent(tx, {
      accountId,
      type: 'api_key.revoked',
      object: { ...key },
      at: now,
    });
    return key;
  });
  // After commit: a request between an earlier forget and the commit could re-cache the live key.
  deps.auth.invalidate(id);
  return key;
}
