import { iso } from '../clock.js';
import { toE164 } from '../contacts/phone.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { type Schema, schemaDefaults } from '../http/contract.js';
import { newId } from '../ids.js';
import { checkFree } from '../sip-users/conflicts.js';
import { sipUserExists } from '../sip-users/service.js';
import { isUniqueViolation, type Tx } from '../store/db.js';
import { boxForCaller } from '../voicemail/service.js';
import { checkFallbackChain } from './fallback-chain.js';
import { deleteRingGroupRow, findRingGroup, insertRingGroup, ringGroupReferrers, type RingGroupRow, updateRingGroupRow } from './store.js';
import { type RingGroup, type RingGroupFallback, type RingGroupMember, toRingGroup } from './views.js';

export type RingGroupCreate = Schema<'RingGroupCreate'>;
export type RingGroupPatch = Schema<'RingGroupUpdate'>;

function invalidReference(what: string, id: string, list: string, param: string): ProblemError {
  return new ProblemError('invalid_reference', `No ${what} ${id} on this account: list them with GET ${list}.`, { param });
}

/** Members with their defaults, each a distinct SIP user of the account (422 otherwise). */
async function checkedMembers(deps: Pick<Deps, 'db'>, accountId: string, members: RingGroupCreate['members']): Promise<RingGroupMember[]> {
  const seen = new Set<string>();
  const out: RingGroupMember[] = [];
  for (const [i, m] of members.entries()) {
    const param = `/body/members/${i}/sip_user_id`;
    if (seen.has(m.sip_user_id)) {
      throw new ProblemError('ring_group_duplicate_member', `SIP user ${m.sip_user_id} is listed twice; list each member once.`, { param });
    }
    seen.add(m.sip_user_id);
    if (!(await sipUserExists(deps.db, accountId, m.sip_user_id))) throw invalidReference('SIP user', m.sip_user_id, '/v1/sip-users', param);
    out.push({ sip_user_id: m.sip_user_id, timeout_seconds: m.timeout_seconds ?? schemaDefaults.RingGroupMember.timeout_seconds });
  }
  return out;
}

/**
 * The fallback as stored: its target exists on the account, a chain of groups never comes back to this
 * one, and a number is in E.164 (inputs may have spaces or a national form, as elsewhere).
 */
async function checkedFallback(
  deps: Pick<Deps, 'db'>,
  accountId: string,
  self: string | undefined,
  fallback: RingGroupFallback | null,
): Promise<RingGroupFallback | null> {
  if (fallback?.type === 'number') return { type: 'number', number: toE164(fallback.number, '/body/fallback/number') };
  if (fallback?.type === 'voicemail_box' && !(await boxForCaller(deps, accountId, fallback.voicemail_box_id))) {
    throw invalidReference('voicemail box', fallback.voicemail_box_id, '/v1/voicemail-boxes', '/body/fallback/voicemail_box_id');
  }
  if (fallback?.type === 'ring_group' && !(await findRingGroup(deps.db, accountId, fallback.ring_group_id))) {
    throw invalidReference('ring group', fallback.ring_group_id, '/v1/ring-groups', '/body/fallback/ring_group_id');
  }
  await checkFallbackChain(deps.db, accountId, self, fallback);
  return fallback;
}

// A SIP user or another group may take the extension between the check and the write; the unique
// index settles it among groups, and the loser gets the same 409.
async function writing<T>(
  deps: Pick<Deps, 'db'>,
  accountId: string,
  extension: string | null | undefined,
  self: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) await checkFree(deps.db, accountId, { extension }, self);
    throw err;
  }
}

export async function createRingGroup(deps: Deps, accountId: string, input: RingGroupCreate): Promise<RingGroup> {
  // Every check runs before the transaction, so a refused request writes nothing.
  await checkFree(deps.db, accountId, { extension: input.extension });
  const members = await checkedMembers(deps, accountId, input.members);
  const fallback = await checkedFallback(deps, accountId, undefined, input.fallback ?? null);
  const now = deps.clock.now();
  const row: RingGroupRow = {
    id: newId('ringGroup', now),
    account_id: accountId,
    name: input.name,
    extension: input.extension ?? null,
    strategy: input.strategy ?? schemaDefaults.RingGroupCreate.strategy,
    members: JSON.stringify(members),
    timeout_seconds: input.timeout_seconds ?? schemaDefaults.RingGroupCreate.timeout_seconds,
    fallback: fallback === null ? null : JSON.stringify(fallback),
    rr_next: 0,
    created_at: iso(now),
    updated_at: iso(now),
  };
  const group = toRingGroup(row);
  await writing(deps, accountId, input.extension, undefined, () =>
    deps.db.transaction().execute(async (tx: Tx) => {
      await insertRingGroup(tx, row);
      await recordEvent(tx, { accountId, type: 'ring_group.created', object: group, at: now });
    }),
  );
  return group;
}

export async function updateRingGroup(deps: Deps, accountId: string, id: string, patch: RingGroupPatch): Promise<RingGroup> {
  const row = await findRingGroup(deps.db, accountId, id);
  if (!row) throw notFound('ring group', id);
  await checkFree(deps.db, accountId, { extension: patch.extension }, id);
  const next: Partial<RingGroupRow> = {};
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.extension !== undefined) next.extension = patch.extension;
  if (patch.strategy !== undefined) next.strategy = patch.strategy;
  if (patch.members !== undefined) {
    next.members = JSON.stringify(await checkedMembers(deps, accountId, patch.members));
    // New members, new order: round-robin starts again at the first.
    next.rr_next = 0;
  }
  if (patch.timeout_seconds !== undefined) next.timeout_seconds = patch.timeout_seconds;
  if (patch.fallback !== undefined) {
    const fallback = await checkedFallback(deps, accountId, id, patch.fallback);
    next.fallback = fallback === null ? null : JSON.stringify(fallback);
  }
  const now = deps.clock.now();
  next.updated_at = iso(now);
  const group = toRingGroup({ ...row, ...next });
  await writing(deps, accountId, patch.extension, id, () =>
    deps.db.transaction().execute(async (tx: Tx) => {
      await updateRingGroupRow(tx, accountId, id, next);
      await recordEvent(tx, { accountId, type: 'ring_group.updated', object: group, at: now });
    }),
  );
  return group;
}

/** Refused (409) while a number routes to the group or another group falls back to it. */
export async function deleteRingGroup(deps: Deps, accountId: string, id: string) {
  const row = await findRingGroup(deps.db, accountId, id);
  if (!row) throw notFound('ring group', id);
  await deps.db.transaction().execute(async (tx: Tx) => {
    const referrers = await ringGroupReferrers(tx, accountId, id);
    if (referrers.length > 0) {
      throw new ProblemError(
        'ring_group_in_use',
        `Calls still reach this ring group through ${referrers.join(', ')}. Route those numbers elsewhere, or change those groups' fallback, first.`,
      );
    }
    await deleteRingGroupRow(tx, accountId, id);
    await recordEvent(tx, { accountId, type: 'ring_group.deleted', object: toRingGroup(row), at: deps.clock.now() });
  });
  return { id, object: 'ring_group' as const, deleted: true as const };
}
