// The pure half of `prolope billing simulate`: dates, money, what changed from one simulated day to
// the next, and how each change reads. No I/O here, so all of it is unit-tested without a server.
// Dates and amounts go through @prolope/rules, the same rules the server bills with: no copy here.
import { addDays, addMonths, formatAmount, type LocalDate } from '@prolope/rules';

/**
 * The last day a simulation of `months` months starting on `from` covers: the day before the same
 * date `months` months later (`2027-01-01` and 2 months: through `2027-02-28`).
 *
 * @example
 * ```ts
 * simulationEnd('2027-01-01', 3); // '2027-03-31'
 * ```
 */
export function simulationEnd(from: LocalDate, months: number): LocalDate {
  return addDays(addMonths(from, months), -1);
}

/**
 * An amount in minor units with its currency, without floating point: `12345` → `123.45 EUR`.
 *
 * @example
 * ```ts
 * formatMoney(12345, 'EUR'); // '123.45 EUR'
 * formatMoney(-5, 'BGN'); // '-0.05 BGN'
 * ```
 */
export function formatMoney(minor: number, currency: string): string {
  return `${formatAmount(minor)} ${currency}`;
}

/**
 * What the simulation reads of an invoice (`GET /v1/invoices?account=…`).
 *
 * @example
 * ```ts
 * const inv: InvoiceView = { id: 'inv_1', number: 'T000000001', kind: 'setup', status: 'open', currency: 'EUR', issue_date: '2027-01-01', due_date: '2027-01-08', total: 6000, amount_due: 6000, overdue_since: null, days_overdue: 0, penalty_accrued: 0, paid_on: null, penalty_lines: 0 };
 * ```
 */
export interface InvoiceView {
  id: string;
  number: string;
  kind: string;
  status: string;
  currency: string;
  issue_date: string;
  due_date: string;
  total: number;
  amount_due: number;
  overdue_since: string | null;
  days_overdue: number;
  penalty_accrued: number;
  paid_on: string | null;
  /** The sum of the invoice's penalty lines: all of a penalty invoice, part of a termination invoice. */
  penalty_lines: number;
}

/**
 * The simulated account as seen at the end of one day: its standing, its invoices, and whether its
 * data has been deleted (30 days after termination).
 *
 * @example
 * ```ts
 * const start: DaySnapshot = { standing: 'active', invoices: new Map(), dataDeleted: false };
 * ```
 */
export interface DaySnapshot {
  standing: string;
  invoices: ReadonlyMap<string, InvoiceView>;
  dataDeleted: boolean;
}

/**
 * One thing that happened on a simulated day, as printed (a line) and as `--json` records it.
 * `penalty_accrued` appears once a week per overdue invoice (days 7, 14, 21, … overdue), not daily,
 * and not after termination (the termination invoice billed the penalty accrued by then).
 *
 * @example
 * ```ts
 * const change: SimulationChange = { type: 'standing', from: 'active', to: 'past_due' };
 * ```
 */
export type SimulationChange =
  | {
      type: 'invoice_issued';
      invoice: string;
      number: string;
      kind: string;
      total: number;
      penalties: number;
      currency: string;
      issue_date: string;
      due_date: string;
    }
  | { type: 'invoice_overdue'; invoice: string; number: string; amount_due: number; currency: string; due_date: string; overdue_since: string }
  | { type: 'penalty_accrued'; invoice: string; number: string; days_overdue: number; penalty_accrued: number; currency: string }
  | { type: 'payment'; invoice: string; number: string; amount: number; currency: string; received_on: string; days_late: number }
  | { type: 'standing'; from: string; to: string }
  | { type: 'data_deleted' };

/** How often, in days overdue, the penalty accrued so far on an overdue invoice is reported. */
export const PENALTY_REPORT_EVERY_DAYS = 7;

/**
 * What changed between two days: new invoices, invoices that fell overdue, the weekly penalty
 * report of each overdue invoice, then the `payments` the simulation made that day, the standing
 * and data deletion. Payments are passed in because the command makes them; everything else is
 * read off the snapshots.
 *
 * @example
 * ```ts
 * const changes = diffDay(yesterday, today, []);
 * changes.map((c) => c.type); // ['invoice_issued', 'standing']
 * ```
 */
export function diffDay(prev: DaySnapshot, next: DaySnapshot, payments: readonly SimulationChange[]): SimulationChange[] {
  const out: SimulationChange[] = [];
  const invoices = [...next.invoices.values()].sort((a, b) => a.number.localeCompare(b.number));
  for (const inv of invoices) {
    if (prev.invoices.has(inv.id)) continue;
    out.push({
      type: 'invoice_issued',
      invoice: inv.id,
      number: inv.number,
      kind: inv.kind,
      total: inv.total,
      penalties: inv.penalty_lines,
      currency: inv.currency,
      issue_date: inv.issue_date,
      due_date: inv.due_date,
    });
  }
  for (const inv of invoices) {
    const before = prev.invoices.get(inv.id);
    if (inv.overdue_since && !before?.overdue_since && inv.status === 'open' && inv.amount_due > 0) {
      out.push({
        type: 'invoice_overdue',
        invoice: inv.id,
        number: inv.number,
        amount_due: inv.amount_due,
        currency: inv.currency,
        due_date: inv.due_date,
        overdue_since: inv.overdue_since,
      });
    }
  }
  // The termination invoice bills the penalty accrued through the termination date: none is reported after it.
  for (const inv of next.standing === 'terminated' ? [] : invoices) {
    if (inv.status !== 'open' || inv.days_overdue <= 0 || inv.days_overdue % PENALTY_REPORT_EVERY_DAYS !== 0) continue;
    if (inv.penalty_accrued <= 0) continue;
    out.push({
      type: 'penalty_accrued',
      invoice: inv.id,
      number: inv.number,
      days_overdue: inv.days_overdue,
      penalty_accrued: inv.penalty_accrued,
      currency: inv.currency,
    });
  }
  out.push(...payments);
  if (next.standing !== prev.standing) out.push({ type: 'standing', from: prev.standing, to: next.standing });
  if (next.dataDeleted && !prev.dataDeleted) out.push({ type: 'data_deleted' });
  return out;
}

