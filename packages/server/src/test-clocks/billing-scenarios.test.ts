import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import type { ApiClient } from '../test/api-client.js';

/**
 * The billing engine driven by test clocks through the API, as a developer would simulate terms 7.2
 * and 13.3: a January invoice left unpaid, paid late, and held.
 */
describe.each(storeKinds)('billing with test clocks (%s)', (kind) => {
  let t: TestServer;
  let owner: Awaited<ReturnType<TestServer['customer']>>;
  let planId: string;
  const FEE = 12_345;

  beforeAll(async () => {
    t = await startTestServer(kind);
    owner = await t.customer('Clock Owner');
    const plan = await owner.api.post('/v1/plans', { name: 'Test plan', currency: 'EUR', fee: FEE });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    planId = plan.body.id;
  });
  afterAll(() => t?.close());

  interface Sim {
    clockId: string;
    accountId: string;
    api: ApiClient;
    advance(date: string): Promise<void>;
    account(): Promise<Record<string, any>>;
    invoices(): Promise<Array<Record<string, any>>>;
    events(type: string, objectId?: string): Promise<number>;
  }

  /** A clock at 2027-01-01 08:00 Sofia, a test subaccount on it, subscribed with the protocol signed that day. */
  async function simulation(name: string): Promise<Sim> {
    const clock = await owner.api.post('/v1/test-clocks', { name, frozen_time: '2027-01-01T08:00:00+02:00' });
    expect(clock.status, JSON.stringify(clock.body)).toBe(201);
    const sub = await owner.api.post('/v1/accounts', { ...accountBody(name), test_clock: clock.body.id });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const accountId: string = sub.body.id;
    const subscription = await owner.api.post('/v1/subscriptions', { account: accountId, plan: planId, protocol_signed_on: '2027-01-01' });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
    return {
      clockId: clock.body.id,
      accountId,
      api: t.client(sub.body.initial_api_key.secret),
      async advance(date) {
        const res = await owner.api.post(`/v1/test-clocks/${clock.body.id}/advance`, { frozen_time: `${date}T08:00:00+02:00` });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toMatchObject({ status: 'ready', account_ids: [accountId] });
      },
      async account() {
        const res = await owner.api.get(`/v1/accounts/${accountId}`);
        expect(res.status).toBe(200);
        return res.body;
      },
      async invoices() {
        const res = await owner.api.get(`/v1/invoices?account=${accountId}&limit=100`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return [...res.body.data].reverse();
      },
      async events(type, objectId) {
        const rows = await t.server.store.db
          .selectFrom('events')
          .select('id')
          .where('account_id', '=', accountId)
          .where('type', '=', type)
          .$if(!!objectId, (q) => q.where('object_id', '=', objectId as string))
          .execute();
        return rows.length;
      },
    };
  }

  it('an unpaid January invoice: past_due on day 1, suspended on day 21, terminated on day 31', async () => {
    const sim = await simulation('Unpaid Ltd');
    const [jan, ...others] = await sim.invoices();
    expect(others).toHaveLength(0);
    expect(jan).toMatchObject({ kind: 'subscription', issue_date: '2027-01-01', due_date: '2027-01-10', status: 'open', subtotal: FEE });
    expect(jan?.lines).toMatchObject([{ kind: 'fee', amount: FEE, period_start: '2027-01-01', period_end: '2027-01-31' }]);
    expect(jan?.number).toMatch(/^T/);

    await sim.advance('2027-01-10');
    expect((await sim.account()).status).toBe('active');
    await sim.advance('2027-01-11');
    expect((await sim.account()).status).toBe('past_due');
    const overdue = (await owner.api.get(`/v1/invoices/${jan?.id}`)).body;
    expect(overdue).toMatchObject({ overdue_since: '2027-01-11', days_overdue: 1 });
    await sim.advance('2027-01-30');
    expect((await sim.account()).status).toBe('past_due');
    expect((await sim.api.post('/v1/calls', {})).body.code).not.toBe('account_suspended');

    await sim.advance('2027-01-31');
    expect((await sim.account()).status).toBe('suspended');
    const call = await sim.api.post('/v1/calls', { to: '+359888123456', from: '+359888654321' });
    expect(call.status).toBe(403);
    expect(call.body.code).toBe('account_suspended');

    await sim.advance('2027-02-09');
    expect((await sim.account()).status).toBe('suspended');
    await sim.advance('2027-02-10');
    const terminated = await sim.account();
    expect(terminated).toMatchObject({ status: 'terminated', terminated_on: '2027-02-10' });
    const denied = await sim.api.get('/v1/contacts');
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('account_terminated');
    expect((await sim.api.get('/v1/invoices')).status).toBe(200);

    const all = await sim.invoices();
    expect(all.map((i) => i.kind)).toEqual(['subscription', 'subscription', 'termination']);
    const feb = all[1];
    expect(feb).toMatchObject({ issue_date: '2027-02-01', due_date: '2027-02-10' });
    const termination = all[2];
    expect(termination?.issue_date).toBe('2027-02-10');
    // One month's fee (terms 13.2, non-payment) and the penalty of the 31 days the January invoice is overdue.
    const janTotal: number = jan?.total;
    expect(termination?.lines).toMatchObject([
      { kind: 'termination_fee', amount: FEE },
      { kind: 'penalty', amount: Number((BigInt(janTotal) * 2n * 31n + 500n) / 1000n), source_invoice_id: jan?.id },
    ]);
    const subs = await owner.api.get(`/v1/subscriptions?account=${sim.accountId}`);
    expect(subs.body.data[0]).toMatchObject({ status: 'canceled', canceled_on: '2027-02-10' });

    expect(await sim.events('invoice.created', jan?.id)).toBe(1);
    expect(await sim.events('invoice.overdue', jan?.id)).toBe(1);
    expect(await sim.events('invoice.overdue')).toBe(1);
    expect(await sim.events('account.suspended')).toBe(1);
    expect(await sim.events('account.terminated')).toBe(1);
    expect(await sim.events('account.reinstated')).toBe(0);

    // Further days bill nothing more.
    await sim.advance('2027-03-05');
    expect((await sim.invoices()).length).toBe(3);
    expect(await sim.events('account.terminated')).toBe(1);
  });

  it('paid on day 15: active again at once, then a penalty invoice of exactly 15 days that stops growing', async () => {
    const sim = await simulation('Late Payer Ltd');
    const [jan] = await sim.invoices();
    await sim.advance('2027-01-25');
    expect((await sim.account()).status).toBe('past_due');
    const paid = await owner.api.post('/v1/payments', { invoice: jan?.id, amount: jan?.total, received_on: '2027-01-25' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect((await sim.account()).status).toBe('active');
    expect(await sim.events('account.reinstated')).toBe(0);

    await sim.advance('2027-01-26');
    const total: number = jan?.total;
    // 0.2 % × 15 days, rounded half up to the cent, in integers only.
    const expected = Number((BigInt(total) * 2n * 15n + 500n) / 1000n);
    const penalties = (await sim.invoices()).filter((i) => i.kind === 'penalty');
    expect(penalties).toHaveLength(1);
    expect(penalties[0]).toMatchObject({ issue_date: '2027-01-26', subtotal: expected, vat: 0, total: expected });
    expect(penalties[0]?.lines).toMatchObject([{ kind: 'penalty', amount: expected, source_invoice_id: jan?.id }]);
    expect((await owner.api.get(`/v1/invoices/${jan?.id}`)).body).toMatchObject({ status: 'paid', paid_on: '2027-01-25', penalty_accrued: expected });

    // The penalty invoice is due in 5 working days (2 February); through then the account stays active.
    await sim.advance('2027-02-02');
    expect((await owner.api.get(`/v1/invoices/${jan?.id}`)).body.penalty_accrued).toBe(expected);
    expect(penalties[0]?.due_date).toBe('2027-02-02');
    expect((await sim.invoices()).filter((i) => i.kind === 'penalty')).toHaveLength(1);
    expect((await sim.account()).status).toBe('active');
  });

  it('a suspended account that pays everything is reinstated', async () => {
    const sim = await simulation('Reinstated Ltd');
    const [jan] = await sim.invoices();
    await sim.advance('2027-01-31');
    expect((await sim.account()).status).toBe('suspended');
    const paid = await owner.api.post('/v1/payments', { invoice: jan?.id, amount: jan?.total, received_on: '2027-01-31' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect((await sim.account()).status).toBe('active');
    expect(await sim.events('account.reinstated')).toBe(1);
    expect((await sim.api.post('/v1/calls', {})).body.code).not.toBe('account_suspended');
  });

  it('a suspension hold keeps an account 21 days overdue past_due; termination still comes on day 31', async () => {
    const sim = await simulation('Held Ltd');
    await sim.advance('2027-01-15');
    const held = await owner.api.request('PUT', `/v1/accounts/${sim.accountId}/holds`, { body: { suspension: true, termination: false } });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body).toMatchObject({ status: 'past_due', holds: { suspension: true, termination: false } });
    await sim.advance('2027-01-31');
    expect((await sim.account()).status).toBe('past_due');
    await sim.advance('2027-02-09');
    expect((await sim.account()).status).toBe('past_due');
    expect(await sim.events('account.suspended')).toBe(0);
    await sim.advance('2027-02-10');
    expect((await sim.account()).status).toBe('terminated');
  });

  it('both holds keep the account past_due; a hold set on a suspended account does not reinstate it', async () => {
    const sim = await simulation('Both Holds Ltd');
    await sim.advance('2027-01-31');
    expect((await sim.account()).status).toBe('suspended');
    const held = await owner.api.request('PUT', `/v1/accounts/${sim.accountId}/holds`, { body: { suspension: true, termination: true } });
    expect(held.body).toMatchObject({ status: 'suspended', holds: { suspension: true, termination: true } });
    await sim.advance('2027-03-01');
    expect((await sim.account()).status).toBe('suspended');
  });

  it('only the operator or the clock owner sets holds or terminates', async () => {
    const sim = await simulation('Guarded Ltd');
    const other = await t.customer('Stranger');
    const res = await other.api.request('PUT', `/v1/accounts/${sim.accountId}/holds`, { body: { suspension: true, termination: true } });
    expect(res.status).toBe(404);
    const real = await t.customer('Real Customer');
    const own = await real.api.post(`/v1/accounts/${real.accountId}/terminate`, { ground: 'mutual' });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('billing_not_allowed');
  });

  it('terminate: customer_breach bills one month, data kept 30 days, then deleted with account.data_deleted on the parent', async () => {
    const sim = await simulation('Terminated Ltd');
    await sim.advance('2027-01-05');
    const res = await owner.api.post(`/v1/accounts/${sim.accountId}/terminate`, { ground: 'customer_breach' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'terminated', terminated_on: '2027-01-05' });
    const termination = (await sim.invoices()).find((i) => i.kind === 'termination');
    expect(termination?.lines).toMatchObject([{ kind: 'termination_fee', amount: FEE }]);
    expect((await sim.api.get('/v1/contacts')).body.code).toBe('account_terminated');
    const again = await owner.api.post(`/v1/accounts/${sim.accountId}/terminate`, { ground: 'customer_breach' });
    expect(again.body.terminated_on).toBe('2027-01-05');
    expect((await sim.invoices()).filter((i) => i.kind === 'termination')).toHaveLength(1);

    const row = () => t.server.store.db.selectFrom('accounts').selectAll().where('id', '=', sim.accountId).executeTakeFirstOrThrow();
    const deletedEvents = () =>
      t.server.store.db
        .selectFrom('events')
        .select(['account_id', 'payload'])
        .where('type', '=', 'account.data_deleted')
        .where('object_id', '=', sim.accountId)
        .execute();
    await sim.advance('2027-02-04'); // day 30 of retention: still there
    expect((await row()).data_deleted_at).toBeNull();
    expect(await deletedEvents()).toHaveLength(0);
    await sim.advance('2027-02-05'); // day 31: gone
    const deletedAt = (await row()).data_deleted_at;
    expect(deletedAt).not.toBeNull();
    const events = await deletedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]?.account_id).toBe(owner.accountId);
    expect(JSON.parse(events[0]?.payload as string).data.object).toEqual({ id: sim.accountId, object: 'account', data_deleted_at: deletedAt });
    // Invoices stay (accounting law).
    expect((await t.server.store.db.selectFrom('invoices').select('id').where('account_id', '=', sim.accountId).execute()).length).toBeGreaterThan(0);
    await sim.advance('2027-03-10');
    expect(await deletedEvents()).toHaveLength(1);
  });

  it('a mutual termination bills nothing more than what is owed', async () => {
    const sim = await simulation('Mutual Ltd');
    const res = await owner.api.post(`/v1/accounts/${sim.accountId}/terminate`, { ground: 'mutual' });
    expect(res.body.status).toBe('terminated');
    expect((await sim.invoices()).filter((i) => i.kind === 'termination')).toHaveLength(0);
  });
});
