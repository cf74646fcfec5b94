import type { Schema } from '../http/contract.js';
import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { newId } from '../ids.js';
import { type Db, isUniqueViolation, type Tx } from '../store/db.js';
import { addressInCidr, normaliseAllowedIps } from './allowed-ips.js';
import { checkCallerIds } from './caller-ids.js';
import { credentialsRequired, type PreparedCredentials, prepareCredentials, usernameTaken } from './credentials.js';
import { CODEC_PROFILE, SIP_TRANSPORT } from './fixed-media.js';
import { DEFAULT_SIP_PORT, normaliseOutboundTarget } from './outbound-target.js';
import type { SipEndpoint } from '../sip-address.js';
import { linkOfRow, normaliseLink } from './link.js';
import { allTrunks, findSipTrunk, insertSipTrunk, type SipTrunkRow, trunksOfAccount, updateSipTrunkRow } from './store.js';

// Other domains read a trunk through this service (calls route over it), never through store.ts.
export { findSipTrunk } from './store.js';

export type SipTrunkCreate = Schema<'SipTrunkCreate'>;

export type SipTrunkPatch = Schema<'SipTrunkUpdate'>;

/**
 * The trunk as the API shows it: never the password, never the hashes. `host` and `port` are where the
 * PBX sends SIP, this server's public address as it is now (so a changed PROLOPE_SIP_PORT shows at once).
 */
export function toSipTrunk(row: SipTrunkRow, sip: SipEndpoint): SipTrunk {
  return {
    id: row.id,
    object: 'sip_trunk' as const,
    account_id: row.account_id,
    name: row.name,
    allowed_ips: JSON.parse(row.allowed_ips) as string[],
    allowed_caller_ids: JSON.parse(row.allowed_caller_ids) as string[],
    outbound_target: row.outbound_target,
    credentials: { username: row.username, realm: row.realm },
    host: sip.host,
    transport: SIP_TRANSPORT,
    // Unknown only in a process without SIP configured with port 0 (tests): the terms' port stands in.
    port: sip.port ?? DEFAULT_SIP_PORT,
    codec_profile: { ...CODEC_PROFILE },
    link: linkOfRow(row.link),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type SipTrunk = Schema<'SipTrunk'>;

function withPassword(trunk: SipTrunk, password: string) {
  return { ...trunk, credentials: { ...trunk.credentials, password } };
}

// The pre-check in prepareCredentials can race with another request taking the same username; the
// unique index settles it, and the loser gets the same 409 as if the check had caught it.
async function writing<T>(username: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (username !== undefined && isUniqueViolation(err)) throw usernameTaken(username);
    throw err;
  }
}

export async function createSipTrunk(deps: Deps, accountId: string, input: SipTrunkCreate) {
  // Every check runs before the transaction, so a refused request leaves nothing behind.
  const allowedIps = normaliseAllowedIps(input.allowed_ips, '/body/allowed_ips');
  const target = input.outbound_target === undefined ? null : normaliseOutboundTarget(input.outbound_target, allowedIps, '/body/outbound_target');
  const callerIds = await checkCallerIds(deps.db, accountId, input.allowed_caller_ids, '/body/allowed_caller_ids');
  if (!input.credentials) throw credentialsRequired();
  const creds = await prepareCredentials(deps.db, accountId, input.credentials);
  const now = deps.clock.now();
  const row: SipTrunkRow = {
    id: newId('sipTrunk', now),
    account_id: accountId,
    name: input.name,
    allowed_ips: JSON.stringify(allowedIps),
    allowed_caller_ids: JSON.stringify(callerIds),
    username: creds.username,
    realm: creds.realm,
    ha1_md5: creds.ha1_md5,
    ha1_sha256: creds.ha1_sha256,
    link: input.link ? JSON.stringify(normaliseLink(input.link)) : null,
    outbound_target: target,
    created_at: iso(now),
    updated_at: iso(now),
  };
  const trunk = toSipTrunk(row, deps.sip);
  await writing(creds.username, () =>
    deps.db.transaction().execute(async (tx: Tx) => {
      await insertSipTrunk(tx, row);
      await recordEvent(tx, { accountId, type: 'sip_trunk.created', object: trunk, at: now });
    }),
  );
  return withPassword(trunk, creds.password);
}

/** The row changes a patch asks for, every field checked before anything is written. */
async function changesOf(deps: Deps, accountId: string, row: SipTrunkRow, patch: SipTrunkPatch) {
  const next: Partial<SipTrunkRow> = {};
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.allowed_ips !== undefined) next.allowed_ips = JSON.stringify(normaliseAllowedIps(patch.allowed_ips, '/body/allowed_ips'));
  // A target must stay inside the allowlist: check a new one, or the kept one against new allowed_ips.
  const allowed = JSON.parse(next.allowed_ips ?? row.allowed_ips) as string[];
  if (patch.outbound_target !== undefined) {
    next.outbound_target = patch.outbound_target === null ? null : normaliseOutboundTarget(patch.outbound_target, allowed, '/body/outbound_target');
  } else if (patch.allowed_ips !== undefined && row.outbound_target !== null) {
    normaliseOutboundTarget(row.outbound_target, allowed, '/body/allowed_ips');
  }
  if (patch.allowed_caller_ids !== undefined) {
    next.allowed_caller_ids = JSON.stringify(await checkCallerIds(deps.db, accountId, patch.allowed_caller_ids, '/body/allowed_caller_ids'));
  }
  let creds: PreparedCredentials | undefined;
  if (patch.credentials !== undefined) {
    creds = await prepareCredentials(deps.db, accountId, patch.credentials, row.id);
    next.username = creds.username;
    next.realm = creds.realm;
    next.ha1_md5 = creds.ha1_md5;
    next.ha1_sha256 = creds.ha1_sha256;
  }
  if (patch.link !== undefined) next.link = patch.link === null ? null : JSON.stringify(normaliseLink(patch.link));
  return { next, creds };
}

