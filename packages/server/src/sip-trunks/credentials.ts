import type { Schema } from '../http/contract.js';
import { ProblemError } from '../errors.js';
import type { Db } from '../store/db.js';
import { digestHa1, SIP_REALM } from '../telephony/digest-ha1.js';
import { newSipPassword } from './password.js';
import { findTrunkIdByUsername } from './store.js';

export type CredentialsInput = Schema<'CredentialsInput'>;

/** What a trunk keeps of its credentials (hashes only) plus the password to show once. */
export interface PreparedCredentials {
  username: string;
  realm: string;
  ha1_md5: string;
  ha1_sha256: string;
  password: string;
}

export function credentialsRequired(): ProblemError {
  return new ProblemError(
    'sip_trunk_credentials_required',
    'A SIP trunk needs digest credentials: terms 5.3 authorize calls by IP address and A-number, and IP address-based calling without SIP authentication is not supported. Add credentials.username (Prolope generates the password if you leave it out).',
    { param: '/body/credentials' },
  );
}

/**
 * Checks the username is free on this account, picks the password and hashes it. Usernames are unique
 * per account, like a Twilio credential list: a rule across Prolope would tell one tenant which usernames
 * others use. The SIP side stays unambiguous because it narrows by source address and A-number (a number
 * belongs to one account) before the username. `ownTrunkId` lets a trunk keep its username while changing its password.
 */
export async function prepareCredentials(db: Db, accountId: string, input: CredentialsInput, ownTrunkId?: string): Promise<PreparedCredentials> {
  const holder = await findTrunkIdByUsername(db, accountId, input.username);
  if (holder && holder !== ownTrunkId) throw usernameTaken(input.username);
  const password = input.password ?? newSipPassword();
  const ha1 = digestHa1(input.username, SIP_REALM, password);
  return { username: input.username, realm: SIP_REALM, ha1_md5: ha1.md5, ha1_sha256: ha1.sha256, password };
}

export function usernameTaken(username: string): ProblemError {
  return new ProblemError(
    'sip_username_taken',
    `The digest username "${username}" is already used by another SIP trunk of this account. Choose another, or change that trunk's credentials.`,
    { param: '/body/credentials/username' },
  );
}
