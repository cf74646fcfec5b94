import type { TestServer } from '../test/harness.js';

type Customer = Awaited<ReturnType<TestServer['customer']>>;

// Numbers are unique across Prolope, so each test takes fresh ones (Sofia numbers, +359 2 9xx xxxx).
let seq = 0;
export function freshNumber(): string {
  return `+3592${9_000_000 + ++seq}`;
}

let users = 0;
export function freshUsername(): string {
  return `pbx-${process.pid}-${++users}`;
}

/** Puts a number in the inventory (as the operator) without anyone buying it. */
export async function stockNumber(t: TestServer): Promise<string> {
  const number = freshNumber();
  const res = await t.operator.post('/v1/number-inventory', {
    numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
  });
  if (res.status >= 300) throw new Error(`could not stock ${number}: ${JSON.stringify(res.body)}`);
  return number;
}

/** A number the customer holds, bought through the API as a customer would. */
export async function ownNumber(t: TestServer, c: Customer): Promise<string> {
  const number = await stockNumber(t);
  const res = await c.api.post('/v1/numbers', { number });
  if (res.status >= 300) throw new Error(`could not buy ${number}: ${JSON.stringify(res.body)}`);
  return number;
}

/** A customer holding one number, ready to make trunks. */
export async function holder(t: TestServer): Promise<Customer & { number: string }> {
  const c = await t.customer();
  return { ...c, number: await ownNumber(t, c) };
}

export function trunkBody(number: string, over: Record<string, unknown> = {}) {
  return {
    name: 'Office PBX',
    allowed_ips: ['203.0.113.5'],
    allowed_caller_ids: [number],
    credentials: { username: freshUsername() },
    ...over,
  };
}

/** Rows a refused request must not have written. */
export async function footprint(t: TestServer): Promise<{ trunks: number; events: number }> {
  const db = t.server.store.db;
  const trunks = await db
    .selectFrom('sip_trunks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', 'like', 'sip_trunk.%')
    .executeTakeFirstOrThrow();
  return { trunks: Number(trunks.n), events: Number(events.n) };
}