/**
 * Applies a patch and records `sip_trunk.updated`. New credentials replace both hashes, and the new
 * password is shown in this answer only.
 */
export async function updateSipTrunk(deps: Deps, accountId: string, id: string, patch: SipTrunkPatch) {
  const row = await findSipTrunk(deps.db, accountId, id);
  if (!row) throw notFound('SIP trunk', id);
  const { next, creds } = await changesOf(deps, accountId, row, patch);
  const now = deps.clock.now();
  next.updated_at = iso(now);
  const trunk = toSipTrunk({ ...row, ...next }, deps.sip);
  await writing(creds?.username, () =>
    deps.db.transaction().execute(async (tx: Tx) => {
      await updateSipTrunkRow(tx, accountId, id, next);
      await recordEvent(tx, { accountId, type: 'sip_trunk.updated', object: trunk, at: now });
    }),
  );
  // Only hashes are kept, so the password can be shown only in the answer to the request that set it.
  return creds ? withPassword(trunk, creds.password) : trunk;
}

/**
 * A released number is no longer the account's, so it may no longer be an A-number on its trunks
 * (terms 5.3: authorization by IP plus A-number). Runs inside the release transaction.
 */
export async function dropCallerIdFromTrunks(tx: Tx, sip: SipEndpoint, accountId: string, number: string, now: Date): Promise<void> {
  for (const row of await trunksOfAccount(tx, accountId)) {
    const ids = JSON.parse(row.allowed_caller_ids) as string[];
    if (!ids.includes(number)) continue;
    const next = { allowed_caller_ids: JSON.stringify(ids.filter((n) => n !== number)), updated_at: iso(now) };
    await updateSipTrunkRow(tx, accountId, row.id, next);
    await recordEvent(tx, { accountId, type: 'sip_trunk.updated', object: toSipTrunk({ ...row, ...next }, sip), at: now });
  }
}

/** What the SIP side needs to authorize a call from a trunk; never leaves the server. */
export interface TrunkAuth {
  id: string;
  accountId: string;
  username: string;
  ha1: { md5: string; sha256: string };
  allowedCallerIds: string[];
}

/**
 * Trunks whose allowlist contains the source address (terms 5.3: authorization by IP first).
 * A scan is fine while trunks are few; a table of parsed ranges can replace it without changing callers.
 */
export async function trunksForSource(db: Db | Tx, address: string): Promise<TrunkAuth[]> {
  const rows = await allTrunks(db);
  return rows
    .filter((row) => (JSON.parse(row.allowed_ips) as string[]).some((cidr) => addressInCidr(address, cidr)))
    .map((row) => ({
      id: row.id,
      accountId: row.account_id,
      username: row.username,
      ha1: { md5: row.ha1_md5, sha256: row.ha1_sha256 },
      allowedCallerIds: JSON.parse(row.allowed_caller_ids) as string[],
    }));
}
