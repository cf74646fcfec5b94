import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { testClockAccount } from './subscriptions/test-accounts.js';

/**
 * Subscriptions through the API on both stores: who may subscribe whom, activation (terms 7.3), notice
 * and termination without notice (13.1, 13.2), and CPI price changes with their 30 days' notice.
 * The server's clock is 1 March 2027 (Sofia); invoices are the engine's business and not asserted here
 * beyond the termination invoice this module issues itself.
 */
describe.each(storeKinds)('billing subscriptions (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let plan: { id: string };

  beforeAll(async () => {
    t = await startTestServer(kind, { clock: manualClock('2027-03-01T10:00:00Z') });
    c = await t.customer();
    plan = (await t.operator.post('/v1/plans', { name: 'Business', currency: 'EUR', setup_fee: 10000, fee: 5000 })).body;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('subscribes a customer from today, copying the plan; only Prolope records a protocol or subscribes others', async () => {
    const res = await c.api.post('/v1/subscriptions', { plan: plan.id });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      object: 'subscription',
      account_id: c.accountId,
      plan_id: plan.id,
      status: 'active',
      currency: 'EUR',
      setup_fee: 10000,
      fee: 5000,
      interval: 'month',
      activated_on: '2027-03-01',
      cancel_at: null,
      canceled_on: null,
    });
    expect((await c.api.get(`/v1/subscriptions/${res.body.id}`)).body.id).toBe(res.body.id);
    expect((await c.api.get('/v1/subscriptions')).body.data.map((s: { id: string }) => s.id)).toEqual([res.body.id]);

    const protocol = await c.api.post('/v1/subscriptions', { plan: plan.id, protocol_signed_on: '2027-02-20' });
    expect(protocol.status).toBe(403);
    expect(protocol.body.code).toBe('billing_not_allowed');
    const sub = (await c.api.post('/v1/accounts', accountBody('Child OOD'))).body;
    const other = await c.api.post('/v1/subscriptions', { plan: plan.id, account: sub.id });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('billing_not_allowed');
    const stranger = await t.customer();
    expect((await stranger.api.post('/v1/subscriptions', { plan: plan.id, account: c.accountId })).status).toBe(404);
    expect((await stranger.api.get(`/v1/subscriptions/${res.body.id}`)).status).toBe(404);

    // The operator may: the signed protocol, being earlier than the first use, is the activation date.
    const signed = await t.operator.post('/v1/subscriptions', { plan: plan.id, account: stranger.accountId, protocol_signed_on: '2027-02-20' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(signed.body).toMatchObject({ account_id: stranger.accountId, status: 'active', activated_on: '2027-02-20' });
    expect((await t.operator.get(`/v1/subscriptions?account=${stranger.accountId}`)).body.data).toHaveLength(1);
    expect((await t.operator.post('/v1/subscriptions', { plan: plan.id, account: stranger.accountId, protocol_signed_on: '2027-02-30' })).status).toBe(400);
  });

  it('takes no subscription to an inactive plan or to a test plan outside its maker test clocks', async () => {
    const old = (await t.operator.post('/v1/plans', { name: 'Old', currency: 'EUR', fee: 100 })).body;
    await t.operator.post(`/v1/plans/${old.id}`, { active: false });
    const inactive = await t.operator.post('/v1/subscriptions', { plan: old.id, account: c.accountId });
    expect(inactive.status).toBe(422);
    expect(inactive.body.code).toBe('plan_not_available');
    expect((await c.api.post('/v1/subscriptions', { plan: old.id })).body.code).toBe('invalid_reference');

    const testPlan = (await c.api.post('/v1/plans', { name: 'Sim', currency: 'BGN', fee: 2000, interval: 'year' })).body;
    const self = await c.api.post('/v1/subscriptions', { plan: testPlan.id });
    expect(self.status).toBe(422);
    expect(self.body.code).toBe('plan_not_available');
    const sim = await testClockAccount(t, c, '2027-06-15T09:00:00.000Z');
    const ok = await c.api.post('/v1/subscriptions', { plan: testPlan.id, account: sim.accountId, protocol_signed_on: '2027-06-10' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    // Today is the test clock's day for a test account.
    expect(ok.body).toMatchObject({ account_id: sim.accountId, currency: 'BGN', interval: 'year', activated_on: '2027-06-10' });
    const stranger = await t.customer();
    expect((await stranger.api.post('/v1/subscriptions', { plan: testPlan.id })).body.code).toBe('invalid_reference');
  });

  it('gives notice to the end of next month, or ends today and bills one month without notice', async () => {
    const a = (await t.operator.post('/v1/subscriptions', { plan: plan.id, account: c.accountId })).body;
    const noticed = await c.api.post(`/v1/subscriptions/${a.id}/cancel`, {});
    expect(noticed.status, JSON.stringify(noticed.body)).toBe(200);
    expect(noticed.body).toMatchObject({ status: 'active', cancel_at: '2027-04-01', canceled_on: null });

    const b = (await t.operator.post('/v1/subscriptions', { plan: plan.id, account: c.accountId })).body;
    const ended = await c.api.post(`/v1/subscriptions/${b.id}/cancel`, { without_notice: true });
    expect(ended.body).toMatchObject({ status: 'canceled', cancel_at: '2027-03-01', canceled_on: '2027-03-01' });
    // Due in 5 working days: 3 March (Liberation Day) is not one.
    const invoices = (await c.api.get('/v1/invoices?limit=100')).body.data.filter((i: { kind: string }) => i.kind === 'termination');
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ subscription_id: b.id, subtotal: 5000, issue_date: '2027-03-01', due_date: '2027-03-09', status: 'open' });
    expect(invoices[0].lines).toEqual([expect.objectContaining({ kind: 'termination_fee', amount: 5000 })]);

    const again = await c.api.post(`/v1/subscriptions/${b.id}/cancel`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('subscription_not_active');
  });

  it('schedules a CPI price change with 30 days notice at least, once a year, as the notice event', async () => {
    const s = (await t.operator.post('/v1/subscriptions', { plan: plan.id, account: c.accountId })).body;
    const own = await c.api.post(`/v1/subscriptions/${s.id}/price-changes`, { cpi_index: '104.2', effective_on: '2027-04-15' });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('billing_not_allowed');

    const short = await t.operator.post(`/v1/subscriptions/${s.id}/price-changes`, { cpi_index: '104.2', effective_on: '2027-03-30' });
    expect(short.status).toBe(422);
    expect(short.body.code).toBe('price_change_notice_too_short');
    expect(short.body.detail).toContain('2027-03-31');
    const before = await t.operator.post(`/v1/subscriptions/${s.id}/price-changes`, { cpi_index: '104.2', effective_on: '2027-02-01' });
    expect(before.body.code).toBe('price_change_effective_before_notice');

    const ok = await t.operator.post(`/v1/subscriptions/${s.id}/price-changes`, { cpi_index: '104.2', effective_on: '2027-03-31' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({
      object: 'price_change',
      subscription_id: s.id,
      account_id: c.accountId,
      cpi_index: '104.20',
      old_fee: 5000,
      new_fee: 5210,
      notice_on: '2027-03-01',
      effective_on: '2027-03-31',
      applied: false,
    });
    const twice = await t.operator.post(`/v1/subscriptions/${s.id}/price-changes`, { cpi_index: '101', effective_on: '2027-12-01' });
    expect(twice.body.code).toBe('price_change_more_than_once_a_year');
    expect(twice.body.detail).toContain('2028-03-31');
    expect((await c.api.get(`/v1/subscriptions/${s.id}/price-changes`)).body.data.map((p: { id: string }) => p.id)).toEqual([ok.body.id]);

    const events = await c.api.get('/v1/events?type=subscription.price_change_scheduled');
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data).toMatchObject({ object: { id: s.id, fee: 5000 }, price_change: { id: ok.body.id, new_fee: 5210 } });
  });
});
