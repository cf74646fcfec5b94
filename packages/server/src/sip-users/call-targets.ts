import { iso, type Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import { findRegistrableUser, findSipUserIdBy, findSipUser, liveRegistrations } from './store.js';

/** A SIP user placing a call from a registered phone, as the calls domain needs them (hashes only). */
export interface CallingUser {
  id: string;
  accountId: string;
  username: string;
  extension: string | null;
  /** E.164, a number the account holds; null: the user may not call numbers outside. */
  callerId: string | null;
  ha1: { md5: string; sha256: string };
}

/**
 * The enabled user `username` in the SIP domain `realm` (the Request-URI host of their INVITE), or
 * undefined. The domain names the account, so a username of another account is never found here.
 */
export async function callingUser(db: Db, realm: string, username: string): Promise<CallingUser | undefined> {
  const row = await findRegistrableUser(db, realm.toLowerCase(), username);
  return (
    row && {
      id: row.id,
      accountId: row.account_id,
      username: row.username,
      extension: row.extension,
      callerId: row.caller_id,
      ha1: { md5: row.ha1_md5, sha256: row.ha1_sha256 },
    }
  );
}

/** A device of a called user: the contact (Request-URI) and the address its REGISTER came from (RFC 3581: NAT). */
export interface UserContact {
  contact: string;
  source: { address: string; port: number };
}

/** The user holding `extension` in the account (enabled or not), or undefined: never another account's. */
export async function userByExtension(db: Db, accountId: string, extension: string): Promise<{ id: string; extension: string; enabled: boolean } | undefined> {
  const id = await findSipUserIdBy(db, accountId, 'extension', extension);
  const row = id ? await findSipUser(db, accountId, id) : undefined;
  return row && { id: row.id, extension, enabled: row.enabled === 1 };
}

/** The account's user `id` as a call target (a number's route names it), or undefined: never another account's. */
export async function userById(db: Db, accountId: string, id: string): Promise<{ id: string; extension: string; enabled: boolean; callerId: string | null } | undefined> {
  const row = await findSipUser(db, accountId, id);
  // A user without an extension is shown on the leg by username. The caller ID shows on a forward out.
  return row && { id: row.id, extension: row.extension ?? row.username, enabled: row.enabled === 1, callerId: row.caller_id };
}

/** The user's registered devices that have not expired: each is rung when the user is called. */
export async function reachableContacts(deps: { db: Db; clock: Clock }, userId: string): Promise<UserContact[]> {
  const rows = await liveRegistrations(deps.db, userId, iso(deps.clock.now()));
  return rows.map((r) => ({ contact: r.contact, source: { address: r.source_address, port: r.source_port } }));
}
