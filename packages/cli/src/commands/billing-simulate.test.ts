import { addDays, addMonths, isLocalDate, type LocalDate, penaltyAccrued, sofiaInstant } from '@prolope/rules';
import { Prolope } from '@prolope/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exitCodes } from '../errors.js';
import { runCli } from '../testing/run-cli.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { payDay } from './billing-simulate.js';
import {
  changeLine,
  type DaySnapshot,
  diffDay,
  formatMoney,
  type InvoiceView,
  type SimulationChange,
  simulationEnd,
  summarize,
} from './billing-simulate-report.js';

/**
 * The penalty @prolope/rules (terms 7.2) gives on `amount` fallen due on `dueDate` and unpaid through
 * `asOf`: what the server bills and the simulation prints, with no formula restated in the CLI.
 */
function rulesPenalty(amount: number, dueDate: LocalDate, asOf: LocalDate): number {
  return penaltyAccrued({ amount, dueDate }, asOf);
}

describe('billing simulate: dates, money and changes', () => {
  test('money is formatted from integer minor units, never through a float', () => {
    expect(formatMoney(12345, 'EUR')).toBe('123.45 EUR');
    expect(formatMoney(5, 'BGN')).toBe('0.05 BGN');
    expect(formatMoney(-100, 'EUR')).toBe('-1.00 EUR');
    expect(formatMoney(1_999_999_999, 'EUR')).toBe('19999999.99 EUR');
    expect(() => formatMoney(1.5, 'EUR')).toThrow(RangeError);
  });

  test('the clock is parked at 08:00 Sofia time, in winter and in summer', () => {
    const parked = (date: LocalDate) => sofiaInstant(date, 8).toISOString();
    expect(parked('2027-01-01')).toBe('2027-01-01T06:00:00.000Z');
    expect(parked('2027-07-01')).toBe('2027-07-01T05:00:00.000Z');
    // Summer time starts on the last Sunday of March at 03:00: 08:00 that day is already UTC+3.
    expect(parked('2027-03-28')).toBe('2027-03-28T05:00:00.000Z');
    expect(parked('2027-10-31')).toBe('2027-10-31T06:00:00.000Z');
  });

  test('dates: months end on the day before, and impossible dates are refused', () => {
    expect(simulationEnd('2027-01-01', 2)).toBe('2027-02-28');
    expect(simulationEnd('2027-01-31', 1)).toBe('2027-02-27');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(isLocalDate('2027-02-29')).toBe(false);
    expect(isLocalDate('2027-1-1')).toBe(false);
    expect(payDay({ due_date: '2027-01-10' }, { lateDays: 25 })).toBe('2027-02-04');
    expect(payDay({ due_date: '2027-01-10' }, { lateDays: 0 })).toBe('2027-01-10');
    expect(payDay({ due_date: '2027-01-10' }, { never: true })).toBeNull();
  });

  // The figures the simulation checks the server against come from @prolope/rules; this table pins them
  // to terms 7.2 worked by hand, so a CLI expectation can only pass if the rules package agrees.
  test.each([
    // amount, days late, penalty: 0.2 % a day, rounded half-up once, capped at the amount
    [12000, 0, 0],
    [12000, 1, 24],
    [12000, 7, 168],
    [12000, 14, 336],
    [12000, 21, 504],
    [12000, 25, 600],
    [1250, 14, 35], // 12.50 x 0.2 % is 2.5 cents a day: once-rounded 35, not 14 x 3 = 42
    [250, 1, 1], // 0.5 rounds up
    [249, 1, 0], // 0.498 rounds down
    [1000, 499, 998],
    [1000, 500, 1000],
    [1000, 1000, 1000], // capped at the amount
  ])('the penalty on %i cents paid %i days late is %i cents', (amount, daysLate, penalty) => {
    const due = '2027-01-10';
    expect(rulesPenalty(amount, due, addDays(due, daysLate))).toBe(penalty);
    // Paid in full on day N: that day still accrues, nothing after it.
    const paidOn = addDays(due, daysLate);
    expect(penaltyAccrued({ amount, dueDate: due, payments: [{ receivedOn: paidOn, amount }] }, addDays(paidOn, 30))).toBe(penalty);
  });

  const invoice = (over: Partial<InvoiceView>): InvoiceView => ({
    id: 'inv_1',
    number: 'T000000001',
    kind: 'subscription',
    status: 'open',
    currency: 'EUR',
    issue_date: '2027-01-01',
    due_date: '2027-01-10',
    total: 12000,
    amount_due: 12000,
    overdue_since: null,
    days_overdue: 0,
    penalty_accrued: 0,
    paid_on: null,
    penalty_lines: 0,
    ...over,
  });
  const snap = (standing: string, invoices: InvoiceView[], dataDeleted = false): DaySnapshot => ({
    standing,
    invoices: new Map(invoices.map((i) => [i.id, i])),
    dataDeleted,
  });

  test('a day reports new invoices, an invoice falling overdue, the weekly penalty, payments and standing', () => {
    const empty = snap('active', []);
    expect(diffDay(empty, snap('active', [invoice({})]), [])).toEqual([
      {
        type: 'invoice_issued',
        invoice: 'inv_1',
        number: 'T000000001',
        kind: 'subscription',
        total: 12000,
        penalties: 0,
        currency: 'EUR',
        issue_date: '2027-01-01',
        due_date: '2027-01-10',
      },
    ]);
    const termination = invoice({ id: 'inv_9', number: 'T000000009', kind: 'termination', total: 11068, penalty_lines: 1068 });
    expect(diffDay(empty, snap('terminated', [termination]), []).map(changeLine)).toEqual([
      'invoice T000000009 issued: termination, 110.68 EUR (penalties 10.68 EUR), due 2027-01-10',
      'standing: active → terminated',
    ]);
    const day1 = invoice({ overdue_since: '2027-01-11', days_overdue: 1, penalty_accrued: 24 });
    expect(diffDay(snap('active', [invoice({})]), snap('past_due', [day1]), []).map((c) => c.type)).toEqual(['invoice_overdue', 'standing']);
    // The penalty shows on days 7, 14, 21, … overdue only.
    const day6 = invoice({ overdue_since: '2027-01-11', days_overdue: 6, penalty_accrued: 144 });
    const day7 = invoice({ overdue_since: '2027-01-11', days_overdue: 7, penalty_accrued: 168 });
    expect(diffDay(snap('past_due', [day1]), snap('past_due', [day6]), [])).toEqual([]);
    const week = diffDay(snap('past_due', [day6]), snap('past_due', [day7]), []);
    expect(week).toEqual([{ type: 'penalty_accrued', invoice: 'inv_1', number: 'T000000001', days_overdue: 7, penalty_accrued: 168, currency: 'EUR' }]);
    expect(changeLine(week[0] as SimulationChange)).toBe('invoice T000000001 penalty so far: 1.68 EUR (7 days overdue)');

    const payment: SimulationChange = {
      type: 'payment',
      invoice: 'inv_1',
      number: 'T000000001',
      amount: 12000,
      currency: 'EUR',
      received_on: '2027-02-04',
      days_late: 25,
    };
    const paid = invoice({ status: 'paid', amount_due: 0, overdue_since: '2027-01-11', paid_on: '2027-02-04' });
    const after = diffDay(snap('suspended', [day7]), snap('active', [paid]), [payment]);
    expect(after.map(changeLine)).toEqual(['payment: 120.00 EUR for invoice T000000001 (25 days late)', 'standing: suspended → active (reinstated)']);
    expect(diffDay(snap('terminated', [paid]), snap('terminated', [paid], true), []).map(changeLine)).toEqual([
      'data deleted (30 days after termination; invoices are kept)',
    ]);
  });

  test('the summary adds up what was billed, the penalties and what is still due', () => {
    const final = snap('past_due', [
      invoice({ id: 'inv_1', status: 'paid', amount_due: 0 }),
      invoice({ id: 'inv_2', number: 'T000000002', kind: 'penalty', total: 600, amount_due: 600, penalty_lines: 600 }),
    ]);
    const s = summarize({ from: '2027-01-01', through: '2027-02-28', days: 59, stoppedEarly: false, currency: 'EUR', final, paid: 12000 });
    expect(s).toMatchObject({ invoices_issued: 2, total_billed: 12600, penalties_billed: 600, paid: 12000, amount_due: 600, final_standing: 'past_due' });
  });
});

