import { Flags } from '@oclif/core';
import { addDays, daysOverdue, isLocalDate, type LocalDate, sofiaInstant } from '@prolope/rules';
import type { Prolope, Schema } from '@prolope/sdk';
import { ApiCommand } from '../api-command.js';
import { CliError } from '../errors.js';
import { writeOut } from '../output.js';
import {
  changeLine,
  type DaySnapshot,
  diffDay,
  formatMoney,
  type InvoiceView,
  type SimulationChange,
  simulationEnd,
  summarize,
  summaryText,
} from './billing-simulate-report.js';

/** The Sofia hour the test clock is parked at each simulated day. */
const CLOCK_HOUR = 8;

/**
 * When the simulated customer pays: `lateDays` days after each due date (0 = on it), or never.
 *
 * @example
 * ```ts
 * const policy: PaymentPolicy = { lateDays: 25 };
 * ```
 */
export type PaymentPolicy = { lateDays: number } | { never: true };

/**
 * The day the simulated customer pays an invoice under `policy`, or null when it never pays.
 *
 * @example
 * ```ts
 * payDay({ due_date: '2027-01-10' }, { lateDays: 25 }); // '2027-02-04'
 * ```
 */
export function payDay(invoice: Pick<InvoiceView, 'due_date'>, policy: PaymentPolicy): LocalDate | null {
  return 'never' in policy ? null : addDays(invoice.due_date, policy.lateDays);
}

function view(inv: Schema<'Invoice'>): InvoiceView {
  return {
    id: inv.id,
    number: inv.number,
    kind: inv.kind,
    status: inv.status,
    currency: inv.currency,
    issue_date: inv.issue_date,
    due_date: inv.due_date,
    total: inv.total,
    amount_due: inv.amount_due,
    overdue_since: inv.overdue_since ?? null,
    days_overdue: inv.days_overdue,
    penalty_accrued: inv.penalty_accrued,
    paid_on: inv.paid_on ?? null,
    penalty_lines: inv.lines.filter((l) => l.kind === 'penalty').reduce((sum, l) => sum + l.amount, 0),
  };
}

/**
 * `prolope billing simulate`: plays a subscription forward day by day on a test clock, with the
 * caller's own key (no operator key): a test clock at `--from` 08:00 Sofia time, a test subaccount on
 * it (the caller's legal entity, so the same VAT case), a subscription to `--plan`, then one advance
 * per day. Each day it pays what the payment policy says is due that day and prints what changed:
 * invoices issued and overdue, the penalty accrued on each overdue invoice once a week (days 7, 14,
 * 21, … overdue, to keep the output short; the exact daily amount is on the invoice), payments,
 * standing changes and data deletion. It stops early once the account is terminated and its data
 * deleted. `--json` prints one JSON line per simulated day, between a start and a summary line.
 *
 * @example
 * ```ts
 * await BillingSimulate.run(['--plan', 'plan_123', '--from', '2027-01-01', '--months', '3', '--pay-late', '25']);
 * ```
 */
