import { ProblemError } from '../errors.js';
import type { Db } from '../store/db.js';
import { digestHa1, SIP_REALM } from './digest.js';
import { newSipPassword } from './password.js';
import { findTrunkIdByUsername } from './store.js';

export interface CredentialsInput {
  username: string;
  password?: string;
}

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
 * Checks the username is free (on every account: the SIP side finds a trunk by username alone),
 * picks the password and hashes it. `ownTrunkId` lets a trunk keep its username while changing its password.
 */
export async function prepareCredentials(db: Db, input: CredentialsInput, ownTrunkId?: string): Promise<PreparedCredentials> {
  const holder = await findTrunkIdByUsername(db, input.username);
  if (holder && holder !== ownTrunkId) throw usernameTaken(input.username);
  const password = input.password ?? newSipPassword();
  const ha1 = digestHa1(input.username, SIP_REALM, password);
  return { username: input.username, realm: SIP_REALM, ha1_md5: ha1.md5, ha1_sha256: ha1.sha256, password };
}

export function usernameTaken(username: string): ProblemError {
  return new ProblemError(
    'sip_username_taken',
    `The digest username "${username}" is already used by another SIP trunk (usernames are unique across Prolope). Choose another, e.g. with your company name as a prefix.`,
    { param: '/body/credentials/username' },
  );
}