describe('prolope billing simulate', () => {
  let t: TestServer;
  let env: Record<string, string>;
  let plan: string;

  beforeAll(async () => {
    t = await startTestServer();
    const operator = new Prolope({ apiKey: t.operatorKey, baseUrl: t.url });
    const customer = await operator.accounts.create({
      name: 'Simulate Ltd',
      legal_entity: { type: 'company', legal_name: 'Simulate Ltd', country: 'BG', registration_number: '123456789' },
      signatory: { name: 'Ana Petrova', email: 'ana@example.com', confirms_age_18_or_over: true, confirms_authority: true },
    });
    const key = customer.initial_api_key.secret;
    env = { PROLOPE_API_KEY: key, PROLOPE_BASE_URL: t.url };
    // A customer's plan is a test plan: only its own test-clock subaccounts may subscribe to it.
    const created = await new Prolope({ apiKey: key, baseUrl: t.url }).plans.create({ name: 'Simulated', currency: 'EUR', fee: 10000, setup_fee: 5000 });
    expect(created.test).toBe(true);
    plan = created.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  test('flags are checked before anything is created', async () => {
    const both = await runCli(['billing', 'simulate', '--plan', 'plan_x', '--from', '2027-01-01', '--pay-late', '3', '--never-pay'], env);
    expect(both.exitCode, both.stderr).toBe(exitCodes.usage);
    const bad = await runCli(['billing', 'simulate', '--plan', 'plan_x', '--from', '2027-02-30', '--json'], env);
    expect(bad.exitCode).toBe(exitCodes.usage);
    expect(bad.errorJson().error.message).toContain('YYYY-MM-DD');
  });

  interface DayRecord {
    object: 'billing_simulation_day';
    date: string;
    standing: string;
    changes: SimulationChange[];
  }
  type Dated<C> = C & { date: string };

  test('paying 25 days late: past_due, suspended on day 21, reinstated on payment, billed the penalty', { timeout: 180_000 }, async () => {
    const result = await runCli(['billing', 'simulate', '--plan', plan, '--from', '2027-01-01', '--months', '2', '--pay-late', '25', '--json'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const start = records[0] as { object: string; account: string; through: string };
    expect(start).toMatchObject({ object: 'billing_simulation', from: '2027-01-01', through: '2027-02-28', pay_late_days: 25, currency: 'EUR' });
    const days = records.filter((r): r is DayRecord & Record<string, unknown> => r.object === 'billing_simulation_day');
    expect(days.map((d) => d.date)).toEqual(Array.from({ length: 59 }, (_, i) => addDays('2027-01-01', i)));
    const changes = days.flatMap((d) => d.changes.map((c) => ({ ...c, date: d.date })));
    const of = <T extends SimulationChange['type']>(type: T) => changes.filter((c): c is Dated<Extract<SimulationChange, { type: T }>> => c.type === type);

    // The January invoice: the whole month's fee (activated on the 1st) plus 20 % VAT, due on the 10th.
    const issued = of('invoice_issued');
    const january = issued.find((c) => c.kind === 'subscription' && c.date === '2027-01-01');
    expect(january, JSON.stringify(issued)).toMatchObject({ total: 12000, currency: 'EUR', due_date: '2027-01-10', issue_date: '2027-01-01' });
    expect(issued.find((c) => c.kind === 'setup')).toMatchObject({ date: '2027-01-01', total: 6000 });

    // Standing follows the oldest unpaid invoice: day 1 past_due, day 21 suspended; paying the last overdue one reinstates.
    const firstDue = issued
      .filter((c) => c.date === '2027-01-01')
      .map((c) => c.due_date)
      .sort()[0] as string;
    const standing = of('standing').map((c) => [c.date, c.from, c.to]);
    expect(standing.slice(0, 3)).toEqual([
      [addDays(firstDue, 1), 'active', 'past_due'],
      [addDays(firstDue, 21), 'past_due', 'suspended'],
      ['2027-02-04', 'suspended', 'active'],
    ]);

    // Each invoice is paid in full 25 days after its due date.
    const payments = of('payment');
    expect(payments.find((p) => p.invoice === january?.invoice)).toMatchObject({ date: '2027-02-04', amount: 12000, days_late: 25 });
    for (const p of payments) expect(p.days_late).toBe(25);

    // Penalty invoices: 0.2 % a day of what was paid late, for the 25 days; the January one is total × 0.2 % × 25.
    const penalties = issued.filter((c) => c.kind === 'penalty');
    expect(penalties.map((p) => p.total)).toContain(600); // 0.2 % × 25 days × 120.00 = 6.00, in cents
    // The server's running figure for the January invoice, reported every 7 days overdue until it is paid on day 25.
    const januaryAccrued = of('penalty_accrued').filter((c) => c.invoice === january?.invoice);
    expect(januaryAccrued.map((c) => [c.days_overdue, c.penalty_accrued])).toEqual([
      [7, 168],
      [14, 336],
      [21, 504],
    ]);
    // Every running figure printed is what @prolope/rules gives for that invoice on that day.
    for (const c of of('penalty_accrued')) {
      const inv = issued.find((i) => i.invoice === c.invoice);
      expect(inv, c.invoice).toBeDefined();
      if (inv) expect(c.penalty_accrued, `${c.number} on ${c.date}`).toBe(rulesPenalty(inv.total, inv.due_date, c.date));
    }
    const expectedPenalties = payments
      .map((p) => ({ p, inv: issued.find((i) => i.invoice === p.invoice) }))
      .filter(({ inv }) => inv && inv.kind !== 'penalty')
      .reduce((sum, { p, inv }) => sum + rulesPenalty(p.amount, inv?.due_date ?? p.received_on, p.received_on), 0);
    expect(penalties.reduce((sum, p) => sum + p.total, 0)).toBe(expectedPenalties);

    const summary = records.at(-1) as Record<string, unknown>;
    expect(summary).toMatchObject({
      object: 'billing_simulation_summary',
      from: '2027-01-01',
      through: '2027-02-28',
      days: 59,
      stopped_early: false,
      invoices_issued: issued.length,
      total_billed: issued.reduce((sum, c) => sum + c.total, 0),
      penalties_billed: expectedPenalties,
      paid: payments.reduce((sum, p) => sum + p.amount, 0),
      final_standing: (days.at(-1) as DayRecord).standing,
    });
  });

  test('the readable output has one line per change and the summary', { timeout: 180_000 }, async () => {
    const result = await runCli(['billing', 'simulate', '--plan', plan, '--from', '2027-01-01', '--months', '2', '--pay-late', '25'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(
      /^Simulating 2027-01-01 to 2027-02-28, paying 25 days after each due date: test clock clock_\w+, account acct_\w+ \("Simulation 2027-01-01"\)/,
    );
    expect(out).toMatch(/^2027-01-01 {2}invoice T\d{9} issued: subscription, 120\.00 EUR, due 2027-01-10$/m);
    expect(out).toMatch(/^2027-01-01 {2}invoice T\d{9} issued: setup, 60\.00 EUR, due \d{4}-\d{2}-\d{2}$/m);
    expect(out).toMatch(/^2027-01-\d\d {2}standing: active → past_due$/m);
    expect(out).toMatch(/^2027-01-\d\d {2}standing: past_due → suspended$/m);
    expect(out).toMatch(/^2027-02-04 {2}payment: 120\.00 EUR for invoice T\d{9} \(25 days late\)$/m);
    expect(out).toMatch(/^2027-02-04 {2}standing: suspended → active \(reinstated\)$/m);
    expect(out).toMatch(/^2027-02-\d\d {2}invoice T\d{9} issued: penalty, 6\.00 EUR, due \d{4}-\d{2}-\d{2}$/m);
    expect(out).toMatch(/penalty so far: \d+\.\d\d EUR \(7 days overdue\)/);
    expect(out).toMatch(/^Summary 2027-01-01 to 2027-02-28 \(59 days\): \d+ invoices issued, \d+\.\d\d EUR billed \(penalties \d+\.\d\d EUR\)/m);
    expect(out).toMatch(/^Final standing: \w+\.$/m);
  });

  test('never paying: terminated after 30 days overdue, data deleted 30 days later, and the simulation stops there', { timeout: 180_000 }, async () => {
    const result = await runCli(['billing', 'simulate', '--plan', plan, '--from', '2027-01-01', '--months', '6', '--never-pay', '--json'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const days = records.filter((r) => r.object === 'billing_simulation_day') as unknown as DayRecord[];
    const changes = days.flatMap((d) => d.changes.map((c) => ({ ...c, date: d.date })));
    expect(changes.filter((c) => c.type === 'payment')).toEqual([]);
    const firstDue = changes
      .filter((c): c is Dated<Extract<SimulationChange, { type: 'invoice_issued' }>> => c.type === 'invoice_issued' && c.date === '2027-01-01')
      .map((c) => c.due_date)
      .sort()[0] as string;
    const standing = changes.filter((c) => c.type === 'standing').map((c) => [c.date, (c as { to: string }).to]);
    const terminatedOn = addDays(firstDue, 31);
    expect(standing).toEqual([
      [addDays(firstDue, 1), 'past_due'],
      [addDays(firstDue, 21), 'suspended'],
      [terminatedOn, 'terminated'],
    ]);
    // The termination invoice: one month's fee (terms 13.2) plus the penalty accrued so far on each overdue invoice.
    const issued = changes.filter((c): c is Dated<Extract<SimulationChange, { type: 'invoice_issued' }>> => c.type === 'invoice_issued');
    const accrued = issued
      .filter((c) => c.kind !== 'termination' && c.due_date < terminatedOn)
      .reduce((sum, c) => sum + rulesPenalty(c.total, c.due_date, terminatedOn), 0);
    expect(issued.find((c) => c.kind === 'termination')).toMatchObject({ date: terminatedOn, total: 10000 + accrued, penalties: accrued });
    expect(changes.filter((c) => c.type === 'penalty_accrued' && c.date >= terminatedOn)).toEqual([]);
    const deleted = changes.find((c) => c.type === 'data_deleted');
    expect(deleted?.date).toBe(addDays(terminatedOn, 31));
    expect(days.at(-1)?.date).toBe(deleted?.date);
    expect(records.at(-1)).toMatchObject({
      object: 'billing_simulation_summary',
      stopped_early: true,
      final_standing: 'terminated',
      data_deleted: true,
      paid: 0,
    });
  });
});