export class BillingSimulate extends ApiCommand {
  static override summary = 'Simulate months of billing for a plan on a test clock';
  static override description =
    'Creates a test clock at --from 08:00 Europe/Sofia, a test subaccount attached to it (named "Simulation <date>", legal entity copied from your account, so invoices get your VAT case) and a subscription to --plan (activation protocol signed on --protocol-signed-on, default --from), then advances the clock one day at a time through --months months. Each day the simulated customer pays every invoice in full --pay-late days after its due date (default 0: on the due date; --never-pay: never), and the command prints what changed: invoices issued (number, kind, total, due date), invoices falling overdue, the penalty accrued on each overdue invoice every 7 days overdue, payments, standing (past_due, suspended, reinstated, terminated) and data deletion. It stops early once the account is terminated and its data deleted, and ends with a summary: invoices issued, total billed, penalties billed, final standing. Works with your own key: plans you create are test plans, and you act as Prolope for your test subaccounts. The clock and subaccount stay, so you can look closer afterwards (prolope invoices list --account <id>). With --json: one JSON line for the start, one per simulated day ({date, standing, changes}) and one for the summary.';
  static override examples = [
    '<%= config.bin %> billing simulate --plan plan_123 --from 2027-01-01 --months 3',
    {
      description: 'A customer who pays 25 days late: suspended on day 21 overdue, reinstated when it pays, billed the penalty.',
      command: '<%= config.bin %> billing simulate --plan plan_123 --from 2027-01-01 --months 2 --pay-late 25',
    },
    {
      description: 'A customer who never pays: past_due, suspended, terminated, and its data deleted 30 days later.',
      command: '<%= config.bin %> billing simulate --plan plan_123 --from 2027-01-01 --months 4 --never-pay --json',
    },
  ];
  static override flags = {
    plan: Flags.string({ description: 'The plan to subscribe to (plan_…); a test plan of yours or an operator plan.', required: true }),
    from: Flags.string({ description: 'The first simulated day, YYYY-MM-DD (the clock starts at 08:00 Sofia time).', required: true }),
    months: Flags.integer({ description: 'How many months to simulate (through the day before --from plus this many months).', default: 3, min: 1, max: 24 }),
    'pay-late': Flags.integer({
      description: 'Pay each invoice in full this many days after its due date (0: on the due date, the default).',
      min: 0,
      max: 400,
      exclusive: ['never-pay'],
    }),
    'never-pay': Flags.boolean({ description: 'Never pay: watch the account go past_due, suspended, terminated, deleted.', exclusive: ['pay-late'] }),
    'protocol-signed-on': Flags.string({ description: 'The day the activation protocol is signed, YYYY-MM-DD (default: --from).' }),
  };

  private eventsUnreadable = false;

  async run(): Promise<void> {
    const { flags } = await this.parse(BillingSimulate);
    if (!isLocalDate(flags.from)) throw new CliError('usage_error', `--from must be a date written YYYY-MM-DD, such as 2027-01-01; got "${flags.from}"`);
    const signedOn = flags['protocol-signed-on'] ?? flags.from;
    if (!isLocalDate(signedOn)) {
      throw new CliError('usage_error', `--protocol-signed-on must be a date written YYYY-MM-DD; got "${signedOn}"`);
    }
    const policy: PaymentPolicy = flags['never-pay'] ? { never: true } : { lateDays: flags['pay-late'] ?? 0 };
    const through = simulationEnd(flags.from, flags.months);
    const { client } = this.connect(flags);
    const json = this.jsonEnabled();
    const emit = (record: unknown, text: string | null) => {
      if (json) writeOut(JSON.stringify(record));
      else if (text !== null) writeOut(text);
    };

    const me = await client.accounts.me();
    const name = `Simulation ${flags.from}`;
    const clock = await client.testClocks.create({ name, frozen_time: sofiaInstant(flags.from, CLOCK_HOUR).toISOString() });
    const account = await client.accounts.create({
      name,
      legal_entity: me.legal_entity,
      signatory: { name: me.signatory.name, email: me.signatory.email, confirms_age_18_or_over: true, confirms_authority: true },
      test_clock: clock.id,
    });
    const subscription = await client.subscriptions.create({ account: account.id, plan: flags.plan, protocol_signed_on: signedOn });
    const paying =
      'never' in policy ? 'never paying' : policy.lateDays === 0 ? 'paying on each due date' : `paying ${policy.lateDays} days after each due date`;
    emit(
      {
        object: 'billing_simulation',
        test_clock: clock.id,
        account: account.id,
        subscription: subscription.id,
        plan: flags.plan,
        currency: subscription.currency,
        from: flags.from,
        through,
        protocol_signed_on: signedOn,
        pay_late_days: 'never' in policy ? null : policy.lateDays,
      },
      `Simulating ${flags.from} to ${through}, ${paying}: test clock ${clock.id}, account ${account.id} ("${name}"), ` +
        `subscription ${subscription.id} to ${flags.plan} (${formatMoney(subscription.fee, subscription.currency)} a ${subscription.interval}` +
        `${subscription.setup_fee > 0 ? `, setup ${formatMoney(subscription.setup_fee, subscription.currency)}` : ''}, VAT excluded).`,
    );

    let prev: DaySnapshot = { standing: account.status, invoices: new Map(), dataDeleted: false };
    const paidByUs = new Set<string>();
    let paid = 0;
    let day = flags.from;
    let days = 0;
    let stoppedEarly = false;
    for (; day <= through; day = addDays(day, 1)) {
      days++;
      if (day !== flags.from) await client.testClocks.advance(clock.id, { frozen_time: sofiaInstant(day, CLOCK_HOUR).toISOString() });
      let invoices = await this.invoices(client, account.id);
      const payments: SimulationChange[] = [];
      for (const inv of invoices.values()) {
        const on = payDay(inv, policy);
        if (inv.status !== 'open' || inv.amount_due <= 0 || on === null || on > day || paidByUs.has(inv.id)) continue;
        await client.payments.create({ invoice: inv.id, amount: inv.amount_due, received_on: day, reference: `Simulation ${inv.number}` });
        paidByUs.add(inv.id);
        paid += inv.amount_due;
        const late = daysOverdue(inv.due_date, day);
        payments.push({
          type: 'payment',
          invoice: inv.id,
          number: inv.number,
          amount: inv.amount_due,
          currency: inv.currency,
          received_on: day,
          days_late: late,
        });
      }
      if (payments.length > 0) invoices = await this.invoices(client, account.id);
      const next = await this.snapshot(client, account.id, invoices, prev);
      const changes = diffDay(prev, next, payments);
      const open = [...invoices.values()].filter((i) => i.status === 'open');
      emit(
        {
          object: 'billing_simulation_day',
          date: day,
          standing: next.standing,
          amount_due: open.reduce((sum, i) => sum + i.amount_due, 0),
          penalty_accrued: open.reduce((sum, i) => sum + i.penalty_accrued, 0),
          changes,
        },
        changes.length > 0 ? changes.map((c) => `${day}  ${changeLine(c)}`).join('\n') : null,
      );
      prev = next;
      if (next.standing === 'terminated' && next.dataDeleted) {
        stoppedEarly = day < through;
        break;
      }
    }
    const last = stoppedEarly ? day : through;
    const summary = summarize({ from: flags.from, through: last, days, stoppedEarly, currency: subscription.currency, final: prev, paid });
    emit(summary, `\n${summaryText(summary)}\nLook closer: prolope invoices list --account ${account.id}`);
  }

