import { iso } from '../clock.js';
import { toE164 } from '../contacts/phone.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { schemaDefaults } from '../http/contract.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Db, Tx } from '../store/db.js';
import { describeRef, type NumberRef, parseNumberRef } from './number-ref.js';
import { numberFacts } from './phone-facts.js';
import { type PhoneNumber, type PhoneNumberRow, toPhoneNumber, withoutSecrets } from './phone-number.js';
import { quarantineEnd, quarantineOver } from './quarantine.js';
import { checkRouteTarget } from './route-target.js';
import { type NumberUpdateInput, settingsPatch } from './settings.js';
import { claimForPort, claimNumber, findByNumber, findHeld, heldAmong, insertNewNumbers, isAssigned, trunkBelongsTo, updateHeld } from './store.js';

export { type PhoneNumber, toPhoneNumber } from './phone-number.js';

/** The columns that describe how an account uses a number; they never outlive its holder. */
const NO_SETTINGS = { friendly_name: null, voice: null, sip_trunk_id: null, forwarding: null, route: null } as const;

/** One of the account's numbers by path reference (`pn_...` or E.164), or 404. */
export async function heldNumber(db: Db | Tx, accountId: string, rawRef: string): Promise<PhoneNumberRow> {
  const ref: NumberRef | null = parseNumberRef(rawRef);
  const row = ref ? await findHeld(db, accountId, ref) : undefined;
  if (!row) throw notFound('number', describeRef(ref, rawRef));
  return row;
}

/** Why a number could not be bought, read after the conditional update changed nothing. */
function buyRefusal(row: PhoneNumberRow | undefined, number: string, accountId: string, now: Date): ProblemError {
  if (!row) {
    return new ProblemError(
      'not_found',
      `${number} is not in the Prolope inventory. Search GET /v1/available-numbers first and buy one of the numbers it lists.`,
    );
  }
  if (row.status === 'quarantined' && !quarantineOver(row.quarantined_until, now)) {
    return new ProblemError(
      'number_quarantined',
      `${number} was released recently and is in quarantine until ${row.quarantined_until}; it can be bought from then on. Search GET /v1/available-numbers for another.`,
    );
  }
  // Held (or being ported) by someone: never say by whom. Telling a holder it is already theirs leaks nothing.
  if (row.account_id === accountId && row.status === 'assigned') {
    return new ProblemError('number_not_available', `This account already holds ${number} (${row.id}); there is nothing to buy.`);
  }
  return new ProblemError('number_not_available', `${number} is not available: another customer holds it. Search GET /v1/available-numbers for another.`);
}

export async function buyNumber(deps: Deps, accountId: string, input: { number: string; friendly_name?: string }): Promise<PhoneNumber> {
  const number = toE164(input.number, '/body/number');
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const changed = await claimNumber(
      tx,
      number,
      {
        ...NO_SETTINGS,
        account_id: accountId,
        status: 'assigned',
        source: 'purchased',
        purchased_at: iso(now),
        quarantined_until: null,
        friendly_name: input.friendly_name ?? null,
        updated_at: iso(now),
      },
      iso(now),
    );
    const row = await findByNumber(tx, number);
    if (changed === 0 || !row) throw buyRefusal(row, number, accountId, now);
    const bought = toPhoneNumber(row, deps.secrets);
    await recordEvent(tx, { accountId, type: 'number.purchased', object: { ...withoutSecrets(bought) }, at: now });
    return bought;
  });
}

export async function updateNumber(deps: Deps, accountId: string, rawRef: string, input: NumberUpdateInput): Promise<PhoneNumber> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await heldNumber(tx, accountId, rawRef);
    const patch = settingsPatch(input, row, deps.secrets);
    if (patch.sip_trunk_id && !(await trunkBelongsTo(tx, accountId, patch.sip_trunk_id))) {
      throw new ProblemError(
        'invalid_reference',
        `No SIP trunk ${patch.sip_trunk_id} on this account. Create it with POST /v1/sip-trunks, or use the id of one listed by GET /v1/sip-trunks.`,
        { param: '/body/sip_trunk_id' },
      );
    }
    if (input.route) await checkRouteTarget(tx, accountId, input.route);
    const next = { ...patch, updated_at: iso(now) };
    // Conditional on still holding it: a release committed meanwhile makes this a 404, not a write.
    if ((await updateHeld(tx, accountId, row.id, next)) === 0) throw notFound('number', rawRef);
    const updated = toPhoneNumber({ ...row, ...next }, deps.secrets);
    await recordEvent(tx, { accountId, type: 'number.updated', object: { ...withoutSecrets(updated) }, at: now });
    return updated;
  });
}

