import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { hasScope } from '../http/auth.js';
import { newId } from '../ids.js';
import type { Schema } from '../http/contract.js';
import type { Tx } from '../store/db.js';
import { hashSecret, newSecret, SECRET_PREFIX } from '../http/api-key-secret.js';
import { isExpired, normalizeExpiry } from '../http/api-key-expiry.js';
import { type ApiKeyRow, findApiKey, findContactOf, insertApiKey, liveKeysOfContact, markRevoked } from './store.js';

export type ApiKey = Schema<'ApiKey'>;

export function toApiKey(row: ApiKeyRow, now: Date): ApiKey {
  const status = row.revoked_at ? 'revoked' : isExpired(row.expires_at, now) ? 'expired' : 'active';
  return {
    id: row.id,
    object: 'api_key',
    account_id: row.account_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as ApiKey['scopes'],
    contact_id: row.contact_id,
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
  /** A personal key's contact (of the same account). */
  contactId?: string | undefined;
  /** A fixed secret (the operator key from the environment); otherwise one is made. */
  secret?: string;
}

/** Creates a key inside a transaction and records `api_key.created`; the secret is returned once. */
export async function createKeyInTx(tx: Tx, now: Date, input: NewKey): Promise<Schema<'ApiKeyWithSecret'>> {
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
    contact_id: input.contactId ?? null,
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

export async function createKey(deps: Deps, creatorScopes: ReadonlySet<string>, input: NewKey): Promise<Schema<'ApiKeyWithSecret'>> {
  checkGrantable(creatorScopes, input.scopes);
  const now = deps.clock.now();
  const expiresAt = input.expiresAt === undefined ? undefined : normalizeExpiry(input.expiresAt, now);
  if (input.contactId !== undefined && !hasScope(creatorScopes, 'admin')) {
    throw new ProblemError(
      'missing_scope',
      'Only an `admin` key creates a personal key (`contact_id`): whoever holds it acts as that person, on incidents too. Leave out contact_id, or use an admin key.',
      { param: '/body/contact_id' },
    );
  }
  return deps.db.transaction().execute(async (tx) => {
    // In the transaction, so a contact deleted meanwhile does not leave a key acting as nobody.
    if (input.contactId !== undefined && !(await findContactOf(tx, input.accountId, input.contactId))) {
      throw new ProblemError(
        'invalid_reference',
        `No contact ${input.contactId} on this account: a personal key belongs to one of the account's own contacts. List them with GET /v1/contacts.`,
        { param: '/body/contact_id' },
      );
    }
    return createKeyInTx(tx, now, { ...input, expiresAt });
  });
}

/**
 * Revokes every live key of a contact (the contact is being deleted), recording `api_key.revoked` for each;
 * the caller forgets them in the authenticator once committed. Answers the revoked keys' ids.
 */
export async function revokeContactKeysInTx(tx: Tx, now: Date, accountId: string, contactId: string): Promise<string[]> {
  const rows = await liveKeysOfContact(tx, accountId, contactId);
  for (const row of rows) {
    await markRevoked(tx, row.id, iso(now));
    await recordEvent(tx, { accountId, type: 'api_key.revoked', object: { ...toApiKey({ ...row, revoked_at: iso(now) }, now) }, at: now });
  }
  return rows.map((r) => r.id);
}

/**
 * Revoking is the mirror of granting: a key may revoke only a key whose scopes it holds itself, else an
 * `api_keys:write` key could lock the account's admins out (issue 13 item 11).
 */
export function checkRevocable(revokerScopes: ReadonlySet<string>, target: ApiKeyRow): void {
  const scopes = JSON.parse(target.scopes) as string[];
  const missing = scopes.filter((s) => !hasScope(revokerScopes, s));
  if (missing.length > 0) {
    throw new ProblemError(
      'missing_scope',
      `Key ${target.id} has ${missing.map((s) => `\`${s}\``).join(', ')}, which this key lacks: a key may revoke only keys with scopes it holds. Revoke it with a key that holds them (an \`admin\` key holds every customer scope).`,
    );
  }
}

export async function revokeKey(deps: Deps, revokerScopes: ReadonlySet<string>, accountId: string, id: string): Promise<ApiKey> {
  const now = deps.clock.now();
  const key = await deps.db.transaction().execute(async (tx) => {
    const row = await findApiKey(tx, accountId, id);
    if (!row) throw notFound('API key', id);
    checkRevocable(revokerScopes, row);
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