/**
 * One readable line for a change (without the date in front).
 *
 * @example
 * ```ts
 * changeLine({ type: 'standing', from: 'suspended', to: 'active' }); // 'standing: suspended → active (reinstated)'
 * ```
 */
export function changeLine(change: SimulationChange): string {
  switch (change.type) {
    case 'invoice_issued': {
      // A penalty invoice is all penalty; on another (a termination invoice) say how much of it is.
      const part = change.penalties > 0 && change.kind !== 'penalty' ? ` (penalties ${formatMoney(change.penalties, change.currency)})` : '';
      return `invoice ${change.number} issued: ${change.kind}, ${formatMoney(change.total, change.currency)}${part}, due ${change.due_date}`;
    }
    case 'invoice_overdue':
      return `invoice ${change.number} overdue: ${formatMoney(change.amount_due, change.currency)} unpaid after ${change.due_date}`;
    case 'penalty_accrued':
      return `invoice ${change.number} penalty so far: ${formatMoney(change.penalty_accrued, change.currency)} (${change.days_overdue} days overdue)`;
    case 'payment': {
      const when = change.days_late > 0 ? `${change.days_late} days late` : 'on time';
      return `payment: ${formatMoney(change.amount, change.currency)} for invoice ${change.number} (${when})`;
    }
    case 'standing': {
      const reinstated = change.to === 'active' && (change.from === 'past_due' || change.from === 'suspended');
      return `standing: ${change.from} → ${change.to}${reinstated ? ' (reinstated)' : ''}`;
    }
    case 'data_deleted':
      return 'data deleted (30 days after termination; invoices are kept)';
  }
}

/**
 * The totals printed at the end. `penalties_billed` counts the penalty lines of every invoice: penalty
 * invoices, and the penalties a termination invoice bills with the termination fee.
 *
 * @example
 * ```ts
 * const s: SimulationSummary = summarize({ from: '2027-01-01', through: '2027-01-31', currency: 'EUR', days: 31, stoppedEarly: false, final: snapshot, paid: 0 });
 * ```
 */
export interface SimulationSummary {
  object: 'billing_simulation_summary';
  from: string;
  through: string;
  days: number;
  stopped_early: boolean;
  currency: string;
  invoices_issued: number;
  total_billed: number;
  penalties_billed: number;
  paid: number;
  amount_due: number;
  final_standing: string;
  data_deleted: boolean;
}

/**
 * Sums up a finished simulation from its last snapshot (the account is new, so all of its invoices
 * were issued during the simulation) and what it paid.
 *
 * @example
 * ```ts
 * summarize({ from: '2027-01-01', through: '2027-02-28', days: 59, stoppedEarly: false, currency: 'EUR', final, paid: 18000 }).total_billed;
 * ```
 */
export function summarize(input: {
  from: string;
  through: string;
  days: number;
  stoppedEarly: boolean;
  currency: string;
  final: DaySnapshot;
  paid: number;
}): SimulationSummary {
  const invoices = [...input.final.invoices.values()];
  const sum = (list: InvoiceView[], pick: (i: InvoiceView) => number) => list.reduce((acc, i) => acc + pick(i), 0);
  return {
    object: 'billing_simulation_summary',
    from: input.from,
    through: input.through,
    days: input.days,
    stopped_early: input.stoppedEarly,
    currency: input.currency,
    invoices_issued: invoices.length,
    total_billed: sum(invoices, (i) => i.total),
    penalties_billed: sum(invoices, (i) => i.penalty_lines),
    paid: input.paid,
    amount_due: sum(
      invoices.filter((i) => i.status === 'open'),
      (i) => i.amount_due,
    ),
    final_standing: input.final.standing,
    data_deleted: input.final.dataDeleted,
  };
}

/**
 * The summary as text.
 *
 * @example
 * ```ts
 * summaryText(summary); // 'Summary 2027-01-01 to 2027-02-28 (59 days): 5 invoices issued, …'
 * ```
 */
export function summaryText(s: SimulationSummary): string {
  const money = (n: number) => formatMoney(n, s.currency);
  const stopped = s.stopped_early ? ', stopped early: terminated and data deleted' : '';
  return [
    `Summary ${s.from} to ${s.through} (${s.days} days${stopped}): ${s.invoices_issued} invoice${s.invoices_issued === 1 ? '' : 's'} issued, ` +
      `${money(s.total_billed)} billed (penalties ${money(s.penalties_billed)}), ${money(s.paid)} paid, ${money(s.amount_due)} still due.`,
    `Final standing: ${s.final_standing}${s.data_deleted ? ' (data deleted)' : ''}.`,
  ].join('\n');
}
