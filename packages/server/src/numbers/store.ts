import type { ExpressionBuilder } from 'kysely';
import type { Db, Tx } from '../store/db.js';
import type { Database } from '../store/schema.js';
import type { PhoneNumberRow } from './phone-number.js';

type Eb = ExpressionBuilder<Database, 'phone_numbers'>;

/** Buyable now: nobody holds it and it is not (or no longer) in quarantine. `now` is RFC 3339. */
function buyable(eb: Eb, now: string) {
  return eb.or([eb('status', '=', 'available'), eb.and([eb('status', '=', 'quarantined'), eb('quarantined_until', '<=', now)])]);
}

// Inserts run in slices: one statement per slice keeps a 1,000-number import fast, and a slice of
// 200 rows x 20 columns stays well under SQLite's and PostgreSQL's bound-parameter limits.
const INSERT_SLICE = 200;

/** Inserts rows whose number is new; returns the numbers actually inserted (others already existed). */
export async function insertNewNumbers(tx: Tx, rows: PhoneNumberRow[]): Promise<string[]> {
  const inserted: string[] = [];
  for (let i = 0; i < rows.length; i += INSERT_SLICE) {
    const res = await tx
      .insertInto('phone_numbers')
      .values(rows.slice(i, i + INSERT_SLICE))
      .onConflict((oc) => oc.column('number').doNothing())
      .returning('number')
      .execute();
    inserted.push(...res.map((r) => r.number));
  }
  return inserted;
}

export async function findByNumber(db: Db | Tx, number: string): Promise<PhoneNumberRow | undefined> {
  return db.selectFrom('phone_numbers').selectAll().where('number', '=', number).executeTakeFirst();
}

export async function findById(db: Db | Tx, id: string): Promise<PhoneNumberRow | undefined> {
  return db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One of the account's numbers, by id or by E.164. */
export async function findHeld(db: Db | Tx, accountId: string, ref: { id: string } | { number: string }): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', '=', 'assigned')
    .$if('id' in ref, (q) => q.where('id', '=', (ref as { id: string }).id))
    .$if('number' in ref, (q) => q.where('number', '=', (ref as { number: string }).number))
    .executeTakeFirst();
}

export async function listHeld(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<PhoneNumberRow[]> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', '=', 'assigned')
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export interface InventoryFilter {
  status?: string | undefined;
  country?: string | undefined;
}

/** The operator's view, newest first. Status filters use the reported status (expired quarantine = available). */
export async function listInventory(db: Db, filter: InventoryFilter, now: string, limit: number, startingAfter?: string): Promise<PhoneNumberRow[]> {
  const { status, country } = filter;
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .$if(status === 'available', (q) => q.where((eb) => buyable(eb, now)))
    .$if(status === 'quarantined', (q) => q.where('status', '=', 'quarantined').where('quarantined_until', '>', now))
    .$if(status === 'assigned' || status === 'porting', (q) => q.where('status', '=', status as string))
    .$if(!!country, (q) => q.where('country', '=', country as string))
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export interface SearchFilter {
  country?: string | undefined;
  type?: string | undefined;
  /** Digits only (the spec's pattern), so no LIKE wildcard can slip in. */
  contains?: string | undefined;
  /** `+` and digits only. */
  startsWith?: string | undefined;
}

/** Buyable numbers in number order; the cursor is the last number of the previous page. */
export async function searchAvailable(db: Db, filter: SearchFilter, now: string, limit: number, startingAfter?: string): Promise<PhoneNumberRow[]> {
  const { country, type, contains, startsWith } = filter;
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where((eb) => buyable(eb, now))
    .$if(!!country, (q) => q.where('country', '=', country as string))
    .$if(!!type, (q) => q.where('type', '=', type as string))
    .$if(!!contains, (q) => q.where('number', 'like', `%${contains}%`))
    .$if(!!startsWith, (q) => q.where('number', 'like', `${startsWith}%`))
    .$if(!!startingAfter, (q) => q.where('number', '>', startingAfter as string))
    .orderBy('number', 'asc')
    .limit(limit + 1)
    .execute();
}

/**
 * Takes a buyable number for an account in one conditional UPDATE: the database, not a prior read,
 * decides who wins, so of two concurrent buys exactly one changes the row. Returns rows changed (0 or 1).
 */
export async function claimNumber(tx: Tx, number: string, patch: Partial<PhoneNumberRow>, now: string): Promise<number> {
  const res = await tx
    .updateTable('phone_numbers')
    .set(patch)
    .where('number', '=', number)
    .where((eb) => buyable(eb, now))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Takes a number for a completed port: anything not assigned, unless another account has it (porting). */
export async function claimForPort(tx: Tx, accountId: string, number: string, patch: Partial<PhoneNumberRow>): Promise<number> {
  const res = await tx
    .updateTable('phone_numbers')
    .set(patch)
    .where('number', '=', number)
    .where('status', 'in', ['available', 'quarantined', 'porting'])
    .where((eb) => eb.or([eb('account_id', 'is', null), eb('account_id', '=', accountId)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Changes one of the account's numbers, only while the account still holds it; returns rows changed. */
export async function updateHeld(tx: Tx, accountId: string, id: string, patch: Partial<PhoneNumberRow>): Promise<number> {
  const res = await tx
    .updateTable('phone_numbers')
    .set(patch)
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('status', '=', 'assigned')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Of these numbers, those the account holds. */
export async function heldAmong(db: Db | Tx, accountId: string, numbers: string[]): Promise<string[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .selectFrom('phone_numbers')
    .select('number')
    .where('account_id', '=', accountId)
    .where('status', '=', 'assigned')
    .where('number', 'in', numbers)
    .execute();
  return rows.map((r) => r.number);
}

export async function isAssigned(db: Db | Tx, number: string): Promise<boolean> {
  const row = await db.selectFrom('phone_numbers').select('id').where('number', '=', number).where('status', '=', 'assigned').executeTakeFirst();
  return row !== undefined;
}

/**
 * Whether the account has this SIP trunk. A plain read of `sip_trunks` rather than a call into the
 * trunks domain: the check needs only existence and ownership, and keeps the two domains unentangled.
 */
export async function trunkBelongsTo(db: Db | Tx, accountId: string, trunkId: string): Promise<boolean> {
  const row = await db.selectFrom('sip_trunks').select('id').where('id', '=', trunkId).where('account_id', '=', accountId).executeTakeFirst();
  return row !== undefined;
}

/** Replaces the voice column only if it still holds `expected` (compare-and-set); returns rows changed. */
export async function replaceVoiceIf(db: Db | Tx, id: string, expected: string, next: string): Promise<number> {
  const res = await db.updateTable('phone_numbers').set({ voice: next }).where('id', '=', id).where('voice', '=', expected).executeTakeFirst();
  return Number(res.numUpdatedRows);
}
