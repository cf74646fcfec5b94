import { revokeContactKeysInTx } from '../api-keys/service.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { type AuthContext, hasScope } from '../http/auth.js';
import type { Schema } from '../http/contract.js';
import type { BodyOf } from '../http/typed-handlers.js';
import { newId } from '../ids.js';
import { toE164 } from './phone.js';
import { type ContactRow, deleteContactRow, findContact, insertContact, updateContactRow } from './store.js';

/** With the spec's defaults (`can_open_incidents`, `receives_notices`) filled in by validation. */
export type ContactInput = BodyOf<'contacts.create'>;
export type Contact = Schema<'Contact'>;

export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    object: 'contact',
    account_id: row.account_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    role: row.role as Contact['role'],
    can_open_incidents: row.can_open_incidents === 1,
    receives_notices: row.receives_notices === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * Who may open incidents is the account's decision at the highest level (terms 6.3: the contacts "designated in
 * the service agreement"): only an `admin` key changes it, not any key with `contacts:write` (issue 13 item 3).
 */
function requireAdmin(auth: AuthContext, what: string, param?: string): void {
  if (hasScope(auth.scopes, 'admin')) return;
  throw new ProblemError(
    'missing_scope',
    `Only an \`admin\` key ${what}: it changes who may open incidents for the account (terms 6.3). Use an admin key${param ? `, or leave out ${param.split('/').pop()}` : ''}.`,
    param ? { param } : {},
  );
}

export async function createContact(deps: Deps, auth: AuthContext, input: ContactInput) {
  const accountId = auth.accountId;
  // Not authorized unless an admin says so: a contact made by a contacts:write key must not be able to open incidents.
  if (input.can_open_incidents) requireAdmin(auth, 'creates a contact with can_open_incidents: true', '/body/can_open_incidents');
  // Normalise before writing anything, so a bad number leaves no half-made contact.
  const phone = input.phone ? toE164(input.phone, '/body/phone') : null;
  const now = iso(deps.clock.now());
  const row: ContactRow = {
    id: newId('contact', deps.clock.now()),
    account_id: accountId,
    name: input.name,
    email: input.email,
    phone,
    role: input.role ?? 'primary',
    can_open_incidents: input.can_open_incidents ? 1 : 0,
    receives_notices: input.receives_notices ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  // In a transaction, like every change: that is what confirms an Idempotency-Key claim (http/idempotency.ts).
  await deps.db.transaction().execute((tx) => insertContact(tx, row));
  return toContact(row);
}

export async function updateContact(deps: Deps, auth: AuthContext, id: string, patch: Schema<'ContactUpdate'>) {
  const accountId = auth.accountId;
  const row = await findContact(deps.db, accountId, id);
  if (!row) throw notFound('contact', id);
  // Sending the value it already has changes nothing, so a client that writes back the whole contact still works.
  if (patch.can_open_incidents !== undefined && (patch.can_open_incidents ? 1 : 0) !== row.can_open_incidents) {
    requireAdmin(auth, 'changes can_open_incidents', '/body/can_open_incidents');
  }
  const next: Partial<ContactRow> = { updated_at: iso(deps.clock.now()) };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.email !== undefined) next.email = patch.email;
  if (patch.phone !== undefined) next.phone = patch.phone === null ? null : toE164(patch.phone, '/body/phone');
  if (patch.role !== undefined) next.role = patch.role;
  if (patch.can_open_incidents !== undefined) next.can_open_incidents = patch.can_open_incidents ? 1 : 0;
  if (patch.receives_notices !== undefined) next.receives_notices = patch.receives_notices ? 1 : 0;
  await deps.db.transaction().execute((tx) => updateContactRow(tx, accountId, id, next));
  return toContact({ ...row, ...next });
}

/** Deletes a contact and revokes its personal keys in the same transaction: nobody acts as a deleted person. */
export async function deleteContact(deps: Deps, auth: AuthContext, id: string) {
  const accountId = auth.accountId;
  const now = deps.clock.now();
  const revoked = await deps.db.transaction().execute(async (tx) => {
    const row = await findContact(tx, accountId, id);
    if (!row) throw notFound('contact', id);
    const keys = await revokeContactKeysInTx(tx, now, accountId, id);
    // Removing an authorized person, or one with keys, changes who may act for the account; the refusal
    // rolls the revocations back with the rest.
    if (row.can_open_incidents === 1 || keys.length > 0) requireAdmin(auth, `deletes contact ${id}, who may open incidents or has personal API keys`);
    await deleteContactRow(tx, accountId, id);
    return keys;
  });
  // After commit, as revokeKey does: a request in between could otherwise re-cache a live key.
  for (const keyId of revoked) deps.auth.invalidate(keyId);
  return { id, object: 'contact', deleted: true as const };
}
