import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { issueInvoice } from './invoices/issue.js';
import { testClockAccount } from './subscriptions/test-accounts.js';

/**
 * Invoices, payments and credit notes through the API on both stores. Invoices are issued with
 * issueInvoice on the real store (not by the engine), so these tests own every number and amount.
 * The server's clock is 1 March 2027; a domestic company pays 20 % VAT.
 */
describe.each(storeKinds)('billing invoices, payments and credit notes (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;

  beforeAll(async () => {
    t = await startTestServer(kind, { clock: manualClock('2027-03-01T10:00:00Z') });
    c = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function invoice(accountId: string, net: number, dates: { issue: string; due: string } = { issue: '2027-03-01', due: '2027-03-09' }) {
    const db = t.server.store.db;
    const account = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
    return db.transaction().execute((tx) =>
      issueInvoice(tx, {
        account,
        subscriptionId: null,
        kind: 'setup',
        currency: 'EUR',
        issueDate: dates.issue,
        dueDate: dates.due,
        lines: [{ kind: 'setup', description: 'Setup', amount: net }],
        at: new Date(),
      }),
    );
  }

  it('records partial then full payment, refusing overpayment, future dates and customers', async () => {
    const inv = await invoice(c.accountId, 10000);
    const got = await c.api.get(`/v1/invoices/${inv.id}`);
    expect(got.body).toMatchObject({ subtotal: 10000, vat: 2000, total: 12000, amount_due: 12000, status: 'open', days_overdue: 0 });

    const own = await c.api.post('/v1/payments', { invoice: inv.id, amount: 100 });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('billing_not_allowed');

    const part = await t.operator.post('/v1/payments', { invoice: inv.id, amount: 5000, reference: 'TRX-1', received_on: '2027-02-28' });
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    expect(part.body).toMatchObject({
      object: 'payment',
      account_id: c.accountId,
      invoice_id: inv.id,
      amount: 5000,
      currency: 'EUR',
      received_on: '2027-02-28',
      reference: 'TRX-1',
    });
    expect((await c.api.get(`/v1/invoices/${inv.id}`)).body).toMatchObject({ amount_paid: 5000, amount_due: 7000, status: 'open' });

    const over = await t.operator.post('/v1/payments', { invoice: inv.id, amount: 7001 });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('payment_exceeds_balance');
    const future = await t.operator.post('/v1/payments', { invoice: inv.id, amount: 100, received_on: '2027-03-02' });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('payment_in_future');

    const rest = await t.operator.post('/v1/payments', { invoice: inv.id, amount: 7000 });
    expect(rest.body.received_on).toBe('2027-03-01');
    expect((await c.api.get(`/v1/invoices/${inv.id}`)).body).toMatchObject({ amount_paid: 12000, amount_due: 0, status: 'paid', paid_on: '2027-03-01' });
    const paid = await t.server.store.db.selectFrom('events').select('payload').where('type', '=', 'invoice.paid').where('object_id', '=', inv.id).execute();
    expect(paid).toHaveLength(1);
    expect(JSON.parse(paid[0]?.payload ?? '{}').data.object).toMatchObject({ id: inv.id, status: 'paid' });

    const closed = await t.operator.post('/v1/payments', { invoice: inv.id, amount: 1 });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('invoice_not_open');
    expect((await c.api.get('/v1/payments')).body.data.map((p: { id: string }) => p.id)).toEqual([rest.body.id, part.body.id]);
    const stranger = await t.customer();
    expect((await stranger.api.get(`/v1/invoices/${inv.id}`)).status).toBe(404);
    expect((await t.operator.post('/v1/payments', { invoice: 'inv_nope', amount: 1 })).body.code).toBe('invalid_reference');
  });

  it('lists invoices by status and overdue today, with penalty accrued', async () => {
    const late = await invoice(c.accountId, 1000, { issue: '2027-02-01', due: '2027-02-08' });
    const list = await c.api.get('/v1/invoices?overdue=true');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.data.map((i: { id: string }) => i.id)).toEqual([late.id]);
    // 21 days overdue at 0.2 % a day of 1200.
    expect(list.body.data[0]).toMatchObject({ days_overdue: 21, penalty_accrued: 50 });
    expect((await c.api.get('/v1/invoices?overdue=false')).body.data.map((i: { id: string }) => i.id)).not.toContain(late.id);
    expect((await c.api.get('/v1/invoices?status=paid')).body.data.every((i: { status: string }) => i.status === 'paid')).toBe(true);
    expect((await t.operator.get(`/v1/invoices?account=${c.accountId}&status=open&overdue=true`)).body.data).toHaveLength(1);
  });

  it('issues credit notes numbered with the invoices, voiding or closing the invoice', async () => {
    const inv = await invoice(c.accountId, 10000);
    const full = await t.operator.post('/v1/credit-notes', { invoice: inv.id, reason: 'Wrong VAT number' });
    expect(full.status, JSON.stringify(full.body)).toBe(201);
    expect(full.body).toMatchObject({ object: 'credit_note', invoice_id: inv.id, amount: 12000, subtotal: 10000, vat: 2000, issue_date: '2027-03-01' });
    expect(Number(full.body.number)).toBe(Number(inv.number) + 1);
    expect((await c.api.get(`/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'void', amount_credited: 12000, amount_due: 0 });

    const second = await invoice(c.accountId, 333);
    expect(Number(second.number)).toBe(Number(full.body.number) + 1);
    const part = await t.operator.post('/v1/credit-notes', { invoice: second.id, amount: 101, reason: 'Goodwill' });
    // 101 of 400 (333 + 67 VAT): VAT 67 x 101 / 400 = 16.9 -> 17, net the rest.
    expect(part.body).toMatchObject({ amount: 101, vat: 17, subtotal: 84 });
    const over = await t.operator.post('/v1/credit-notes', { invoice: second.id, amount: 300, reason: 'Too much' });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('credit_exceeds_balance');
    expect((await c.api.post('/v1/credit-notes', { invoice: second.id, reason: 'Self-service' })).body.code).toBe('billing_not_allowed');
    await t.operator.post('/v1/payments', { invoice: second.id, amount: 200 });
    const rest = await t.operator.post('/v1/credit-notes', { invoice: second.id, reason: 'Rest' });
    expect(rest.body.amount).toBe(99);
    expect((await c.api.get(`/v1/invoices/${second.id}`)).body).toMatchObject({ status: 'paid', amount_paid: 200, amount_credited: 200, amount_due: 0 });
    expect((await c.api.get('/v1/credit-notes')).body.data.map((n: { id: string }) => n.id)).toEqual([rest.body.id, part.body.id, full.body.id]);
  });

  it('lets a test clock owner record payments and credits on its test account, in the test series', async () => {
    const sim = await testClockAccount(t, c, '2027-07-01T08:00:00.000Z');
    const inv = await invoice(sim.accountId, 1000, { issue: '2027-06-01', due: '2027-06-08' });
    expect(inv.number).toMatch(/^T\d{9}$/);
    const read = await c.api.get(`/v1/invoices/${inv.id}`);
    expect(read.body.days_overdue).toBe(23);
    const future = await c.api.post('/v1/payments', { invoice: inv.id, amount: 100, received_on: '2027-07-02' });
    expect(future.body.code).toBe('payment_in_future');
    const paid = await c.api.post('/v1/payments', { invoice: inv.id, amount: 100, received_on: '2027-06-30' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const note = await c.api.post('/v1/credit-notes', { invoice: inv.id, amount: 100, reason: 'Sim' });
    expect(note.body.number).toBe(`T${String(Number(inv.number.slice(1)) + 1).padStart(9, '0')}`);
    expect((await c.api.get(`/v1/payments?account=${sim.accountId}`)).body.data).toHaveLength(1);
  });
});
