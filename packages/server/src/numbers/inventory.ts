import { type Schema, schemaDefaults } from '../http/contract.js';
import { iso } from '../clock.js';
import { toE164 } from '../contacts/phone.js';
import type { Deps } from '../deps.js';
import { newId } from '../ids.js';
import { numberFacts } from './phone-facts.js';
import type { PhoneNumberRow } from './phone-number.js';
import { insertNewNumbers } from './store.js';

export type InventoryNumberInput = Schema<'InventoryNumberInput'>;

export type InventoryImportResult = Schema<'InventoryImportResult'>;

function inventoryRow(input: InventoryNumberInput, number: string, country: string, now: Date): PhoneNumberRow {
  return {
    id: newId('phoneNumber', now),
    number,
    country,
    // The operator states the type (it decides how the number is sold); the country is a fact of the number.
    type: input.type,
    capabilities: JSON.stringify(input.capabilities ?? schemaDefaults.InventoryNumberInput.capabilities),
    monthly_price: input.monthly_price,
    setup_price: input.setup_price,
    currency: input.currency,
    status: 'available',
    account_id: null,
    source: null,
    quarantined_until: null,
    friendly_name: null,
    voice: null,
    sip_trunk_id: null,
    forwarding: null,
    route: null,
    purchased_at: null,
    created_at: iso(now),
    updated_at: iso(now),
  };
}

/**
 * Adds numbers to the inventory. Every number is checked before anything is written, so one bad
 * number leaves the inventory untouched; then all go in one transaction. A number already in the
 * inventory (or twice in the request) is skipped and listed, never overwritten.
 */
export async function importInventory(deps: Pick<Deps, 'db' | 'clock'>, numbers: InventoryNumberInput[]): Promise<InventoryImportResult> {
  const now = deps.clock.now();
  const rows: PhoneNumberRow[] = [];
  const repeated: string[] = [];
  const seen = new Set<string>();
  numbers.forEach((input, i) => {
    const param = `/body/numbers/${i}/number`;
    const number = toE164(input.number, param);
    const { country } = numberFacts(number, param);
    if (seen.has(number)) repeated.push(number);
    else rows.push(inventoryRow(input, number, country, now));
    seen.add(number);
  });
  const inserted = await deps.db.transaction().execute((tx) => insertNewNumbers(tx, rows));
  const added = new Set(inserted);
  const skipped = [...rows.map((r) => r.number).filter((n) => !added.has(n)), ...repeated];
  return { object: 'inventory_import', imported: inserted.length, skipped: [...new Set(skipped)] };
}
