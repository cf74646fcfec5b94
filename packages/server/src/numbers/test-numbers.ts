import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import { importInventory } from './inventory.js';

/**
 * The numbers a development server stocks on its first start: Sofia landlines +35929000001 to
 * +35929000010, free to buy, so the quickstart can buy a number and take a call without an operator
 * importing stock first. The docs and examples use these numbers.
 */
export const TEST_NUMBERS: readonly string[] = Array.from({ length: 10 }, (_, i) => `+359290000${String(i + 1).padStart(2, '0')}`);

/**
 * Stocks TEST_NUMBERS when the inventory has never held a number (a fresh development store), and
 * returns what it stocked; an inventory with any number, even a released one, is left alone, so a
 * restart never brings back numbers the operator removed or sold.
 */
export async function stockTestNumbers(deps: { db: Db; clock: Clock }): Promise<string[]> {
  const any = await deps.db.selectFrom('phone_numbers').select('id').limit(1).executeTakeFirst();
  if (any) return [];
  const result = await importInventory(
    deps,
    TEST_NUMBERS.map((number) => ({ number, type: 'local', monthly_price: '0.00', setup_price: '0.00', currency: 'EUR' })),
  );
  return result.imported > 0 ? [...TEST_NUMBERS] : [];
}
