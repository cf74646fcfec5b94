import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../clock.js';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../../test/harness.js';
import { periodFrom } from './subscriptions-step.js';

describe('billing periods', () => {
  it('prorates the first month, bills whole months, cuts the last at cancel_at', () => {
    const sub = { fee: 3100, interval: 'month', cancel_at: null };
    expect(periodFrom(sub, '2027-01-01')).toEqual({ start: '2027-01-01', end: '2027-01-31', amount: 3100 });
    expect(periodFrom(sub, '2027-01-17')).toEqual({ start: '2027-01-17', end: '2027-01-31', amount: 1500 });
    expect(periodFrom({ ...sub, cancel_at: '2027-01-10' }, '2027-01-01')).toEqual({ start: '2027-01-01', end: '2027-01-10', amount: 1000 });
    expect(periodFrom({ fee: 120_000, interval: 'year', cancel_at: null }, '2027-03-15')).toEqual({ start: '2027-03-15', end: '2028-03-14', amount: 120_000 });
  });
});

describe.each(storeKinds)('billing loop of real accounts (%s)', (kind) => {
  let t: TestServer;
  const clock = manualClock('2027-01-01T08:00:00+02:00');

  beforeAll(async () => {
    t = await startTestServer(kind, { clock });
  });
  afterAll(() => t?.close());

  it('bills real accounts through today on each tick, and never test-clock accounts', async () => {
    const c = await t.customer('Real Ltd');
    const plan = await t.operator.post('/v1/plans', { name: 'Basic', currency: 'EUR', fee: 5000 });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    const sub = await t.operator.post('/v1/subscriptions', { account: c.accountId, plan: plan.body.id, protocol_signed_on: '2027-01-01' });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const row = () => t.server.store.db.selectFrom('accounts').selectAll().where('id', '=', c.accountId).executeTakeFirstOrThrow();
    expect((await row()).billed_through).toBe('2027-01-01');

    // A test-clock account beside it: only its clock moves it.
    const testClock = await c.api.post('/v1/test-clocks', { frozen_time: '2027-01-01T08:00:00+02:00' });
    const testAccount = await c.api.post('/v1/accounts', { ...accountBody('Simulated'), test_clock: testClock.body.id });
    const testPlan = await c.api.post('/v1/plans', { name: 'Test', currency: 'EUR', fee: 5000 });
    const testSub = await c.api.post('/v1/subscriptions', { account: testAccount.body.id, plan: testPlan.body.id, protocol_signed_on: '2027-01-01' });
    expect(testSub.status, JSON.stringify(testSub.body)).toBe(201);
    const testRow = () => t.server.store.db.selectFrom('accounts').selectAll().where('id', '=', testAccount.body.id).executeTakeFirstOrThrow();

    clock.set('2027-01-11T00:30:00+02:00');
    await t.server.billing.tick();
    expect(await row()).toMatchObject({ billed_through: '2027-01-11', status: 'past_due' });
    clock.set('2027-02-01T09:00:00+02:00');
    await t.server.billing.tick();
    expect(await row()).toMatchObject({ billed_through: '2027-02-01', status: 'suspended' });
    expect(await testRow()).toMatchObject({ billed_through: '2027-01-01', status: 'active' });
    const invoices = await t.server.store.db
      .selectFrom('invoices')
      .select(['issue_date', 'due_date'])
      .where('account_id', '=', c.accountId)
      .orderBy('id')
      .execute();
    expect(invoices).toEqual([
      { issue_date: '2027-01-01', due_date: '2027-01-10' },
      { issue_date: '2027-02-01', due_date: '2027-02-10' },
    ]);
  });
});
