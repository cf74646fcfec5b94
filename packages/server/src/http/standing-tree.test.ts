import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';

/**
 * Terms 7.2 and 13.3 apply to an account and everything under it: a subaccount of a suspended parent
 * may not spend money, and one of a terminated parent keeps only its exports and invoices, whatever its
 * own standing says.
 */
describe.each(storeKinds)("a parent's standing applies to its subaccounts (%s)", (kind) => {
  let t: TestServer;
  const base = 8_400_000 + (kind === 'postgres' ? 500 : 0);
  let next = 0;

  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t?.close());

  async function family(name: string) {
    const parent = await t.customer(name);
    const res = await parent.api.post('/v1/accounts', accountBody(`${name} Sub`));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { parent, subId: res.body.id as string, sub: t.client(res.body.initial_api_key.secret) };
  }

  async function stockNumber(): Promise<string> {
    const number = `+3592${base + ++next}`;
    const stock = await t.operator.post('/v1/number-inventory', {
      numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
    });
    expect(stock.status).toBe(201);
    return number;
  }

  it('a subaccount of a suspended parent cannot buy numbers or create trunks, and is told why', async () => {
    const { parent, subId, sub } = await family('Suspended Parent');
    // The standing the billing jobs give an account 21 days overdue (tested through test clocks elsewhere).
    await t.server.store.db.updateTable('accounts').set({ status: 'suspended' }).where('id', '=', parent.accountId).execute();
    const number = await stockNumber();
    const buy = await sub.post('/v1/numbers', { number });
    expect(buy.status).toBe(403);
    expect(buy.body.code).toBe('account_suspended');
    expect(buy.body.detail).toContain(parent.accountId);
    const trunk = await sub.post('/v1/sip-trunks', { name: 'pbx', allowed_ips: ['203.0.113.7'], allowed_caller_ids: [number] });
    expect(trunk.status).toBe(403);
    expect(trunk.body.code).toBe('account_suspended');
    // Reads and free writes still work, and the subaccount's own standing is unchanged.
    const me = await sub.get('/v1/accounts/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: subId, status: 'active' });
    expect((await sub.post('/v1/contacts', { name: 'Ops', email: 'ops@example.com' })).status).toBe(201);
    expect(await t.server.store.db.selectFrom('phone_numbers').select('id').where('account_id', '=', subId).execute()).toEqual([]);
  });

  it('terminating the parent stops its subaccounts at once (cached keys too) except exports and invoices', async () => {
    const { parent, sub } = await family('Terminated Parent');
    // The key is now in the server's key cache, with the parent still active.
    expect((await sub.get('/v1/contacts')).status).toBe(200);
    const ended = await t.operator.post(`/v1/accounts/${parent.accountId}/terminate`, { ground: 'customer_breach' });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const contacts = await sub.get('/v1/contacts');
    expect(contacts.status).toBe(403);
    expect(contacts.body.code).toBe('account_terminated');
    expect(contacts.body.detail).toContain(parent.accountId);
    const buy = await sub.post('/v1/numbers', { number: await stockNumber() });
    expect(buy.body.code).toBe('account_terminated');
    expect((await sub.get('/v1/invoices')).status).toBe(200);
    expect((await sub.post('/v1/exports', {})).status).toBeLessThan(300);
  });

  it('an active parent leaves its subaccounts alone', async () => {
    const { sub } = await family('Good Parent');
    expect((await sub.post('/v1/numbers', { number: await stockNumber() })).status).toBe(201);
  });
});