/**
 * What else must change when a number leaves an account, inside the release transaction (its trunks
 * stop accepting it as an A-number). Passed in by the routes: SIP trunks build on numbers, so this
 * service does not import theirs (that was an import cycle).
 */
export type OnNumberReleased = (tx: Tx, released: { accountId: string; number: string; at: Date }) => Promise<void>;

/** The number leaves the account at once and rests in quarantine; returns it as it was. */
export async function releaseNumber(deps: Deps, accountId: string, rawRef: string, onReleased: OnNumberReleased): Promise<PhoneNumber> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await heldNumber(tx, accountId, rawRef);
    const released = await updateHeld(tx, accountId, row.id, {
      ...NO_SETTINGS,
      account_id: null,
      status: 'quarantined',
      quarantined_until: quarantineEnd(now),
      source: null,
      purchased_at: null,
      updated_at: iso(now),
    });
    if (released === 0) throw notFound('number', rawRef);
    await onReleased(tx, { accountId, number: row.number, at: now });
    const before = toPhoneNumber(row, deps.secrets);
    await recordEvent(tx, { accountId, type: 'number.released', object: { ...withoutSecrets(before) }, at: now });
    return before;
  });
}

// ---- For other domains (SIP trunks, porting) ----

/** Those of the given E.164 numbers that the account does not hold (SIP trunk caller-ID checks). */
export async function numbersNotOwned(db: Db | Tx, accountId: string, numbers: string[]): Promise<string[]> {
  const held = new Set(await heldAmong(db, accountId, [...new Set(numbers)]));
  return numbers.filter((n) => !held.has(n));
}

/** Whether any account holds this E.164 number (porting refuses to port in a number already on Prolope). */
export async function numberHeld(db: Db | Tx, number: string): Promise<boolean> {
  return isAssigned(db, number);
}

/** The columns that make a number the account's by porting. */
function portedHolding(accountId: string, now: Date): Partial<PhoneNumberRow> {
  return {
    ...NO_SETTINGS,
    status: 'assigned',
    account_id: accountId,
    source: 'ported',
    quarantined_until: null,
    purchased_at: iso(now),
    updated_at: iso(now),
  };
}

function portedRow(accountId: string, number: string, now: Date): PhoneNumberRow {
  const { country, type } = numberFacts(number);
  return {
    ...NO_SETTINGS,
    id: newId('phoneNumber', now),
    number,
    country,
    type,
    // Nobody states a ported number's capabilities: it gets those of an inventory number imported without them.
    capabilities: JSON.stringify(schemaDefaults.InventoryNumberInput.capabilities),
    // A ported number was never sold from the inventory, so it carries no Prolope number price.
    monthly_price: '0.00',
    setup_price: '0.00',
    currency: 'EUR',
    status: 'assigned',
    account_id: accountId,
    source: 'ported',
    quarantined_until: null,
    purchased_at: iso(now),
    created_at: iso(now),
    updated_at: iso(now),
  };
}

/**
 * Gives the numbers of a completed port to the account, inside the porting domain's transaction.
 * A number new to Prolope gets a row; one in the inventory that nobody holds is taken over (its
 * prices kept); one the account already holds is left as is. A number another account holds throws
 * number_already_held, and the caller's transaction rolls back. Records no event: the porting
 * domain reports the completion as `number_port.updated`.
 */
export async function assignPortedNumbers(tx: Tx, secrets: SecretBox, accountId: string, numbers: string[], now: Date): Promise<PhoneNumber[]> {
  const result: PhoneNumber[] = [];
  for (const number of [...new Set(numbers)]) {
    const fresh = portedRow(accountId, number, now);
    // Insert-if-new, then a conditional take-over: both decided by the database, so a concurrent
    // buy of the same number cannot leave two holders.
    if ((await insertNewNumbers(tx, [fresh])).length === 1) {
      result.push(toPhoneNumber(fresh, secrets));
      continue;
    }
    await claimForPort(tx, accountId, number, portedHolding(accountId, now));
    const row = await findByNumber(tx, number);
    if (row?.status !== 'assigned' || row.account_id !== accountId) {
      throw new ProblemError('number_already_held', `${number} is already on Prolope with another customer, so it cannot be ported in to this account.`);
    }
    result.push(toPhoneNumber(row, secrets));
  }
  return result;
}

/** The number's row when some account holds it (the SIP side routes calls for it). */
export async function assignedNumber(deps: { db: Db | Tx; secrets: SecretBox }, number: string): Promise<PhoneNumber | undefined> {
  const row = await findByNumber(deps.db, number);
  return row && row.status === 'assigned' && row.account_id ? toPhoneNumber(row, deps.secrets) : undefined;
}
