import { ProblemError } from '../errors.js';
import type { Db } from '../store/db.js';
import { findSipUserIdBy } from './store.js';

export function usernameTaken(username: string): ProblemError {
  return new ProblemError(
    'sip_user_username_taken',
    `The username "${username}" is already used by another SIP user of this account. Choose another, or delete that user first.`,
    { param: '/body/username' },
  );
}

export function extensionTaken(extension: string): ProblemError {
  return new ProblemError(
    'sip_extension_taken',
    `Extension ${extension} already belongs to another SIP user or ring group of this account. Choose another, or set that one's extension to null first.`,
    { param: '/body/extension' },
  );
}

/**
 * The account's ring group dialled by `extension`: users and groups share one extension plan. Read here
 * from the table rather than through ring-groups/, which builds on SIP users (an import cycle otherwise).
 */
async function ringGroupIdByExtension(db: Db, accountId: string, extension: string): Promise<string | undefined> {
  const row = await db.selectFrom('ring_groups').select('id').where('account_id', '=', accountId).where('extension', '=', extension).executeTakeFirst();
  return row?.id;
}

/**
 * Refuses a username or extension another user (or, for an extension, a ring group) of the same account holds. Only the caller's own account
 * is searched, so a 409 never tells one tenant what another uses. `self` lets a user keep its own values.
 */
export async function checkFree(db: Db, accountId: string, wanted: { username?: string | undefined; extension?: string | null | undefined }, self?: string): Promise<void> {
  if (wanted.username !== undefined) {
    const holder = await findSipUserIdBy(db, accountId, 'username', wanted.username);
    if (holder && holder !== self) throw usernameTaken(wanted.username);
  }
  if (wanted.extension !== undefined && wanted.extension !== null) {
    const holder = (await findSipUserIdBy(db, accountId, 'extension', wanted.extension)) ?? (await ringGroupIdByExtension(db, accountId, wanted.extension));
    if (holder && holder !== self) throw extensionTaken(wanted.extension);
  }
}
