import { sql } from 'kysely';
import type { Tx } from '../../store/db.js';

/**
 * The next consecutive document number. Bulgarian VAT law (VAT Act art. 78, Regulation art. 78) numbers
 * invoices and credit notes in one unbroken series of ten digits, so both draw from here. Test-clock
 * accounts draw from their own series (`T` and nine digits), so simulations never leave gaps in the real one.
 * The upsert locks the counter row until the transaction ends: two documents issued at once get
 * consecutive numbers, and a rolled-back one gives its number back.
 */
export async function nextDocumentNumber(tx: Tx, test: boolean): Promise<string> {
  const name = test ? 'documents_test' : 'documents';
  const row = await tx
    .insertInto('billing_counters')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`billing_counters.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  const n = Number(row.value);
  return test ? `T${String(n).padStart(9, '0')}` : String(n).padStart(10, '0');
}