  /** Every invoice of the simulated account, by id. */
  private async invoices(client: Prolope, accountId: string): Promise<Map<string, InvoiceView>> {
    const out = new Map<string, InvoiceView>();
    for await (const inv of client.invoices.list({ account: accountId, limit: 100 }).autoPaginate({ max: 100_000 })) out.set(inv.id, view(inv));
    return out;
  }

  /**
   * The day's standing and whether the data is gone. Termination is final (terms 13.3), so once the
   * account is terminated only the deletion is watched for, and the account is not read again.
   */
  private async snapshot(client: Prolope, accountId: string, invoices: Map<string, InvoiceView>, prev: DaySnapshot): Promise<DaySnapshot> {
    if (prev.standing === 'terminated') {
      return { standing: 'terminated', invoices, dataDeleted: prev.dataDeleted || (await this.dataDeleted(client, accountId)) };
    }
    const standing = (await client.accounts.retrieve(accountId)).status;
    const dataDeleted = standing === 'terminated' && (await this.dataDeleted(client, accountId));
    return { standing, invoices, dataDeleted };
  }

  /** Whether `account.data_deleted` (sent to the parent, that is the caller) has come for the account. */
  private async dataDeleted(client: Prolope, accountId: string): Promise<boolean> {
    try {
      const page = await client.events.list({ type: 'account.data_deleted', limit: 100 });
      return page.data.some((e) => (e.data as { object?: { id?: string } }).object?.id === accountId);
    } catch (err) {
      // Without events:read the deletion cannot be seen; the rest of the simulation still can.
      if (!this.eventsUnreadable) this.note(`Could not read events, so the data deletion will not show: ${(err as Error).message}`);
      this.eventsUnreadable = true;
      return false;
    }
  }
}
