import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { SipRegistrationsTable, SipUsersTable } from '../store/schema.js';

export type SipUserRow = SipUsersTable;

export async function insertSipUser(tx: Tx, row: SipUserRow): Promise<void> {
  await tx.insertInto('sip_users').values(row).execute();
}

export async function findSipUser(db: Db | Tx, accountId: string, id: string): Promise<SipUserRow | undefined> {
  return db.selectFrom('sip_users').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** The user of the account holding a username or an extension, if any (both are unique per account). */
export async function findSipUserIdBy(db: Db | Tx, accountId: string, column: 'username' | 'extension', value: string): Promise<string | undefined> {
  const row = await db.selectFrom('sip_users').select('id').where('account_id', '=', accountId).where(column, '=', value).executeTakeFirst();
  return row?.id;
}

export async function listSipUsers(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<SipUserRow[]> {
  return accountPage(db, 'sip_users', accountId, limit, startingAfter);
}

export async function updateSipUserRow(tx: Tx, accountId: string, id: string, patch: Partial<SipUserRow>): Promise<void> {
  await tx.updateTable('sip_users').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function deleteSipUserRow(tx: Tx, accountId: string, id: string): Promise<void> {
  await tx.deleteFrom('sip_registrations').where('account_id', '=', accountId).where('sip_user_id', '=', id).execute();
  await tx.deleteFrom('sip_users').where('account_id', '=', accountId).where('id', '=', id).execute();
}

export type SipRegistrationRow = SipRegistrationsTable;

/** A user that may register at `username@realm` (enabled only). */
export async function findRegistrableUser(db: Db | Tx, realm: string, username: string): Promise<SipUserRow | undefined> {
  return db.selectFrom('sip_users').selectAll().where('realm', '=', realm).where('username', '=', username).where('enabled', '=', 1).executeTakeFirst();
}

/** A user's bindings that have not expired at `now`, soonest to expire first. */
export async function liveRegistrations(db: Db | Tx, userId: string, now: string): Promise<SipRegistrationRow[]> {
  return db.selectFrom('sip_registrations').selectAll().where('sip_user_id', '=', userId).where('expires_at', '>', now).orderBy('expires_at').orderBy('id').execute();
}

export async function registrationsOf(db: Db | Tx, userId: string): Promise<SipRegistrationRow[]> {
  return db.selectFrom('sip_registrations').selectAll().where('sip_user_id', '=', userId).orderBy('expires_at').orderBy('id').execute();
}

export async function insertRegistration(tx: Tx, row: SipRegistrationRow): Promise<void> {
  await tx.insertInto('sip_registrations').values(row).execute();
}

export async function updateRegistration(tx: Tx, id: string, patch: Partial<SipRegistrationRow>): Promise<void> {
  await tx.updateTable('sip_registrations').set(patch).where('id', '=', id).execute();
}

/**
 * Sets `patch` on the user's binding of `contact` when it is still live at `now`, no REGISTER of the
 * same Call-ID with this CSeq or a later one set it (RFC 3261 §10.3 step 7), and the user holds at most
 * `maxContacts` live bindings (lowered since, the full path answers 403 as it always did); whether a
 * row changed. One statement, so the conditions and the write cannot be split by another REGISTER.
 */
export async function refreshRegistration(
  db: Db | Tx,
  userId: string,
  contact: string,
  now: string,
  request: { callId: string; cseq: number; maxContacts: number },
  patch: Partial<SipRegistrationRow>,
): Promise<boolean> {
  const res = await db
    .updateTable('sip_registrations')
    .set(patch)
    .where('sip_user_id', '=', userId)
    .where('contact', '=', contact)
    .where('expires_at', '>', now)
    .where((eb) => eb.or([eb('call_id', '!=', request.callId), eb('cseq', '<', request.cseq)]))
    .where(
      (eb) =>
        eb
          .selectFrom('sip_registrations as held')
          .select((h) => h.fn.countAll().as('n'))
          .where('held.sip_user_id', '=', userId)
          .where('held.expires_at', '>', now),
      '<=',
      request.maxContacts,
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Whether this call removed the row (another process's sweep may have got there first). */
export async function deleteRegistration(tx: Tx, id: string): Promise<boolean> {
  const res = await tx.deleteFrom('sip_registrations').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Bindings whose time ran out by `now`, oldest first, at most `limit`. */
export async function expiredRegistrations(db: Db | Tx, now: string, limit: number): Promise<SipRegistrationRow[]> {
  return db.selectFrom('sip_registrations').selectAll().where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute();
}
