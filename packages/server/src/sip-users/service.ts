import type { Schema } from '../http/contract.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { newId } from '../ids.js';
import { newSipPassword } from '../sip-trunks/password.js';
import { isUniqueViolation, type Tx } from '../store/db.js';
import { digestHa1 } from '../telephony/digest-ha1.js';
import { checkCallerId } from './caller-id.js';
import { checkFree } from './conflicts.js';
import { unregisterAll } from './registrations.js';
import { accountSipDomain } from './sip-domain.js';
import { deleteSipUserRow, findSipUser, insertSipUser, type SipUserRow, updateSipUserRow } from './store.js';

export type SipUser = Schema<'SipUser'>;
export type SipUserCreate = Schema<'SipUserCreate'>;
export type SipUserPatch = Schema<'SipUserUpdate'>;

/** The user as the API shows it: never the password, never the hashes. */
export function toSipUser(row: SipUserRow): SipUser {
  return {
    id: row.id,
    object: 'sip_user' as const,
    account_id: row.account_id,
    username: row.username,
    domain: row.realm,
    realm: row.realm,
    extension: row.extension,
    display_name: row.display_name,
    caller_id: row.caller_id,
    max_registrations: row.max_registrations,
    enabled: row.enabled === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** A new password and its hashes; the password itself is only ever in the answer. */
function credentials(username: string, realm: string) {
  const password = newSipPassword();
  const ha1 = digestHa1(username, realm, password);
  return { password, hashes: { ha1_md5: ha1.md5, ha1_sha256: ha1.sha256 } };
}

// The pre-checks can race with another request taking the same username or extension; the unique
// indexes settle it, and the loser gets the same 409 the pre-check would have given.
async function writing<T>(deps: Deps, accountId: string, wanted: Parameters<typeof checkFree>[2], self: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) await checkFree(deps.db, accountId, wanted, self);
    throw err;
  }
}

export async function createSipUser(deps: Deps, accountId: string, input: SipUserCreate) {
  // Every check runs before the transaction, so a refused request leaves nothing behind.
  await checkFree(deps.db, accountId, input);
  const callerId = input.caller_id === undefined ? null : await checkCallerId(deps.db, accountId, input.caller_id);
  const realm = accountSipDomain(accountId, deps.sip.domain);
  const { password, hashes } = credentials(input.username, realm);
  const now = deps.clock.now();
  const row: SipUserRow = {
    id: newId('sipUser', now),
    account_id: accountId,
    username: input.username,
    realm,
    ...hashes,
    extension: input.extension ?? null,
    display_name: input.display_name ?? null,
    caller_id: callerId,
    // Filled by validation from the spec's defaults (request-defaults).
    max_registrations: input.max_registrations as number,
    enabled: input.enabled === false ? 0 : 1,
    created_at: iso(now),
    updated_at: iso(now),
  };
  const user = toSipUser(row);
  await writing(deps, accountId, input, undefined, () =>
    deps.db.transaction().execute(async (tx: Tx) => {
      await insertSipUser(tx, row);
      await recordEvent(tx, { accountId, type: 'sip_user.created', object: user, at: now });
    }),
  );
  return { ...user, password };
}

/** Applies a patch and records `sip_user.updated`; disabling drops the user's registrations. */
export async function updateSipUser(deps: Deps, accountId: string, id: string, patch: SipUserPatch): Promise<SipUser> {
  const row = await findSipUser(deps.db, accountId, id);
  if (!row) throw notFound('SIP user', id);
  await checkFree(deps.db, accountId, { extension: patch.extension }, id);
  const next: Partial<SipUserRow> = {};
  if (patch.extension !== undefined) next.extension = patch.extension;
  if (patch.display_name !== undefined) next.display_name = patch.display_name;
  if (patch.caller_id !== undefined) next.caller_id = patch.caller_id === null ? null : await checkCallerId(deps.db, accountId, patch.caller_id);
  if (patch.max_registrations !== undefined) next.max_registrations = patch.max_registrations;
  if (patch.enabled !== undefined) next.enabled = patch.enabled ? 1 : 0;
  const now = deps.clock.now();
  next.updated_at = iso(now);
  const user = toSipUser({ ...row, ...next });
  await writing(deps, accountId, { extension: patch.extension }, id, () =>
    deps.db.transaction().execute(async (tx: Tx) => {
      await updateSipUserRow(tx, accountId, id, next);
      if (next.enabled === 0) await unregisterAll(tx, id, now);
      await recordEvent(tx, { accountId, type: 'sip_user.updated', object: user, at: now });
    }),
  );
  return user;
}

/** A new generated password, shown in this answer only; the old one stops working at once. */
export async function rotateSipUserPassword(deps: Deps, accountId: string, id: string) {
  const row = await findSipUser(deps.db, accountId, id);
  if (!row) throw notFound('SIP user', id);
  const { password, hashes } = credentials(row.username, row.realm);
  const now = deps.clock.now();
  const next = { ...hashes, updated_at: iso(now) };
  const user = toSipUser({ ...row, ...next });
  await deps.db.transaction().execute(async (tx: Tx) => {
    await updateSipUserRow(tx, accountId, id, next);
    await recordEvent(tx, { accountId, type: 'sip_user.updated', object: user, at: now });
  });
  return { ...user, password };
}

export async function deleteSipUser(deps: Deps, accountId: string, id: string) {
  const row = await findSipUser(deps.db, accountId, id);
  if (!row) throw notFound('SIP user', id);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx: Tx) => {
    await unregisterAll(tx, id, now);
    await deleteSipUserRow(tx, accountId, id);
    await recordEvent(tx, { accountId, type: 'sip_user.deleted', object: toSipUser(row), at: now });
  });
  return { id, object: 'sip_user' as const, deleted: true as const };
}

/** Whether the account has this SIP user (other domains refer to users by id: voicemail box owners). */
export async function sipUserExists(db: Deps['db'], accountId: string, id: string): Promise<boolean> {
  return (await findSipUser(db, accountId, id)) !== undefined;
}
