import type { ApiClient } from '../test/api-client.js';

let next = 0;

/** A new valid Sofia landline for each call (+3592 and 7 digits), so tests on one server never share a number. */
export function freshNumber(): string {
  next += 1;
  return `+3592${String(1_000_000 + next)}`;
}

export interface ImportItem {
  number: string;
  type?: 'local' | 'mobile' | 'toll_free' | 'national';
  monthly_price?: string;
  setup_price?: string;
  currency?: 'EUR' | 'BGN';
  capabilities?: string[];
}

/** Imports numbers as the operator (local, 5.00/10.00 EUR unless given) and fails loudly otherwise. */
export async function stock(operator: ApiClient, items: (string | ImportItem)[]): Promise<string[]> {
  const numbers = items.map((i) => (typeof i === 'string' ? { number: i } : i));
  const res = await operator.post('/v1/number-inventory', {
    numbers: numbers.map((n) => ({ type: 'local', monthly_price: '5.00', setup_price: '10.00', currency: 'EUR', ...n })),
  });
  if (res.status !== 201) throw new Error(`could not stock numbers: ${JSON.stringify(res.body)}`);
  return numbers.map((n) => n.number);
}

/** Stocks one fresh number and buys it with the given client; returns the PhoneNumber. */
export async function ownNumber(operator: ApiClient, api: ApiClient, body: Record<string, unknown> = {}) {
  const [number] = await stock(operator, [freshNumber()]);
  const res = await api.post('/v1/numbers', { number, ...body });
  if (res.status !== 201) throw new Error(`could not buy ${number}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Stocks `numbers` (no setup fee) and buys them all with the given client; for call tests that need known numbers. */
export async function buyNumbers(operator: ApiClient, api: ApiClient, numbers: readonly string[]): Promise<void> {
  await stock(
    operator,
    numbers.map((number) => ({ number, setup_price: '0.00' })),
  );
  for (const number of numbers) {
    const res = await api.post('/v1/numbers', { number });
    if (res.status !== 201) throw new Error(`could not buy ${number}: ${JSON.stringify(res.body)}`);
  }
}
