import { iso, type Clock } from '../clock.js';
import type { Schema } from '../http/contract.js';
import { recordEvent } from '../events/outbox.js';
import { newId } from '../ids.js';
import type { Db, Tx } from '../store/db.js';
import type { BindingSet, RegistrarBinding, RegistrarDirectory } from '../telephony/backend.js';
import {
  deleteRegistration,
  expiredRegistrations,
  findRegistrableUser,
  insertRegistration,
  liveRegistrations,
  refreshRegistration,
  type SipRegistrationRow,
  updateRegistration,
} from './store.js';

export type SipRegistration = Schema<'SipRegistration'>;

export function toSipRegistration(row: SipRegistrationRow): SipRegistration {
  return {
    id: row.id,
    object: 'sip_registration' as const,
    sip_user_id: row.sip_user_id,
    contact: row.contact,
    source_address: row.source_address,
    source_port: row.source_port,
    transport: row.transport,
    node_id: row.node_id,
    user_agent: row.user_agent,
    expires_at: row.expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const toBinding = (row: SipRegistrationRow): RegistrarBinding => ({
  contact: row.contact,
  callId: row.call_id,
  cseq: row.cseq,
  expiresAt: new Date(row.expires_at),
});

export interface RegistrarDeps {
  db: Db;
  clock: Clock;
  /** This process's node id: a call to a device goes out through the node holding its socket. */
  nodeId: string | undefined;
}

/**
 * The registrar's view of SIP users, for the composition root to hand to the SIP stack (telephony knows
 * no accounts). Each change is one transaction with its `sip_user.registered` / `sip_user.unregistered`
 * events; a refresh of a known contact moves its expiry and source without an event.
 */
export function sipUserDirectory(deps: RegistrarDeps): RegistrarDirectory {
  return {
    async findUser(domain, username) {
      const row = await findRegistrableUser(deps.db, domain, username);
      return row && { id: row.id, ha1: { md5: row.ha1_md5, sha256: row.ha1_sha256 }, maxContacts: row.max_registrations };
    },
    async bindings(userId) {
      return (await liveRegistrations(deps.db, userId, iso(deps.clock.now()))).map(toBinding);
    },
    async update(userId, change, maxContacts) {
      const now = deps.clock.now();
      // Most REGISTERs refresh the one binding a phone already holds: one UPDATE of that row and the
      // read the 200 needs, with no transaction, no lock on the user and no event (bench/pbx: 4 SQL
      // statements per registration instead of 8). A refresh adds no binding, so the limit cannot be
      // passed (the UPDATE also checks the user's count, in case the limit was lowered); when the row is gone or expired, or a newer REGISTER set it, the UPDATE matches
      // nothing and the full path below decides.
      const [only] = change.set;
      if (change.remove.length === 0 && change.set.length === 1 && only && (await refresh(deps.db, deps.nodeId, userId, only, maxContacts, now))) {
        return (await liveRegistrations(deps.db, userId, iso(now))).map(toBinding);
      }
      try {
        return await deps.db.transaction().execute(async (tx: Tx) => {
          // Writing the user's row first locks it (PostgreSQL; SQLite has one writer anyway), so two
          // REGISTERs of one user run one after the other and cannot both pass the limit.
          await tx.updateTable('sip_users').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', userId).execute();
          const rows = await liveRegistrations(tx, userId, iso(now));
          for (const contact of change.remove) {
            const row = rows.find((r) => r.contact === contact);
            if (row) await unregister(tx, row, now);
          }
          for (const set of change.set) await bind(tx, deps.nodeId, userId, rows.find((r) => r.contact === set.contact), set, now);
          const after = (await liveRegistrations(tx, userId, iso(now))).map(toBinding);
          if (after.length > maxContacts) throw new TooManyBindings();
          return after;
        });
      } catch (err) {
        if (err instanceof TooManyBindings) return undefined;
        throw err;
      }
    },
  };
}

/** Rolls the transaction back when a REGISTER would pass the user's max_registrations. */
class TooManyBindings extends Error {}

/** The columns a REGISTER sets on its binding. */
function bindingFields(nodeId: string | undefined, set: BindingSet, now: Date) {
  return {
    call_id: set.callId,
    cseq: set.cseq,
    source_address: set.source.address,
    source_port: set.source.port,
    transport: set.transport,
    node_id: nodeId ?? null,
    user_agent: set.userAgent ?? null,
    expires_at: iso(set.expiresAt),
    updated_at: iso(now),
  };
}

/** Refreshes the user's live binding of `set.contact` unless a newer REGISTER of its Call-ID set it; whether it did. */
async function refresh(db: Db, nodeId: string | undefined, userId: string, set: BindingSet, maxContacts: number, now: Date): Promise<boolean> {
  return refreshRegistration(db, userId, set.contact, iso(now), { callId: set.callId, cseq: set.cseq, maxContacts }, bindingFields(nodeId, set, now));
}

async function bind(tx: Tx, nodeId: string | undefined, userId: string, prior: SipRegistrationRow | undefined, set: BindingSet, now: Date): Promise<void> {
  const fields = bindingFields(nodeId, set, now);
  if (prior) {
    await updateRegistration(tx, prior.id, fields);
    return;
  }
  // An expired row for the same contact that the sweep has not reached yet would block the unique index.
  await tx.deleteFrom('sip_registrations').where('sip_user_id', '=', userId).where('contact', '=', set.contact).execute();
  const user = await tx.selectFrom('sip_users').select('account_id').where('id', '=', userId).executeTakeFirstOrThrow();
  const row: SipRegistrationRow = { id: newId('sipRegistration', now), account_id: user.account_id, sip_user_id: userId, contact: set.contact, created_at: iso(now), ...fields };
  await insertRegistration(tx, row);
  await recordEvent(tx, { accountId: row.account_id, type: 'sip_user.registered', object: toSipRegistration(row), at: now });
}

async function unregister(tx: Tx, row: SipRegistrationRow, now: Date): Promise<void> {
  // With several processes two sweeps can pick the same row: only the one that deletes it tells.
  if (!(await deleteRegistration(tx, row.id))) return;
  await recordEvent(tx, { accountId: row.account_id, type: 'sip_user.unregistered', object: toSipRegistration(row), at: now });
}

/**
 * Removes bindings whose time ran out (RFC 3261 §10.3: a registrar drops a binding at its expiry) and
 * records `sip_user.unregistered` for each. The clock decides, so tests advance a manual clock and call
 * this. Answers how many were removed; a caller loops while it removes a full batch.
 */
export async function sweepExpiredRegistrations(deps: { db: Db; clock: Clock }, batch = 500): Promise<number> {
  const now = deps.clock.now();
  const rows = await expiredRegistrations(deps.db, iso(now), batch);
  if (rows.length === 0) return 0;
  await deps.db.transaction().execute(async (tx: Tx) => {
    for (const row of rows) await unregister(tx, row, now);
  });
  return rows.length;
}

/** Drops every binding of a user (disabled or deleted), each with its `sip_user.unregistered`. */
export async function unregisterAll(tx: Tx, userId: string, now: Date): Promise<void> {
  const rows = await tx.selectFrom('sip_registrations').selectAll().where('sip_user_id', '=', userId).execute();
  for (const row of rows) await unregister(tx, row, now);
}
