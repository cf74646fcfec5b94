import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import { toE164 } from './phone.js';
import { type ContactRow, deleteContactRow, findContact, insertContact, updateContactRow } from './store.js';

export interface ContactInput {
  name: string;
  email: string;
  phone?: string | null;
  role?: string;
  can_open_incidents?: boolean;
  receives_notices?: boolean;
}

export function toContact(row: ContactRow) {
  return {
    id: row.id,
    object: 'contact' as const,
    account_id: row.account_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    role: row.role,
    can_open_incidents: row.can_open_incidents === 1,
    receives_notices: row.receives_notices === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function createContact(deps: Deps, accountId: string, input: ContactInput) {
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
    can_open_incidents: input.can_open_incidents === false ? 0 : 1,
    receives_notices: input.receives_notices === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  };
  // In a transaction, like every change: that is what confirms an Idempotency-Key claim (http/idempotency.ts).
  await deps.db.transaction().execute((tx) => insertContact(tx, row));
  return toContact(row);
}

export async function updateContact(deps: Deps, accountId: string, id: string, patch: Partial<ContactInput>) {
  const row = await findContact(deps.db, accountId, id);
  if (!row) throw notFound('contact', id);
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

export async function deleteContact(deps: Deps, accountId: string, id: string) {
  if ((await deps.db.transaction().execute((tx) => deleteContactRow(tx, accountId, id))) === 0) throw notFound('contact', id);
  return { id, object: 'contact', deleted: true as const };
}
